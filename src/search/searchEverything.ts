// The navigation's global search (NetBox's): one text across every kind's records (names and
// spec text, as the lists search), fabrics, repositories and sync runs.
import { kinds } from '../crds';
import { db, Prisma, queryRows } from '../db';
import { listRecords, recordWhereSql } from '../records/listRecords';

/** How many of each sort of object a search shows; the rest is behind a link to its list. */
export const SEARCH_SHOWN = 10;

/** Everything that matches `q`: records (the first few and a count per kind), fabrics, repositories, runs. */
export async function searchEverything(q: string) {
  const text = q.trim().slice(0, 200);
  if (!text) return null;
  const contains = { contains: text, mode: 'insensitive' as const };
  const runId = /^#?(\d{1,9})$/.exec(text)?.[1];
  const [records, perKind, fabrics, repositories, runs] = await Promise.all([
    listRecords({ q: text, perPage: SEARCH_SHOWN, sort: 'name' }),
    queryRows<{ kind: string; n: number }>(
      Prisma.sql`SELECT r.kind, count(*)::int AS n FROM "CrdRecord" r ${recordWhereSql({ q: text }, undefined)} GROUP BY r.kind`,
    ),
    db().fabric.findMany({
      where: { OR: [{ name: contains }, { description: contains }, { gitopsDirectory: contains }] },
      orderBy: { name: 'asc' },
      take: SEARCH_SHOWN,
      select: { id: true, name: true, gitopsDirectory: true, repository: { select: { name: true } } },
    }),
    db().gitRepository.findMany({
      where: { OR: [{ name: contains }, { url: contains }] },
      orderBy: { name: 'asc' },
      take: SEARCH_SHOWN,
      select: { id: true, name: true, url: true },
    }),
    db().syncRun.findMany({
      where: {
        OR: [
          ...(runId ? [{ id: Number(runId) }] : []),
          ...(/^[0-9a-f]{4,40}$/i.test(text) ? [{ commitSha: { startsWith: text.toLowerCase() } }] : []),
          { commitMessage: contains },
          { fabric: { name: contains } },
        ],
      },
      orderBy: { id: 'desc' },
      take: SEARCH_SHOWN,
      select: {
        id: true,
        status: true,
        commitSha: true,
        commitMessage: true,
        fabric: { select: { id: true, name: true } },
      },
    }),
  ]);
  const counts = new Map(perKind.map((k) => [k.kind, k.n]));
  return {
    q: text,
    records: records.items,
    recordsTotal: records.total,
    kinds: kinds.filter((k) => counts.get(k.kind)).map((k) => ({ kind: k, count: counts.get(k.kind)! })),
    fabrics,
    repositories,
    runs,
  };
}
