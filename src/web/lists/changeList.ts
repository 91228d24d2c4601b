// The change log as a list: filters by action, object type, user, sync run and fabric; quick
// search on the object's label; every filter and sort column is backed by an index or is cheap.
import { CHANGE_ACTION } from '../../choices';
import { kindByName, kinds } from '../../crds';
import { db, type ChangeRecord, type Prisma } from '../../db';
import { prismaPage, type ListQuery, type ListRow, type ListSpec } from '../listView';

type Choices = { value: string; label: string }[];

const OBJECT_TYPES = ['Fabric', 'GitRepository', ...kinds.map((k) => k.kind)];

/** The change log's list spec; fabric and user choices come from the database. */
export function changeListSpec(fabrics: Choices, users: Choices): ListSpec {
  return {
    key: 'changes',
    columns: [
      { key: 'id', label: 'Change', sortable: true, required: true },
      { key: 'time', label: 'Time', sortable: true },
      { key: 'actor', label: 'By', sortable: true },
      { key: 'action', label: 'Action', sortable: true },
      { key: 'objectType', label: 'Type', sortable: true },
      { key: 'object', label: 'Object', sortable: true },
      { key: 'fabric', label: 'Fabric' },
      { key: 'syncRun', label: 'Sync run', sortable: true },
    ],
    filters: [
      {
        key: 'action',
        label: 'Action',
        choices: Object.entries(CHANGE_ACTION).map(([value, c]) => ({ value, label: c.label })),
      },
      { key: 'objectType', label: 'Type', choices: OBJECT_TYPES.map((t) => ({ value: t, label: t })) },
      { key: 'user', label: 'User', choices: users },
      { key: 'syncRun', label: 'Sync run' },
      { key: 'fabric', label: 'Fabric', choices: fabrics },
    ],
    defaultSort: '-id',
    exports: [],
    searchPlaceholder: 'Search by object name',
  };
}

const SORTS: Record<string, (dir: Prisma.SortOrder) => Prisma.ChangeRecordOrderByWithRelationInput> = {
  id: (dir) => ({ id: dir }),
  time: (dir) => ({ time: dir }),
  actor: (dir) => ({ actorLabel: dir }),
  action: (dir) => ({ action: dir }),
  objectType: (dir) => ({ objectType: dir }),
  object: (dir) => ({ objectLabel: dir }),
  syncRun: (dir) => ({ syncRunId: { sort: dir, nulls: 'last' } }),
};

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : undefined;
}

function changeWhere(query: ListQuery): Prisma.ChangeRecordWhereInput {
  const f = query.filters;
  return {
    ...(f.action && f.action in CHANGE_ACTION ? { action: f.action as keyof typeof CHANGE_ACTION } : {}),
    ...(f.objectType ? { objectType: f.objectType } : {}),
    ...(f.user ? { userId: positiveInt(f.user) ?? -1 } : {}),
    ...(f.syncRun ? { syncRunId: positiveInt(f.syncRun.replace(/^#/, '')) ?? -1 } : {}),
    ...(f.fabric ? { fabricId: positiveInt(f.fabric) ?? -1 } : {}),
    ...(query.q ? { objectLabel: { contains: query.q, mode: 'insensitive' as const } } : {}),
  };
}

/** One page of the change log and the total that matches. */
export async function loadChanges(query: ListQuery): Promise<{ items: ChangeRecord[]; total: number }> {
  const where = changeWhere(query);
  const [items, total] = await Promise.all([
    db().changeRecord.findMany({ where, ...prismaPage(query, SORTS, 'id') }),
    db().changeRecord.count({ where }),
  ]);
  return { items, total };
}

/** The page of the changed object, while it can still exist. */
export function objectHref(c: Pick<ChangeRecord, 'objectType' | 'objectId' | 'action'>): string | undefined {
  if (c.action === 'delete' || c.objectId === null) return undefined;
  if (c.objectType === 'Fabric') return `/fabrics/${c.objectId}`;
  if (c.objectType === 'GitRepository') return `/repositories/${c.objectId}`;
  const kind = kindByName(c.objectType);
  return kind ? `/crds/${kind.slug}/${c.objectId}` : undefined;
}

/** Rows for views/_list.njk; `fabricNames` maps fabric ids to names. */
export function changeRows(items: ChangeRecord[], fabricNames: Map<number, string>): ListRow[] {
  return items.map((c) => ({
    cells: {
      id: { text: `#${c.id}`, href: `/changes/${c.id}` },
      time: { text: c.time.toISOString(), time: c.time },
      actor: { text: c.actorLabel },
      action: { text: c.action, badge: CHANGE_ACTION[c.action] },
      objectType: { text: c.objectType },
      object: { text: c.objectLabel, href: objectHref(c) },
      fabric: c.fabricId
        ? {
            text: fabricNames.get(c.fabricId) ?? `#${c.fabricId}`,
            href: fabricNames.has(c.fabricId) ? `/fabrics/${c.fabricId}` : undefined,
          }
        : { text: null },
      syncRun: c.syncRunId ? { text: `#${c.syncRunId}`, href: `/sync-runs/${c.syncRunId}` } : { text: null },
    },
  }));
}
