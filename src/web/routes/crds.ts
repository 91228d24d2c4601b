import { Router } from 'express';
import { z } from 'zod';
import { db } from '../../db';
import { listRecords, presentRecord } from '../../records/listRecords';
import { NotFound } from '../../errors';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { parseInput } from '../validate';

export const api = Router();

export const RecordListQuery = PageQuery.extend({
  kind: z.string().optional(),
  fabric: z.coerce.number({ error: 'expected a fabric id' }).int().optional(),
  namespace: z.string().optional(),
  q: z.string().max(200).optional(),
  validation: z.enum(['valid', 'warning']).optional(),
  sort: z.string().max(64).optional(),
});

api.get('/', can('view', 'crd'), async (req, res) => {
  const { fabric, kind, ...rest } = parseInput(RecordListQuery.loose(), req.query);
  const known = new Set(Object.keys(RecordListQuery.shape));
  const filters = Object.fromEntries(
    Object.entries(req.query).filter(([k, v]) => !known.has(k) && typeof v === 'string'),
  ) as Record<string, string>;
  const result = await listRecords({ ...rest, kind, fabricId: fabric, filters });
  res.json({ items: result.items.map(presentRecord), total: result.total, page: result.page, perPage: result.perPage });
});

api.get('/:id', can('view', 'crd'), async (req, res) => {
  const r = await db().crdRecord.findUnique({
    where: { id: Number(req.params.id) || 0 },
    include: { fabric: { select: { name: true } } },
  });
  if (!r) throw new NotFound('record');
  res.json({
    ...presentRecord({
      ...r,
      validationMessages: r.validationMessages as never,
      spec: r.spec as never,
      labels: r.labels as never,
      annotations: r.annotations as never,
    }),
    fabric: { id: r.fabricId, name: r.fabric.name },
  });
});
