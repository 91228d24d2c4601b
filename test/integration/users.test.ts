// People's accounts (issue 12, deliverable 5 and the username defect): names unique in any case,
// changing one's own password, an admin resetting, editing and deleting users (never the last
// admin), and every change in the change log without a password in it.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { buildUser, csrfFrom, PASSWORD, signInAs, unique, type SignedIn } from '../helpers/factories';

await useTestEnvironment();
const app = createApp();

/** Signs in through the login form as `username` with `password`; the agent, or null when refused. */
async function login(username: string, password = PASSWORD): Promise<SignedIn | null> {
  const agent = request.agent(app);
  const form = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ username, password, _csrf: csrfFrom(form.text) });
  if (res.status !== 302) return null;
  const home = await agent.get('/');
  const user = await db().user.findFirstOrThrow({ where: { username: { equals: username, mode: 'insensitive' } } });
  return { agent, user, csrf: csrfFrom(home.text) };
}

/** Whether the agent's session is still signed in. */
async function signedIn(who: SignedIn): Promise<boolean> {
  const res = await who.agent.get('/');
  return res.status === 200;
}

async function changesOf(userId: number) {
  return db().changeRecord.findMany({ where: { objectType: 'User', objectId: userId }, orderBy: { id: 'asc' } });
}

describe('usernames', async () => {
  const admin = await signInAs(app, 'admin');

  it('are unique regardless of case, on the form and in the database', async () => {
    const name = unique('Alice');
    await buildUser({ username: name });
    const res = await admin.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: admin.csrf, username: name.toLowerCase(), password: 'x'.repeat(12), role: 'viewer' });
    expect(res.status).toBe(409);
    expect(res.text).toMatch(/is-invalid[^>]*>\s*<div class="invalid-feedback" id="e-username">the username/);
    await expect(buildUser({ username: name.toUpperCase() })).rejects.toThrow();
  });

  it('sign in and are found in any case, the account keeping its name as typed', async () => {
    const name = unique('Bob');
    await buildUser({ username: name });
    const session = await login(name.toUpperCase());
    expect(session).not.toBeNull();
    expect(session!.user.username).toBe(name);
    expect((await session!.agent.get('/')).text).toContain(name);
  });
});

describe('changing your own password', () => {
  it('needs the current password, keeps this session and ends the others', async () => {
    const user = await buildUser({ role: 'viewer' });
    const here = (await login(user.username))!;
    const elsewhere = (await login(user.username))!;
    const form = await here.agent.get('/account/password');
    expect(form.status).toBe(200);
    const wrong = await here.agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: here.csrf, current: 'not it', password: 'a new long password', confirm: 'a new long password' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('this is not your current password');
    const differ = await here.agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: here.csrf, current: PASSWORD, password: 'a new long password', confirm: 'another one!!' });
    expect(differ.text).toContain('the two passwords differ');
    const ok = await here.agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: here.csrf, current: PASSWORD, password: 'a new long password', confirm: 'a new long password' });
    expect(ok.status).toBe(302);
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(elsewhere)).toBe(false);
    expect(await login(user.username)).toBeNull();
    expect(await login(user.username, 'a new long password')).not.toBeNull();
    const [change] = await changesOf(user.id);
    expect(change).toMatchObject({ action: 'update', actorLabel: user.username });
    expect(JSON.stringify(change)).not.toContain('a new long password');
  });
});

describe('an admin', async () => {
  const admin = await signInAs(app, 'admin');

  it('resets a password: the user signs in with the new one, their sessions end', async () => {
    const user = await buildUser({ role: 'operator' });
    const theirs = (await login(user.username))!;
    const page = await admin.agent.get(`/admin/users/${user.id}/password`);
    expect(page.text).toContain(`Reset the password of ${user.username}`);
    const res = await admin.agent
      .post(`/admin/users/${user.id}/password`)
      .type('form')
      .send({ _csrf: admin.csrf, password: 'reset by the admin', confirm: 'reset by the admin' });
    expect(res.status).toBe(302);
    expect(await signedIn(theirs)).toBe(false);
    expect(await signedIn(admin)).toBe(true);
    expect(await login(user.username, 'reset by the admin')).not.toBeNull();
    const changes = await changesOf(user.id);
    expect(changes.map((c) => [c.action, c.actorLabel])).toEqual([['update', admin.user.username]]);
    expect(JSON.stringify(changes)).not.toContain('reset by the admin');
  });

  it('edits a user: name, role, disabled, in the change log with before and after', async () => {
    const user = await buildUser({ role: 'viewer' });
    const form = await admin.agent.get(`/admin/users/${user.id}/edit`);
    expect(form.text).toContain(`value="${user.username}"`);
    const renamed = unique('carol');
    const res = await admin.agent
      .post(`/admin/users/${user.id}`)
      .type('form')
      .send({ _csrf: admin.csrf, username: renamed, role: 'operator', disabled: 'on' });
    expect(res.status).toBe(302);
    expect(await db().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      username: renamed,
      role: 'operator',
      disabled: true,
    });
    const [change] = await changesOf(user.id);
    expect(change).toMatchObject({
      action: 'update',
      before: { username: user.username, role: 'viewer', disabled: false },
      after: { username: renamed, role: 'operator', disabled: true },
    });
  });

  it('deletes a user after a confirmation page, in the change log', async () => {
    const user = await buildUser({ role: 'viewer' });
    const confirm = await admin.agent.get(`/admin/users/${user.id}/delete`);
    expect(confirm.text).toContain(`Delete user ${user.username}?`);
    const list = await admin.agent.get('/admin/users');
    expect(list.text).toContain(`href="/admin/users/${user.id}/delete"`);
    await admin.agent.post(`/admin/users/${user.id}/delete`).type('form').send({ _csrf: admin.csrf });
    expect(await db().user.count({ where: { id: user.id } })).toBe(0);
    const changes = await changesOf(user.id);
    expect(changes.map((c) => [c.action, c.objectLabel])).toEqual([['delete', user.username]]);
  });

  it('never removes the last enabled admin: no demotion, no disabling, no deletion', async () => {
    const last = await signInAs(app, 'admin');
    const other = await buildUser({ role: 'admin' });
    await db().user.updateMany({
      where: { role: 'admin', id: { notIn: [last.user.id, other.id] } },
      data: { disabled: true },
    });
    // Two admins: one may go.
    const demoted = await last.agent
      .post(`/admin/users/${other.id}`)
      .type('form')
      .send({ _csrf: last.csrf, username: other.username, role: 'viewer' });
    expect(demoted.status).toBe(302);
    // Now `last` is the only one; acting on itself is refused too, and no other admin can act.
    await db().user.update({ where: { id: other.id }, data: { role: 'admin' } });
    await db().user.update({ where: { id: last.user.id }, data: { disabled: false } });
    await db().user.update({ where: { id: other.id }, data: { disabled: true } });
    const self = await last.agent
      .post(`/admin/users/${last.user.id}`)
      .type('form')
      .send({ _csrf: last.csrf, username: last.user.username, role: 'viewer' });
    expect(self.status).toBe(409);
    const { deleteUser, updateUser } = await import('../../src/auth/manageUsers');
    const actor = { id: other.id, username: other.username };
    await expect(updateUser({ id: last.user.id, patch: { role: 'operator' }, actor })).rejects.toThrow(
      /last enabled admin/,
    );
    await expect(updateUser({ id: last.user.id, patch: { disabled: true }, actor })).rejects.toThrow(
      /last enabled admin/,
    );
    await expect(deleteUser({ id: last.user.id, actor })).rejects.toThrow(/last enabled admin/);
    expect(await db().user.findUniqueOrThrow({ where: { id: last.user.id } })).toMatchObject({
      role: 'admin',
      disabled: false,
    });
  });

  it('creates users into the change log', async () => {
    const admin = await signInAs(app, 'admin');
    const name = unique('dave');
    await admin.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: admin.csrf, username: name, password: 'a long password', role: 'viewer' });
    const user = await db().user.findUniqueOrThrow({ where: { username: name } });
    const [change] = await changesOf(user.id);
    expect(change).toMatchObject({ action: 'create', after: { username: name, role: 'viewer', disabled: false } });
    expect(JSON.stringify(change)).not.toContain('a long password');
  });
});
