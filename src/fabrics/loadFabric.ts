import { db } from '../db';
import { NotFound } from '../errors';

/** The fabric with its repository, or NotFound: the one loader of the fabric pages and API. */
export async function loadFabric(id: number) {
  const fabric = await db().fabric.findUnique({ where: { id }, include: { repository: true } });
  if (!fabric) throw new NotFound('fabric');
  return fabric;
}
