// The change log as a list: filters by action, object type, user, sync run and fabric; quick
// search on the object's label; every filter and sort column is backed by an index or is cheap.
import { CHANGE_ACTION } from '../../choices';
import { kindByName, kinds } from '../../crds';
import { db, type ChangeRecord, type Prisma } from '../../db';
import { defineList, filterWhere, prismaPage, type ListQuery } from '../listView';

type Choices = { value: string; label: string }[];

const OBJECT_TYPES = ['Fabric', 'GitRepository', ...kinds.map((k) => k.kind)];

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : undefined;
}

/** The page of the changed object, while it can still exist. */
export function objectHref(c: Pick<ChangeRecord, 'objectType' | 'objectId' | 'action'>): string | undefined {
  if (c.action === 'delete' || c.objectId === null) return undefined;
  if (c.objectType === 'Fabric') return `/fabrics/${c.objectId}`;
  if (c.objectType === 'GitRepository') return `/repositories/${c.objectId}`;
  const kind = kindByName(c.objectType);
  return kind ? `/crds/${kind.slug}/${c.objectId}` : undefined;
}

/** The change log's list spec; fabric and user choices come from the database (the fabric cells name fabrics from them). */
export function changeListSpec(fabrics: Choices, users: Choices) {
  const fabricNames = new Map(fabrics.map((f) => [Number(f.value), f.label]));
  return defineList<ChangeRecord, Prisma.ChangeRecordOrderByWithRelationInput, Prisma.ChangeRecordWhereInput>({
    key: 'changes',
    columns: [
      {
        key: 'id',
        label: 'Change',
        required: true,
        sort: (dir) => ({ id: dir }),
        cell: (c) => ({ text: `#${c.id}`, href: `/changes/${c.id}` }),
      },
      {
        key: 'time',
        label: 'Time',
        sort: (dir) => ({ time: dir }),
        cell: (c) => ({ text: c.time.toISOString(), time: c.time }),
      },
      { key: 'actor', label: 'By', sort: (dir) => ({ actorLabel: dir }), cell: (c) => ({ text: c.actorLabel }) },
      {
        key: 'action',
        label: 'Action',
        sort: (dir) => ({ action: dir }),
        cell: (c) => ({ text: c.action, badge: CHANGE_ACTION[c.action] }),
      },
      { key: 'objectType', label: 'Type', sort: (dir) => ({ objectType: dir }), cell: (c) => ({ text: c.objectType }) },
      {
        key: 'object',
        label: 'Object',
        sort: (dir) => ({ objectLabel: dir }),
        cell: (c) => ({ text: c.objectLabel, href: objectHref(c) }),
      },
      {
        key: 'fabric',
        label: 'Fabric',
        cell: (c) =>
          c.fabricId
            ? {
                text: fabricNames.get(c.fabricId) ?? `#${c.fabricId}`,
                href: fabricNames.has(c.fabricId) ? `/fabrics/${c.fabricId}` : undefined,
              }
            : { text: null },
      },
      {
        key: 'syncRun',
        label: 'Sync run',
        sort: (dir) => ({ syncRunId: { sort: dir, nulls: 'last' } }),
        cell: (c) => (c.syncRunId ? { text: `#${c.syncRunId}`, href: `/sync-runs/${c.syncRunId}` } : { text: null }),
      },
    ],
    filters: [
      {
        key: 'action',
        label: 'Action',
        choices: Object.entries(CHANGE_ACTION).map(([value, c]) => ({ value, label: c.label })),
        where: (v) => (v in CHANGE_ACTION ? { action: v as keyof typeof CHANGE_ACTION } : {}),
      },
      {
        key: 'objectType',
        label: 'Type',
        choices: OBJECT_TYPES.map((t) => ({ value: t, label: t })),
        where: (v) => ({ objectType: v }),
      },
      { key: 'user', label: 'User', choices: users, id: true, where: (v) => ({ userId: positiveInt(v) ?? -1 }) },
      {
        key: 'syncRun',
        label: 'Sync run',
        id: true,
        where: (v) => ({ syncRunId: positiveInt(v.replace(/^#/, '')) ?? -1 }),
      },
      {
        key: 'fabric',
        label: 'Fabric',
        choices: fabrics,
        id: true,
        where: (v) => ({ fabricId: positiveInt(v) ?? -1 }),
      },
    ],
    defaultSort: '-id',
    exports: [],
    searchPlaceholder: 'Search by object name',
  });
}

/** One page of the change log and the total that matches. */
export async function loadChanges(
  spec: ReturnType<typeof changeListSpec>,
  query: ListQuery,
): Promise<{ items: ChangeRecord[]; total: number }> {
  const search = query.q ? [{ objectLabel: { contains: query.q, mode: 'insensitive' as const } }] : [];
  const where: Prisma.ChangeRecordWhereInput = { AND: [...filterWhere(spec, query), ...search] };
  const [items, total] = await Promise.all([
    db().changeRecord.findMany({ where, ...prismaPage(spec, query) }),
    db().changeRecord.count({ where }),
  ]);
  return { items, total };
}
