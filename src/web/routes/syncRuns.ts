import { Router } from 'express';
import { z } from 'zod';
import { db } from '../../db';
import { presentSyncRun } from '../../sync/present';
import { NotFound } from '../../errors';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { parseInput } from '../validate';

export const api = Router();

const RunQuery = PageQuery.extend({ fabric: z.coerce.number().int().optional() });

api.get('/', can('view', 'syncRun'), async (req, res) => {
  const { page, perPage, fabric } = parseInput(RunQuery, req.query);
  const where = fabric ? { fabricId: fabric } : {};
  const [items, total] = await Promise.all([
    db().syncRun.findMany({
      where,
      orderBy: { id: 'desc' },
      skip: (page - 1) * perPage,
      take: perPage,
      include: { requestedBy: { select: { username: true } } },
    }),
    db().syncRun.count({ where }),
  ]);
  res.json({ items: items.map(presentSyncRun), total, page, perPage });
});

api.get('/:id', can('view', 'syncRun'), async (req, res) => {
  const run = await db().syncRun.findUnique({
    where: { id: Number(req.params.id) || 0 },
    include: { requestedBy: { select: { username: true } } },
    omit: { files: false },
  });
  if (!run) throw new NotFound('sync run');
  res.json(presentSyncRun(run));
});
