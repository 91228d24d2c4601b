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

function cookieOf(res: request.Response, name = 'hhfm.sid'): string | undefined {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
}

/** The `name=value` pairs of the cookies a response sets, for a request header. */
function cookiesOf(res: request.Response): string {
  return ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
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
    // The login form creates no session; the attacker plants a session id of their own.
    const attacker = await signInAs(app, 'viewer');
    const fixed = (
      attacker.agent as unknown as { jar: { getCookie(name: string, opts: object): { toValueString(): string } } }
    ).jar
      .getCookie('hhfm.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })
      .toValueString();
    const form = await request(app).get('/login');
    // The victim logs in with the attacker's cookie.
    const login = await request(app)
      .post('/login')
      .set('Cookie', `${fixed}; ${cookiesOf(form)}`)
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
      .set('Cookie', cookiesOf(form))
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
      // As frame-ancestors 'none' says (finding 9 of issue 11): not SAMEORIGIN.
      expect(res.headers['x-frame-options'], what).toBe('DENY');
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

  it('refuses a read-only token on every state-changing route, pages and API, whatever its guard', async () => {
    // Finding 4 of issue 11: routes that only need a signed-in user (POST /preferences/columns,
    // POST /logout) let a read-only token write. The rule now sits before routing, so it holds
    // for every non-GET route of the route table, and for any added later.
    const { token, user } = await tokenFor('admin', false);
    const fabric = await buildFabric();
    // Push webhooks take no token at all: their signature is their authentication.
    const writes = routeTable().filter(
      (r) => r.method !== 'GET' && r.method !== 'HEAD' && r.permission !== 'signature',
    );
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /preferences/columns', 'POST /logout', 'POST /login']),
    );
    for (const route of writes) {
      const path = fillPath(route.path, (_p, p) =>
        p.includes('/fabrics/') ? fabric.id : p.includes('/repositories/') ? fabric.repositoryId : undefined,
      );
      const method = route.method.toLowerCase() as 'post';
      const res = await request(app)[method](path).set('Authorization', `Bearer ${token}`).send({});
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(res.text, `${route.method} ${route.path}`).toContain('this API token is read-only');
    }
    // A route nobody has written yet is refused the same way.
    const unknown = await request(app).put('/api/v1/not-yet').set('Authorization', `Bearer ${token}`).send({});
    expect(unknown.status).toBe(403);
    const columns = await request(app)
      .post('/preferences/columns')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send({ list: 'fabrics', columns: ['name'] });
    expect(columns.status).toBe(403);
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).preferences).toEqual({});
    expect(
      (await request(app).get(`/api/v1/fabrics/${fabric.id}`).set('Authorization', `Bearer ${token}`)).status,
    ).toBe(200);
    // A write token of the same user still may.
    const { token: writer } = await tokenFor('viewer', true);
    const saved = await request(app)
      .post('/preferences/columns')
      .set('Authorization', `Bearer ${writer}`)
      .type('form')
      .send({ list: 'fabrics', columns: ['name'] });
    expect(saved.status).toBe(302);
  });
});

describe('login CSRF (finding 3 of issue 11)', () => {
  // Express matches /login/, /LOGIN and /Login to the login route; the exemption used to
  // compare req.path with '/login' exactly, so those spellings skipped the CSRF check and a
  // hostile page could sign the visitor in as the attacker. The check is now part of the route.
  const SPELLINGS = [
    '/login',
    '/login/',
    '/LOGIN',
    '/Login',
    '/LoGiN/',
    '/login;x',
    '/login?x=1',
    '/%6cogin',
    '/%6Cogin',
    '/%2flogin',
    '/login%2f',
    '/login%252f',
    '//login',
    '/./login',
    '/x/../login',
    '/login.',
    '/login%00',
  ];

  it('never signs anyone in without the form token of the same browser, however the path is spelled', async () => {
    const user = await buildUser();
    // The attacker's own form: a valid token, but for the attacker's cookie, not the victim's.
    const attackerForm = await request(app).get('/login');
    const attackerToken = csrfFrom(attackerForm.text);
    const victimForm = await request(app).get('/login');
    for (const path of SPELLINGS) {
      const attempts = {
        'no token': request(app).post(path),
        'the token of another browser': request(app).post(path).set('Cookie', cookiesOf(victimForm)),
        'a token without its cookie': request(app).post(path),
        'the cookie with a forged token': request(app).post(path).set('Cookie', cookiesOf(victimForm)),
      };
      const tokens: Record<string, string | undefined> = {
        'no token': undefined,
        'the token of another browser': attackerToken,
        'a token without its cookie': attackerToken,
        'the cookie with a forged token': 'x'.repeat(attackerToken.length),
      };
      for (const [what, req] of Object.entries(attempts)) {
        const res = await req
          .set('X-Forwarded-For', newIp())
          .type('form')
          .send({ username: user.username, password: PASSWORD, ...(tokens[what] && { _csrf: tokens[what] }) });
        expect([403, 404], `${path}, ${what}: ${res.status}`).toContain(res.status);
        expect(cookieOf(res), `${path}, ${what}`).toBeUndefined();
      }
    }
    // The variants that reach the login route work with the token of the same browser.
    for (const path of ['/LOGIN', '/login/', '/Login']) {
      const res = await request(app)
        .post(path)
        .set('Cookie', cookiesOf(victimForm))
        .set('X-Forwarded-For', newIp())
        .type('form')
        .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(victimForm.text) });
      expect(res.status, path).toBe(302);
      expect(cookieOf(res), path).toBeDefined();
    }
  });
});

describe('anonymous visitors cost no session (finding 7 of issue 11)', () => {
  it('leaves no Redis key that outlives 30 minutes after 500 anonymous requests', async () => {
    const prefix = config().redisPrefix;
    const before = new Set(await redis().keys(`${prefix}:*`));
    const paths = ['/login', '/login?next=%2Ffabrics', '/', '/fabrics', '/api/v1/fabrics', '/no-such-page'];
    for (let i = 0; i < 500; i += 25) {
      const batch = Array.from({ length: 25 }, (_, j) =>
        request(app)
          .get(paths[(i + j) % paths.length]!)
          .set('X-Forwarded-For', newIp()),
      );
      for (const res of await Promise.all(batch)) expect(res.status).toBeLessThan(500);
    }
    // A failed login (a bad password) is anonymous too.
    const form = await request(app).get('/login');
    const failed = await request(app)
      .post('/login')
      .set('Cookie', cookiesOf(form))
      .set('X-Forwarded-For', newIp())
      .type('form')
      .send({ username: 'nobody-here', password: 'wrong', _csrf: csrfFrom(form.text) });
    expect(failed.status).toBe(401);
    expect(cookieOf(failed)).toBeUndefined();
    const added = (await redis().keys(`${prefix}:*`)).filter((k) => !before.has(k));
    expect(added.filter((k) => k.includes(':sess:'))).toEqual([]);
    for (const k of added) {
      const ttl = await redis().ttl(k);
      expect(ttl, k).toBeGreaterThan(0);
      expect(ttl, k).toBeLessThanOrEqual(30 * 60);
    }
  });

  it('gives the login form a short-lived cookie, not a session', async () => {
    const form = await request(app).get('/login').set('X-Forwarded-Proto', 'https');
    expect(cookieOf(form)).toBeUndefined();
    const login = cookieOf(form, 'hhfm.login')!;
    expect(login).toMatch(/; Max-Age=1800/i);
    expect(login).toMatch(/; HttpOnly/i);
    expect(login).toMatch(/; SameSite=Lax/i);
    expect(login).toMatch(/; Secure/i);
  });
});

describe('caching (finding 8 of issue 11)', () => {
  it('sends Cache-Control: no-store on every page, API answer and error', async () => {
    const admin = await signInAs(app, 'admin');
    const { token } = await tokenFor('admin');
    const fabric = await buildFabric();
    const record = await buildRecord({ fabricId: fabric.id });
    const run = await buildSyncRun({ fabricId: fabric.id });
    const ids: Record<string, number> = {
      fabrics: fabric.id,
      repositories: fabric.repositoryId,
      'sync-runs': run.id,
      crds: record.id,
      users: admin.user.id,
    };
    const gets = routeTable().filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(15);
    for (const route of gets) {
      const path = fillPath(route.path, (param, p) =>
        param === 'kind' ? 'switchgroups' : ids[Object.keys(ids).find((a) => p.includes(`/${a}/`)) ?? ''],
      );
      const res = isApiRoute(path)
        ? await request(app).get(path).set('Authorization', `Bearer ${token}`)
        : await admin.agent.get(path);
      expect(res.headers['cache-control'], `${path} ${res.status}`).toBe('no-store');
    }
    for (const res of [
      await admin.agent.get('/no-such-page'),
      await request(app).get('/api/v1/no-such-route').set('Authorization', `Bearer ${token}`),
      await request(app).get('/fabrics'),
      await request(app).get('/api/v1/fabrics'),
    ])
      expect(res.headers['cache-control'], `${res.status}`).toBe('no-store');
    // Static files stay cacheable: they are the same for everyone.
    expect((await request(app).get('/static/app.js')).headers['cache-control']).toMatch(/max-age=\d+/);
  });
});

describe('login limit and transport headers (finding 9 of issue 11)', () => {
  it('counts failed logins only, so people behind one address do not lock each other out', async () => {
    const ip = newIp();
    const counter = key('rl', 'login-ip', ip);
    await redis().set(counter, 48, 'EX', 900);
    const users = await Promise.all([buildUser(), buildUser(), buildUser(), buildUser()]);
    for (const user of users) {
      const form = await request(app).get('/login');
      const res = await request(app)
        .post('/login')
        .set('Cookie', cookiesOf(form))
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(form.text) });
      expect(res.status, user.username).toBe(302);
    }
    const provision = await request(app)
      .post('/api/v1/tokens/provision')
      .set('X-Forwarded-For', ip)
      .send({ username: users[0]!.username, password: PASSWORD, name: 'ci' });
    expect(provision.status).toBe(201);
    expect(await redis().get(counter)).toBe('48');
  });

  it("answers the login page's 429 with Retry-After", async () => {
    const ip = newIp();
    await redis().set(key('rl', 'login-ip', ip), 50, 'EX', 600);
    const form = await request(app).get('/login');
    const res = await request(app)
      .post('/login')
      .set('Cookie', cookiesOf(form))
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ username: 'someone', password: 'x', _csrf: csrfFrom(form.text) });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(res.text).toContain(`try again in ${retryAfter} s`);
  });

  it('sends HSTS only over https', async () => {
    const https = await request(app).get('/login').set('X-Forwarded-Proto', 'https');
    expect(https.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
    const plain = await request(app).get('/login');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const production = config();
    setConfig({ ...production, env: 'production' });
    try {
      const prod = createApp();
      expect((await request(prod).get('/login')).headers['strict-transport-security']).toBeUndefined();
      expect(
        (await request(prod).get('/login').set('X-Forwarded-Proto', 'https')).headers['strict-transport-security'],
      ).toMatch(/^max-age=/);
    } finally {
      setConfig(production);
    }
  });
});
