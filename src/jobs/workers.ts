import { setFlagsFromString } from 'node:v8';
import { Worker } from 'bullmq';
import { config } from '../config';
import { log } from '../log';
import { createRedis } from '../redis';
import { parseThreadScript } from '../sync/read/parseThreadScript';
import { recoverRuns } from '../sync/runLifecycle';
import { MAINTENANCE_EVERY_MS, processMaintenanceJob } from './maintenance';
import {
  MAINTENANCE_QUEUE,
  REPOSITORY_CHECK_QUEUE,
  SYNC_QUEUE,
  bullPrefix,
  maintenance,
  repositoryChecks,
} from '../queues';
import { processRepositoryChecks, repositoryCheckRoundMs } from './repositoryChecks';
import { processSyncJob } from './syncFabric';

// A large sync's heap peaked at four times what it holds (a first sync of 50,000 records: ~80 MB
// live, ~310 MB of heap, most of the process's growth) because V8 grows a big heap generously
// after each collection. Growing it by a fifth at most keeps the peak ~70 MB lower there, for
// no measurable CPU. The heap's maximum is unchanged: a fabric that needs more memory still
// gets it, collected more often. V8's flags are the process's: in the `all` role the web part
// is collected a little more often too.
const HEAP_GROWING_PERCENT = 20;

/** Starts the job processors (explicit registry: one processor per queue) and the maintenance schedule. */
export async function startWorkers(
  opts: { concurrency?: number; lockDuration?: number; stalledInterval?: number } = {},
): Promise<{ close(): Promise<void> }> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const connection = createRedis({ forWorker: true });
  const common = {
    connection,
    prefix: bullPrefix(),
    lockDuration: opts.lockDuration ?? 60_000,
    stalledInterval: opts.stalledInterval ?? 30_000,
    maxStalledCount: 1,
  };
  const workers = [
    new Worker(SYNC_QUEUE, processSyncJob, { ...common, concurrency: opts.concurrency ?? config().workerConcurrency }),
    new Worker(MAINTENANCE_QUEUE, processMaintenanceJob, { ...common, concurrency: 1 }),
    new Worker(REPOSITORY_CHECK_QUEUE, processRepositoryChecks, { ...common, concurrency: 1 }),
  ];
  // While Redis is down every reconnect attempt fails: one line per queue every 30 s is enough.
  const lastLogged = new Map<string, number>();
  for (const w of workers) {
    w.on('error', (err) => {
      if (Date.now() - (lastLogged.get(w.name) ?? 0) < 30_000) return;
      lastLogged.set(w.name, Date.now());
      log.error('worker error', { queue: w.name, err });
    });
  }
  workers[0]!.on('failed', (job, err) => {
    log.warn('sync job failed', { jobId: job?.id, attemptsMade: job?.attemptsMade, error: err.message });
    // Stalled twice (the worker died twice): the job is over; so is its run.
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void recoverRuns().catch(() => {});
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  // A run left by a worker that died while no other worker was up is finished now.
  await recoverRuns().catch((err) => log.warn('run recovery failed', { err }));
  await maintenance().upsertJobScheduler(
    'every-minute',
    { every: MAINTENANCE_EVERY_MS },
    { name: 'maintenance', opts: { removeOnComplete: 10, removeOnFail: 10 } },
  );
  await repositoryChecks().upsertJobScheduler(
    'round',
    { every: repositoryCheckRoundMs() },
    { name: 'repository-checks', opts: { removeOnComplete: 10, removeOnFail: 10 } },
  );
  // Bundled now rather than during the first large sync (it never fails: null means the slow way).
  void parseThreadScript();
  log.info('worker started', { queues: workers.map((w) => w.name), concurrency: workers[0]!.opts.concurrency });
  return {
    async close() {
      // Waits for running jobs to finish; their locks are released, nothing is left half-done.
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
