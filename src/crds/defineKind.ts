import type { ColumnDef, FilterDef, KindDef, KindSource } from './types';

/** The label of an API group: its first DNS label, an acronym when short (`vpc.githedgehog.com` → `VPC API`). */
export function apiGroupLabel(group: string): string {
  const first = group.split('.')[0] ?? group;
  return `${first.length <= 3 ? first.toUpperCase() : first.charAt(0).toUpperCase() + first.slice(1)} API`;
}

function filterOf(kind: string, column: ColumnDef): FilterDef[] {
  if (!column.filter) return [];
  if (!column.sortSql) throw new Error(`${kind} column ${column.key}: a filter needs the column's sortSql`);
  const { choices, orElse } = column.filter;
  return [
    {
      key: column.key,
      label: column.label,
      sql: orElse === undefined ? column.sortSql : `coalesce(${column.sortSql}, '${orElse.replace(/'/g, "''")}')`,
      ...(choices ? { choices: [...choices] } : {}),
    },
  ];
}

/** A kind of the catalogue from its file's declaration: apiVersion, slug, category and filters are derived, never written. */
export function defineKind(source: KindSource): KindDef {
  return {
    ...source,
    apiVersion: `${source.group}/${source.version}`,
    slug: source.plural,
    category: apiGroupLabel(source.group),
    filters: source.columns.flatMap((c) => filterOf(source.kind, c)),
  };
}
