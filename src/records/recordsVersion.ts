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

/** Every fabric's id and name (by name), and the version of the records of all of them or of one. */
export interface FabricsAndVersion {
  fabrics: { id: number; name: string }[];
  /** What recordsVersion(fabricId) would answer, from the same rows. */
  version(fabricId?: number): string;
}

/**
 * The fabrics and the records' version in one statement: a list page needs both (its fabric
 * filter's choices and its cache key), and a second round trip to the database on every request
 * cost more than anything else the page does per request once its rows are kept.
 */
export async function fabricsAndVersion(): Promise<FabricsAndVersion> {
  const fabrics = await queryRows<{ id: number; name: string; xmin: string }>(
    Prisma.sql`SELECT id, name, xmin::text AS xmin FROM "Fabric" ORDER BY name`,
  );
  return {
    fabrics: fabrics.map(({ id, name }) => ({ id, name })),
    version(fabricId) {
      const rows =
        fabricId === undefined ? [...fabrics].sort((a, b) => a.id - b.id) : fabrics.filter((f) => f.id === fabricId);
      return rows.map((f) => `${f.id}:${f.xmin}`).join(',');
    },
  };
}
