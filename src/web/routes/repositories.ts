import { Router, type Response } from 'express';
import { db } from '../../db';
import { loadRepository } from '../../repositories/loadRepository';
import { KEPT_CHECKS } from '../../repositories/checkRepository';
import { presentCheck, presentRepository } from '../../repositories/present';
import { createRepository, deleteRepository, updateRepository } from '../../repositories/saveRepository';
import { RepositoryInput, RepositoryPatch } from '../../repositories/schema';
import { testConnection } from '../../repositories/testConnection';
import { rotateWebhookSecret } from '../../webhooks/rotateWebhookSecret';
import { can } from '../middleware/auth';
import { PageQuery, pageOf, type PageWindow } from '../pagination';
import { IdParams, authed, validate, type Req } from '../validate';

/** Repositories in the API: list, read, create, change, delete, health checks, test, webhook secret. */
export const api = Router();

const List = {
  query: PageQuery,
  summary: 'Repositories (secrets never returned)',
  returns: '{items, total, page, perPage}',
};
const One = { params: IdParams, returns: 'the repository' };
const Taken = { 409: 'another repository has this name' };
const Create = {
  body: RepositoryInput,
  summary: 'Create a repository (admin)',
  status: 201,
  returns: 'the repository (secrets never returned)',
  responses: Taken,
};
const Change = {
  params: IdParams,
  body: RepositoryPatch,
  returns: 'the repository',
  responses: {
    ...Taken,
    400: 'invalid input, or a move to another scheme, host or port without the secret typed again',
  },
};
const Remove = {
  params: IdParams,
  summary: 'Delete a repository that no fabric uses',
  status: 204,
  returns: 'deleted',
  responses: { 409: 'fabrics use the repository: delete or move them first' },
};
const Checks = {
  params: IdParams,
  summary: 'The last 50 health checks, newest first',
  returns: '{items: [{id, time, ok, durationMs, errorClass, error, trigger}], total}',
};
const Test = {
  params: IdParams,
  summary: 'git ls-remote with the stored credentials',
  returns: '{connectionStatus, lastValidatedAt, validationError, head}',
};
const Rotate = {
  params: IdParams,
  summary: 'Create or rotate the push webhook secret (admin); the previous one stops working',
  returns: '{secret, url}: the secret is shown in this response only',
};

api.get('/', can('view', 'repository'), validate(List), authed(listRepositories));
api.get('/:id', can('view', 'repository'), validate(One), authed(showRepository));
api.post('/', can('add', 'repository'), validate(Create), authed(addRepository));
api.patch('/:id', can('change', 'repository'), validate(Change), authed(changeRepository));
api.delete('/:id', can('delete', 'repository'), validate(Remove), authed(removeRepository));
api.get('/:id/checks', can('view', 'repository'), validate(Checks), authed(listChecks));
api.post('/:id/test', can('test', 'repository'), validate(Test), authed(testRepository));
api.post('/:id/webhook-secret', can('change', 'repository'), validate(Rotate), authed(rotateSecret));

async function listRepositories(req: Req<typeof List>, res: Response) {
  const include = { fabrics: { select: { id: true, name: true }, orderBy: { name: 'asc' as const } } };
  const rows = (window: PageWindow) => db().gitRepository.findMany({ orderBy: { name: 'asc' }, ...window, include });
  res.json(await pageOf(req.query, rows, () => db().gitRepository.count(), presentRepository));
}

async function showRepository(req: Req<typeof One>, res: Response) {
  res.json(presentRepository(await loadRepository(req.params.id)));
}

async function addRepository(req: Req<typeof Create>, res: Response) {
  const repo = await createRepository({ input: req.body, user: req.user });
  res.status(201).json(presentRepository({ ...repo, fabrics: [] }));
}

async function changeRepository(req: Req<typeof Change>, res: Response) {
  const repo = await updateRepository({
    id: (await loadRepository(req.params.id)).id,
    patch: req.body,
    user: req.user,
  });
  res.json(presentRepository(await loadRepository(repo.id)));
}

async function removeRepository(req: Req<typeof Remove>, res: Response) {
  await deleteRepository({ id: (await loadRepository(req.params.id)).id, user: req.user });
  res.status(204).end();
}

async function listChecks(req: Req<typeof Checks>, res: Response) {
  const repo = await loadRepository(req.params.id);
  const items = await db().repositoryCheck.findMany({
    where: { repositoryId: repo.id },
    orderBy: { id: 'desc' },
    take: KEPT_CHECKS,
  });
  res.json({ items: items.map(presentCheck), total: items.length });
}

async function testRepository(req: Req<typeof Test>, res: Response) {
  const repo = await testConnection({ id: (await loadRepository(req.params.id)).id });
  res.json({
    connectionStatus: repo.connectionStatus,
    lastValidatedAt: repo.lastValidatedAt,
    validationError: repo.validationError,
    head: repo.remoteHead,
    branch: repo.headBranch,
  });
}

async function rotateSecret(req: Req<typeof Rotate>, res: Response) {
  const repositoryId = (await loadRepository(req.params.id)).id;
  const { secret, path } = await rotateWebhookSecret({ repositoryId, user: req.user });
  // Shown once, in this response only.
  res.setHeader('Cache-Control', 'no-store');
  res.json({ secret, url: `${req.protocol}://${req.get('host')}${path}` });
}
