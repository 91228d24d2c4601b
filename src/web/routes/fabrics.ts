import { Router, type Response } from 'express';
import { db } from '../../db';
import { loadFabric } from '../../fabrics/loadFabric';
import { presentFabric } from '../../fabrics/present';
import { createFabric, deleteFabric, updateFabric } from '../../fabrics/saveFabric';
import { FabricInput, FabricPatch, SyncInput } from '../../fabrics/schema';
import { refreshFabric } from '../../fabrics/refreshFabric';
import { checkRequestedCommit } from '../../sync/checkRequestedCommit';
import { startSync } from '../../sync/startSync';
import { can } from '../middleware/auth';
import { PageQuery, pageOf, type PageWindow } from '../pagination';
import { IdParams, authed, validate, type Req } from '../validate';

/** Fabrics in the API: list, read, create, change, delete, sync, refresh. */
export const api = Router();

const List = { query: PageQuery, returns: '{items, total, page, perPage}' };
const One = { params: IdParams, returns: 'the fabric with status, counts per kind, last sync' };
const Taken = { 409: 'another fabric has this name, or uses this directory of the repository' };
const Create = {
  body: FabricInput,
  summary: 'Create a fabric (admin)',
  status: 201,
  returns: 'the fabric',
  responses: Taken,
};
const Change = { params: IdParams, body: FabricPatch, returns: 'the fabric', responses: Taken };
const Remove = {
  params: IdParams,
  summary: 'Delete a fabric with its records',
  status: 204,
  returns: 'deleted with its records',
  responses: { 409: 'the fabric is syncing: wait for the run to finish' },
};
const Sync = {
  params: IdParams,
  body: SyncInput,
  summary:
    'Queue a sync (operator); returns the active run when one exists. dryRun plans only (the run gets plan); commit applies that commit (400 unless in the revision history); 409 in a sync window without force',
  status: 202,
  returns: '{syncRunId, jobId, status, dryRun, commit}',
  responses: {
    400: "invalid input, or the commit is not in the history of the fabric's revision",
    409: 'a sync window is active and force is not set',
    502: 'the git remote could not be asked whether the commit is in the history',
  },
};
const Refresh = {
  params: IdParams,
  summary: "Read the head of the fabric's revision now (git ls-remote; operator); no sync",
  returns: 'the fabric, with remoteHead, remoteCheckedAt and syncStatus',
};

api.get('/', can('view', 'fabric'), validate(List), authed(listFabrics));
api.get('/:id', can('view', 'fabric'), validate(One), authed(showFabric));
api.post('/', can('add', 'fabric'), validate(Create), authed(addFabric));
api.patch('/:id', can('change', 'fabric'), validate(Change), authed(changeFabric));
api.delete('/:id', can('delete', 'fabric'), validate(Remove), authed(removeFabric));
api.post('/:id/sync', can('sync', 'fabric'), validate(Sync), authed(syncFabric));
api.post('/:id/refresh', can('sync', 'fabric'), validate(Refresh), authed(refreshHead));

async function listFabrics(req: Req<typeof List>, res: Response) {
  const include = { repository: { select: { id: true, name: true } } };
  const rows = (window: PageWindow) => db().fabric.findMany({ orderBy: { name: 'asc' }, ...window, include });
  res.json(await pageOf(req.query, rows, () => db().fabric.count(), presentFabric));
}

async function showFabric(req: Req<typeof One>, res: Response) {
  res.json(presentFabric(await loadFabric(req.params.id)));
}

async function addFabric(req: Req<typeof Create>, res: Response) {
  const fabric = await createFabric({ input: req.body, user: req.user });
  res.status(201).json(presentFabric(await loadFabric(fabric.id)));
}

async function changeFabric(req: Req<typeof Change>, res: Response) {
  await updateFabric({ id: (await loadFabric(req.params.id)).id, patch: req.body, user: req.user });
  res.json(presentFabric(await loadFabric(req.params.id)));
}

async function removeFabric(req: Req<typeof Remove>, res: Response) {
  await deleteFabric({ id: (await loadFabric(req.params.id)).id, user: req.user });
  res.status(204).end();
}

async function syncFabric(req: Req<typeof Sync>, res: Response) {
  const { force, dryRun, commit } = req.body;
  const fabric = await loadFabric(req.params.id);
  if (commit) await checkRequestedCommit({ fabricId: fabric.id, commit });
  const { run } = await startSync({
    fabricId: fabric.id,
    trigger: req.token ? 'api' : 'manual',
    user: req.user,
    force,
    dryRun,
    commit,
  });
  res
    .status(202)
    .json({ syncRunId: run.id, jobId: run.jobId, status: run.status, dryRun: run.dryRun, commit: run.requestedCommit });
}

async function refreshHead(req: Req<typeof Refresh>, res: Response) {
  await refreshFabric({ id: (await loadFabric(req.params.id)).id });
  res.json(presentFabric(await loadFabric(req.params.id)));
}
