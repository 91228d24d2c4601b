import { db, type GitRepository } from '../db';
import { NotFound } from '../errors';
import { checkRepository } from './checkRepository';

/**
 * A real `git ls-remote` with the stored credentials, now: connected with the head commit (and the
 * branch it is on), or failed with a redacted reason. It is a health check like the periodic ones
 * (history, heads of the repository's fabrics) and resets their backoff.
 */
export async function testConnection(props: { id: number }): Promise<GitRepository & { headBranch: string | null }> {
  if (!(await db().gitRepository.count({ where: { id: props.id } }))) throw new NotFound('repository');
  const outcome = await checkRepository({ id: props.id, trigger: 'test' });
  if (!outcome) throw new NotFound('repository');
  return { ...outcome.repository, headBranch: outcome.headBranch };
}
