import type { Job } from 'bullmq';
import { z } from 'zod';
import { logContext } from '../log';
import { runSyncJob } from '../sync/runLifecycle';

/** The payload of a sync job: the run id only (never a secret, never a URL). */
export const SyncJobPayload = z.object({ syncRunId: z.number().int().positive() });
export type SyncJobPayload = z.infer<typeof SyncJobPayload>;

/** Processor of the `sync` queue. */
export async function processSyncJob(job: Job): Promise<void> {
  const { syncRunId } = SyncJobPayload.parse(job.data);
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  await logContext.run({ syncRunId, jobId: job.id }, () => runSyncJob(syncRunId, { finalAttempt }));
}
