import type { Router } from 'express';
import { describe, expect, it } from 'vitest';
import { MOUNTS } from '../../src/web/routes';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { permission?: string } }[] };
}

/** Every route of every mounted router, with the permission its guard declares. */
export function routeTable(): { method: string; path: string; permission: string | undefined }[] {
  return MOUNTS.flatMap(([base, router]) =>
    ((router as unknown as { stack: Layer[] }).stack ?? [])
      .filter((l) => l.route)
      .flatMap((l) =>
        Object.keys(l.route!.methods).map((method) => ({
          method: method.toUpperCase(),
          path: (base === '/' ? '' : base) + (l.route!.path === '/' && base !== '/' ? '' : l.route!.path),
          permission: l.route!.stack.find((s) => s.handle.permission)?.handle.permission,
        })),
      ),
  );
}

describe('the route table', () => {
  it('declares a permission on every route', () => {
    const routes = routeTable();
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((r) => !r.permission).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('keeps the permission guard before the handler', () => {
    for (const [, router] of MOUNTS) {
      for (const layer of (router as unknown as { stack: Layer[] }).stack.filter((l) => l.route)) {
        const index = layer.route!.stack.findIndex((s) => s.handle.permission);
        expect(index, `${layer.route!.path}`).toBe(0);
      }
    }
  });
});
