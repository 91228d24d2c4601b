// Entries a kind has built in (the fabric's SwitchProfiles): catalogue entries, not records of
// any fabric. A kind's list (page and API) shows those a query matches ahead of the records, as
// one sequence: filtered and sorted here as the SQL of listRecords filters and sorts records.
import { valueText, type BuiltinEntry, type KindDef } from '../crds';
import { Prisma, queryRows } from '../db';
import { listRecords, resolveKind, SPEC_SEARCH_MIN, type RecordQuery, type RecordRow } from './listRecords';

/** The kind's built-in entry of this name, or undefined. */
export function findBuiltin(kind: KindDef, name: string): BuiltinEntry | undefined {
  return kind.builtins?.().find((e) => e.name === name);
}

/** The address of a built-in entry's page. */
export function builtinHref(kind: KindDef, name: string): string {
  return `/crds/${kind.slug}/builtin/${encodeURIComponent(name)}`;
}

const specTexts = new WeakMap<BuiltinEntry, string>();
const specText = (e: BuiltinEntry) => {
  let t = specTexts.get(e);
  if (t === undefined) specTexts.set(e, (t = JSON.stringify(e.spec).toLowerCase()));
  return t;
};

/** The entries a records query matches: none when it asks for a fabric (they belong to none), sorted as asked. */
export function matchBuiltins(kind: KindDef | undefined, query: RecordQuery): BuiltinEntry[] {
  if (!kind?.builtins || query.fabricId !== undefined) return [];
  if ((query.namespace && query.namespace !== 'default') || query.validation === 'warning') return [];
  let out = [...kind.builtins()];
  if (query.q) {
    const needle = query.q.toLowerCase();
    // As the SQL: the kind's own name matches all of them; spec text from SPEC_SEARCH_MIN characters.
    if (!kind.kind.toLowerCase().includes(needle))
      out = out.filter(
        (e) => e.name.includes(needle) || (needle.length >= SPEC_SEARCH_MIN && specText(e).includes(needle)),
      );
  }
  for (const [key, value] of Object.entries(query.filters ?? {})) {
    const column = kind.columns.find((c) => c.key === key && c.filter);
    if (!value || !column) continue;
    out = out.filter((e) => String(valueText(column.value(e.spec)) ?? column.filter?.orElse ?? '') === value);
  }
  const desc = query.sort?.startsWith('-') ?? false;
  const key = query.sort?.replace(/^-/, '') || 'name';
  const column = kind.columns.find((c) => c.key === key && c.sortSql);
  const sortValue = (e: BuiltinEntry) => (column ? valueText(column.value(e.spec)) : e.name);
  out.sort((a, b) => {
    const [x, y] = [sortValue(a), sortValue(b)];
    // Nulls last either way, as the SQL; the name breaks ties.
    if (x === null || y === null) return x === y ? a.name.localeCompare(b.name) : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (desc ? -order : order) || a.name.localeCompare(b.name);
  });
  return out;
}

/**
 * A page of a kind's list: its matching built-in entries first, then its records, paged as one
 * sequence; `total` counts both. `version`: as listRecords'.
 */
export async function listWithBuiltins(
  query: RecordQuery,
  version?: string,
): Promise<{
  builtins: BuiltinEntry[];
  records: RecordRow[];
  total: number;
  page: number;
  perPage: number;
  kind?: KindDef;
}> {
  const kind = resolveKind(query.kind);
  const matched = matchBuiltins(kind, query);
  if (!matched.length) {
    const r = await listRecords(query, version);
    return { builtins: [], records: r.items, total: r.total, page: r.page, perPage: r.perPage, kind };
  }
  const perPage = Math.min(Math.max(query.perPage ?? 50, 1), 1000);
  const page = Math.max(query.page ?? 1, 1);
  const start = (page - 1) * perPage;
  const builtins = matched.slice(start, start + perPage);
  const take = perPage - builtins.length;
  // A page full of entries still asks for one record: the total is needed.
  const r = await listRecords(
    { ...query, perPage: Math.max(take, 1), skip: Math.max(0, start - matched.length) },
    version,
  );
  return { builtins, records: take > 0 ? r.items : [], total: matched.length + r.total, page, perPage, kind };
}

/** The API shape of a built-in entry: a record's, marked `builtin`, without id, fabric or source. */
export function presentBuiltin(kind: KindDef, e: BuiltinEntry) {
  return {
    id: null,
    fabricId: null,
    builtin: true,
    kind: kind.kind,
    apiVersion: kind.apiVersion,
    namespace: 'default',
    name: e.name,
    spec: e.spec,
    labels: {},
    annotations: e.annotations,
    availability: e.availability,
    source: null,
    validation: { state: 'valid', messages: [] },
    createdAt: null,
    updatedAt: null,
  };
}

const MAX_USED_BY = 500;

/** The records of every fabric that name the entry (a Switch's `spec.profile`), by the GIN index on refs. */
export async function builtinUsedBy(kind: KindDef, name: string) {
  const ref = `${kind.kind}/${name}`;
  const rows = await queryRows<{
    id: number;
    kind: string;
    name: string;
    spec: Record<string, unknown>;
    fabricId: number;
    fabricName: string;
    total: number;
  }>(Prisma.sql`
    SELECT r.id, r.kind, r.name, r.spec, f.id AS "fabricId", f.name AS "fabricName", count(*) OVER ()::int AS total
    FROM "CrdRecord" r JOIN "Fabric" f ON f.id = r."fabricId"
    WHERE r.refs @> ARRAY[${ref}]::text[]
    ORDER BY f.name, r.kind, r.name LIMIT ${MAX_USED_BY}`);
  return { rows, total: rows[0]?.total ?? 0 };
}
