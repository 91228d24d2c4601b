// What record pages and lists may cache (totals, the rows of a page, a rendered page) is keyed
// by a version of the records read from the database on every request, so a cache is never
// stale and every web process agrees.
//
// The version is the fabrics' row versions: every transaction that changes a fabric's records
// also updates that fabric's row (applyPlan writes its counts), and an UPDATE gives the row a
// new `xmin` (the id of the transaction that wrote this row version, kept when the row is
// frozen). Deleting a fabric, and with it its records, removes its row. So the list of
// (fabric id, xmin) changes exactly when some record may have changed.
//
// The version is spelled in one place, `versionOf`, from the fabrics' rows; fabrics are few, so
// every reader reads them all (`FABRIC_ROWS`), whether it wants one fabric's version or all.

import { Prisma, queryRows } from '../db';

/** A fabric's id, name and row version (xmin), and its repository's row version, as FABRIC_ROWS reads them. */
export interface FabricRow {
  id: number;
  name: string;
  xmin: string;
  /** The row version of the fabric's repository (its name and URL show on a record's page). */
  repositoryXmin: string;
}

/**
 * Every fabric's row as a JSON array, by name: one expression, so that a statement that reads
 * something else on every request (the session's user, `authenticate`) reads the fabrics and the
 * records' version in the same round trip.
 */
export const FABRIC_ROWS = Prisma.sql`(SELECT coalesce(json_agg(json_build_object('id', f.id, 'name', f.name, 'xmin', f.xmin::text, 'repositoryXmin', g.xmin::text) ORDER BY f.name), '[]'::json) FROM "Fabric" f LEFT JOIN "GitRepository" g ON g.id = f."repositoryId")`;

/** Every fabric's id and name (by name), and the version of the records of all of them or of one. */
export interface FabricsAndVersion {
  fabrics: { id: number; name: string }[];
  /** The version of the records of every fabric, or of one (`''` when it has none). */
  version(fabricId?: number): string;
  /**
   * The version of what a record's page of this fabric shows (its records, its name, its
   * repository's name and URL): the fabric's and its repository's row versions, as
   * `recordPage` spells it; undefined when there is no such fabric.
   */
  pageVersion(fabricId: number): string | undefined;
}

/** The records' version from the fabrics' rows: `id:xmin` of each (by id), or of the one asked for. */
function versionOf(rows: readonly FabricRow[], fabricId?: number): string {
  const chosen = fabricId === undefined ? [...rows].sort((a, b) => a.id - b.id) : rows.filter((f) => f.id === fabricId);
  return chosen.map((f) => `${f.id}:${f.xmin}`).join(',');
}

/** A record page's version from its fabric's and repository's row versions (the one spelling of it). */
export function recordPageVersion(fabricXmin: string, repositoryXmin: string | null | undefined): string {
  return `${fabricXmin}:${repositoryXmin ?? ''}`;
}

/** The fabrics and the records' versions from FABRIC_ROWS's rows (by name). */
export function fabricsAndVersionOf(rows: readonly FabricRow[]): FabricsAndVersion {
  return {
    fabrics: rows.map(({ id, name }) => ({ id, name })),
    version: (fabricId) => versionOf(rows, fabricId),
    pageVersion(fabricId) {
      const row = rows.find((f) => f.id === fabricId);
      return row && recordPageVersion(row.xmin, row.repositoryXmin);
    },
  };
}

/**
 * The fabrics and the records' version in one statement: a list page needs both (its fabric
 * filter's choices and its cache key). A request signed in by its session has them already
 * (`req.fabrics`, read with the user): this is for the others.
 */
export async function fabricsAndVersion(): Promise<FabricsAndVersion> {
  const [row] = await queryRows<{ fabrics: FabricRow[] }>(Prisma.sql`SELECT ${FABRIC_ROWS} AS fabrics`);
  return fabricsAndVersionOf(row?.fabrics ?? []);
}

/** The version of the records of every fabric, or of one. */
export async function recordsVersion(fabricId?: number): Promise<string> {
  return (await fabricsAndVersion()).version(fabricId);
}
