import { EventEmitter } from 'node:events';
import { db, Prisma, type BulkTx, type SyncRun } from '../db';
import { queue } from '../queues';
import { log } from '../log';
import { redactText } from '../secrets/redact';
import { GitError } from '../gitops/git';
import { healthOf, refreshSyncStatus } from './fabricStatus';
import { isDatabaseConnectionLoss, isTransient } from './isTransient';
import { RunProgress, type Stage } from './runProgress';
import { runSync, type RunToSync, type SyncEvents, type SyncResult } from './runSync';
import type { ConfigSource } from '../crds/fabricConfig';

// A sync run's life cycle, owned here and nowhere else (NetBox's JobRunner):
//   queue -> begin (running) -> succeed (succeeded | partial, inside the apply transaction)
//                            -> fail (failed) | retry (queued again, when the failure is transient)
//   recover: runs whose job is gone end as failed.
// Every step writes the run and derives the fabric's syncStatus (fabricStatus.ts) in one transaction.

type Tx = Prisma.TransactionClient;

export const ACTIVE_STATUSES = ['queued', 'running'] as const;
const isActive = (status: string) => (ACTIVE_STATUSES as readonly string[]).includes(status);

/** A failure worth retrying: the network, a timeout or a lost database; never credentials or content. */
export class TransientSyncError extends Error {}

/** Creates a queued run of a fabric (in the caller's transaction, which holds the fabric's row lock). */
export async function queueRun(
  tx: Tx,
  props: {
    fabricId: number;
    trigger: SyncRun['trigger'];
    requestedById: number | null;
    force: boolean;
    requestedCommit?: string | null;
    dryRun?: boolean;
  },
): Promise<SyncRun> {
  const run = await tx.syncRun.create({ data: props });
  if (props.dryRun) return run;
  await tx.fabric.update({ where: { id: props.fabricId }, data: { lastSyncRunId: run.id } });
  await refreshSyncStatus(tx, props.fabricId);
  return run;
}

/** Runs a sync job: begin, sync, and succeed, fail or retry. Throws TransientSyncError to have BullMQ retry. */
export async function runSyncJob(syncRunId: number, opts: { finalAttempt: boolean }): Promise<void> {
  const run = await begin(syncRunId);
  if (!run) return;
  const progress = new RunProgress(run.id, run.fabricId);
  const events = new EventEmitter<SyncEvents>();
  progress.listen(events);
  try {
    await runSync(run, {
      events,
      // Not flush(): a progress write waiting for a row this transaction has locked would never
      // finish, and the transaction would wait for it. Writes still pending find the run no longer
      // running and change nothing.
      succeed: async (tx, result) => {
        progress.stop();
        await succeed(tx, run, result, progress.stages);
      },
    }).then(async (result) => {
      if (result.status === 'failed') {
        await progress.flush();
        await fail(run.id, result.error ?? 'sync failed', { ...runCounts(result), stages: progress.stages });
      }
    });
  } catch (err) {
    await progress.flush();
    const message = failureMessage(err);
    if (isTransient(err) && !opts.finalAttempt) {
      log.warn('sync attempt failed; will retry', { syncRunId: run.id, error: message });
      await retry(run.id, message).catch(() => {});
      throw new TransientSyncError(message);
    }
    log.error('sync failed', { syncRunId: run.id, fabric: run.fabric.name, error: message });
    await fail(run.id, message, { stages: progress.stages });
  }
}

/** Marks the run running and the fabric syncing; null when the run is over (or gone). */
async function begin(syncRunId: number): Promise<RunToSync | null> {
  return db().$transaction(async (tx) => {
    const run = await tx.syncRun.findUnique({
      where: { id: syncRunId },
      include: { fabric: { include: { repository: true } }, requestedBy: { select: { username: true } } },
    });
    if (!run || !isActive(run.status)) return null;
    const startedAt = run.startedAt ?? new Date();
    await tx.syncRun.update({
      where: { id: run.id },
      data: { status: 'running', startedAt, attempts: { increment: 1 }, heartbeatAt: new Date(), error: null },
    });
    await refreshSyncStatus(tx, run.fabricId);
    return { ...run, startedAt };
  });
}

/** Writes the run's result and the fabric's last sync, health and status, in the apply transaction. */
async function succeed(bulk: BulkTx, run: RunToSync, result: SyncResult, stages: Stage[]): Promise<void> {
  const tx = bulk.prisma;
  const finishedAt = new Date();
  await tx.syncRun.update({
    where: { id: run.id },
    data: {
      ...runCounts(result),
      // Also written by the commit event, which may still be queued behind this transaction.
      commitSha: result.commit.sha,
      ...(result.commit.message != null && { commitMessage: result.commit.message.slice(0, 2000) }),
      ...(result.commit.author != null && { commitAuthor: result.commit.author }),
      ...(result.commit.date != null && { commitDate: result.commit.date }),
      status: result.status,
      stage: 'done',
      error: result.error,
      stages,
      progressDone: 1,
      progressTotal: 1,
      finishedAt,
      durationMs: finishedAt.getTime() - run.startedAt.getTime(),
    },
  });
  if (result.configSource)
    await tx.$executeRaw`UPDATE "SyncRun" SET "configSource" = ${JSON.stringify(result.configSource)}::jsonb WHERE id = ${run.id}`;
  // The per-file results as one JSON text (Prisma took 0.1–0.6 s to write 10,000 of them as
  // objects), and straight to the connection: 50,000 files make a 12 MB parameter (bulkTransaction).
  if (result.files.length)
    await bulk.execute(
      Prisma.sql`UPDATE "SyncRun" SET files = ${JSON.stringify(result.files)}::jsonb WHERE id = ${run.id}`,
    );
  // A preview's result is its run's alone: the fabric, its status and its records stay as they were.
  if (run.dryRun) {
    await bulk.execute(
      Prisma.sql`UPDATE "SyncRun" SET plan = ${JSON.stringify(result.plan ?? null)}::jsonb WHERE id = ${run.id}`,
    );
    return;
  }
  const invalid = result.counts.invalid + result.files.filter((f) => f.status === 'failed').length;
  await tx.fabric.update({
    where: { id: run.fabricId },
    data: {
      lastSyncedAt: finishedAt,
      lastSyncedCommit: result.commit.sha,
      lastAttemptedCommit: result.commit.sha,
      // A sync that found nothing new leaves the health and the error of the run that applied.
      ...(result.applied && {
        lastSyncError: result.error,
        health: healthOf(invalid),
        invalidCount: invalid,
        lastAppliedRunId: run.id,
      }),
    },
  });
  if (result.applied && result.configSource) await settleSettings(tx, run, result.configSource);
  await refreshSyncStatus(tx, run.fabricId);
}

/**
 * After a sync that read the directory: the fabric's configuration source, and its settings no
 * longer pending, unless they changed while the run worked with the ones it loaded (or the
 * directory's Fabricator document made them irrelevant).
 */
async function settleSettings(tx: Tx, run: RunToSync, source: ConfigSource): Promise<void> {
  const used = JSON.stringify(run.fabric.settings ?? {});
  await tx.$executeRaw`
    UPDATE "Fabric" SET "configSource" = ${JSON.stringify(source)}::jsonb,
      "settingsPendingSync" = "settingsPendingSync" AND NOT (${source.source === 'fabricator'} OR settings = ${used}::jsonb)
    WHERE id = ${run.fabricId}`;
}

/**
 * Ends an active run as failed (nothing applied); the fabric shows "error" and keeps its last good commit.
 * `error` is stored as given: callers redact what can carry a secret where they produce it (a
 * GitError is redacted already, see failureMessage), and text quoting a repository's content is
 * not masked, which would tell its author that a quoted value equals a secret.
 */
export async function fail(syncRunId: number, error: string, extra: Prisma.SyncRunUpdateInput = {}): Promise<void> {
  const message = error;
  await db().$transaction(async (tx) => {
    const run = await tx.syncRun.findUnique({
      where: { id: syncRunId },
      select: { startedAt: true, queuedAt: true, fabricId: true, status: true, dryRun: true },
    });
    if (!run || !isActive(run.status)) return;
    const finishedAt = new Date();
    await tx.syncRun.update({
      where: { id: syncRunId },
      data: {
        ...extra,
        status: 'failed',
        stage: 'done',
        error: message,
        finishedAt,
        durationMs: finishedAt.getTime() - (run.startedAt ?? run.queuedAt).getTime(),
      },
    });
    // A failed preview says so on its run; the fabric's last problem is about real syncs.
    if (!run.dryRun) await tx.fabric.update({ where: { id: run.fabricId }, data: { lastSyncError: message } });
    await refreshSyncStatus(tx, run.fabricId);
  });
}

/** Puts a run back in the queue after a transient failure; BullMQ runs it again after its backoff. */
async function retry(syncRunId: number, message: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const run = await tx.syncRun.update({
      where: { id: syncRunId },
      data: { status: 'queued', stage: 'queued', error: `${message} (retrying)` },
    });
    await refreshSyncStatus(tx, run.fabricId);
  });
}

/**
 * Finds runs that claim to be queued or running but whose job is gone or finished (the worker
 * died, Redis lost the job), and ends them as failed, so a fabric never stays "syncing".
 */
export async function recoverRuns(): Promise<number> {
  const active = await db().syncRun.findMany({
    where: { status: { in: [...ACTIVE_STATUSES] } },
    select: { id: true, jobId: true, queuedAt: true },
  });
  let recovered = 0;
  for (const run of active) {
    // A run without a job id yet is being queued right now.
    if (!run.jobId && Date.now() - run.queuedAt.getTime() < 60_000) continue;
    const job = run.jobId ? await queue().getJob(run.jobId) : undefined;
    const state = job ? await job.getState() : 'missing';
    if (['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) continue;
    const reason =
      state === 'failed'
        ? `the worker failed: ${job?.failedReason ?? 'unknown reason'}`
        : state === 'missing'
          ? 'the job was lost (Redis was flushed or restarted without persistence)'
          : 'the worker stopped before finishing the run';
    await fail(run.id, `${reason}; nothing was applied, start the sync again`);
    log.warn('recovered a stale sync run', { syncRunId: run.id, jobState: state });
    recovered++;
  }
  return recovered;
}

function runCounts(result: SyncResult): Prisma.SyncRunUpdateInput {
  const c = result.counts;
  return {
    filesCount: c.files,
    documentsCount: c.documents,
    skippedCount: c.skipped,
    invalidCount: c.invalid,
    createdCount: c.created,
    updatedCount: c.updated,
    unchangedCount: c.unchanged,
    deletedCount: c.deleted,
  };
}

function failureMessage(err: unknown): string {
  // A GitError's message is redacted where it is made, around the URL it quotes (see gitops/git.ts).
  if (err instanceof GitError) return err.message;
  const message = (err as Error)?.message ?? String(err);
  if (isDatabaseConnectionLoss(err))
    return redactText(`sync failed: the database connection was lost (${message}); nothing was applied`);
  return redactText(`sync failed: ${message}`);
}
