import { MOUNTS, SIGNED_MOUNTS } from '../../src/web/routes';
import { routeTable as walk, type RouteRow as Row } from '../../src/web/routeTable';

/** What the route tests read of a route (a row of the route table, or one made up to test a rule). */
export type RouteRow = Pick<Row, 'method' | 'path' | 'permission'>;

/** Every route of every mounted router, as the OpenAPI document reads them (src/web/routeTable.ts). */
export const routeTable = (): Row[] => walk([...SIGNED_MOUNTS, ...MOUNTS]);

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
