import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routeTable } from '../helpers/routes';

const where = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

describe('the route table', () => {
  const routes = routeTable();

  it('declares a permission on every route', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !r.permission).map(where)).toEqual([]);
  });

  it('keeps the permission guard before the handler', () => {
    expect(routes.filter((r) => r.guardAt !== 0).map(where)).toEqual([]);
  });

  it('ends every route in a named handler that says what it does', () => {
    expect(routes.filter((r) => !/^[a-z][A-Za-z]+$/.test(r.name) || r.name === 'handler').map(where)).toEqual([]);
  });

  it('types the signed-in user instead of asserting it (no `req.user!` in a router)', () => {
    const dir = 'src/web/routes';
    const asserted = readdirSync(dir).filter((f) => readFileSync(`${dir}/${f}`, 'utf8').includes('req.user!'));
    expect(asserted).toEqual([]);
  });
});
