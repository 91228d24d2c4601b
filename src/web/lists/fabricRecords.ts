import { findKind } from '../../crds';
import type { User } from '../../db';
import { iterateRecords } from '../../records/iterateRecords';
import { listRecords } from '../../records/listRecords';
import { recordExportChunks } from '../exportList';
import { buildListView, parseListQuery, queryString, type ExportFormat } from '../listView';
import { recordListSpec, recordRows, toRecordQuery } from './recordList';

/**
 * The records table of the fabric page (views/fabrics/_records.njk): the CRD list's columns and
 * filters without the fabric, the kind chosen with `?kind=` (then with the kind's own columns).
 */
export async function fabricRecordsTable(fabricId: number, query: Record<string, unknown>, user: User | undefined) {
  const { kind, spec, listQuery } = fabricRecordsQuery(query);
  const result = await listRecords(toRecordQuery(kind, listQuery, fabricId));
  const list = buildListView({
    spec,
    query: listQuery,
    total: result.total,
    path: `/fabrics/${fabricId}`,
    anchor: '#records',
    user,
  });
  return { kind, list, rows: await recordRows(result.items, kind) };
}

function fabricRecordsQuery(query: Record<string, unknown>) {
  const kind = findKind(queryString(query.kind) ?? '');
  const spec = recordListSpec({ kind, kindFilter: true });
  const listQuery = parseListQuery(spec, query);
  if (kind) listQuery.filters.kind = kind.kind;
  else delete listQuery.filters.kind;
  return { kind, spec, listQuery };
}

/**
 * The export the fabric page's Export menu asks for (`?export=csv|yaml|json`, with the table's
 * kind, search and filters), or null when the request is for the page itself.
 */
export function fabricRecordsExport(
  fabricId: number,
  query: Record<string, unknown>,
): { format: ExportFormat; kindSlug?: string; chunks: AsyncGenerator<string> } | null {
  const { kind, spec, listQuery } = fabricRecordsQuery(query);
  if (!listQuery.export) return null;
  const records = toRecordQuery(kind, listQuery, fabricId);
  return {
    format: listQuery.export,
    kindSlug: kind?.slug,
    chunks: recordExportChunks(listQuery.export, spec, kind, iterateRecords(records)),
  };
}
