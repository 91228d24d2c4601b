import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { buildUser, csrfFrom, PASSWORD, signInAs, tokenFor } from '../helpers/factories';
import { logLines, useTestEnvironment } from '../helpers/env';

await useTestEnvironment();
const app = createApp();

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('hhfm.sid='));
}

describe('login and logout', () => {
  it('redirects an anonymous page request to /login and answers the API with 401 JSON', async () => {
    const page = await request(app).get('/fabrics');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/login?next=%2Ffabrics');
    const api = await request(app).get('/api/v1/fabrics');
    expect(api.status).toBe(401);
    expect(api.headers['content-type']).toMatch(/json/);
    expect(api.body).toEqual({ error: { code: 'unauthorized', message: 'authentication required', details: null } });
  });

  it('logs in with a new session id, a httpOnly SameSite=Lax cookie, and logs out', async () => {
    const user = await buildUser({ role: 'operator' });
    const agent = request.agent(app);
    const form = await agent.get('/login');
    // The form needs no session (its CSRF token lives in a cookie of its own).
    expect(sessionCookie(form)).toBeUndefined();
    const res = await agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(form.text), next: '/admin/tokens' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/admin/tokens');
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain(user.username);
    const out = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(out.headers.location).toBe('/login');
    expect((await agent.get('/')).status).toBe(302);
  });

  it('refuses a wrong password and a disabled user with the same message', async () => {
    const user = await buildUser({ disabled: true });
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const wrong = await agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password: 'nope', _csrf: csrfFrom(form.text) });
    expect(wrong.status).toBe(401);
    const disabled = await agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(form.text) });
    expect(disabled.status).toBe(401);
    expect(disabled.text).toContain('Wrong username or password, or the account is disabled.');
  });

  it('refuses a login without the CSRF token', async () => {
    const user = await buildUser();
    const agent = request.agent(app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ username: user.username, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.text).toContain('missing or invalid CSRF token');
  });

  it('limits failed logins per address and username', async () => {
    const user = await buildUser();
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const csrf = csrfFrom(form.text);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await agent.post('/login').type('form').send({ username: user.username, password: 'bad', _csrf: csrf }))
          .status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const right = await agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrf });
    expect(right.status).toBe(429);
  });

  it('never redirects off-site after login', async () => {
    const user = await buildUser();
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(form.text), next: '//evil.example/' });
    expect(res.headers.location).toBe('/');
  });
});

describe('CSRF on session requests', () => {
  it('refuses a state-changing request of a session without the token, and accepts it with the header', async () => {
    const { agent, csrf } = await signInAs(app, 'admin');
    const without = await agent.post('/api/v1/repositories').send({ name: 'x', url: 'https://example.com/x.git' });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    const withHeader = await agent
      .post('/api/v1/repositories')
      .set('X-CSRF-Token', csrf)
      .send({ name: 'csrf-ok', url: 'https://example.com/x.git' });
    expect(withHeader.status).toBe(201);
  });
});

describe('API tokens', () => {
  let admin: Awaited<ReturnType<typeof buildUser>>;
  beforeAll(async () => {
    admin = await buildUser({ role: 'admin' });
  });

  it('provisions a token with a password, and /me answers who holds it', async () => {
    const res = await request(app)
      .post('/api/v1/tokens/provision')
      .send({ username: admin.username, password: PASSWORD, name: 'ci', writeEnabled: true });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^hhfm_/);
    const me = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: admin.username, role: 'admin', token: { writeEnabled: true } });
    const stored = await db().apiToken.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.tokenHash).not.toContain(res.body.token);
    expect(JSON.stringify(stored)).not.toContain(res.body.token);
    expect(logLines.join('\n')).not.toContain(res.body.token);
  });

  it('answers a wrong password with 401 JSON', async () => {
    const res = await request(app)
      .post('/api/v1/tokens/provision')
      .send({ username: admin.username, password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('refuses unknown, expired and revoked tokens, and read-only tokens on writes', async () => {
    expect((await request(app).get('/api/v1/me').set('Authorization', 'Bearer hhfm_nope')).status).toBe(401);
    const { token, user } = await tokenFor('admin', false);
    expect((await request(app).get('/api/v1/fabrics').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const write = await request(app)
      .post('/api/v1/repositories')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'ro', url: 'https://example.com/x.git' });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toBe('this API token is read-only');
    await db().apiToken.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    const { token: t2, user: u2 } = await tokenFor('viewer');
    await db().apiToken.deleteMany({ where: { userId: u2.id } });
    expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${t2}`)).status).toBe(401);
  });

  it('creates a token on the tokens page, shows it once, and revokes it', async () => {
    const { agent, csrf } = await signInAs(app, 'viewer');
    const created = await agent.post('/admin/tokens').type('form').send({ name: 'laptop', _csrf: csrf });
    expect(created.status).toBe(200);
    const token = /value="(hhfm_[^"]+)"/.exec(created.text)![1]!;
    expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const list = await agent.get('/admin/tokens');
    expect(list.text).not.toContain(token);
    const id = /href="\/admin\/tokens\/(\d+)\/delete"/.exec(list.text)![1];
    await agent.post(`/admin/tokens/${id}/delete`).type('form').send({ _csrf: csrf });
    expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });
});

describe('roles', () => {
  it('gives a viewer 403 on admin pages and on state-changing routes', async () => {
    const { agent, csrf } = await signInAs(app, 'viewer');
    expect((await agent.get('/admin/users')).status).toBe(403);
    expect(
      (
        await agent
          .post('/admin/users')
          .type('form')
          .send({ _csrf: csrf, username: 'x', password: 'y'.repeat(12), role: 'admin' })
      ).status,
    ).toBe(403);
    expect((await agent.post('/api/v1/fabrics').set('X-CSRF-Token', csrf).send({})).status).toBe(403);
  });

  it('lets an admin create a user, change the role and disable the user', async () => {
    const { agent, csrf } = await signInAs(app, 'admin');
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: csrf, username: 'new-operator', password: 'a-long-password', role: 'operator' });
    expect(res.status).toBe(302);
    const user = await db().user.findUniqueOrThrow({ where: { username: 'new-operator' } });
    expect(user.role).toBe('operator');
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    await agent.post(`/admin/users/${user.id}`).type('form').send({ _csrf: csrf, role: 'viewer', disabled: 'on' });
    expect(await db().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      role: 'viewer',
      disabled: true,
    });
    const page = await agent.get('/admin/users');
    expect(page.text).toContain('User new-operator updated.');
  });

  it('shows a form error next to the field for a short password', async () => {
    const { agent, csrf } = await signInAs(app, 'admin');
    const res = await agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: csrf, username: 'shorty', password: 'short', role: 'viewer' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('at least 12 characters');
    expect(res.text).not.toContain('value="short"');
  });
});

describe('logs', () => {
  it('never contain a password or its hash', async () => {
    const all = logLines.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('$argon2id$');
    expect(all).toMatch(/"reqId":"[0-9a-f-]{36}"/);
  });
});
