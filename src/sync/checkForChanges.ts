import { db } from '../db';
import { startSync } from './startSync';

/**
 * Queues scheduled syncs: a fabric with a sync interval that has elapsed, or whose revision moved
 * past its synced commit (out_of_sync). The heads come from the repositories' health checks
 * (src/repositories/checkRepository.ts: one ls-remote per repository and revision per round), so
 * this asks git nothing.
 */
export async function checkForChanges(now = new Date()): Promise<{ scheduled: number }> {
  const fabrics = await db().fabric.findMany({
    where: { syncEnabled: true, syncIntervalSeconds: { not: null } },
    select: { id: true, syncIntervalSeconds: true, lastSyncedAt: true, syncStatus: true },
  });
  let scheduled = 0;
  for (const fabric of fabrics) {
    const interval = (fabric.syncIntervalSeconds ?? 0) * 1000;
    const due = !fabric.lastSyncedAt || now.getTime() - fabric.lastSyncedAt.getTime() >= interval;
    if (!due && fabric.syncStatus !== 'out_of_sync') continue;
    const { created } = await startSync({ fabricId: fabric.id, trigger: 'schedule', user: null });
    if (created) scheduled++;
  }
  return { scheduled };
}
