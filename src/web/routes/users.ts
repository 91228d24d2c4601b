import { Router, type Response } from 'express';
import { z } from 'zod';
import { changeOwnPassword, createUser, deleteUser, resetPassword, updateUser } from '../../auth/manageUsers';
import { db, type User } from '../../db';
import { NotFound } from '../../errors';
import { handleForm } from '../forms';
import { can, signedIn } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { IdParams, authed, parseInput, validate } from '../validate';

const One = { params: IdParams };

export const pages = Router();
/** The signed-in user's own account (/account). */
export const account = Router();

const role = z.enum(['admin', 'operator', 'viewer'], { error: 'choose admin, operator or viewer' });
const username = z
  .string()
  .trim()
  .regex(/^[\w.@+-]{1,150}$/, 'letters, digits and @ . + - _ only (at most 150)');
const password = z.string().min(12, 'at least 12 characters').max(1024);
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

export const NewUserInput = z.object({ username, password, role });
export const EditUserInput = z.object({ username: username.optional(), role, disabled: checkbox });
/** A new password typed twice. */
const NewPassword = z
  .object({ password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], error: 'the two passwords differ' });
export const ResetPasswordInput = NewPassword;
export const ChangePasswordInput = z
  .object({ current: z.string().min(1, 'required'), password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], error: 'the two passwords differ' });

async function renderList(res: Response, extra: object = {}, status = 200) {
  const users = await db().user.findMany({
    orderBy: { username: 'asc' },
    include: { _count: { select: { tokens: true } } },
  });
  res.status(status).render('users/list.njk', { users, values: {}, errors: {}, ...extra });
}

async function load(id: unknown): Promise<User> {
  const user = await db().user.findUnique({ where: { id: Number(id) || 0 } });
  if (!user) throw new NotFound('user');
  return user;
}

pages.get(
  '/',
  can('view', 'user'),
  authed((_req, res) => renderList(res)),
);

pages.post(
  '/',
  can('add', 'user'),
  authed((req, res) =>
    handleForm(
      req,
      async () => {
        const user = await createUser({ input: parseInput(NewUserInput, req.body), actor: req.user });
        flash(req, 'success', `User ${user.username} created.`);
        res.redirect('/admin/users');
      },
      (values, errors, status) => renderList(res, { values, errors }, status),
    ),
  ),
);

pages.get(
  '/:id/edit',
  can('change', 'user'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    const user = await load(req.params.id);
    res.render('users/form.njk', { subject: user, values: user, errors: {} });
  }),
);

pages.post(
  '/:id',
  can('change', 'user'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    const user = await load(req.params.id);
    await handleForm(
      req,
      async () => {
        const saved = await updateUser({ id: user.id, patch: parseInput(EditUserInput, req.body), actor: req.user });
        flash(req, 'success', `User ${saved.username} updated.`);
        res.redirect('/admin/users');
      },
      (values, errors, status) => res.status(status).render('users/form.njk', { subject: user, values, errors }),
    );
  }),
);

pages.get(
  '/:id/password',
  can('change', 'user'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    res.render('users/password.njk', { subject: await load(req.params.id), errors: {} });
  }),
);

pages.post(
  '/:id/password',
  can('change', 'user'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    const user = await load(req.params.id);
    await handleForm(
      req,
      async () => {
        const input = parseInput(ResetPasswordInput, req.body);
        await resetPassword({ id: user.id, password: input.password, actor: req.user });
        if (user.id === req.user.id) req.session.epoch = user.sessionEpoch + 1;
        flash(req, 'success', `Password of ${user.username} reset; their sessions have ended.`);
        res.redirect('/admin/users');
      },
      (_values, errors, status) => res.status(status).render('users/password.njk', { subject: user, errors }),
    );
  }),
);

pages.get(
  '/:id/delete',
  can('delete', 'user'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    const user = await load(req.params.id);
    res.render('confirm.njk', {
      title: `Delete user ${user.username}?`,
      message: `${user.username} can no longer sign in, and their API tokens stop working. The change log and sync history keep their name.`,
      action: `/admin/users/${user.id}/delete`,
      button: 'Delete user',
      cancel: '/admin/users',
    });
  }),
);

pages.post(
  '/:id/delete',
  can('delete', 'user'),
  validate(One),
  authed<typeof One>(async (req, res) => {
    const user = await deleteUser({ id: (await load(req.params.id)).id, actor: req.user });
    flash(req, 'success', `User ${user.username} deleted.`);
    res.redirect('/admin/users');
  }),
);

account.get(
  '/password',
  signedIn,
  authed((_req, res) => res.render('users/changePassword.njk', { errors: {} })),
);

account.post(
  '/password',
  signedIn,
  authed(async (req, res) => {
    await handleForm(
      req,
      async () => {
        const input = parseInput(ChangePasswordInput, req.body);
        const epoch = await changeOwnPassword({ user: req.user, current: input.current, password: input.password });
        // This session stays signed in; every other one ends.
        req.session.epoch = epoch;
        flash(req, 'success', 'Password changed. Your other sessions have ended.');
        res.redirect('/');
      },
      (_values, errors, status) => res.status(status).render('users/changePassword.njk', { errors }),
    );
  }),
);
