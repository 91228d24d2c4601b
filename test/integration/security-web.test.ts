import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens';
import { config, setConfig } from '../../src/config';
import { db } from '../../src/db';
import { key, redis } from '../../src/redis';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import {
  buildFabric,
  buildRecord,
  buildRepository,
  buildSyncRun,
  buildUser,
  csrfFrom,
  PASSWORD,
  signInAs,
  tokenFor,
} from '../helpers/factories';
import { fillPath, isApiRoute, routeTable } from '../helpers/routes';

// Web security beyond test/integration/auth.test.ts: CSRF on pages and on every write of the
// session API, session fixation and logout, cookie flags behind a TLS proxy, the security
// headers and the absence of inline script, the per-address login limit, and tokens.

await useTestEnvironment({ TRUST_PROXY: 'true' });
const app = createApp();
let ipCounter = 0;
/** A fresh client address (behind the trusted proxy) so rate-limit counters do not mix between tests. */
const newIp = () => `203.0.113.${++ipCounter}`;

function cookieOf(res: request.Response): string | undefined {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('hhfm.sid='));
}

describe('CSRF', () => {
  it('refuses page forms without a token, with a wrong one, and with the token of another session', async () => {
    const admin = await signInAs(app, 'admin');
    const other = await signInAs(app, 'admin');
    const repo = await buildRepository();
    const body = { name: 'csrf-fabric', repositoryId: repo.id, gitopsDirectory: 'x/' };
    for (const _csrf of [undefined, 'x'.repeat(admin.csrf.length), other.csrf]) {
      const res = await admin.agent
        .post('/fabrics')
        .type('form')
        .send({ ...body, ...(_csrf && { _csrf }) });
      expect(res.status).toBe(403);
      expect(res.text).toContain('missing or invalid CSRF token');
    }
    expect(await db().fabric.count({ where: { name: 'csrf-fabric' } })).toBe(0);
    // Logging a user out is a state change too.
    expect((await admin.agent.post('/logout').type('form').send({})).status).toBe(403);
    expect((await admin.agent.get('/')).status).toBe(200);
    expect(
      (
        await admin.agent
          .post('/fabrics')
          .type('form')
          .send({ ...body, _csrf: admin.csrf })
      ).status,
    ).toBe(302);
  });

  it('refuses every write method of the session API without the header', async () => {
    const admin = await signInAs(app, 'admin');
    const fabric = await buildFabric();
    const attempts = [
      admin.agent.patch(`/api/v1/fabrics/${fabric.id}`).send({ description: 'changed' }),
      admin.agent.delete(`/api/v1/fabrics/${fabric.id}`),
      admin.agent.post(`/api/v1/fabrics/${fabric.id}/sync`).send({}),
      admin.agent.patch(`/api/v1/fabrics/${fabric.id}`).set('X-CSRF-Token', 'forged').send({ description: 'changed' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('csrf_failed');
    }
    expect(await db().fabric.findUniqueOrThrow({ where: { id: fabric.id } })).toMatchObject({
      description: '',
      syncStatus: 'never_synced',
    });
    const ok = await admin.agent
      .patch(`/api/v1/fabrics/${fabric.id}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ description: 'changed' });
    expect(ok.status).toBe(200);
  });
});

describe('sessions', () => {
  it('does not let a session id fixed before login become a signed-in session', async () => {
    const user = await buildUser();
    const attacker = request.agent(app);
    const form = await attacker.get('/login');
    const fixed = cookieOf(form)!.split(';')[0]!;
    // The victim logs in with the attacker's cookie.
    const login = await request(app)
      .post('/login')
      .set('Cookie', fixed)
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(form.text) });
    expect(login.status).toBe(302);
    expect(cookieOf(login)!.split(';')[0]).not.toBe(fixed);
    const replay = await request(app).get('/fabrics').set('Cookie', fixed);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toMatch(/^\/login/);
  });

  it('ends the session on the server at logout, and for a user disabled meanwhile', async () => {
    const viewer = await signInAs(app, 'viewer');
    const home = await viewer.agent.get('/');
    const cookie = (
      viewer.agent as unknown as { jar: { getCookie(name: string, opts: object): { toValueString(): string } } }
    ).jar
      .getCookie('hhfm.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })
      .toValueString();
    expect((await request(app).get('/').set('Cookie', cookie)).status).toBe(200);
    await viewer.agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect((await request(app).get('/').set('Cookie', cookie)).status).toBe(302);

    const other = await signInAs(app, 'operator');
    await db().user.update({ where: { id: other.user.id }, data: { disabled: true } });
    expect((await other.agent.get('/')).status).toBe(302);
    expect((await other.agent.get('/api/v1/fabrics')).status).toBe(401);
  });
});

describe('cookie flags', () => {
  async function loginCookie(target: typeof app, headers: Record<string, string>): Promise<string> {
    const user = await buildUser();
    const form = await request(target).get('/login').set(headers);
    // By hand: a cookie jar would not send a Secure cookie over the test's plain http.
    const res = await request(target)
      .post('/login')
      .set(headers)
      .set('Cookie', cookieOf(form)!.split(';')[0]!)
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(form.text) });
    expect(res.status).toBe(302);
    return cookieOf(res)!;
  }

  it('marks the session cookie HttpOnly, SameSite=Lax, and Secure when the proxy says https', async () => {
    const secure = await loginCookie(app, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': newIp() });
    expect(secure).toMatch(/; HttpOnly/i);
    expect(secure).toMatch(/; SameSite=Lax/i);
    expect(secure).toMatch(/; Secure/i);
    expect(secure).toMatch(/; Path=\//i);
    const plain = await loginCookie(app, { 'X-Forwarded-For': newIp() });
    expect(plain).toMatch(/; HttpOnly/i);
    expect(plain).not.toMatch(/; Secure/i);
  });

  it('ignores X-Forwarded-Proto when the proxy is not trusted', async () => {
    const trusted = config();
    setConfig({ ...trusted, trustProxy: false });
    try {
      const direct = createApp();
      expect(await loginCookie(direct, { 'X-Forwarded-Proto': 'https' })).not.toMatch(/; Secure/i);
    } finally {
      setConfig(trusted);
    }
  });
});

describe('security headers', () => {
  function directives(res: request.Response): Map<string, string[]> {
    const csp = String(res.headers['content-security-policy'] ?? '');
    return new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!, values]),
    );
  }

  it('sends a strict CSP and the other headers on pages, API answers, errors and static files', async () => {
    const viewer = await signInAs(app, 'viewer');
    const { token } = await tokenFor('viewer');
    const answers = {
      page: await viewer.agent.get('/'),
      login: await request(app).get('/login'),
      api: await request(app).get('/api/v1/fabrics').set('Authorization', `Bearer ${token}`),
      apiError: await request(app).get('/api/v1/fabrics'),
      notFound: await viewer.agent.get('/no-such-page'),
      static: await request(app).get('/static/app.js'),
    };
    for (const [what, res] of Object.entries(answers)) {
      const csp = directives(res);
      expect(csp.get('script-src'), what).toEqual(["'self'"]);
      expect(csp.get('default-src'), what).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
      expect(csp.get('object-src'), what).toEqual(["'none'"]);
      expect(csp.get('base-uri'), what).toEqual(["'self'"]);
      expect(csp.get('form-action'), what).toEqual(["'self'"]);
      for (const [name, values] of csp)
        expect(values.join(' '), `${what} ${name}`).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers['x-content-type-options'], what).toBe('nosniff');
      expect(res.headers['referrer-policy'], what).toMatch(
        /^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/,
      );
      expect(res.headers['x-frame-options'], what).toMatch(/^(DENY|SAMEORIGIN)$/);
      expect(res.headers['cross-origin-opener-policy'], what).toBe('same-origin');
      expect(res.headers['x-powered-by'], what).toBeUndefined();
    }
  });

  it('renders no inline script, event handler or javascript: URL on any page', async () => {
    const admin = await signInAs(app, 'admin');
    const fabric = await buildFabric();
    const record = await buildRecord({ fabricId: fabric.id });
    const run = await buildSyncRun({
      fabricId: fabric.id,
      status: 'partial',
      files: [{ path: 'a.yaml', documents: 1, status: 'errors', errors: [{ line: 1, message: 'bad' }], warnings: [] }],
    });
    const ids: Record<string, number> = {
      fabrics: fabric.id,
      repositories: fabric.repositoryId,
      'sync-runs': run.id,
      crds: record.id,
      users: admin.user.id,
    };
    const pages = routeTable().filter((r) => r.method === 'GET' && !isApiRoute(r.path) && r.permission !== 'public');
    expect(pages.length).toBeGreaterThan(8);
    for (const route of pages) {
      const path = fillPath(route.path, (param, p) =>
        param === 'kind' ? 'switchgroups' : ids[Object.keys(ids).find((a) => p.includes(`/${a}/`)) ?? ''],
      );
      const res = await admin.agent.get(path);
      if (!String(res.headers['content-type']).includes('html')) continue;
      const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      for (const [, attrs, body] of scripts) {
        expect(attrs, path).toMatch(/\bsrc="\/static\//);
        expect(body!.trim(), path).toBe('');
      }
      expect(res.text, path).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
      expect(res.text, path).not.toMatch(/(href|src|action)\s*=\s*["']?\s*javascript:/i);
    }
  });
});

describe('login rate limiting', () => {
  // The counters are seeded close to their limits (as earlier failures would leave them): every
  // failed login costs an argon2 verification, and fifty of them would only make the suite slow.
  it('limits failed logins per address across usernames, and leaves other addresses alone', async () => {
    const ip = newIp();
    await redis().set(key('rl', 'login-ip', ip), 45, 'EX', 900);
    const agent = request.agent(app);
    const csrf = csrfFrom((await agent.get('/login')).text);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await agent
            .post('/login')
            .set('X-Forwarded-For', ip)
            .type('form')
            .send({ username: `nobody-${i}`, password: 'x', _csrf: csrf })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const user = await buildUser();
    const blocked = await agent
      .post('/login')
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrf });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/too many attempts; try again in \d+ s/);
    // The token-provisioning endpoint shares the limit, and says when to come back.
    const provision = await request(app)
      .post('/api/v1/tokens/provision')
      .set('X-Forwarded-For', ip)
      .send({ username: user.username, password: PASSWORD });
    expect(provision.status).toBe(429);
    expect(Number(provision.headers['retry-after'])).toBeGreaterThan(0);
    expect(provision.body.error.code).toBe('rate_limited');
    const elsewhere = await agent
      .post('/login')
      .set('X-Forwarded-For', newIp())
      .type('form')
      .send({ username: user.username, password: PASSWORD, _csrf: csrf });
    expect(elsewhere.status).toBe(302);
  });

  it('clears the failures of a username after a successful login', async () => {
    const ip = newIp();
    const user = await buildUser();
    const pair = key('rl', 'login', `${ip}|${user.username}`);
    await redis().set(pair, 9, 'EX', 900);
    const agent = request.agent(app);
    const csrf = csrfFrom((await agent.get('/login')).text);
    expect(
      (
        await agent
          .post('/login')
          .set('X-Forwarded-For', ip)
          .type('form')
          .send({ username: user.username, password: PASSWORD, _csrf: csrf })
      ).status,
    ).toBe(302);
    expect(await redis().get(pair)).toBeNull();
    const fresh = request.agent(app);
    const csrf2 = csrfFrom((await fresh.get('/login')).text);
    expect(
      (
        await fresh
          .post('/login')
          .set('X-Forwarded-For', ip)
          .type('form')
          .send({ username: user.username, password: 'bad', _csrf: csrf2 })
      ).status,
    ).toBe(401);
    expect(await redis().get(pair)).toBe('1');
  });
});

describe('API tokens', () => {
  it('refuses the token of a disabled user, a revoked token, and a malformed header even beside a valid session', async () => {
    const { token, user } = await tokenFor('admin');
    expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await db().user.update({ where: { id: user.id }, data: { disabled: true } });
    expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);

    const viewer = await signInAs(app, 'viewer');
    const { token: own, record } = await createToken({ userId: viewer.user.id, name: 'to revoke', writeEnabled: true });
    const revoke = await request(app).delete(`/api/v1/tokens/${record.id}`).set('Authorization', `Bearer ${own}`);
    expect(revoke.status).toBe(204);
    expect((await request(app).get('/api/v1/fabrics').set('Authorization', `Bearer ${own}`)).status).toBe(401);
    for (const header of ['Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${own}x`, 'Token abc']) {
      const res = await viewer.agent.get('/api/v1/fabrics').set('Authorization', header);
      expect(res.status, header).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('refuses an expired token on writes as on reads', async () => {
    const user = await buildUser({ role: 'admin' });
    const { token } = await createToken({
      userId: user.id,
      name: 'short',
      writeEnabled: true,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const fabric = await buildFabric();
    expect(
      (
        await request(app)
          .patch(`/api/v1/fabrics/${fabric.id}`)
          .set('Authorization', `Bearer ${token}`)
          .send({ description: 'a' })
      ).status,
    ).toBe(200);
    await db().apiToken.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(
      (
        await request(app)
          .patch(`/api/v1/fabrics/${fabric.id}`)
          .set('Authorization', `Bearer ${token}`)
          .send({ description: 'b' })
      ).status,
    ).toBe(401);
    expect((await db().fabric.findUniqueOrThrow({ where: { id: fabric.id } })).description).toBe('a');
  });

  it('refuses a read-only token on every write route of the API, admin or not', async () => {
    const { token } = await tokenFor('admin', false);
    const fabric = await buildFabric();
    const writes = routeTable().filter(
      (r) => isApiRoute(r.path) && r.method !== 'GET' && /^\w+:\w+$/.test(r.permission ?? ''),
    );
    expect(writes.length).toBeGreaterThan(6);
    for (const route of writes) {
      const path = fillPath(route.path, (_p, p) =>
        p.includes('/fabrics/') ? fabric.id : p.includes('/repositories/') ? fabric.repositoryId : undefined,
      );
      const method = route.method.toLowerCase() as 'post';
      const res = await request(app)[method](path).set('Authorization', `Bearer ${token}`).send({});
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(res.body.error.message, `${route.method} ${route.path}`).toBe('this API token is read-only');
    }
    expect(
      (await request(app).get(`/api/v1/fabrics/${fabric.id}`).set('Authorization', `Bearer ${token}`)).status,
    ).toBe(200);
  });
});
