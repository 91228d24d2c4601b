import { findKind } from '../../crds';
import type { User } from '../../db';
import { listRecords } from '../../records/listRecords';
import { buildListView, parseListQuery, queryString } from '../listView';
import { recordListSpec, recordRows, toRecordQuery } from './recordList';

/**
 * The records table of the fabric page (views/fabrics/_records.njk): the CRD list's columns and
 * filters without the fabric, the kind chosen with `?kind=` (then with the kind's own columns).
 */
export async function fabricRecordsTable(fabricId: number, query: Record<string, unknown>, user: User | undefined) {
  const kind = findKind(queryString(query.kind) ?? '');
  const spec = recordListSpec({ kind, kindFilter: true });
  const listQuery = parseListQuery(spec, query);
  if (kind) listQuery.filters.kind = kind.kind;
  else delete listQuery.filters.kind;
  const result = await listRecords(toRecordQuery(kind, listQuery, fabricId));
  const list = buildListView({
    spec,
    query: listQuery,
    total: result.total,
    path: `/fabrics/${fabricId}`,
    anchor: '#records',
    user,
  });
  return { kind, list, rows: recordRows(result.items, kind) };
}
