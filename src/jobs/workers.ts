import { Worker } from 'bullmq';
import { config } from '../config';
import { log } from '../log';
import { createRedis } from '../redis';
import { recoverRuns } from '../sync/recoverRuns';
import { SYNC_QUEUE, bullPrefix } from './queues';
import { processSyncJob } from './syncFabric';

const RECOVERY_INTERVAL_MS = 60_000;

/** Starts the job processors (explicit registry: one queue, one processor) and the stale-run recovery. */
export async function startWorkers(opts: { concurrency?: number; lockDuration?: number; stalledInterval?: number } = {}): Promise<{ close(): Promise<void> }> {
  const connection = createRedis({ forWorker: true });
  const worker = new Worker(SYNC_QUEUE, processSyncJob, {
    connection,
    prefix: bullPrefix(),
    concurrency: opts.concurrency ?? config().workerConcurrency,
    lockDuration: opts.lockDuration ?? 60_000,
    stalledInterval: opts.stalledInterval ?? 30_000,
    maxStalledCount: 1,
  });
  worker.on('error', (err) => log.error('worker error', { err }));
  worker.on('failed', (job, err) => {
    log.warn('sync job failed', { jobId: job?.id, attemptsMade: job?.attemptsMade, error: err.message });
    // Stalled twice (the worker died twice): the job is over; so is its run.
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void recoverRuns().catch(() => {});
  });
  await worker.waitUntilReady();
  const sweep = () => recoverRuns().catch((err) => log.warn('run recovery failed', { err }));
  await sweep();
  const timer = setInterval(sweep, RECOVERY_INTERVAL_MS);
  timer.unref();
  log.info('worker started', { queue: SYNC_QUEUE, concurrency: worker.opts.concurrency });
  return {
    async close() {
      clearInterval(timer);
      // Waits for running jobs to finish; their locks are released, nothing is left half-done.
      await worker.close();
      connection.disconnect();
    },
  };
}
