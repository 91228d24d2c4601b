// The fabric list: search on name and directory, filters by repository, status and sync status.
import { FABRIC_STATUS, SYNC_STATUS } from '../../choices';
import { db, type Prisma } from '../../db';
import { prismaPage, type ListQuery, type ListRow, type ListSpec } from '../listView';

/** The fabric list spec; `repositories` are the repository filter's choices. */
export function fabricListSpec(repositories: { value: string; label: string }[]): ListSpec {
  return {
    key: 'fabrics',
    columns: [
      { key: 'name', label: 'Name', sortable: true, required: true },
      { key: 'status', label: 'Status', sortable: true },
      { key: 'repository', label: 'Repository', sortable: true },
      { key: 'directory', label: 'Directory', sortable: true },
      { key: 'branch', label: 'Branch', hidden: true },
      { key: 'syncStatus', label: 'Sync status', sortable: true },
      { key: 'records', label: 'Records', sortable: true },
      { key: 'commit', label: 'Synced commit', hidden: true },
      { key: 'lastSynced', label: 'Last synced', sortable: true },
    ],
    filters: [
      { key: 'repository', label: 'Repository', choices: repositories },
      {
        key: 'status',
        label: 'Status',
        choices: Object.entries(FABRIC_STATUS).map(([value, c]) => ({ value, label: c.label })),
      },
      {
        key: 'syncStatus',
        label: 'Sync status',
        choices: Object.entries(SYNC_STATUS).map(([value, c]) => ({ value, label: c.label })),
      },
    ],
    defaultSort: 'name',
    exports: [],
    searchPlaceholder: 'Name or directory',
  };
}

const SORTS: Record<string, (dir: Prisma.SortOrder) => Prisma.FabricOrderByWithRelationInput> = {
  name: (dir) => ({ name: dir }),
  status: (dir) => ({ status: dir }),
  repository: (dir) => ({ repository: { name: dir } }),
  directory: (dir) => ({ gitopsDirectory: dir }),
  syncStatus: (dir) => ({ syncStatus: dir }),
  records: (dir) => ({ cachedCrdCount: dir }),
  lastSynced: (dir) => ({ lastSyncedAt: { sort: dir, nulls: 'last' } }),
};

function fabricWhere(query: ListQuery): Prisma.FabricWhereInput {
  const f = query.filters;
  const contains = query.q ? { contains: query.q, mode: 'insensitive' as const } : undefined;
  return {
    ...(f.repository ? { repositoryId: Number(f.repository) || -1 } : {}),
    ...(f.status && f.status in FABRIC_STATUS ? { status: f.status as keyof typeof FABRIC_STATUS } : {}),
    ...(f.syncStatus && f.syncStatus in SYNC_STATUS ? { syncStatus: f.syncStatus as keyof typeof SYNC_STATUS } : {}),
    ...(contains ? { OR: [{ name: contains }, { gitopsDirectory: contains }] } : {}),
  };
}

const include = { repository: { select: { id: true, name: true, defaultBranch: true } } } as const;
type FabricRow = Prisma.FabricGetPayload<{ include: typeof include }>;

/** One page of fabrics and the total that matches. */
export async function loadFabrics(query: ListQuery): Promise<{ items: FabricRow[]; total: number }> {
  const where = fabricWhere(query);
  const [items, total] = await Promise.all([
    db().fabric.findMany({ where, include, ...prismaPage(query, SORTS, 'name') }),
    db().fabric.count({ where }),
  ]);
  return { items, total };
}

/** Rows for views/_list.njk. */
export function fabricRows(items: FabricRow[]): ListRow[] {
  return items.map((f) => ({
    cells: {
      name: { text: f.name, href: `/fabrics/${f.id}` },
      status: { text: f.status, badge: FABRIC_STATUS[f.status] },
      repository: { text: f.repository.name, href: `/repositories/${f.repository.id}` },
      directory: { text: f.gitopsDirectory || '/', mono: true },
      branch: {
        text: f.branch ?? f.repository.defaultBranch ?? 'remote default',
        mono: !!(f.branch ?? f.repository.defaultBranch),
      },
      syncStatus: { text: f.syncStatus, badge: SYNC_STATUS[f.syncStatus] },
      records: { text: f.cachedCrdCount, href: `/crds?fabric=${f.id}` },
      commit: { text: f.lastSyncedCommit?.slice(0, 8) ?? null, mono: true },
      lastSynced: { text: f.lastSyncedAt?.toISOString() ?? null, time: f.lastSyncedAt ?? undefined },
    },
  }));
}
