import { db } from '../db';
import { NotFound } from '../errors';

/** The repository with its fabrics (by name), or NotFound: the one loader of the repository pages and API. */
export async function loadRepository(id: number) {
  const repo = await db().gitRepository.findUnique({
    where: { id },
    include: { fabrics: { orderBy: { name: 'asc' } } },
  });
  if (!repo) throw new NotFound('repository');
  return repo;
}
