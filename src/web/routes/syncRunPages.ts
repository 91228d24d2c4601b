import { Router, type Response } from 'express';
import { kindByName } from '../../crds';
import { db } from '../../db';
import { NotFound } from '../../errors';
import type { PreviewPlan } from '../../sync/previewPlan';
import { can } from '../middleware/auth';
import { IdParams, authed, validate, type Req } from '../validate';
import { previewByKind } from '../previewView';
import { buildListView, listRows, parseListQuery } from '../listView';
import { fabricChoices } from '../lists/recordList';
import { loadSyncRuns, syncRunListSpec } from '../lists/syncRunList';

/** The sync runs' pages: the list, and one run with its files, changes or preview. */
export const pages = Router();

const FILE_ROWS = 500;

const One = { params: IdParams };

pages.get('/', can('view', 'syncRun'), authed(syncRunsPage));
pages.get('/:id', can('view', 'syncRun'), validate(One), authed(syncRunPage));

async function syncRunsPage(req: Req, res: Response) {
  const spec = syncRunListSpec(await fabricChoices());
  const query = parseListQuery(spec, req.query);
  const { items, total } = await loadSyncRuns(spec, query);
  const list = buildListView({ spec, query, total, path: '/sync-runs', user: req.user });
  res.render('sync-runs/list.njk', { list, rows: listRows(spec, items) });
}

async function syncRunPage(req: Req<typeof One>, res: Response) {
  const run = await db().syncRun.findUnique({
    where: { id: req.params.id },
    include: {
      fabric: { include: { repository: { select: { id: true, name: true } } } },
      requestedBy: { select: { username: true } },
    },
    omit: { files: false, plan: false },
  });
  if (!run) throw new NotFound('sync run');
  const changes = await db().changeRecord.findMany({
    where: { syncRunId: run.id },
    orderBy: { id: 'asc' },
    take: 500,
    select: { id: true, action: true, objectType: true, objectId: true, objectLabel: true },
  });
  const changeCount = await db().changeRecord.count({ where: { syncRunId: run.id } });
  const links = changes.map((c) => ({
    ...c,
    href:
      c.action !== 'delete' && kindByName(c.objectType)
        ? `/crds/${kindByName(c.objectType)!.slug}/${c.objectId}`
        : null,
  }));
  // Files with something to say come first; a fabric of 10,000 files lists the first 500.
  const all = (run.files ?? []) as { status: string; skipped: unknown[] }[];
  const files = [
    ...all.filter((f) => f.status !== 'ok' || f.skipped.length),
    ...all.filter((f) => f.status === 'ok' && !f.skipped.length),
  ].slice(0, FILE_ROWS);
  const preview = run.dryRun && run.plan ? previewByKind(run.plan as unknown as PreviewPlan) : null;
  res.render('sync-runs/detail.njk', {
    run,
    files,
    moreFiles: all.length - files.length,
    changes: links,
    changeCount,
    preview,
  });
}
