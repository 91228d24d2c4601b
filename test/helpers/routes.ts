import type { Router } from 'express';
import { MOUNTS, SIGNED_MOUNTS } from '../../src/web/routes';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { permission?: string } }[] };
}

export interface RouteRow {
  method: string;
  path: string;
  /** `resource:action`, `public`, `signed-in` or `signature`; undefined when the route declares none. */
  permission: string | undefined;
}

/** The route layers of a mounted router. */
export function routeLayers(router: Router): Layer[] {
  return ((router as unknown as { stack: Layer[] }).stack ?? []).filter((l) => l.route);
}

/** Every route of every mounted router, with the permission its guard declares. */
export function routeTable(): RouteRow[] {
  return [...SIGNED_MOUNTS, ...MOUNTS].flatMap(([base, router]) =>
    routeLayers(router).flatMap((l) =>
      Object.keys(l.route!.methods).map((method) => ({
        method: method.toUpperCase(),
        path: (base === '/' ? '' : base) + (l.route!.path === '/' && base !== '/' ? '' : l.route!.path),
        permission: l.route!.stack.find((s) => s.handle.permission)?.handle.permission,
      })),
    ),
  );
}

/** True for JSON API routes (401 JSON), false for pages (redirect to /login). */
export const isApiRoute = (path: string): boolean => path.startsWith('/api/');

/** Fills `:name` parameters from `values` (falling back to `fallback`), e.g. `/fabrics/:id` -> `/fabrics/12`. */
export function fillPath(
  path: string,
  values: (param: string, path: string) => string | number | undefined,
  fallback = '1',
): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => String(values(name, path) ?? fallback));
}
