import { db } from '../db';
import type { SyncWindow } from '../fabrics/schema';
import { activeSyncWindow } from '../fabrics/syncWindows';
import { startSync } from './startSync';

/**
 * Queues scheduled syncs of automatic fabrics outside a sync window: one with a sync interval that
 * has elapsed, or whose revision moved past its synced commit (out_of_sync). Manual fabrics are
 * only marked out of sync. The heads come from the repositories' health checks
 * (src/repositories/checkRepository.ts: one ls-remote per repository and revision per round), so
 * this asks git nothing.
 */
export async function checkForChanges(now = new Date()): Promise<{ scheduled: number }> {
  const fabrics = await db().fabric.findMany({
    where: { syncEnabled: true, syncPolicy: 'automatic' },
    select: { id: true, syncIntervalSeconds: true, lastSyncedAt: true, syncStatus: true, syncWindows: true },
  });
  let scheduled = 0;
  for (const fabric of fabrics) {
    const interval = (fabric.syncIntervalSeconds ?? 0) * 1000;
    const due =
      !!fabric.syncIntervalSeconds &&
      (!fabric.lastSyncedAt || now.getTime() - fabric.lastSyncedAt.getTime() >= interval);
    if (!due && fabric.syncStatus !== 'out_of_sync') continue;
    // During a deny window the sync waits; a later round queues it.
    if (activeSyncWindow(fabric.syncWindows as SyncWindow[], now)) continue;
    const { created } = await startSync({ fabricId: fabric.id, trigger: 'schedule', user: null });
    if (created) scheduled++;
  }
  return { scheduled };
}
