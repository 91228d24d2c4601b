import { Router, type Response } from 'express';
import { z } from 'zod';
import { db } from '../../db';
import { NotFound } from '../../errors';
import { presentSyncRun } from '../../sync/present';
import { can } from '../middleware/auth';
import { PageQuery, pageOf, type PageWindow } from '../pagination';
import { IdParams, OptionalId, authed, validate, type Req } from '../validate';

/** Sync runs in the API: the list with its filters, and one run. */
export const api = Router();

const List = {
  query: PageQuery.extend({
    fabric: OptionalId,
    trigger: z
      .enum(['manual', 'api', 'schedule', 'webhook'], { error: 'one of manual, api, schedule, webhook' })
      .optional(),
    dryRun: z.enum(['true', 'false'], { error: 'true or false' }).optional(),
  }),
  returns: '{items, total, page, perPage}',
};
const One = { params: IdParams, returns: 'status, stage, progress, commit, counts, per-file results' };

api.get('/', can('view', 'syncRun'), validate(List), authed(listSyncRuns));
api.get('/:id', can('view', 'syncRun'), validate(One), authed(showSyncRun));

async function listSyncRuns(req: Req<typeof List>, res: Response) {
  const { fabric, trigger, dryRun } = req.query;
  const where = {
    ...(fabric && { fabricId: fabric }),
    ...(trigger && { trigger }),
    ...(dryRun && { dryRun: dryRun === 'true' }),
  };
  const include = { requestedBy: { select: { username: true } } };
  const rows = (window: PageWindow) => db().syncRun.findMany({ where, orderBy: { id: 'desc' }, ...window, include });
  res.json(await pageOf(req.query, rows, () => db().syncRun.count({ where }), presentSyncRun));
}

async function showSyncRun(req: Req<typeof One>, res: Response) {
  const run = await db().syncRun.findUnique({
    where: { id: req.params.id },
    include: { requestedBy: { select: { username: true } } },
    omit: { files: false, plan: false },
  });
  if (!run) throw new NotFound('sync run');
  res.json(presentSyncRun(run));
}
