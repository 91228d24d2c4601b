import { createHash, randomBytes } from 'node:crypto';
import { db, type ApiToken, type User } from '../db';
import { registerSecret } from '../secrets/redact';

const PREFIX = 'hhfm_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token; the plain token is returned once and only its hash is stored. */
export async function createToken(props: {
  userId: number;
  name: string;
  writeEnabled: boolean;
  expiresAt?: Date | null;
}): Promise<{ token: string; record: ApiToken }> {
  const token = PREFIX + randomBytes(24).toString('base64url');
  registerSecret(token);
  const record = await db().apiToken.create({
    data: {
      userId: props.userId,
      name: props.name,
      writeEnabled: props.writeEnabled,
      expiresAt: props.expiresAt ?? null,
      tokenHash: hashToken(token),
      prefix: token.slice(0, PREFIX.length + 6),
    },
  });
  return { token, record };
}

/** The token and its owner for a bearer value, or null when unknown, expired or the owner is disabled. */
export async function findToken(token: string): Promise<(ApiToken & { user: User }) | null> {
  if (!token.startsWith(PREFIX)) return null;
  const record = await db().apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!record || record.user.disabled || (record.expiresAt && record.expiresAt < new Date())) return null;
  // Written at most once a minute: "last used" needs no more precision than that.
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  return record;
}
