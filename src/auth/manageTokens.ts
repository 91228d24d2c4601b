// API tokens: a user's own tokens, issued (from the tokens page, or for a username and password
// at provisioning) and revoked. Every change goes into the change log, never the token itself.
import { z } from 'zod';
import { recordChange } from '../audit';
import { db, type ApiToken, type User } from '../db';
import { NotFound, Unauthorized, ValidationError } from '../errors';
import { loginAllowed, loginSucceeded } from './loginLimit';
import { canWrite } from './permissions';
import { createToken } from './tokens';
import { authenticate } from './users';

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

/** A token asked for on the tokens page. */
export const TokenInput = z.object({
  name: z.string().trim().min(1, 'a name is required').max(100),
  writeEnabled: checkbox.default(false),
  expiresAt: z
    .preprocess((v) => (v === '' ? undefined : v), z.coerce.date({ error: 'expected a date (YYYY-MM-DD)' }).optional())
    .refine((d) => !d || d > new Date(), 'the expiry must be in the future'),
});

/** NetBox's provisioning: a username and a password traded for a token. */
export const ProvisionInput = z.object({
  username: z.string().min(1, 'required'),
  password: z.string().min(1, 'required'),
  name: z.string().trim().min(1).max(100).default('provisioned'),
  // Read-only unless asked otherwise (and only a role that can write may ask).
  writeEnabled: z.boolean().default(false),
});

type Actor = Pick<User, 'id' | 'username' | 'role'>;

/** What the API and the change log show of a token: never its hash. */
export function presentToken(t: Omit<ApiToken, 'tokenHash' | 'userId'>) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    writeEnabled: t.writeEnabled,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    createdAt: t.createdAt,
  };
}

/** The user's own tokens, newest first. */
export function ownTokens(userId: number) {
  return db().apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
}

/** One of the user's own tokens, or NotFound (another user's token is not found either). */
export async function loadOwnToken(user: Pick<User, 'id'>, id: number): Promise<ApiToken> {
  const token = await db().apiToken.findFirst({ where: { id, userId: user.id } });
  if (!token) throw new NotFound('token');
  return token;
}

/** A token for a user: write access only for a role that can write; the change is logged (never the token). */
export async function issueToken(user: Actor, input: { name: string; writeEnabled: boolean; expiresAt?: Date }) {
  if (input.writeEnabled && !canWrite(user.role))
    throw new ValidationError({ writeEnabled: `a ${user.role}'s tokens are read-only: the role cannot write` });
  const created = await createToken({ userId: user.id, ...input });
  await recordChange({
    user,
    action: 'create',
    objectType: 'ApiToken',
    objectId: created.record.id,
    objectLabel: `${user.username}/${created.record.name}`,
    after: presentToken(created.record),
  });
  return created;
}

/** A token for whoever proves a username and password, under the login limit (a 429 past it, a 401 for wrong ones). */
export async function provisionToken(ip: string, input: z.output<typeof ProvisionInput>) {
  await loginAllowed(ip, input.username);
  const user = await authenticate(input.username, input.password);
  if (!user) throw new Unauthorized('wrong username or password, or the account is disabled');
  await loginSucceeded(ip, input.username);
  return { user, ...(await issueToken(user, input)) };
}

/** Revokes one of the user's own tokens, logged. */
export async function revokeToken(user: Pick<User, 'id' | 'username'>, id: number): Promise<void> {
  const token = await loadOwnToken(user, id);
  await db().apiToken.delete({ where: { id: token.id } });
  await recordChange({
    user,
    action: 'delete',
    objectType: 'ApiToken',
    objectId: token.id,
    objectLabel: `${user.username}/${token.name}`,
    before: presentToken(token),
  });
}
