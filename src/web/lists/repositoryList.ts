// The repository list: search on name and URL, filters by authentication and connection status.
import { AUTH_TYPE, CONNECTION_STATUS } from '../../choices';
import { db, type Prisma } from '../../db';
import { prismaPage, type ListQuery, type ListRow, type ListSpec } from '../listView';

export const repositoryListSpec: ListSpec = {
  key: 'repositories',
  columns: [
    { key: 'name', label: 'Name', sortable: true, required: true },
    { key: 'url', label: 'URL', sortable: true },
    { key: 'authType', label: 'Authentication', sortable: true },
    { key: 'branch', label: 'Default branch', hidden: true },
    { key: 'connection', label: 'Connection', sortable: true },
    { key: 'lastValidated', label: 'Last tested', sortable: true },
    { key: 'fabrics', label: 'Fabrics', sortable: true },
  ],
  filters: [
    {
      key: 'authType',
      label: 'Authentication',
      choices: Object.entries(AUTH_TYPE).map(([value, c]) => ({ value, label: c.label })),
    },
    {
      key: 'connection',
      label: 'Connection',
      choices: Object.entries(CONNECTION_STATUS).map(([value, c]) => ({ value, label: c.label })),
    },
  ],
  defaultSort: 'name',
  exports: [],
  searchPlaceholder: 'Name or URL',
};

const SORTS: Record<string, (dir: Prisma.SortOrder) => Prisma.GitRepositoryOrderByWithRelationInput> = {
  name: (dir) => ({ name: dir }),
  url: (dir) => ({ url: dir }),
  authType: (dir) => ({ authType: dir }),
  connection: (dir) => ({ connectionStatus: dir }),
  lastValidated: (dir) => ({ lastValidatedAt: { sort: dir, nulls: 'last' } }),
  fabrics: (dir) => ({ fabrics: { _count: dir } }),
};

function repositoryWhere(query: ListQuery): Prisma.GitRepositoryWhereInput {
  const f = query.filters;
  const contains = query.q ? { contains: query.q, mode: 'insensitive' as const } : undefined;
  return {
    ...(f.authType && f.authType in AUTH_TYPE ? { authType: f.authType as keyof typeof AUTH_TYPE } : {}),
    ...(f.connection && f.connection in CONNECTION_STATUS
      ? { connectionStatus: f.connection as keyof typeof CONNECTION_STATUS }
      : {}),
    ...(contains ? { OR: [{ name: contains }, { url: contains }] } : {}),
  };
}

const include = { _count: { select: { fabrics: true } } } as const;
type RepositoryRow = Prisma.GitRepositoryGetPayload<{ include: typeof include }>;

/** One page of repositories and the total that matches. */
export async function loadRepositories(query: ListQuery): Promise<{ items: RepositoryRow[]; total: number }> {
  const where = repositoryWhere(query);
  const [items, total] = await Promise.all([
    db().gitRepository.findMany({ where, include, ...prismaPage(query, SORTS, 'name') }),
    db().gitRepository.count({ where }),
  ]);
  return { items, total };
}

/** Rows for views/_list.njk: never the secret, only whether there is one. */
export function repositoryRows(items: RepositoryRow[]): ListRow[] {
  return items.map((r) => ({
    cells: {
      name: { text: r.name, href: `/repositories/${r.id}` },
      url: { text: r.url, mono: true },
      authType: { text: AUTH_TYPE[r.authType].label },
      branch: { text: r.defaultBranch ?? 'remote default', mono: !!r.defaultBranch },
      connection: { text: r.connectionStatus, badge: CONNECTION_STATUS[r.connectionStatus] },
      lastValidated: { text: r.lastValidatedAt?.toISOString() ?? null, time: r.lastValidatedAt ?? undefined },
      fabrics: { text: r._count.fabrics, href: `/fabrics?repository=${r.id}` },
    },
  }));
}
