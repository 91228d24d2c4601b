// The sync-run list: newest first, filters by fabric, result and trigger, search on the commit.
import { RUN_STATUS } from '../../choices';
import { db, type Prisma } from '../../db';
import { prismaPage, type ListQuery, type ListRow, type ListSpec } from '../listView';

const TRIGGERS = ['manual', 'api', 'schedule', 'webhook'] as const;

/** The sync-run list spec; `fabrics` are the fabric filter's choices. */
export function syncRunListSpec(fabrics: { value: string; label: string }[]): ListSpec {
  return {
    key: 'sync-runs',
    columns: [
      { key: 'id', label: 'Run', sortable: true, required: true },
      { key: 'fabric', label: 'Fabric', sortable: true },
      { key: 'status', label: 'Result', sortable: true },
      { key: 'stage', label: 'Stage' },
      { key: 'commit', label: 'Commit' },
      { key: 'message', label: 'Commit message', hidden: true },
      { key: 'created', label: 'Created', sortable: true },
      { key: 'updated', label: 'Updated', sortable: true },
      { key: 'deleted', label: 'Deleted', sortable: true },
      { key: 'invalid', label: 'Invalid', sortable: true },
      { key: 'by', label: 'By' },
      { key: 'queued', label: 'Queued', sortable: true },
      { key: 'duration', label: 'Duration', sortable: true },
    ],
    filters: [
      { key: 'fabric', label: 'Fabric', choices: fabrics },
      {
        key: 'status',
        label: 'Result',
        choices: Object.entries(RUN_STATUS).map(([value, c]) => ({ value, label: c.label })),
      },
      { key: 'trigger', label: 'Trigger', choices: TRIGGERS.map((t) => ({ value: t, label: t })) },
    ],
    defaultSort: '-id',
    exports: [],
    searchPlaceholder: 'Commit sha or message',
  };
}

const SORTS: Record<string, (dir: Prisma.SortOrder) => Prisma.SyncRunOrderByWithRelationInput> = {
  id: (dir) => ({ id: dir }),
  fabric: (dir) => ({ fabric: { name: dir } }),
  status: (dir) => ({ status: dir }),
  created: (dir) => ({ createdCount: dir }),
  updated: (dir) => ({ updatedCount: dir }),
  deleted: (dir) => ({ deletedCount: dir }),
  invalid: (dir) => ({ invalidCount: dir }),
  queued: (dir) => ({ queuedAt: dir }),
  duration: (dir) => ({ durationMs: { sort: dir, nulls: 'last' } }),
};

function syncRunWhere(query: ListQuery): Prisma.SyncRunWhereInput {
  const f = query.filters;
  const fabricId = Number(f.fabric);
  const q = query.q;
  return {
    ...(f.fabric ? { fabricId: Number.isInteger(fabricId) && fabricId > 0 && fabricId < 2 ** 31 ? fabricId : -1 } : {}),
    ...(f.status && f.status in RUN_STATUS ? { status: f.status as keyof typeof RUN_STATUS } : {}),
    ...(f.trigger && (TRIGGERS as readonly string[]).includes(f.trigger)
      ? { trigger: f.trigger as (typeof TRIGGERS)[number] }
      : {}),
    ...(q
      ? {
          OR: [
            { commitSha: { startsWith: q.toLowerCase() } },
            { commitMessage: { contains: q, mode: 'insensitive' as const } },
          ],
        }
      : {}),
  };
}

const include = { fabric: { select: { id: true, name: true } }, requestedBy: { select: { username: true } } } as const;
type RunRow = Prisma.SyncRunGetPayload<{ include: typeof include; omit: { files: true } }>;

/** One page of sync runs and the total that matches. */
export async function loadSyncRuns(query: ListQuery): Promise<{ items: RunRow[]; total: number }> {
  const where = syncRunWhere(query);
  const [items, total] = await Promise.all([
    db().syncRun.findMany({ where, include, ...prismaPage(query, SORTS, 'id') }),
    db().syncRun.count({ where }),
  ]);
  return { items, total };
}

function duration(ms: number | null): string | null {
  if (ms === null) return null;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Rows for views/_list.njk. */
export function syncRunRows(items: RunRow[]): ListRow[] {
  return items.map((r) => ({
    cells: {
      id: { text: `#${r.id}`, href: `/sync-runs/${r.id}` },
      fabric: { text: r.fabric.name, href: `/fabrics/${r.fabric.id}` },
      status: { text: r.status, badge: RUN_STATUS[r.status] },
      stage: { text: r.stage },
      commit: { text: r.commitSha ? r.commitSha.slice(0, 8) : null, mono: true },
      message: { text: r.commitMessage },
      created: { text: r.createdCount },
      updated: { text: r.updatedCount },
      deleted: { text: r.deletedCount },
      invalid: { text: r.invalidCount },
      by: { text: r.requestedBy?.username ?? r.trigger },
      queued: { text: r.queuedAt.toISOString(), time: r.queuedAt },
      duration: { text: duration(r.durationMs) },
    },
  }));
}
