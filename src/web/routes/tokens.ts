import { Router } from 'express';
import { z } from 'zod';
import { canWrite } from '../../auth/permissions';
import { createToken } from '../../auth/tokens';
import { authenticate } from '../../auth/users';
import { recordChange } from '../../audit';
import { db, type User } from '../../db';
import { NotFound, Unauthorized, ValidationError } from '../../errors';
import { can, open, signedIn } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { IdParams, authed, parseInput, validate } from '../validate';
import { loginAllowed, loginSucceeded } from './auth';

const One = { params: IdParams };

export const pages = Router();
export const api = Router();

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

export const TokenInput = z.object({
  name: z.string().trim().min(1, 'a name is required').max(100),
  writeEnabled: checkbox.default(false),
  expiresAt: z
    .preprocess((v) => (v === '' ? undefined : v), z.coerce.date({ error: 'expected a date (YYYY-MM-DD)' }).optional())
    .refine((d) => !d || d > new Date(), 'the expiry must be in the future'),
});

export const ProvisionInput = z.object({
  username: z.string().min(1, 'required'),
  password: z.string().min(1, 'required'),
  name: z.string().trim().min(1).max(100).default('provisioned'),
  // Read-only unless asked otherwise (and only a role that can write may ask).
  writeEnabled: z.boolean().default(false),
});

function present(t: {
  id: number;
  name: string;
  prefix: string;
  writeEnabled: boolean;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}) {
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

/** A token for a user: write access only for a role that can write; the change is logged (never the token). */
async function issueToken(
  user: Pick<User, 'id' | 'username' | 'role'>,
  input: { name: string; writeEnabled: boolean; expiresAt?: Date },
) {
  if (input.writeEnabled && !canWrite(user.role))
    throw new ValidationError({ writeEnabled: `a ${user.role}'s tokens are read-only: the role cannot write` });
  const created = await createToken({ userId: user.id, ...input });
  await recordChange({
    user,
    action: 'create',
    objectType: 'ApiToken',
    objectId: created.record.id,
    objectLabel: `${user.username}/${created.record.name}`,
    after: present(created.record),
  });
  return created;
}

/** Revokes one of the user's own tokens, logged. */
async function revokeToken(user: Pick<User, 'id' | 'username'>, id: number): Promise<void> {
  const token = await db().apiToken.findFirst({ where: { id, userId: user.id } });
  if (!token) throw new NotFound('token');
  await db().apiToken.delete({ where: { id: token.id } });
  await recordChange({
    user,
    action: 'delete',
    objectType: 'ApiToken',
    objectId: token.id,
    objectLabel: `${user.username}/${token.name}`,
    before: present(token),
  });
}

function ownTokens(userId: number) {
  return db().apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
}

pages.get(
  '/',
  can('view', 'token'),
  authed(async (req, res) => {
    res.render('tokens/list.njk', {
      tokens: await ownTokens(req.user.id),
      values: { writeEnabled: false },
      errors: {},
      canWrite: canWrite(req.user.role),
    });
  }),
);

pages.post(
  '/',
  can('add', 'token'),
  authed(async (req, res) => {
    let created;
    try {
      created = await issueToken(req.user, parseInput(TokenInput, req.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const tokens = await ownTokens(req.user.id);
      return res
        .status(400)
        .render('tokens/list.njk', { tokens, values: req.body, errors: err.fields, canWrite: canWrite(req.user.role) });
    }
    const tokens = await ownTokens(req.user.id);
    // Shown once, in this response only: it is not stored and cannot be shown again.
    res.setHeader('Cache-Control', 'no-store');
    res.render('tokens/list.njk', {
      tokens,
      created: { token: created.token, name: created.record.name },
      values: {},
      errors: {},
      canWrite: canWrite(req.user.role),
    });
  }),
);

pages.get(
  '/:id/delete',
  can('delete', 'token'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    const token = await db().apiToken.findFirst({ where: { id: req.params.id, userId: req.user.id } });
    if (!token) throw new NotFound('token');
    res.render('confirm.njk', {
      title: `Revoke token ${token.name}?`,
      message: `Programs using the token ${token.prefix}… lose access at once. This cannot be undone.`,
      action: `/admin/tokens/${token.id}/delete`,
      button: 'Revoke token',
      cancel: '/admin/tokens',
    });
  }),
);

pages.post(
  '/:id/delete',
  can('delete', 'token'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    await revokeToken(req.user, req.params.id);
    flash(req, 'success', 'Token revoked.');
    res.redirect('/admin/tokens');
  }),
);

api.get(
  '/me',
  signedIn,
  authed((req, res) => {
    const u = req.user;
    res.json({ id: u.id, username: u.username, role: u.role, token: req.token ? present(req.token) : null });
  }),
);

api.get(
  '/tokens',
  can('view', 'token'),
  authed(async (req, res) => {
    const tokens = await db().apiToken.findMany({ where: { userId: req.user.id }, orderBy: { createdAt: 'desc' } });
    res.json({ items: tokens.map(present) });
  }),
);

// NetBox's provisioning endpoint: trade a username and password for a token.
api.post('/tokens/provision', open, async (req, res) => {
  const input = parseInput(ProvisionInput, req.body);
  await loginAllowed(req.ip ?? '', input.username);
  const user = await authenticate(input.username, input.password);
  if (!user) throw new Unauthorized('wrong username or password, or the account is disabled');
  await loginSucceeded(req.ip ?? '', input.username);
  const { token, record } = await issueToken(user, input);
  res.setHeader('Cache-Control', 'no-store');
  res.status(201).json({ ...present(record), token, user: { id: user.id, username: user.username, role: user.role } });
});

api.delete(
  '/tokens/:id',
  can('delete', 'token'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    await revokeToken(req.user, req.params.id);
    res.status(204).end();
  }),
);
