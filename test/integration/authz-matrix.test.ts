import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowed, type Action, type Resource } from '../../src/auth/permissions';
import { createToken } from '../../src/auth/tokens';
import { kindByName } from '../../src/crds';
import type { Role } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import {
  buildFabric,
  buildRecord,
  buildRepository,
  buildSyncRun,
  buildUser,
  csrfFrom,
  signInAs,
  tokenFor,
  type SignedIn,
} from '../helpers/factories';
import { fillPath, isApiRoute, routeTable, type RouteRow } from '../helpers/routes';

// Every route of the route table × every role, with the status the PERMISSIONS table implies.
// A route added without a permission, or with one the table does not grant as intended, fails here.

await useTestEnvironment();
const app = createApp();

type Who = 'anonymous' | Role;
type Expectation = 'login' | 'forbidden' | 'allowed';
const WHO: Who[] = ['anonymous', 'viewer', 'operator', 'admin'];
const ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** What the route's declared permission means for this caller; throws for a route without a rule. */
function expectation(route: RouteRow, who: Who): Expectation {
  const { permission } = route;
  if (!permission)
    throw new Error(`${route.method} ${route.path} declares no permission: guard it with can(), signedIn or open`);
  // A signed webhook answers anyone; its signature, not a login, decides (401 when missing).
  if (permission === 'public' || permission === 'signature') return 'allowed';
  if (who === 'anonymous') return 'login';
  if (permission === 'signed-in') return 'allowed';
  const match = /^(\w+):(\w+)$/.exec(permission);
  if (!match) throw new Error(`${route.method} ${route.path} declares an unknown permission "${permission}"`);
  return allowed(who, match[2] as Action, match[1] as Resource) ? 'allowed' : 'forbidden';
}

// Reads first, then writes, then deletes, so that an allowed delete cannot hide a later row's object.
const rank = (r: RouteRow) => (r.method === 'DELETE' || r.path.endsWith('/delete') ? 2 : r.method === 'GET' ? 0 : 1);
const ROUTES = routeTable().sort((a, b) => rank(a) - rank(b));
// Routes that end the caller's session get a session of their own.
const ENDS_SESSION = new Set(['POST /logout']);

interface Caller {
  session: SignedIn;
  token: string;
  /** A token of the caller that the token routes may delete without revoking `token`. */
  spareTokenId: number;
}
const callers = {} as Record<Role, Caller>;
let ids: Record<string, number | string> = {};

beforeAll(async () => {
  for (const role of ROLES) {
    const session = await signInAs(app, role);
    const { token } = await createToken({ userId: session.user.id, name: 'matrix', writeEnabled: true });
    const spare = await createToken({ userId: session.user.id, name: 'spare', writeEnabled: true });
    callers[role] = { session, token, spareTokenId: spare.record.id };
  }
  // A closed local port: "test connection" fails at once instead of waiting on DNS.
  const repository = await buildRepository({ url: 'http://127.0.0.1:9/none.git' });
  const fabric = await buildFabric({ repositoryId: repository.id });
  const record = await buildRecord({ fabricId: fabric.id });
  const run = await buildSyncRun({ fabricId: fabric.id });
  const target = await buildUser({ role: 'viewer' });
  ids = {
    fabrics: fabric.id,
    repositories: repository.id,
    'sync-runs': run.id,
    crds: record.id,
    users: target.id,
    kind: kindByName(record.kind)!.slug,
  };
});

/** Real ids for `:id` (by the area the path names) and `:kind`. */
function concrete(path: string, who: Who): string {
  return fillPath(path, (param) => {
    if (param === 'kind') return ids.kind;
    if (/\/tokens\//.test(path)) return who === 'anonymous' ? 1 : callers[who].spareTokenId;
    const area = Object.keys(ids).find((a) => path.includes(`/${a}/`));
    return area ? ids[area] : undefined;
  });
}

async function call(route: RouteRow, who: Who): Promise<request.Response> {
  const path = concrete(route.path, who);
  const api = isApiRoute(route.path);
  const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  const write = route.method !== 'GET' && route.method !== 'HEAD';
  if (who === 'anonymous') {
    if (!write) return request(app)[method](path);
    if (api) return request(app)[method](path).send({});
    // A visitor's form carries the CSRF token of its pre-login session, as the login form does.
    const agent = request.agent(app);
    const form = await agent.get('/login');
    return agent[method](path)
      .type('form')
      .send({ _csrf: csrfFrom(form.text) });
  }
  if (api) {
    const req = request(app)[method](path).set('Authorization', `Bearer ${callers[who].token}`);
    return write ? req.send({}) : req;
  }
  const session = ENDS_SESSION.has(`${route.method} ${route.path}`) ? await signInAs(app, who) : callers[who].session;
  const req = session.agent[method](path);
  return write ? req.type('form').send({ _csrf: session.csrf }) : req;
}

describe.each(WHO)('as %s', (who) => {
  for (const route of ROUTES) {
    const expected = route.permission ? expectation(route, who) : 'a permission';
    it(`${route.method} ${route.path} (${route.permission ?? 'no permission'}) -> ${expected}`, async () => {
      const want = expectation(route, who);
      const res = await call(route, who);
      const where = `${route.method} ${route.path} as ${who}: ${res.status} ${res.text.slice(0, 200)}`;
      if (want === 'login') {
        if (isApiRoute(route.path)) {
          expect(res.status, where).toBe(401);
          expect(res.headers['content-type'], where).toMatch(/json/);
          expect(res.body.error.code, where).toBe('unauthorized');
        } else if (route.method === 'GET') {
          expect(res.status, where).toBe(302);
          expect(res.headers.location, where).toMatch(/^\/login\?next=/);
        } else {
          expect(res.status, where).toBe(401);
        }
      } else if (want === 'forbidden') {
        expect(res.status, where).toBe(403);
        if (isApiRoute(route.path)) expect(res.body.error.code, where).toBe('forbidden');
      } else {
        expect(res.status, where).not.toBe(403);
        // The login form answers a wrong password with 401; the guard's own 401 says "authentication required".
        if (res.status === 401) expect(res.text, where).not.toMatch(/authentication required/);
        expect(res.status, where).toBeLessThan(500);
        if (!isApiRoute(route.path) && route.method === 'GET' && res.status === 302)
          expect(res.headers.location, where).not.toMatch(/^\/login/);
      }
    });
  }
});

describe('the matrix', () => {
  it('covers every route of the route table, pages and API', () => {
    expect(ROUTES.filter((r) => isApiRoute(r.path)).length).toBeGreaterThan(10);
    expect(ROUTES.filter((r) => !isApiRoute(r.path)).length).toBeGreaterThan(10);
    expect(ROUTES.filter((r) => !r.permission).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('refuses a route whose permission the table does not know', () => {
    expect(() => expectation({ method: 'GET', path: '/x', permission: undefined }, 'admin')).toThrow(
      /declares no permission/,
    );
    expect(() => expectation({ method: 'GET', path: '/x', permission: 'anything' }, 'admin')).toThrow(
      /unknown permission/,
    );
  });

  // Pinned independently of what routes declare: a write route declared with a read permission fails here.
  it('lets a viewer change only its own tokens and session, and an operator also start syncs', () => {
    const writes = ROUTES.filter(
      (r) => r.method !== 'GET' && !['public', 'signed-in', 'signature'].includes(r.permission ?? ''),
    );
    const allowedWrites = (role: Role) =>
      writes.filter((r) => expectation(r, role) === 'allowed').map((r) => r.permission);
    expect(new Set(allowedWrites('viewer'))).toEqual(new Set(['token:add', 'token:delete']));
    expect(new Set(allowedWrites('operator'))).toEqual(new Set(['token:add', 'token:delete', 'fabric:sync']));
    for (const r of writes.filter((w) =>
      /^(repository|user|fabric):(add|change|delete|test)$/.test(w.permission ?? ''),
    )) {
      expect(expectation(r, 'operator'), `${r.method} ${r.path}`).toBe('forbidden');
    }
  });

  it('still answers after every row', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    const { token } = await tokenFor('viewer');
    expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });
});
