import { CATEGORIES, kinds, type KindDef } from '../crds';
import { db } from '../db';

/** Record counts per kind, grouped by API category; for one fabric when `fabricId` is given. */
export async function countRecordsByKind(fabricId?: number): Promise<{ total: number; categories: { name: string; kinds: { kind: KindDef; count: number }[] }[] }> {
  const groups = await db().crdRecord.groupBy({ by: ['kind'], where: fabricId ? { fabricId } : {}, _count: { _all: true } });
  const counts = new Map(groups.map((g) => [g.kind, g._count._all]));
  return {
    total: groups.reduce((n, g) => n + g._count._all, 0),
    categories: CATEGORIES.map((name) => ({ name, kinds: kinds.filter((k) => k.category === name).map((kind) => ({ kind, count: counts.get(kind.kind) ?? 0 })) })),
  };
}
