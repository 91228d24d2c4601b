import { config } from '../config';
import { checkDueRepositories } from '../repositories/checkRepository';

/**
 * How often the round looks for repositories whose check is due: a few times per interval, so a
 * repository is checked close to its (jittered) time; a round with nothing due is one indexed query.
 */
export function repositoryCheckRoundMs(intervalMs = config().repositoryCheckIntervalMs): number {
  return Math.max(500, Math.min(intervalMs / 4, 30_000));
}

/** Processor of the `repository-checks` queue (one worker at a time per process; a Redis lock per repository). */
export async function processRepositoryChecks(): Promise<{ checked: number }> {
  return { checked: await checkDueRepositories() };
}
