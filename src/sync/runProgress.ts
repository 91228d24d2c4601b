import type { EventEmitter } from 'node:events';
import { db } from '../db';
import { log } from '../log';
import type { SyncEvents } from './runSync';

// A sync's progress events written to its run (stage, work done, commit), for the run's page
// to show while it runs; the life cycle (runLifecycle.ts) owns the run's result.

/** How long a stage of the run took. */
export type Stage = { stage: string; ms: number };

/**
 * Listens to a sync's progress events and writes them to its run: every stage change at once, work
 * done at most every 250 ms. Writes go one after the other; `flush` waits for them, so that
 * nothing written late overwrites the run's result.
 */
export class RunProgress {
  private stage = 'queued';
  private stageStarted = Date.now();
  private lastWrite = 0;
  private writes: Promise<void> = Promise.resolve();
  private stopped = false;
  readonly stages: Stage[] = [];

  constructor(
    private readonly syncRunId: number,
    private readonly fabricId: number,
  ) {}

  listen(events: EventEmitter<SyncEvents>): void {
    events.on('stage', (stage, total) => this.enter(stage, total ?? 0));
    events.on('commit', (commit) =>
      this.write(async () => {
        await db().$transaction([
          db().syncRun.updateMany({
            where: { id: this.syncRunId, status: 'running' },
            data: {
              commitSha: commit.sha,
              commitMessage: commit.message.slice(0, 2000),
              commitAuthor: commit.author,
              commitDate: commit.date,
            },
          }),
          db().fabric.update({
            where: { id: this.fabricId },
            data: { lastAttemptedCommit: commit.sha, remoteHead: commit.sha, remoteCheckedAt: new Date() },
          }),
        ]);
      }),
    );
    events.on('progress', (done, total) => {
      if (Date.now() - this.lastWrite < 250 && done < total) return;
      this.lastWrite = Date.now();
      this.write(() =>
        db()
          .syncRun.updateMany({
            where: { id: this.syncRunId, status: 'running' },
            data: { progressDone: done, progressTotal: total, heartbeatAt: new Date() },
          })
          .then(() => {}),
      );
    });
  }

  /** Ends the current stage's timing and drops later events (the run's result is being written). */
  stop(): void {
    this.close();
    this.stopped = true;
  }

  /** Waits for the writes so far and ends the current stage's timing. */
  async flush(): Promise<void> {
    await this.writes;
    this.close();
  }

  private enter(stage: string, total: number): void {
    this.close();
    this.stage = stage;
    this.stageStarted = Date.now();
    this.lastWrite = Date.now();
    const stages = [...this.stages];
    this.write(() =>
      db()
        .syncRun.updateMany({
          where: { id: this.syncRunId, status: 'running' },
          data: { stage, progressDone: 0, progressTotal: total, heartbeatAt: new Date(), stages },
        })
        .then(() => {}),
    );
  }

  private close(): void {
    if (this.stage !== 'queued' && !this.stages.some((s) => s.stage === this.stage))
      this.stages.push({ stage: this.stage, ms: Date.now() - this.stageStarted });
  }

  // Progress is best effort: a failed write (the database went away) must not fail the run.
  private write(fn: () => Promise<void>): void {
    if (this.stopped) return;
    this.writes = this.writes
      .then(fn)
      .catch((err) =>
        log.warn('could not write sync progress', { syncRunId: this.syncRunId, error: (err as Error).message }),
      );
  }
}
