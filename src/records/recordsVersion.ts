// What record pages and lists may cache (totals, the rows of a page, a rendered record page)
// is keyed by a version of the records read from the database on every request, so a cache
// is never stale and every web process agrees.
//
// The version is the fabrics' row versions: every transaction that changes a fabric's records
// also updates that fabric's row (applyPlan writes its counts), and an UPDATE gives the row a
// new `xmin` (the id of the transaction that wrote this row version, kept when the row is
// frozen). Deleting a fabric, and with it its records, removes its row. So the list of
// (fabric id, xmin) changes exactly when some record may have changed.

import { Prisma, queryRows } from '../db';

/** The version of the records of every fabric, or of one. */
export async function recordsVersion(fabricId?: number): Promise<string> {
  const [row] = await queryRows<{ version: string | null }>(Prisma.sql`
    SELECT string_agg(id::text || ':' || xmin::text, ',' ORDER BY id) AS version FROM "Fabric"
    ${fabricId === undefined ? Prisma.empty : Prisma.sql`WHERE id = ${fabricId}`}`);
  return row?.version ?? '';
}
