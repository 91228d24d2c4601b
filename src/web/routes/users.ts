import { Router, type Response } from 'express';
import { changeOwnPassword, createUser, deleteUser, loadUser, resetPassword, updateUser } from '../../auth/manageUsers';
import { ChangePasswordInput, EditUserInput, NewUserInput, ResetPasswordInput } from '../../auth/userSchema';
import { db } from '../../db';
import { form, type FormAgain } from '../forms';
import { can, signedIn } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { IdParams, authed, validate, type Req } from '../validate';

/** People's accounts (/admin/users). */
export const pages = Router();
/** The signed-in user's own account (/account). */
export const account = Router();

const One = { params: IdParams };
const NewUser = { body: NewUserInput, form: true };
const EditUser = { params: IdParams, body: EditUserInput, form: true };
const ResetPassword = { params: IdParams, body: ResetPasswordInput, form: true };
const ChangePassword = { body: ChangePasswordInput, form: true };

pages.get('/', can('view', 'user'), authed(usersPage));
pages.post('/', can('add', 'user'), validate(NewUser), authed(form(addUser, usersPage)));
pages.get('/:id/edit', can('change', 'user'), validate(One), authed(editUserPage));
pages.post('/:id', can('change', 'user'), validate(EditUser), authed(form(changeUser, editUserPage)));
pages.get('/:id/password', can('change', 'user'), validate(One), authed(resetPasswordPage));
pages.post(
  '/:id/password',
  can('change', 'user'),
  validate(ResetPassword),
  authed(form(resetUserPassword, resetPasswordPage)),
);
pages.get('/:id/delete', can('delete', 'user'), validate(One), authed(confirmRemoveUser));
pages.post('/:id/delete', can('delete', 'user'), validate(One), authed(removeUser));

account.get('/password', signedIn, authed(changePasswordPage));
account.post('/password', signedIn, validate(ChangePassword), authed(form(changePassword, changePasswordPage)));

// Each form's page shows it first (`again` undefined) and again with the messages of a refused save.

async function usersPage(_req: Req, res: Response, again?: FormAgain) {
  const users = await db().user.findMany({
    orderBy: { username: 'asc' },
    include: { _count: { select: { tokens: true } } },
  });
  res
    .status(again?.status ?? 200)
    .render('users/list.njk', { users, values: again?.values ?? {}, errors: again?.errors ?? {} });
}

async function addUser(req: Req<typeof NewUser>, res: Response) {
  const user = await createUser({ input: req.body, actor: req.user });
  flash(req, 'success', `User ${user.username} created.`);
  res.redirect('/admin/users');
}

async function editUserPage(req: Req<typeof One>, res: Response, again?: FormAgain) {
  const user = await loadUser(req.params.id);
  res
    .status(again?.status ?? 200)
    .render('users/form.njk', { subject: user, values: again?.values ?? user, errors: again?.errors ?? {} });
}

async function changeUser(req: Req<typeof EditUser>, res: Response) {
  const saved = await updateUser({ id: req.params.id, patch: req.body, actor: req.user });
  flash(req, 'success', `User ${saved.username} updated.`);
  res.redirect('/admin/users');
}

async function resetPasswordPage(req: Req<typeof One>, res: Response, again?: FormAgain) {
  const subject = await loadUser(req.params.id);
  res.status(again?.status ?? 200).render('users/password.njk', { subject, errors: again?.errors ?? {} });
}

async function resetUserPassword(req: Req<typeof ResetPassword>, res: Response) {
  const user = await loadUser(req.params.id);
  await resetPassword({ id: user.id, password: req.body.password, actor: req.user });
  if (user.id === req.user.id) req.session.epoch = user.sessionEpoch + 1;
  flash(req, 'success', `Password of ${user.username} reset; their sessions have ended.`);
  res.redirect('/admin/users');
}

async function confirmRemoveUser(req: Req<typeof One>, res: Response) {
  const user = await loadUser(req.params.id);
  res.render('confirm.njk', {
    title: `Delete user ${user.username}?`,
    message: `${user.username} can no longer sign in, and their API tokens stop working. The change log and sync history keep their name.`,
    action: `/admin/users/${user.id}/delete`,
    button: 'Delete user',
    cancel: '/admin/users',
  });
}

async function removeUser(req: Req<typeof One>, res: Response) {
  const user = await deleteUser({ id: req.params.id, actor: req.user });
  flash(req, 'success', `User ${user.username} deleted.`);
  res.redirect('/admin/users');
}

function changePasswordPage(_req: Req, res: Response, again?: FormAgain) {
  res.status(again?.status ?? 200).render('users/changePassword.njk', { errors: again?.errors ?? {} });
}

async function changePassword(req: Req<typeof ChangePassword>, res: Response) {
  const { current, password } = req.body;
  // This session stays signed in; every other one ends.
  req.session.epoch = await changeOwnPassword({ user: req.user, current, password });
  flash(req, 'success', 'Password changed. Your other sessions have ended.');
  res.redirect('/');
}
