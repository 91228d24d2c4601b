import { db, type FabricHealth, type Prisma, type SyncStatus } from '../db';

// The fabric's two axes, as Argo CD has them, derived here and nowhere else:
// - syncStatus (git vs the mirror) from its latest run, its last synced commit and the remote head;
// - health (what the last applied sync left) from that run's invalid documents and files.

type Tx = Prisma.TransactionClient;

export interface SyncStatusInputs {
  /** Status of the fabric's latest run, if any. */
  latestRun: string | null;
  lastSyncedCommit: string | null;
  lastSyncedAt: Date | null;
  /** The head of the fabric's revision seen by the last ls-remote. */
  remoteHead: string | null;
  /** The fabric's settings changed after the last sync that used them. */
  settingsPendingSync?: boolean;
}

/** The fabric's syncStatus. */
export function syncStatusOf(f: SyncStatusInputs): SyncStatus {
  if (f.latestRun === 'queued') return 'queued';
  if (f.latestRun === 'running') return 'syncing';
  if (f.latestRun === 'failed') return 'error';
  // Synced before but its source changed since (directory, branch): the records describe nothing in git now.
  if (!f.lastSyncedCommit) return f.lastSyncedAt ? 'out_of_sync' : 'never_synced';
  if (f.remoteHead && f.remoteHead !== f.lastSyncedCommit) return 'out_of_sync';
  // The records were judged with settings that have changed since.
  if (f.settingsPendingSync) return 'out_of_sync';
  return 'in_sync';
}

/** The fabric's health after a run applied: degraded when any document or file was invalid. */
export function healthOf(invalid: number): FabricHealth {
  return invalid > 0 ? 'degraded' : 'healthy';
}

/**
 * Writes the fabric's syncStatus from what it is derived from; called by whatever changed one
 * of those (a run's status, the remote head, the fabric's source). Returns it.
 */
export async function refreshSyncStatus(tx: Tx, fabricId: number): Promise<SyncStatus | null> {
  const f = await tx.fabric.findUnique({
    where: { id: fabricId },
    select: {
      syncStatus: true,
      lastSyncedCommit: true,
      lastSyncedAt: true,
      remoteHead: true,
      settingsPendingSync: true,
      // Previews (dry runs) say nothing about the mirror.
      syncRuns: { where: { dryRun: false }, orderBy: { id: 'desc' }, take: 1, select: { status: true } },
    },
  });
  if (!f) return null;
  const syncStatus = syncStatusOf({ ...f, latestRun: f.syncRuns[0]?.status ?? null });
  if (syncStatus !== f.syncStatus) await tx.fabric.update({ where: { id: fabricId }, data: { syncStatus } });
  return syncStatus;
}

/** Records the head of the fabrics' revision seen now (ls-remote, a push webhook) and derives their syncStatus. */
export async function recordRemoteHead(fabricIds: number[], head: string, at = new Date()): Promise<void> {
  if (!fabricIds.length) return;
  await db().$transaction(async (tx) => {
    await tx.fabric.updateMany({ where: { id: { in: fabricIds } }, data: { remoteHead: head, remoteCheckedAt: at } });
    for (const id of fabricIds) await refreshSyncStatus(tx, id);
  });
}
