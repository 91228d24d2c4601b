import { Router } from 'express';
import { db } from '../../db';
import { presentFabric } from '../../fabrics/present';
import { createFabric, deleteFabric, updateFabric } from '../../fabrics/saveFabric';
import { FabricInput, FabricPatch, SyncInput } from '../../fabrics/schema';
import { refreshFabric } from '../../fabrics/refreshFabric';
import { startSync } from '../../sync/startSync';
import { NotFound } from '../../errors';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { parseInput } from '../validate';

export const api = Router();

const withRepository = { repository: { select: { id: true, name: true } } };

async function load(id: unknown) {
  const fabric = await db().fabric.findUnique({ where: { id: Number(id) || 0 }, include: withRepository });
  if (!fabric) throw new NotFound('fabric');
  return fabric;
}

api.get('/', can('view', 'fabric'), async (req, res) => {
  const { page, perPage } = parseInput(PageQuery, req.query);
  const [items, total] = await Promise.all([
    db().fabric.findMany({
      orderBy: { name: 'asc' },
      skip: (page - 1) * perPage,
      take: perPage,
      include: withRepository,
    }),
    db().fabric.count(),
  ]);
  res.json({ items: items.map(presentFabric), total, page, perPage });
});

api.get('/:id', can('view', 'fabric'), async (req, res) => {
  res.json(presentFabric(await load(req.params.id)));
});

api.post('/', can('add', 'fabric'), async (req, res) => {
  const fabric = await createFabric({ input: parseInput(FabricInput, req.body), user: req.user! });
  res.status(201).json(presentFabric(await load(String(fabric.id))));
});

api.patch('/:id', can('change', 'fabric'), async (req, res) => {
  await updateFabric({ id: (await load(req.params.id)).id, patch: parseInput(FabricPatch, req.body), user: req.user! });
  res.json(presentFabric(await load(req.params.id)));
});

api.delete('/:id', can('delete', 'fabric'), async (req, res) => {
  await deleteFabric({ id: (await load(req.params.id)).id, user: req.user! });
  res.status(204).end();
});

api.post('/:id/sync', can('sync', 'fabric'), async (req, res) => {
  const { force } = parseInput(SyncInput, req.body ?? {});
  const { run } = await startSync({
    fabricId: (await load(req.params.id)).id,
    trigger: req.token ? 'api' : 'manual',
    user: req.user!,
    force,
  });
  res.status(202).json({ syncRunId: run.id, jobId: run.jobId, status: run.status });
});

api.post('/:id/refresh', can('sync', 'fabric'), async (req, res) => {
  await refreshFabric({ id: (await load(req.params.id)).id });
  res.json(presentFabric(await load(req.params.id)));
});
