import { db } from '../db';
import { NotFound } from '../errors';
import { checkRepository } from '../repositories/checkRepository';

/**
 * Refresh (Argo CD's): reads the head of the fabric's revision now, through its repository's
 * health check (which reads every revision its fabrics follow, and the repository's health); no sync.
 */
export async function refreshFabric(props: { id: number }): Promise<void> {
  const fabric = await db().fabric.findUnique({ where: { id: props.id }, select: { repositoryId: true } });
  if (!fabric) throw new NotFound('fabric');
  await checkRepository({ id: fabric.repositoryId, trigger: 'refresh' });
}
