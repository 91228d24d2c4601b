import { db } from '../db';
import { queue } from '../queues';
import { log } from '../log';
import { finishFailed } from './runLifecycle';

/**
 * Finds runs that claim to be queued or running but whose job is gone or finished (the worker
 * died, Redis lost the job), and ends them as failed, so a fabric never stays "syncing".
 */
export async function recoverRuns(): Promise<number> {
  const active = await db().syncRun.findMany({
    where: { status: { in: ['queued', 'running'] } },
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
    await finishFailed(run.id, `${reason}; nothing was applied, start the sync again`);
    log.warn('recovered a stale sync run', { syncRunId: run.id, jobState: state });
    recovered++;
  }
  return recovered;
}
