import { Router } from 'express';
import { z } from 'zod';
import { createToken } from '../../auth/tokens';
import { authenticate } from '../../auth/users';
import { db } from '../../db';
import { NotFound, Unauthorized } from '../../errors';
import { can, open, signedIn } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { parseInput } from '../validate';
import { loginAllowed, loginSucceeded } from './auth';

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
  // As NetBox's tokens: write-enabled unless asked otherwise.
  writeEnabled: z.boolean().default(true),
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

pages.get('/', can('view', 'token'), async (req, res) => {
  const tokens = await db().apiToken.findMany({ where: { userId: req.user!.id }, orderBy: { createdAt: 'desc' } });
  res.render('tokens/list.njk', { tokens, values: { writeEnabled: true }, errors: {} });
});

pages.post('/', can('add', 'token'), async (req, res) => {
  const input = TokenInput.safeParse(req.body);
  if (!input.success) {
    const tokens = await db().apiToken.findMany({ where: { userId: req.user!.id }, orderBy: { createdAt: 'desc' } });
    const errors = Object.fromEntries(input.error.issues.map((i) => [i.path.join('.'), i.message]));
    return res.status(400).render('tokens/list.njk', { tokens, values: req.body, errors });
  }
  const { token, record } = await createToken({ userId: req.user!.id, ...input.data });
  const tokens = await db().apiToken.findMany({ where: { userId: req.user!.id }, orderBy: { createdAt: 'desc' } });
  // Shown once, in this response only: it is not stored and cannot be shown again.
  res.setHeader('Cache-Control', 'no-store');
  res.render('tokens/list.njk', { tokens, created: { token, name: record.name }, values: {}, errors: {} });
});

pages.post('/:id/delete', can('delete', 'token'), async (req, res) => {
  const { count } = await db().apiToken.deleteMany({ where: { id: Number(req.params.id) || 0, userId: req.user!.id } });
  if (!count) throw new NotFound('token');
  flash(req, 'success', 'Token revoked.');
  res.redirect('/admin/tokens');
});

api.get('/me', signedIn, (req, res) => {
  const u = req.user!;
  res.json({ id: u.id, username: u.username, role: u.role, token: req.token ? present(req.token) : null });
});

api.get('/tokens', can('view', 'token'), async (req, res) => {
  const tokens = await db().apiToken.findMany({ where: { userId: req.user!.id }, orderBy: { createdAt: 'desc' } });
  res.json({ items: tokens.map(present) });
});

// NetBox's provisioning endpoint: trade a username and password for a token.
api.post('/tokens/provision', open, async (req, res) => {
  const input = parseInput(ProvisionInput, req.body);
  await loginAllowed(req.ip ?? '', input.username);
  const user = await authenticate(input.username, input.password);
  if (!user) throw new Unauthorized('wrong username or password, or the account is disabled');
  await loginSucceeded(req.ip ?? '', input.username);
  const { token, record } = await createToken({ userId: user.id, name: input.name, writeEnabled: input.writeEnabled });
  res.setHeader('Cache-Control', 'no-store');
  res.status(201).json({ ...present(record), token, user: { id: user.id, username: user.username, role: user.role } });
});

api.delete('/tokens/:id', can('delete', 'token'), async (req, res) => {
  const { count } = await db().apiToken.deleteMany({ where: { id: Number(req.params.id) || 0, userId: req.user!.id } });
  if (!count) throw new NotFound('token');
  res.status(204).end();
});
