// The one list of CRD records, for every kind: the generic columns around the kind's catalogue
// columns and filters. The CRD pages use it with the fabric column, the fabric page without.
import { VALIDATION_STATE } from '../../choices';
import {
  findKind,
  isRefs,
  kindByName,
  kinds,
  valueText,
  type BuiltinEntry,
  type ColumnDef,
  type KindDef,
} from '../../crds';
import { builtinHref } from '../../records/builtinEntries';
import { Prisma, queryRows } from '../../db';
import { RECORD_SORTS, type RecordQuery, type RecordRow } from '../../records/listRecords';
import { resolveRefs } from '../../records/resolveRefs';
import type { Cell, ListColumn, ListFilter, ListQuery, ListRow, ListSpec } from '../listView';

/** The address of a record's page. */
export function recordHref(r: { id: number; kind: string }, kind?: KindDef): string {
  const k = kind ?? kindByName(r.kind);
  return `/crds/${k?.slug ?? encodeURIComponent(r.kind)}/${r.id}`;
}

type BaseKey = 'name' | 'kind' | 'fabric' | 'namespace' | 'validation' | 'source' | 'updated';

// The columns every record has, each with its cell; they sort by RECORD_SORTS (SQL, in the domain).
const BASE_COLUMNS: Record<BaseKey, Omit<ListColumn<RecordRow>, 'key' | 'sortable'>> = {
  name: { label: 'Name', required: true, cell: (r) => ({ text: r.name, href: recordHref(r) }) },
  kind: {
    label: 'Kind',
    cell: (r) => {
      const k = kindByName(r.kind);
      return { text: r.kind, href: k ? `/crds/${k.slug}` : undefined };
    },
  },
  fabric: { label: 'Fabric', cell: (r) => ({ text: r.fabricName, href: `/fabrics/${r.fabricId}` }) },
  namespace: { label: 'Namespace', cell: (r) => ({ text: r.namespace }) },
  validation: {
    label: 'Validation',
    cell: (r) => ({ text: r.validationState, badge: VALIDATION_STATE[r.validationState] }),
  },
  source: {
    label: 'Source file',
    hidden: true,
    cell: (r) => ({ text: `${r.sourcePath}:${r.sourceLine}`, mono: true }),
  },
  updated: {
    label: 'Updated',
    cell: (r) => ({ text: new Date(r.updatedAt).toISOString(), time: new Date(r.updatedAt) }),
  },
};

function base(key: BaseKey): ListColumn<RecordRow> {
  return { key, ...BASE_COLUMNS[key], sortable: key in RECORD_SORTS };
}

/** A kind's catalogue column: its cell is computed from the spec (names of records as text; recordRows links them). */
function kindColumn(c: ColumnDef): ListColumn<RecordRow> {
  return { key: c.key, label: c.label, sortable: !!c.sortSql, cell: (r) => catalogueCell(c, r) };
}

function catalogueCell(c: ColumnDef, r: RecordRow): Cell {
  return { text: valueText(c.value(r.spec)) as string | number | null };
}

/** Fabrics as filter choices (value = id). */
export async function fabricChoices(): Promise<{ value: string; label: string }[]> {
  return choicesOf(
    await queryRows<{ id: number; name: string }>(Prisma.sql`SELECT id, name FROM "Fabric" ORDER BY name`),
  );
}

/** Fabrics already read (by name) as filter choices. */
export function choicesOf(fabrics: { id: number; name: string }[]): { value: string; label: string }[] {
  return fabrics.map((f) => ({ value: String(f.id), label: f.name }));
}

const VALIDATION_CHOICES = Object.entries(VALIDATION_STATE).map(([value, c]) => ({ value, label: c.label }));

/**
 * The list spec of CRD records. With a kind: its catalogue columns and filters. With `fabrics`
 * (the fabric filter's choices): a fabric column and filter; the fabric page's own table has
 * neither, but picks the kind with a filter (`kindFilter`).
 */
export function recordListSpec(props: {
  kind?: KindDef;
  fabrics?: { value: string; label: string }[];
  kindFilter?: boolean;
}): ListSpec<RecordRow> {
  const { kind, fabrics } = props;
  const filters: ListFilter[] = [
    ...(props.kindFilter || !kind
      ? [{ key: 'kind', label: 'Kind', choices: kinds.map((k) => ({ value: k.kind, label: k.label })) }]
      : []),
    ...(fabrics ? [{ key: 'fabric', label: 'Fabric', choices: fabrics, id: true }] : []),
    { key: 'namespace', label: 'Namespace' },
    { key: 'validation', label: 'Validation', choices: VALIDATION_CHOICES },
    ...(kind?.filters.map((f) => ({
      key: f.key,
      label: f.label,
      choices: f.choices?.map((c) => ({ value: c, label: c })),
    })) ?? []),
  ];
  return {
    key: `${fabrics ? 'crd' : 'fabric-records'}:${kind?.kind ?? '*'}`,
    columns: [
      base('name'),
      ...(kind ? [] : [base('kind')]),
      ...(fabrics ? [base('fabric')] : []),
      base('namespace'),
      ...(kind?.columns.map(kindColumn) ?? []),
      base('validation'),
      base('source'),
      base('updated'),
    ],
    filters,
    defaultSort: 'name',
    exports: ['csv', 'yaml', 'json'],
    searchPlaceholder: kind
      ? `Name or spec text (an IP, a VLAN, a MAC, a port)`
      : 'Name, kind or spec text (an IP, a VLAN, a MAC, a port)',
  };
}

/** The list query as a records query (the kind's filters passed through by key). */
export function toRecordQuery(kind: KindDef | undefined, query: ListQuery, fabricId?: number): RecordQuery {
  const { fabric, namespace, validation, kind: kindFilter, ...catalogue } = query.filters;
  const fabricFilter = Number(fabric);
  return {
    kind: kind?.kind ?? (kindFilter ? findKind(kindFilter)?.kind : undefined),
    fabricId: fabricId ?? (Number.isInteger(fabricFilter) && fabricFilter > 0 ? fabricFilter : undefined),
    namespace,
    validation: validation === 'valid' || validation === 'warning' ? validation : undefined,
    q: query.q || undefined,
    filters: catalogue,
    sort: query.sort,
    page: query.page,
    perPage: query.perPage,
  };
}

/** One record as table cells, keyed like the spec's columns: every base column, and the kind's on its own list. */
export function recordCells(r: RecordRow, kind: KindDef | undefined): Record<string, Cell> {
  const cells: Record<string, Cell> = {};
  for (const [key, column] of Object.entries(BASE_COLUMNS)) cells[key] = column.cell!(r);
  // Catalogue columns are computed from the spec only on the kind's own list.
  if (kind) for (const c of kind.columns) cells[c.key] = catalogueCell(c, r);
  return cells;
}

const rowsOfRecords = new WeakMap<RecordRow[], Map<string, Promise<ListRow[]>>>();

/**
 * Rows for views/_list.njk, the names of other records linked (within each record's fabric):
 * built once per page of records that listRecords keeps, with one query for the whole page.
 */
export function recordRows(records: RecordRow[], kind: KindDef | undefined): Promise<ListRow[]> {
  let byKind = rowsOfRecords.get(records);
  if (!byKind) rowsOfRecords.set(records, (byKind = new Map()));
  let rows = byKind.get(kind?.kind ?? '*');
  if (!rows) {
    rows = linkedRows(records, kind);
    byKind.set(kind?.kind ?? '*', rows);
    // A failed lookup is not kept: the next request tries again.
    rows.catch(() => byKind.delete(kind?.kind ?? '*'));
  }
  return rows;
}

async function linkedRows(records: RecordRow[], kind: KindDef | undefined): Promise<ListRow[]> {
  const rows = records.map((r) => ({ cells: recordCells(r, kind) }));
  const columns = kind?.columns ?? [];
  // Each record's columns that name records, with the scope they are looked up in.
  const named = records.map((r) => ({
    scope: { fabricId: r.fabricId, fabricName: r.fabricName, namespace: r.namespace },
    values: columns.flatMap((c) => {
      const v = c.value(r.spec);
      return isRefs(v) ? [{ key: c.key, refs: v }] : [];
    }),
  }));
  if (!named.some((n) => n.values.length)) return rows;
  const resolved = await resolveRefs(named.map((n) => ({ scope: n.scope, refs: n.values.flatMap((v) => v.refs) })));
  named.forEach(({ scope, values }, i) => {
    for (const { key, refs } of values)
      rows[i]!.cells[key] = { ...rows[i]!.cells[key]!, refs: refs.map((r) => resolved(scope, r)) };
  });
  return rows;
}

const BUILT_IN = { label: 'Built in', color: 'azure' } as const;

/** A kind's built-in entries as rows of its list: catalogue entries, so no fabric, source or update time. */
export function builtinRows(kind: KindDef, entries: readonly BuiltinEntry[]): ListRow[] {
  return entries.map((e) => {
    const cells: Record<string, Cell> = {
      name: { text: e.name, href: builtinHref(kind, e.name) },
      kind: { text: kind.kind, href: `/crds/${kind.slug}` },
      fabric: { text: 'built into the fabric' },
      namespace: { text: 'default' },
      validation: { text: 'built in', badge: BUILT_IN },
      source: { text: "the fabric's catalogue" },
      updated: { text: null },
    };
    for (const c of kind.columns) cells[c.key] = { text: valueText(c.value(e.spec)) as string | number | null };
    return { cells };
  });
}
