import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { log } from '../../src/log';
import { createApp } from '../../src/web/app';
import { MOUNTS, SIGNED_MOUNTS } from '../../src/web/routes';
import { routeTable } from '../../src/web/routeTable';
import { useTestEnvironment } from '../helpers/env';
import { buildFabric, signInAs, tokenFor, type SignedIn } from '../helpers/factories';

// Issue 11, finding 6: input that PostgreSQL or Prisma cannot take (a NUL byte, a page number
// of 1e300, an id beyond int4) is refused with a 4xx naming the parameter, never a 500, and
// nothing is logged at error level. Every GET route of the route table is walked.

await useTestEnvironment();
const app = createApp();

const routes = routeTable([...SIGNED_MOUNTS, ...MOUNTS]).filter((r) => r.method === 'GET');
const isApi = (path: string) => path.startsWith('/api/');
const fill = (path: string, id: string) => path.replace(':kind', 'vpcs').replace(/:\w+/g, id);

const queryKeys = (r: (typeof routes)[number]) => Object.keys((r.schemas.query as { shape?: object })?.shape ?? {});
/** Lists: they page (and the pages search), so each bad value is a 400. */
const LISTS = routes.filter(
  (r) =>
    queryKeys(r).includes('page') ||
    ['/fabrics', '/repositories', '/sync-runs', '/changes', '/crds/:kind', '/fabrics/:id'].includes(r.path),
);
/** Whether the list has a search (every page does; in the API, those whose query declares `q`). */
const searches = (r: (typeof routes)[number]) => !isApi(r.path) || queryKeys(r).includes('q');
/** Lists with a fabric filter. */
const BY_FABRIC = ['/sync-runs', '/changes', '/crds', '/crds/:kind', '/api/v1/crds', '/api/v1/sync-runs'];

let admin: SignedIn;
let token: string;
let fabricId: number;
const errors = vi.spyOn(log, 'error');

beforeAll(async () => {
  admin = await signInAs(app, 'admin');
  token = (await tokenFor('admin', false)).token;
  fabricId = (await buildFabric()).id;
});

afterEach(() => {
  expect(errors, 'nothing is logged at error level').not.toHaveBeenCalled();
  errors.mockClear();
});

function get(path: string) {
  return isApi(path) ? request(app).get(path).set('Authorization', `Bearer ${token}`) : admin.agent.get(path);
}

describe('bad input on every list and detail route', () => {
  it('walks the lists and the routes with an id', () => {
    expect(LISTS.length).toBeGreaterThanOrEqual(10);
    expect(routes.filter((r) => r.path.includes(':id')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(routes.filter((r) => r.path.includes(':id')).map((r) => [r.path, r] as const))(
    'GET %s with an id beyond int4 is a 404',
    async (path) => {
      for (const id of ['99999999999', '1e300', '-1', '%00']) {
        const res = await get(fill(path, id));
        expect(res.status, `${path} id=${id}`).toBe(404);
      }
    },
  );

  it.each(LISTS.map((r) => [r.path, r] as const))(
    'GET %s with a NUL in the search or a page of 1e300 or 1e20 is a 400 naming it',
    async (path, route) => {
      const base = fill(path, String(fabricId));
      const cases = [
        ...(searches(route) ? [['q=%00', 'q'] as const, ['q=a%00b', 'q'] as const] : []),
        ['page=1e300', 'page'] as const,
        ['page=1e20', 'page'] as const,
      ];
      for (const [query, field] of cases) {
        const res = await get(`${base}?${query}`);
        expect(res.status, `${base}?${query}`).toBe(400);
        if (isApi(path)) expect(Object.keys(res.body.error.details.fields), `${base}?${query}`).toEqual([field]);
        else expect(res.text, `${base}?${query}`).toContain(`${field}:`);
      }
      // Page sizes are clamped, and nonsense still means the first page.
      for (const query of ['perPage=1e300', 'page=x', 'page=-2']) {
        expect((await get(`${base}?${query}`)).status, `${base}?${query}`).toBe(200);
      }
    },
  );

  it.each(BY_FABRIC)('GET %s?fabric=99999999999 is a 400 naming the fabric', async (path) => {
    const res = await get(fill(path, String(fabricId)) + '?fabric=99999999999');
    expect(res.status, path).toBe(400);
    if (isApi(path)) expect(res.body.error.details.fields).toHaveProperty('fabric');
    else expect(res.text).toContain('fabric:');
  });

  it('answers no GET route with a 500 for any of these values', async () => {
    for (const r of routes) {
      for (const query of ['q=%00', 'page=1e300', 'page=1e20', 'fabric=99999999999', 'kind=%00', 'type=%00']) {
        const res = await get(`${fill(r.path, String(fabricId))}?${query}`);
        expect(res.status, `${r.path}?${query}`).toBeLessThan(500);
      }
    }
  });
});
