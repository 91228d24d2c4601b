// The repository list: search on name and URL, filters by authentication and connection status.
import { AUTH_TYPE, CONNECTION_STATUS } from '../../choices';
import { db, type Prisma } from '../../db';
import { defineList, filterWhere, prismaPage, type ListQuery } from '../listView';

const include = { _count: { select: { fabrics: true } } } as const;
type RepositoryRow = Prisma.GitRepositoryGetPayload<{ include: typeof include }>;

/** The repository list; its cells never show the secret, only whether there is one. */
export const repositoryListSpec = defineList<
  RepositoryRow,
  Prisma.GitRepositoryOrderByWithRelationInput,
  Prisma.GitRepositoryWhereInput
>({
  key: 'repositories',
  columns: [
    {
      key: 'name',
      label: 'Name',
      required: true,
      sort: (dir) => ({ name: dir }),
      cell: (r) => ({ text: r.name, href: `/repositories/${r.id}` }),
    },
    { key: 'url', label: 'URL', sort: (dir) => ({ url: dir }), cell: (r) => ({ text: r.url, mono: true }) },
    {
      key: 'authType',
      label: 'Authentication',
      sort: (dir) => ({ authType: dir }),
      cell: (r) => ({ text: AUTH_TYPE[r.authType].label }),
    },
    {
      key: 'branch',
      label: 'Default branch',
      hidden: true,
      cell: (r) => ({ text: r.defaultBranch ?? 'remote default', mono: !!r.defaultBranch }),
    },
    {
      key: 'connection',
      label: 'Connection',
      sort: (dir) => ({ connectionStatus: dir }),
      cell: (r) => ({ text: r.connectionStatus, badge: CONNECTION_STATUS[r.connectionStatus] }),
    },
    {
      key: 'lastValidated',
      label: 'Last tested',
      sort: (dir) => ({ lastValidatedAt: { sort: dir, nulls: 'last' } }),
      cell: (r) => ({ text: r.lastValidatedAt?.toISOString() ?? null, time: r.lastValidatedAt ?? undefined }),
    },
    {
      key: 'fabrics',
      label: 'Fabrics',
      sort: (dir) => ({ fabrics: { _count: dir } }),
      cell: (r) => ({ text: r._count.fabrics, href: `/fabrics?repository=${r.id}` }),
    },
  ],
  filters: [
    {
      key: 'authType',
      label: 'Authentication',
      choices: Object.entries(AUTH_TYPE).map(([value, c]) => ({ value, label: c.label })),
      where: (v) => (v in AUTH_TYPE ? { authType: v as keyof typeof AUTH_TYPE } : {}),
    },
    {
      key: 'connection',
      label: 'Connection',
      choices: Object.entries(CONNECTION_STATUS).map(([value, c]) => ({ value, label: c.label })),
      where: (v) => (v in CONNECTION_STATUS ? { connectionStatus: v as keyof typeof CONNECTION_STATUS } : {}),
    },
  ],
  defaultSort: 'name',
  exports: [],
  searchPlaceholder: 'Name or URL',
});

/** One page of repositories and the total that matches. */
export async function loadRepositories(query: ListQuery): Promise<{ items: RepositoryRow[]; total: number }> {
  const contains = query.q ? { contains: query.q, mode: 'insensitive' as const } : undefined;
  const where: Prisma.GitRepositoryWhereInput = {
    AND: [
      ...filterWhere(repositoryListSpec, query),
      ...(contains ? [{ OR: [{ name: contains }, { url: contains }] }] : []),
    ],
  };
  const [items, total] = await Promise.all([
    db().gitRepository.findMany({ where, include, ...prismaPage(repositoryListSpec, query) }),
    db().gitRepository.count({ where }),
  ]);
  return { items, total };
}
