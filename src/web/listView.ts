// The list machinery every list page shares (NetBox's ObjectListView + its table): one query
// shape (q, sort, page, perPage, filters, export), one view model (sortable headers, pagination
// with totals, per-page links, filter chips, export links, column chooser) and one partial,
// views/_list.njk. A list describes itself with a ListSpec; the page only loads its rows.
import type { Choice } from '../choices';
import { db, type User } from '../db';
import { ValidationError } from '../errors';
import { MAX_ID, PageNumber } from './validate';
import type { ResolvedRef } from '../records/resolveRefs';

export const PER_PAGE_CHOICES = [25, 50, 100, 250, 500, 1000] as const;
const DEFAULT_PER_PAGE = 50;
export type ExportFormat = 'csv' | 'yaml' | 'json';

export type SortOrder = 'asc' | 'desc';

/**
 * A list column, declared once: key, label, how the database sorts by it and its table cell.
 * `Row` is what one row is loaded as; `Order` the database's sort argument (Prisma's orderBy).
 */
export interface ListColumn<Row = never, Order = unknown> {
  key: string;
  label: string;
  /** Set by defineList when the column has `sort`. */
  sortable?: boolean;
  /** Left out until the user picks it in the column chooser. */
  hidden?: boolean;
  /** Always shown: the column that links to the object. */
  required?: boolean;
  /** The database's sort by this column; absent when the column does not sort. */
  sort?: (dir: SortOrder) => Order;
  /** The column's table cell for one row. */
  cell?: (row: Row) => Cell;
}

export interface ListFilter<Where = unknown> {
  key: string;
  label: string;
  /** A select when given, a text field otherwise. */
  choices?: { value: string; label: string }[];
  /** The database condition for a chosen value (Prisma's where); nothing when the value matches no choice. */
  where?: (value: string) => Where;
  /** The value is an id (`#` in front allowed): a number beyond MAX_ID is a 400. */
  id?: boolean;
}

export interface ListSpec<Row = never, Order = unknown, Where = unknown> {
  /** Where the user's column choice is kept in User.preferences.columns. */
  key: string;
  columns: ListColumn<Row, Order>[];
  filters: ListFilter<Where>[];
  /** A sortable column key, `-` in front for descending. */
  defaultSort: string;
  exports: readonly ExportFormat[];
  searchPlaceholder?: string;
}

export interface ListQuery {
  q: string;
  sort: string;
  page: number;
  perPage: number;
  /** Only the spec's filters, only non-empty values. */
  filters: Record<string, string>;
  export?: ExportFormat;
}

/** One table cell: plain text, or a link, a badge or a time. */
export interface Cell {
  text: string | number | null;
  /** Names of other records (the text is then their labels joined): links, or missing badges. */
  refs?: ResolvedRef[];
  href?: string;
  badge?: Choice;
  time?: Date;
  mono?: boolean;
}

export interface ListRow {
  cells: Record<string, Cell>;
}

type QueryInput = Record<string, unknown>;

/** The first string of a query value (`?a=1&a=2` keeps 1); anything else is undefined. */
export function queryString(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

function sortable(spec: ListSpec, sort: string | undefined): boolean {
  const key = sort?.replace(/^-/, '');
  return !!key && spec.columns.some((c) => c.key === key && c.sortable);
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const ID_DIGITS = /^#?(\d+)$/;

/**
 * Reads the list query. Values out of range fall back to defaults instead of failing the page
 * (an unknown sort, a per-page size not offered, a page that is not a number); a page beyond
 * MAX_PAGE, an id beyond MAX_ID and text with control characters are a 400 naming the parameter.
 */
export function parseListQuery(spec: ListSpec, query: QueryInput): ListQuery {
  const problems: Record<string, string> = {};
  const sort = queryString(query.sort);
  const perPage = Number(queryString(query.perPage));
  const page = PageNumber.safeParse(queryString(query.page));
  if (!page.success) problems.page = page.error.issues[0]!.message;
  const format = queryString(query.export);
  const q = (queryString(query.q) ?? '').trim().slice(0, 200);
  if (CONTROL.test(q)) problems.q = 'must not contain control characters';
  const filters: Record<string, string> = {};
  for (const f of spec.filters) {
    const value = queryString(query[f.key])?.trim();
    if (!value || value.length > 200) continue;
    // A number beyond int4 cannot be an id; other text simply matches nothing.
    const digits = ID_DIGITS.exec(value)?.[1];
    if (CONTROL.test(value)) problems[f.key] = 'must not contain control characters';
    else if (f.id && digits && Number(digits) > MAX_ID)
      problems[f.key] = `expected an id: a whole number from 1 to ${MAX_ID}`;
    else filters[f.key] = value;
  }
  if (Object.keys(problems).length) throw new ValidationError(problems);
  return {
    q,
    sort: sortable(spec, sort) ? sort! : spec.defaultSort,
    page: page.success ? page.data : 1,
    perPage: (PER_PAGE_CHOICES as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE,
    filters,
    export: spec.exports.includes(format as ExportFormat) ? (format as ExportFormat) : undefined,
  };
}

/** The query as URL parameters, defaults left out, so links stay short and stable. */
function paramsOf(spec: ListSpec, query: ListQuery): Record<string, string> {
  const params: Record<string, string> = {};
  if (query.q) params.q = query.q;
  for (const f of spec.filters) if (query.filters[f.key]) params[f.key] = query.filters[f.key]!;
  if (query.sort !== spec.defaultSort) params.sort = query.sort;
  if (query.perPage !== DEFAULT_PER_PAGE) params.perPage = String(query.perPage);
  if (query.page > 1) params.page = String(query.page);
  return params;
}

function href(path: string, params: Record<string, string | undefined>, anchor = ''): string {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
  return `${path}${search ? `?${search}` : ''}${anchor}`;
}

/** The column keys shown to this user: their saved choice (unknown keys dropped), else the spec's defaults. */
export function visibleColumns(spec: ListSpec, user: Pick<User, 'preferences'> | undefined): string[] {
  const saved = (user?.preferences as { columns?: Record<string, unknown> } | null)?.columns?.[spec.key];
  const chosen = Array.isArray(saved) ? new Set(saved.filter((c): c is string => typeof c === 'string')) : undefined;
  return spec.columns.filter((c) => c.required || (chosen ? chosen.has(c.key) : !c.hidden)).map((c) => c.key);
}

/** Saves the user's columns for a list (unknown keys dropped); `null` goes back to the defaults. */
export async function saveColumns(userId: number, spec: ListSpec, columns: string[] | null): Promise<void> {
  if (columns === null) {
    await db()
      .$executeRaw`UPDATE "User" SET preferences = preferences #- ARRAY['columns', ${spec.key}]::text[] WHERE id = ${userId}`;
    return;
  }
  const known = spec.columns.filter((c) => c.required || columns.includes(c.key)).map((c) => c.key);
  // One statement, so that two tabs saving two lists at once both land.
  await db().$executeRaw`
    UPDATE "User" SET preferences = preferences || jsonb_build_object('columns',
      coalesce(preferences -> 'columns', '{}'::jsonb) || jsonb_build_object(${spec.key}::text, ${JSON.stringify(known)}::jsonb))
    WHERE id = ${userId}`;
}

export interface ListViewProps {
  spec: ListSpec;
  query: ListQuery;
  total: number;
  /** The page's path; links keep every other parameter of the list. */
  path: string;
  user: Pick<User, 'preferences'> | undefined;
  /** Appended to links, e.g. `#records` when the list sits lower on a page. */
  anchor?: string;
  /** Labels of filter values for the chips, when the value is an id (fabric 3 -> "fabric-1"). */
  chipLabels?: Record<string, string>;
}

/** The view model of views/_list.njk. */
export function buildListView(props: ListViewProps) {
  const { spec, query, total, path, anchor = '' } = props;
  const params = paramsOf(spec, query);
  const link = (changes: Record<string, string | undefined>) => href(path, { ...params, ...changes }, anchor);
  const pages = Math.max(1, Math.ceil(total / query.perPage));
  const shown = new Set(visibleColumns(spec, props.user));
  const [sortKey, desc] = [query.sort.replace(/^-/, ''), query.sort.startsWith('-')];

  const columns = spec.columns
    .filter((c) => shown.has(c.key))
    .map((c) => {
      const sorted = c.key === sortKey ? (desc ? 'desc' : 'asc') : null;
      return {
        key: c.key,
        label: c.label,
        sorted,
        ariaSort: sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : null,
        sortHref: c.sortable ? link({ sort: sorted === 'asc' ? `-${c.key}` : c.key, page: undefined }) : null,
      };
    });

  const outOfRange = total > 0 && query.page > pages;
  const from = total === 0 || outOfRange ? 0 : (query.page - 1) * query.perPage + 1;
  const to = outOfRange ? 0 : Math.min(query.page * query.perPage, total);
  const window = [1, query.page - 2, query.page - 1, query.page, query.page + 1, query.page + 2, pages];
  const pageNumbers = [...new Set(window.filter((p) => p >= 1 && p <= pages))].sort((a, b) => a - b);
  const pageLinks = pageNumbers.map((p, i) => ({
    page: p,
    href: link({ page: p > 1 ? String(p) : undefined }),
    current: p === query.page,
    gapBefore: i > 0 && p - pageNumbers[i - 1]! > 1,
  }));

  const chips = spec.filters
    .filter((f) => query.filters[f.key])
    .map((f) => {
      const value = query.filters[f.key]!;
      const label = props.chipLabels?.[f.key] ?? f.choices?.find((c) => c.value === value)?.label ?? value;
      return { key: f.key, label: f.label, value: label, removeHref: link({ [f.key]: undefined, page: undefined }) };
    });
  if (query.q)
    chips.unshift({ key: 'q', label: 'Search', value: query.q, removeHref: link({ q: undefined, page: undefined }) });

  const exportParams = { ...params, page: undefined, perPage: undefined };
  return {
    key: spec.key,
    /** The key made safe for element ids. */
    domId: `list-${spec.key.replace(/[^\w-]+/g, '-')}`,
    path,
    anchor,
    query,
    total,
    from,
    to,
    page: query.page,
    pages,
    outOfRange,
    prevHref:
      query.page > 1 ? link({ page: query.page > 2 ? String(Math.min(query.page - 1, pages)) : undefined }) : null,
    nextHref: query.page < pages ? link({ page: String(query.page + 1) }) : null,
    lastHref: link({ page: pages > 1 ? String(pages) : undefined }),
    pageLinks,
    perPageLinks: PER_PAGE_CHOICES.map((n) => ({
      value: n,
      current: n === query.perPage,
      href: link({ perPage: n === DEFAULT_PER_PAGE ? undefined : String(n), page: undefined }),
    })),
    columns,
    chooser: spec.columns.map((c) => ({
      key: c.key,
      label: c.label,
      checked: shown.has(c.key),
      required: !!c.required,
    })),
    filters: spec.filters.map((f) => ({ ...f, value: query.filters[f.key] ?? '' })),
    chips,
    resetHref: href(path, { perPage: params.perPage }, anchor),
    /** Kept by the search and filter form, which sends the rest itself. */
    keep: Object.entries({ sort: params.sort, perPage: params.perPage })
      .filter(([, v]) => v)
      .map(([name, value]) => ({ name, value })),
    exports: spec.exports.map((format) => ({
      format,
      label: format.toUpperCase(),
      href: href(path, { ...exportParams, export: format }),
    })),
    searchPlaceholder: spec.searchPlaceholder ?? 'Search',
    /** This page's own address, for the column chooser to come back to. */
    self: link({}),
  };
}

/** A list declared once: each column with its key, label, sort and cell (`sortable` follows from `sort`). */
export function defineList<Row, Order, Where>(
  spec: Omit<ListSpec<Row, Order, Where>, 'columns'> & { columns: Omit<ListColumn<Row, Order>, 'sortable'>[] },
): ListSpec<Row, Order, Where> {
  return { ...spec, columns: spec.columns.map((c) => ({ ...c, sortable: !!c.sort })) };
}

/** Rows for views/_list.njk: each column's cell of each item. */
export function listRows<Row>(spec: ListSpec<Row>, items: Row[]): ListRow[] {
  const columns = spec.columns.filter((c) => c.cell);
  return items.map((item) => ({ cells: Object.fromEntries(columns.map((c) => [c.key, c.cell!(item)])) }));
}

/** The database conditions of the query's filters (Prisma's where, to combine with AND). */
export function filterWhere<Where>(spec: ListSpec<never, unknown, Where>, query: ListQuery): Where[] {
  return spec.filters.flatMap((f) => {
    const value = query.filters[f.key];
    return value && f.where ? [f.where(value)] : [];
  });
}

/**
 * Prisma paging arguments for a list query: the sort of its column (else of the default sort's
 * column; the id breaks ties, so pages never overlap), and the page's skip and take.
 */
export function prismaPage<Order>(spec: ListSpec<never, Order, unknown>, query: ListQuery) {
  const dir: SortOrder = query.sort.startsWith('-') ? 'desc' : 'asc';
  const byKey = (key: string) => spec.columns.find((c) => c.key === key && c.sort)?.sort;
  const sort = byKey(query.sort.replace(/^-/, '')) ?? byKey(spec.defaultSort.replace(/^-/, ''))!;
  return {
    orderBy: [sort(dir), { id: dir }] as (Order | { id: SortOrder })[],
    skip: (query.page - 1) * query.perPage,
    take: query.perPage,
  };
}
