import { describe, expect, it } from 'vitest';
import { MOUNTS, SIGNED_MOUNTS } from '../../src/web/routes';
import { routeLayers, routeTable } from '../helpers/routes';

describe('the route table', () => {
  it('declares a permission on every route', () => {
    const routes = routeTable();
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((r) => !r.permission).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('keeps the permission guard before the handler', () => {
    for (const [, router] of [...SIGNED_MOUNTS, ...MOUNTS]) {
      for (const layer of routeLayers(router)) {
        const index = layer.route!.stack.findIndex((s) => s.handle.permission);
        expect(index, `${layer.route!.path}`).toBe(0);
      }
    }
  });
});
