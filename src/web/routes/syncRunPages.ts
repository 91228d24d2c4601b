import { Router } from 'express';
import { kindByName } from '../../crds';
import { db } from '../../db';
import { NotFound } from '../errors';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { parseInput } from '../validate';

export const pages = Router();

pages.get('/', can('view', 'syncRun'), async (req, res) => {
  const { page, perPage } = parseInput(PageQuery, req.query);
  const fabricId = Number(req.query.fabric) || undefined;
  const where = fabricId ? { fabricId } : {};
  const [runs, total] = await Promise.all([
    db().syncRun.findMany({ where, orderBy: { id: 'desc' }, skip: (page - 1) * perPage, take: perPage, include: { fabric: { select: { id: true, name: true } }, requestedBy: { select: { username: true } } } }),
    db().syncRun.count({ where }),
  ]);
  res.render('sync-runs/list.njk', { runs, total, page, perPage });
});

pages.get('/:id', can('view', 'syncRun'), async (req, res) => {
  const run = await db().syncRun.findUnique({
    where: { id: Number(req.params.id) || 0 },
    include: { fabric: { include: { repository: { select: { id: true, name: true } } } }, requestedBy: { select: { username: true } } },
  });
  if (!run) throw new NotFound('sync run');
  const changes = await db().changeRecord.findMany({ where: { syncRunId: run.id }, orderBy: { id: 'asc' }, take: 500, select: { id: true, action: true, objectType: true, objectId: true, objectLabel: true } });
  const changeCount = await db().changeRecord.count({ where: { syncRunId: run.id } });
  const links = changes.map((c) => ({ ...c, href: c.action !== 'delete' && kindByName(c.objectType) ? `/crds/${kindByName(c.objectType)!.slug}/${c.objectId}` : null }));
  res.render('sync-runs/detail.njk', { run, changes: links, changeCount });
});
