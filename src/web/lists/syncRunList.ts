// The sync-run list: newest first, filters by fabric, result and trigger, search on the commit.
import { RUN_STATUS } from '../../choices';
import { db, type Prisma } from '../../db';
import { defineList, filterWhere, prismaPage, type ListQuery } from '../listView';

const TRIGGERS = ['manual', 'api', 'schedule', 'webhook'] as const;

const include = { fabric: { select: { id: true, name: true } }, requestedBy: { select: { username: true } } } as const;
type RunRow = Prisma.SyncRunGetPayload<{ include: typeof include; omit: { files: true; plan: true } }>;

function duration(ms: number | null): string | null {
  if (ms === null) return null;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The sync-run list spec; `fabrics` are the fabric filter's choices. */
export function syncRunListSpec(fabrics: { value: string; label: string }[]) {
  return defineList<RunRow, Prisma.SyncRunOrderByWithRelationInput, Prisma.SyncRunWhereInput>({
    key: 'sync-runs',
    columns: [
      {
        key: 'id',
        label: 'Run',
        required: true,
        sort: (dir) => ({ id: dir }),
        cell: (r) => ({ text: `#${r.id}`, href: `/sync-runs/${r.id}` }),
      },
      {
        key: 'fabric',
        label: 'Fabric',
        sort: (dir) => ({ fabric: { name: dir } }),
        cell: (r) => ({ text: r.fabric.name, href: `/fabrics/${r.fabric.id}` }),
      },
      {
        key: 'status',
        label: 'Result',
        sort: (dir) => ({ status: dir }),
        cell: (r) => ({ text: r.status, badge: RUN_STATUS[r.status] }),
      },
      { key: 'stage', label: 'Stage', cell: (r) => ({ text: r.stage }) },
      {
        key: 'commit',
        label: 'Commit',
        cell: (r) => ({ text: r.commitSha ? r.commitSha.slice(0, 8) : null, mono: true }),
      },
      { key: 'message', label: 'Commit message', hidden: true, cell: (r) => ({ text: r.commitMessage }) },
      {
        key: 'created',
        label: 'Created',
        sort: (dir) => ({ createdCount: dir }),
        cell: (r) => ({ text: r.createdCount }),
      },
      {
        key: 'updated',
        label: 'Updated',
        sort: (dir) => ({ updatedCount: dir }),
        cell: (r) => ({ text: r.updatedCount }),
      },
      {
        key: 'deleted',
        label: 'Deleted',
        sort: (dir) => ({ deletedCount: dir }),
        cell: (r) => ({ text: r.deletedCount }),
      },
      {
        key: 'invalid',
        label: 'Invalid',
        sort: (dir) => ({ invalidCount: dir }),
        cell: (r) => ({ text: r.invalidCount }),
      },
      { key: 'by', label: 'By', cell: (r) => ({ text: r.requestedBy?.username ?? r.trigger }) },
      {
        key: 'queued',
        label: 'Queued',
        sort: (dir) => ({ queuedAt: dir }),
        cell: (r) => ({ text: r.queuedAt.toISOString(), time: r.queuedAt }),
      },
      {
        key: 'duration',
        label: 'Duration',
        sort: (dir) => ({ durationMs: { sort: dir, nulls: 'last' } }),
        cell: (r) => ({ text: duration(r.durationMs) }),
      },
    ],
    filters: [
      {
        key: 'fabric',
        label: 'Fabric',
        choices: fabrics,
        id: true,
        where: (v) => {
          const fabricId = Number(v);
          return { fabricId: Number.isInteger(fabricId) && fabricId > 0 && fabricId < 2 ** 31 ? fabricId : -1 };
        },
      },
      {
        key: 'status',
        label: 'Result',
        choices: Object.entries(RUN_STATUS).map(([value, c]) => ({ value, label: c.label })),
        where: (v) => (v in RUN_STATUS ? { status: v as keyof typeof RUN_STATUS } : {}),
      },
      {
        key: 'trigger',
        label: 'Trigger',
        choices: TRIGGERS.map((t) => ({ value: t, label: t })),
        where: (v) => ((TRIGGERS as readonly string[]).includes(v) ? { trigger: v as (typeof TRIGGERS)[number] } : {}),
      },
    ],
    defaultSort: '-id',
    exports: [],
    searchPlaceholder: 'Commit sha or message',
  });
}

type SyncRunListSpec = ReturnType<typeof syncRunListSpec>;

function syncRunWhere(spec: SyncRunListSpec, query: ListQuery): Prisma.SyncRunWhereInput {
  const q = query.q;
  const search: Prisma.SyncRunWhereInput[] = q
    ? [
        {
          OR: [
            { commitSha: { startsWith: q.toLowerCase() } },
            { commitMessage: { contains: q, mode: 'insensitive' as const } },
          ],
        },
      ]
    : [];
  return { AND: [...filterWhere(spec, query), ...search] };
}

/** One page of sync runs and the total that matches. */
export async function loadSyncRuns(
  spec: SyncRunListSpec,
  query: ListQuery,
): Promise<{ items: RunRow[]; total: number }> {
  const where = syncRunWhere(spec, query);
  const [items, total] = await Promise.all([
    db().syncRun.findMany({ where, include, ...prismaPage(spec, query) }),
    db().syncRun.count({ where }),
  ]);
  return { items, total };
}
