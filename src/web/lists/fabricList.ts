// The fabric list: search on name and directory, filters by repository, status and sync status.
import { FABRIC_HEALTH, FABRIC_STATUS, SYNC_STATUS, healthChoice } from '../../choices';
import { db, type Prisma } from '../../db';
import type { SyncWindow } from '../../fabrics/schema';
import { activeSyncWindow } from '../../fabrics/syncWindows';
import { defineList, filterWhere, prismaPage, type ListQuery } from '../listView';

const include = { repository: { select: { id: true, name: true, defaultBranch: true } } } as const;
type FabricRow = Prisma.FabricGetPayload<{ include: typeof include }>;

/** The fabric list spec; `repositories` are the repository filter's choices (value = id). */
export function fabricListSpec(repositories: { value: string; label: string }[]) {
  return defineList<FabricRow, Prisma.FabricOrderByWithRelationInput, Prisma.FabricWhereInput>({
    key: 'fabrics',
    columns: [
      {
        key: 'name',
        label: 'Name',
        required: true,
        sort: (dir) => ({ name: dir }),
        cell: (f) => ({ text: f.name, href: `/fabrics/${f.id}` }),
      },
      {
        key: 'status',
        label: 'Status',
        sort: (dir) => ({ status: dir }),
        cell: (f) => ({ text: f.status, badge: FABRIC_STATUS[f.status] }),
      },
      {
        key: 'repository',
        label: 'Repository',
        sort: (dir) => ({ repository: { name: dir } }),
        cell: (f) => ({ text: f.repository.name, href: `/repositories/${f.repository.id}` }),
      },
      {
        key: 'directory',
        label: 'Directory',
        sort: (dir) => ({ gitopsDirectory: dir }),
        cell: (f) => ({ text: f.gitopsDirectory || '/', mono: true }),
      },
      {
        key: 'branch',
        label: 'Revision',
        hidden: true,
        cell: (f) => ({
          text: f.branch ?? f.repository.defaultBranch ?? 'remote default',
          mono: !!(f.branch ?? f.repository.defaultBranch),
        }),
      },
      {
        key: 'policy',
        label: 'Sync policy',
        cell: (f) => ({
          text: `${f.syncPolicy}${activeSyncWindow(f.syncWindows as SyncWindow[]) ? ' (sync window active)' : ''}`,
        }),
      },
      {
        key: 'syncStatus',
        label: 'Sync status',
        sort: (dir) => ({ syncStatus: dir }),
        cell: (f) => ({ text: f.syncStatus, badge: SYNC_STATUS[f.syncStatus] }),
      },
      {
        key: 'health',
        label: 'Health',
        sort: (dir) => ({ health: dir }),
        cell: (f) => ({
          text: f.health,
          badge: healthChoice(f),
        }),
      },
      {
        key: 'records',
        label: 'Records',
        sort: (dir) => ({ cachedCrdCount: dir }),
        cell: (f) => ({ text: f.cachedCrdCount, href: `/crds?fabric=${f.id}` }),
      },
      {
        key: 'commit',
        label: 'Synced commit',
        hidden: true,
        cell: (f) => ({ text: f.lastSyncedCommit?.slice(0, 8) ?? null, mono: true }),
      },
      {
        key: 'lastSynced',
        label: 'Last synced',
        sort: (dir) => ({ lastSyncedAt: { sort: dir, nulls: 'last' } }),
        cell: (f) => ({ text: f.lastSyncedAt?.toISOString() ?? null, time: f.lastSyncedAt ?? undefined }),
      },
    ],
    filters: [
      {
        key: 'repository',
        label: 'Repository',
        choices: repositories,
        id: true,
        where: (v) => ({ repositoryId: Number(v) || -1 }),
      },
      {
        key: 'status',
        label: 'Status',
        choices: Object.entries(FABRIC_STATUS).map(([value, c]) => ({ value, label: c.label })),
        where: (v) => (v in FABRIC_STATUS ? { status: v as keyof typeof FABRIC_STATUS } : {}),
      },
      {
        key: 'syncStatus',
        label: 'Sync status',
        choices: Object.entries(SYNC_STATUS).map(([value, c]) => ({ value, label: c.label })),
        where: (v) => (v in SYNC_STATUS ? { syncStatus: v as keyof typeof SYNC_STATUS } : {}),
      },
      {
        key: 'health',
        label: 'Health',
        choices: Object.entries(FABRIC_HEALTH).map(([value, c]) => ({ value, label: c.label })),
        where: (v) => (v in FABRIC_HEALTH ? { health: v as keyof typeof FABRIC_HEALTH } : {}),
      },
    ],
    defaultSort: 'name',
    exports: [],
    searchPlaceholder: 'Name or directory',
  });
}

type FabricListSpec = ReturnType<typeof fabricListSpec>;

function fabricWhere(spec: FabricListSpec, query: ListQuery): Prisma.FabricWhereInput {
  const contains = query.q ? { contains: query.q, mode: 'insensitive' as const } : undefined;
  return {
    AND: [
      ...filterWhere(spec, query),
      ...(contains ? [{ OR: [{ name: contains }, { gitopsDirectory: contains }] }] : []),
    ],
  };
}

/** One page of fabrics and the total that matches. */
export async function loadFabrics(
  spec: FabricListSpec,
  query: ListQuery,
): Promise<{ items: FabricRow[]; total: number }> {
  const where = fabricWhere(spec, query);
  const [items, total] = await Promise.all([
    db().fabric.findMany({ where, include, ...prismaPage(spec, query) }),
    db().fabric.count({ where }),
  ]);
  return { items, total };
}
