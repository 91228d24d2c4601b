import { randomBytes } from 'node:crypto';
import { db, type User } from '../db';
import { log } from '../log';
import { hashPassword, verifyPassword } from './passwords';

/** The user for these credentials, or null (unknown user, wrong password or disabled). */
export async function authenticate(username: string, password: string): Promise<User | null> {
  const user = await db().user.findUnique({ where: { username } });
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !ok || user.disabled) return null;
  return user;
}

/**
 * Creates the first admin when there is no user at all: from ADMIN_USERNAME/ADMIN_PASSWORD,
 * or, in development, with a generated password printed once.
 */
export async function ensureFirstAdmin(opts: { username: string; password?: string; env: string }): Promise<void> {
  if ((await db().user.count()) > 0) return;
  let password = opts.password;
  if (password && password.length < 12)
    log.warn("ADMIN_PASSWORD is shorter than 12 characters; change the first admin's password after logging in", {
      username: opts.username,
    });
  if (!password) {
    if (opts.env === 'production')
      throw new Error('ADMIN_PASSWORD is required to create the first admin (no user exists yet)');
    password = randomBytes(12).toString('base64url');
    // Printed on purpose, once: the only way to learn a generated first password.
    process.stdout.write(
      `\n  First admin created: username "${opts.username}", password "${password}"\n  (change it after logging in)\n\n`,
    );
  }
  await db().user.create({
    data: { username: opts.username, passwordHash: await hashPassword(password), role: 'admin' },
  });
  log.info('first admin created', { username: opts.username });
}
