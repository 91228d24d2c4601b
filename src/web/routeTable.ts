// The route table read back from the mounted routers: method, path, permission, the schemas
// `validate` recorded and the handler's name. The OpenAPI document and the route tests walk it.
import type { Router } from 'express';
import type { RouteDoc, Schemas } from './validate';

interface Handle {
  (...args: never[]): unknown;
  permission?: string;
  schemas?: Schemas;
  doc?: RouteDoc;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: Handle }[] };
}

export interface RouteRow {
  method: string;
  /** Express notation, mount point included: `/api/v1/fabrics/:id`. */
  path: string;
  /** `resource:action`, `public`, `signed-in` or `signature`; undefined when the route declares none. */
  permission: string | undefined;
  /** Where the permission guard stands among the route's handlers (0: first, as it must); -1 when none. */
  guardAt: number;
  schemas: Schemas;
  doc: RouteDoc;
  /** The last handler's name: what the route does (`showFabric`). */
  name: string;
}

function routeLayers(router: Router): Layer[] {
  return ((router as unknown as { stack: Layer[] }).stack ?? []).filter((l) => l.route);
}

/** Every route of the given mounts, in mounting order. */
export function routeTable(mounts: [path: string, router: Router][]): RouteRow[] {
  return mounts.flatMap(([base, router]) =>
    routeLayers(router).flatMap((l) => {
      const stack = l.route!.stack.map((s) => s.handle);
      const validator = stack.find((h) => h.schemas);
      return Object.keys(l.route!.methods).map((method) => ({
        method: method.toUpperCase(),
        path: (base === '/' ? '' : base) + (l.route!.path === '/' && base !== '/' ? '' : l.route!.path),
        permission: stack.find((h) => h.permission)?.permission,
        guardAt: stack.findIndex((h) => h.permission),
        schemas: validator?.schemas ?? {},
        doc: validator?.doc ?? {},
        name: stack.at(-1)?.name ?? '',
      }));
    }),
  );
}
