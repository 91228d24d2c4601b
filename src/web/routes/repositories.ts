import { Router } from 'express';
import { db } from '../../db';
import { KEPT_CHECKS } from '../../repositories/checkRepository';
import { presentCheck, presentRepository } from '../../repositories/present';
import { createRepository, deleteRepository, updateRepository } from '../../repositories/saveRepository';
import { RepositoryInput, RepositoryPatch } from '../../repositories/schema';
import { testConnection } from '../../repositories/testConnection';
import { NotFound } from '../../errors';
import { rotateWebhookSecret } from '../../webhooks/rotateWebhookSecret';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { parseInput } from '../validate';

export const api = Router();

const withFabrics = { fabrics: { select: { id: true, name: true }, orderBy: { name: 'asc' as const } } };

async function load(id: unknown) {
  const repo = await db().gitRepository.findUnique({ where: { id: Number(id) || 0 }, include: withFabrics });
  if (!repo) throw new NotFound('repository');
  return repo;
}

api.get('/', can('view', 'repository'), async (req, res) => {
  const { page, perPage } = parseInput(PageQuery, req.query);
  const [items, total] = await Promise.all([
    db().gitRepository.findMany({
      orderBy: { name: 'asc' },
      skip: (page - 1) * perPage,
      take: perPage,
      include: withFabrics,
    }),
    db().gitRepository.count(),
  ]);
  res.json({ items: items.map(presentRepository), total, page, perPage });
});

api.get('/:id', can('view', 'repository'), async (req, res) => {
  res.json(presentRepository(await load(req.params.id)));
});

api.post('/', can('add', 'repository'), async (req, res) => {
  const repo = await createRepository({ input: parseInput(RepositoryInput, req.body), user: req.user! });
  res.status(201).json(presentRepository({ ...repo, fabrics: [] }));
});

api.patch('/:id', can('change', 'repository'), async (req, res) => {
  const repo = await updateRepository({
    id: (await load(req.params.id)).id,
    patch: parseInput(RepositoryPatch, req.body),
    user: req.user!,
  });
  res.json(presentRepository(await load(String(repo.id))));
});

api.delete('/:id', can('delete', 'repository'), async (req, res) => {
  await deleteRepository({ id: (await load(req.params.id)).id, user: req.user! });
  res.status(204).end();
});

api.get('/:id/checks', can('view', 'repository'), async (req, res) => {
  const repo = await load(req.params.id);
  const items = await db().repositoryCheck.findMany({
    where: { repositoryId: repo.id },
    orderBy: { id: 'desc' },
    take: KEPT_CHECKS,
  });
  res.json({ items: items.map(presentCheck), total: items.length });
});

api.post('/:id/test', can('test', 'repository'), async (req, res) => {
  const repo = await testConnection({ id: (await load(req.params.id)).id });
  res.json({
    connectionStatus: repo.connectionStatus,
    lastValidatedAt: repo.lastValidatedAt,
    validationError: repo.validationError,
    head: repo.remoteHead,
    branch: repo.headBranch,
  });
});

api.post('/:id/webhook-secret', can('change', 'repository'), async (req, res) => {
  const { secret, path } = await rotateWebhookSecret({ repositoryId: (await load(req.params.id)).id, user: req.user! });
  // Shown once, in this response only.
  res.setHeader('Cache-Control', 'no-store');
  res.json({ secret, url: `${req.protocol}://${req.get('host')}${path}` });
});
