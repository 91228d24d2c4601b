import type { Job } from 'bullmq';
import { z } from 'zod';
import { collectGarbage } from '../collectGarbage';
import { logContext } from '../log';
import { runSyncJob } from '../sync/runLifecycle';

/** The payload of a sync job: the run id only (never a secret, never a URL). */
export const SyncJobPayload = z.object({ syncRunId: z.number().int().positive() });
export type SyncJobPayload = z.infer<typeof SyncJobPayload>;

/** Processor of the `sync` queue. */
export async function processSyncJob(job: Job): Promise<void> {
  const { syncRunId } = SyncJobPayload.parse(job.data);
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  try {
    await logContext.run({ syncRunId, jobId: job.id }, () => runSyncJob(syncRunId, { finalAttempt }));
  } finally {
    // Once the job has returned, so that its promises no longer hold what it read.
    setTimeout(() => void releaseMemory(), RELEASE_AFTER_MS).unref();
  }
}

const RELEASE_AFTER_MS = 1000;

/**
 * What a sync allocated is garbage once it ends, and V8 would keep it: the worker then sits idle,
 * allocates too little to reach the heap's next collection, and V8's memory reducer, which
 * collects an idle heap, waits for an allocation rate it only measures at a collection
 * (issue 16: a worker sat 150-280 MB above its idle size for as long as it stayed idle after
 * syncing 50,000 records). Two collections per sync job (~0.1 s of CPU each at 50,000 records),
 * a second after the job has returned, so that its promises no longer hold what it read; they
 * run beside the next job, if any. V8 frees a collected heap's objects at once but hands its
 * emptied pages back to the system at its next collection, so the second follows the first at
 * once (what 50,000 records read left after one collection, 164-177 MB, was 127-136 MB after the
 * second, whether it came 0, 0.25 or 2 s later; it waited 2 s before, and the worker's size 5 s
 * after a sync was often read between the two).
 */
async function releaseMemory(): Promise<void> {
  await collectGarbage();
  await collectGarbage();
}
