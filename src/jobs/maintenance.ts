import { checkForChanges } from '../sync/checkForChanges';
import { recoverRuns } from '../sync/runLifecycle';

export const MAINTENANCE_EVERY_MS = 60_000;

/** Processor of the `maintenance` queue, run by a job scheduler once a minute on one worker. */
export async function processMaintenanceJob(): Promise<{ recovered: number; scheduled: number }> {
  const recovered = await recoverRuns();
  return { recovered, ...(await checkForChanges()) };
}
