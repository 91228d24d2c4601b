import { findKind, kinds, type KindDef, type ObjectContent } from '../crds';
import { LruCache } from '../cache';
import { Prisma, queryRows } from '../db';
import { recordsVersion } from './recordsVersion';
import { ValidationError } from '../errors';

export const PER_PAGE_CHOICES = [25, 50, 100, 250, 500, 1000] as const;

/** Searches of at least this many characters look in the records' specs too. */
export const SPEC_SEARCH_MIN = 3;

export interface RecordQuery {
  kind?: string;
  fabricId?: number;
  namespace?: string;
  q?: string;
  validation?: 'valid' | 'warning';
  /** Kind-specific filters from the catalogue, by filter key. */
  filters?: Record<string, string>;
  /** A column key, `-` in front for descending. */
  sort?: string;
  page?: number;
  perPage?: number;
  /** Rows to skip instead of the page's: a page that starts after a kind's built-in entries (builtinEntries.ts). */
  skip?: number;
}

export interface RecordRow extends ObjectContent {
  id: number;
  fabricId: number;
  fabricName: string;
  sourcePath: string;
  sourceLine: number;
  sourceCommit: string;
  validationState: 'valid' | 'warning';
  validationMessages: { line: number; message: string }[];
  createdAt: Date;
  updatedAt: Date;
}

/** The record columns every list sorts by, as SQL (a kind's own columns bring their `sortSql`). */
export const RECORD_SORTS: Record<string, string> = {
  name: 'r.name',
  kind: 'r.kind',
  namespace: 'r.namespace',
  fabric: 'f.name',
  updated: 'r."updatedAt"',
  created: 'r."createdAt"',
  validation: 'r."validationState"',
  source: 'r."sourcePath"',
};

/** The kind named in a query (`VPC` or `vpcs`), or a clear 400. */
export function resolveKind(kind: string | undefined): KindDef | undefined {
  if (!kind) return undefined;
  const k = findKind(kind);
  if (!k)
    throw new ValidationError({
      kind: `unknown kind "${kind}"; use a kind or its plural (vpcs): ${kinds.map((k) => k.kind).join(', ')}`,
    });
  return k;
}

function where(query: RecordQuery, kind: KindDef | undefined): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (kind) parts.push(Prisma.sql`r.kind = ${kind.kind}`);
  if (query.fabricId !== undefined) parts.push(Prisma.sql`r."fabricId" = ${query.fabricId}`);
  if (query.namespace) parts.push(Prisma.sql`r.namespace = ${query.namespace}`);
  if (query.validation) parts.push(Prisma.sql`r."validationState" = ${query.validation}::"ValidationState"`);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The name, and from 3 characters on the spec's text too (an IP, a VLAN, a MAC, a port), each
    // through its trigram index (the spec's is an expression index: prisma/beyond-schema.sql);
    // shorter text has no trigram to look up. Which kinds match the text is known without the
    // database (records are of the catalogue's kinds).
    const text =
      query.q.length >= SPEC_SEARCH_MIN
        ? Prisma.sql`(r.name ILIKE ${like} OR r.spec::text ILIKE ${like})`
        : Prisma.sql`r.name ILIKE ${like}`;
    const needle = query.q.toLowerCase();
    const kindsMatching = (kind ? [kind] : kinds)
      .filter((k) => k.kind.toLowerCase().includes(needle))
      .map((k) => k.kind);
    if (!kindsMatching.length) parts.push(text);
    else if (!kind) parts.push(Prisma.sql`(${text} OR r.kind = ANY(${kindsMatching}::text[]))`);
  }
  for (const [key, value] of Object.entries(query.filters ?? {})) {
    if (!value) continue;
    const filter = kind?.filters.find((f) => f.key === key);
    if (!filter)
      throw new ValidationError({
        [key]: `unknown filter "${key}"${kind ? ` for ${kind.kind}` : '; choose a kind first'}`,
      });
    // filter.sql is a constant of the catalogue, never user input; `spec` can only mean r.spec here.
    parts.push(Prisma.sql`(${Prisma.raw(filter.sql)}) = ${value}`);
  }
  return parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}` : Prisma.empty;
}

function orderBy(sort: string | undefined, kind: KindDef | undefined): Prisma.Sql {
  const desc = sort?.startsWith('-');
  const key = sort?.replace(/^-/, '') || 'name';
  const column = kind?.columns.find((c) => c.key === key && c.sortSql);
  const expr = RECORD_SORTS[key] ?? column?.sortSql;
  if (!expr) throw new ValidationError({ sort: `cannot sort by "${key}"` });
  // The id breaks ties so that pages never overlap.
  return Prisma.raw(`ORDER BY ${expr} ${desc ? 'DESC' : 'ASC'} NULLS LAST, r.id ${desc ? 'DESC' : 'ASC'}`);
}

const COLUMNS = Prisma.sql`r.id, r."fabricId", f.name AS "fabricName", r.kind, r."apiVersion", r.namespace, r.name, r.spec, r.labels, r.annotations,
  r."sourcePath", r."sourceLine", r."sourceCommit", r."validationState"::text AS "validationState", r."validationMessages", r."createdAt", r."updatedAt"`;

// Per version of the records (recordsVersion): the total of each filter, and the rows of each
// page served. Counting 36,000 Connections or skipping to page 200 costs milliseconds of
// database time, and reading 50 rows half a millisecond of this process's; records change only
// when a fabric syncs, so a page seen before is served from here until then. The rows are
// bounded by number (~2 KB each).
const totals = new LruCache<number>(5_000);
const pages = new LruCache<RecordRow[]>(20_000, (rows) => rows.length + 1);

/**
 * The two statements of a list page: its rows and the total that matches. Exported for
 * bench:web, which reads their plans (EXPLAIN) to show that a spec-text search uses its index.
 */
export function recordListSql(query: RecordQuery) {
  const kind = resolveKind(query.kind);
  const perPage = Math.min(Math.max(query.perPage ?? 50, 1), 1000);
  const page = Math.max(query.page ?? 1, 1);
  const w = where(query, kind);
  const order = orderBy(query.sort, kind);
  const offset = query.skip ?? (page - 1) * perPage;
  return {
    kind,
    perPage,
    page,
    offset,
    where: w,
    order,
    rows: Prisma.sql`
      SELECT ${COLUMNS} FROM "CrdRecord" r JOIN "Fabric" f ON f.id = r."fabricId"
      ${w} ${order} LIMIT ${perPage} OFFSET ${offset}`,
    // Every record has its fabric (a required, cascading key): the count needs no join.
    count: Prisma.sql`SELECT count(*)::int AS n FROM "CrdRecord" r ${w}`,
  };
}

/**
 * One page of records with the total that matches, filtered and sorted in SQL. `version` is the
 * records' version (recordsVersion(query.fabricId)) when the caller has read it already.
 */
export async function listRecords(
  query: RecordQuery,
  version?: string,
): Promise<{ items: RecordRow[]; total: number; page: number; perPage: number; kind?: KindDef }> {
  const sql = recordListSql(query);
  const { kind, perPage, page, where: w, order } = sql;
  const filterKey = `${version ?? (await recordsVersion(query.fabricId))}|${w.text}|${JSON.stringify(w.values)}`;
  const pageKey = `${filterKey}|${order.text}|${perPage}|${sql.offset}`;
  const [items, total] = await Promise.all([
    pages.get(pageKey) ?? queryRows<RecordRow>(sql.rows).then((rows) => (pages.set(pageKey, rows), rows)),
    totals.get(filterKey) ??
      queryRows<{ n: number }>(sql.count).then(([row]) => (totals.set(filterKey, row!.n), row!.n)),
  ]);
  return { items, total, page, perPage, kind };
}

/** The API shape of a record. */
export function presentRecord(r: RecordRow | (Omit<RecordRow, 'fabricName'> & { fabricName?: string })) {
  return {
    id: r.id,
    fabricId: r.fabricId,
    kind: r.kind,
    apiVersion: r.apiVersion,
    namespace: r.namespace,
    name: r.name,
    spec: r.spec,
    labels: r.labels,
    annotations: r.annotations,
    source: { path: r.sourcePath, line: r.sourceLine, commit: r.sourceCommit },
    validation: { state: r.validationState, messages: r.validationMessages },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export { where as recordWhereSql, orderBy as recordOrderSql };
