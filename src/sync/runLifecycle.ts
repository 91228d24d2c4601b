import { db, Prisma } from '../db';
import { redactText } from '../secrets/redact';

// The run record's life cycle: queued -> running -> succeeded | partial | failed.

export const ACTIVE_STATUSES = ['queued', 'running'] as const;

/** Marks a run failed (nothing applied) and puts the fabric in "error", keeping its last good commit. */
export async function finishFailed(
  syncRunId: number,
  error: string,
  extra: Prisma.SyncRunUpdateInput = {},
): Promise<void> {
  const message = redactText(error);
  const run = await db().syncRun.findUnique({
    where: { id: syncRunId },
    select: { startedAt: true, queuedAt: true, fabricId: true, status: true },
  });
  if (!run || !ACTIVE_STATUSES.includes(run.status as (typeof ACTIVE_STATUSES)[number])) return;
  const finishedAt = new Date();
  await db().$transaction([
    db().syncRun.update({
      where: { id: syncRunId },
      data: {
        ...extra,
        status: 'failed',
        stage: 'done',
        error: message,
        finishedAt,
        durationMs: finishedAt.getTime() - (run.startedAt ?? run.queuedAt).getTime(),
      },
    }),
    db().fabric.update({ where: { id: run.fabricId }, data: { syncStatus: 'error', lastSyncError: message } }),
  ]);
}

/** Progress of a running sync, written to its row at most every 250 ms and at every stage change. */
export class Progress {
  private stage = 'queued';
  private stageStarted = Date.now();
  private lastWrite = 0;
  readonly stages: { stage: string; ms: number }[] = [];

  constructor(private readonly syncRunId: number) {}

  /** Enters a stage (cloning, scanning, parsing, validating, applying). */
  async enter(stage: string, total = 0): Promise<void> {
    this.close();
    this.stage = stage;
    this.stageStarted = Date.now();
    this.lastWrite = Date.now();
    await db().syncRun.update({
      where: { id: this.syncRunId },
      data: { stage, progressDone: 0, progressTotal: total, heartbeatAt: new Date(), stages: this.stages },
    });
  }

  /** Counts work done in the current stage. */
  async advance(done: number, total: number): Promise<void> {
    if (Date.now() - this.lastWrite < 250 && done < total) return;
    this.lastWrite = Date.now();
    await db().syncRun.update({
      where: { id: this.syncRunId },
      data: { progressDone: done, progressTotal: total, heartbeatAt: new Date() },
    });
  }

  /** Ends the current stage's timing. */
  close(): void {
    if (this.stage !== 'queued' && !this.stages.some((s) => s.stage === this.stage))
      this.stages.push({ stage: this.stage, ms: Date.now() - this.stageStarted });
  }
}
