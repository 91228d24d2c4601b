import { CATEGORIES, kinds, type KindDef } from '../crds';
import { Prisma, queryRows } from '../db';

/**
 * Record counts per kind, grouped by API category; for one fabric when `fabricId` is given.
 * Read from the fabrics' counts, which the sync recounts from the rows in the transaction that
 * changes them (applyPlan), instead of counting 100,000 records per page view.
 */
export async function countRecordsByKind(fabricId?: number): Promise<{
  total: number;
  categories: { name: string; kinds: { kind: KindDef; count: number; builtins: number }[] }[];
}> {
  const fabrics = await queryRows<{ countsByKind: Record<string, number> }>(Prisma.sql`
    SELECT "countsByKind" FROM "Fabric" ${fabricId === undefined ? Prisma.empty : Prisma.sql`WHERE id = ${fabricId}`}`);
  const counts = new Map<string, number>();
  for (const f of fabrics)
    for (const [kind, n] of Object.entries(f.countsByKind)) counts.set(kind, (counts.get(kind) ?? 0) + n);
  return {
    total: [...counts.values()].reduce((a, b) => a + b, 0),
    categories: CATEGORIES.map((name) => ({
      name,
      kinds: kinds
        .filter((k) => k.category === name)
        // Built-in entries (the fabric's SwitchProfiles) are no fabric's records: told apart, never counted.
        .map((kind) => ({ kind, count: counts.get(kind.kind) ?? 0, builtins: kind.builtins?.().length ?? 0 })),
    })),
  };
}
