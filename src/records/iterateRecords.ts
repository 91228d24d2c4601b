import { db } from '../db';
import { recordOrderSql, recordWhereSql, resolveKind, type RecordQuery, type RecordRow } from './listRecords';

/**
 * Every record matching a list query, in the list's order, a batch at a time (for exports).
 * The ids of the whole result are read first (a few bytes per record), then the records one
 * batch after the other, so 100,000 specs never sit in memory at once. Reading ids first also
 * keeps any sort order correct, which a keyset on a computed jsonb expression would not.
 */
export async function* iterateRecords(
  query: Omit<RecordQuery, 'page' | 'perPage'>,
  batchSize = 1000,
): AsyncGenerator<RecordRow[]> {
  const kind = resolveKind(query.kind);
  const ids = await db().$queryRaw<{ id: number }[]>`
    SELECT r.id FROM "CrdRecord" r JOIN "Fabric" f ON f.id = r."fabricId"
    ${recordWhereSql(query, kind)} ${recordOrderSql(query.sort, kind)}`;
  for (let i = 0; i < ids.length; i += batchSize) {
    const batch = ids.slice(i, i + batchSize).map((r) => r.id);
    const rows = await db().$queryRaw<RecordRow[]>`
      SELECT r.id, r."fabricId", f.name AS "fabricName", r.kind, r."apiVersion", r.namespace, r.name, r.spec, r.labels, r.annotations,
        r."sourcePath", r."sourceLine", r."sourceCommit", r."validationState"::text AS "validationState", r."validationMessages", r."createdAt", r."updatedAt"
      FROM "CrdRecord" r JOIN "Fabric" f ON f.id = r."fabricId" WHERE r.id = ANY(${batch}::int[])`;
    // A record deleted by a sync in between is simply left out.
    const byId = new Map(rows.map((r) => [r.id, r]));
    yield batch.flatMap((id) => byId.get(id) ?? []);
  }
}
