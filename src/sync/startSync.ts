import { db, type SyncRun, type User } from '../db';
import { queue } from '../queues';
import { log } from '../log';
import { Conflict, NotFound } from '../errors';
import type { SyncWindow } from '../fabrics/schema';
import { activeSyncWindow, describeSyncWindow } from '../fabrics/syncWindows';
import { redactText } from '../secrets/redact';
import { fail, queueRun } from './runLifecycle';

export const SYNC_ATTEMPTS = 3;

/**
 * Queues a sync of a fabric. At most one run per fabric is queued or running: a second request
 * returns that run (`created: false`); previews (dry runs) are counted apart. The job is enqueued only after the run is committed.
 */
export async function startSync(props: {
  fabricId: number;
  trigger: 'manual' | 'api' | 'schedule' | 'webhook';
  user: Pick<User, 'id'> | null;
  force?: boolean;
  /** Apply exactly this commit (checked to be reachable from the revision by the caller). */
  commit?: string;
  /** A preview: planned, never applied; it neither waits for nor blocks a real sync. */
  dryRun?: boolean;
}): Promise<{ run: SyncRun; created: boolean }> {
  const { run, created } = await db().$transaction(async (tx) => {
    // The row lock serialises concurrent requests for the same fabric.
    const [locked] = await tx.$queryRaw<
      { id: number; syncWindows: SyncWindow[] }[]
    >`SELECT id, "syncWindows" FROM "Fabric" WHERE id = ${props.fabricId} FOR UPDATE`;
    if (!locked) throw new NotFound('fabric');
    const window = activeSyncWindow(locked.syncWindows);
    if (window && !props.force && !props.dryRun)
      throw new Conflict(
        `a sync window (${describeSyncWindow(window.window)}) is active until ${window.endsAt.toISOString()}: automatic syncs wait, a manual sync needs "force"`,
      );
    const active = await tx.syncRun.findFirst({
      where: {
        fabricId: props.fabricId,
        status: { in: ['queued', 'running'] },
        dryRun: props.dryRun ?? false,
        // A preview of another commit is another preview.
        ...(props.dryRun && { requestedCommit: props.commit ?? null }),
      },
      orderBy: { id: 'desc' },
    });
    if (active) return { run: active, created: false };
    const run = await queueRun(tx, {
      fabricId: props.fabricId,
      trigger: props.trigger,
      requestedById: props.user?.id ?? null,
      force: props.force ?? false,
      requestedCommit: props.commit ?? null,
      dryRun: props.dryRun ?? false,
    });
    return { run, created: true };
  });
  if (!created) return { run, created };

  try {
    const job = await queue().add(
      'sync',
      { syncRunId: run.id },
      {
        jobId: `run-${run.id}`,
        attempts: SYNC_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    );
    const updated = await db().syncRun.update({ where: { id: run.id }, data: { jobId: job.id ?? null } });
    log.info('sync queued', { syncRunId: run.id, fabricId: props.fabricId, trigger: props.trigger });
    return { run: updated, created };
  } catch (err) {
    await fail(run.id, `could not queue the sync: ${redactText((err as Error).message)}`);
    throw err;
  }
}
