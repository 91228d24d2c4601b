import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { kinds } from '../../crds';
import { db, type Fabric } from '../../db';
import { loadFabric } from '../../fabrics/loadFabric';
import { checkDirectory } from '../../fabrics/checkDirectory';
import { createFabric, deleteFabric, updateFabric } from '../../fabrics/saveFabric';
import { FabricInput, FabricPatch, SyncInput, type SyncWindow } from '../../fabrics/schema';
import { describeSettings, settingsFormValues, settingsFromForm } from '../../fabrics/settings';
import { activeSyncWindow, describeSyncWindow, parseSyncWindowsText, syncWindowsText } from '../../fabrics/syncWindows';
import { describeRevision } from '../../gitops/revision';
import { filesWithErrors, firstErrors } from '../../sync/present';
import { refreshFabric } from '../../fabrics/refreshFabric';
import { checkRequestedCommit } from '../../sync/checkRequestedCommit';
import { startSync } from '../../sync/startSync';
import { HttpError } from '../../errors';
import { form, type FormAgain } from '../forms';
import { can } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { downloadName, streamDownload } from '../exportList';
import { fabricRecordsExport, fabricRecordsTable } from '../lists/fabricRecords';
import { fabricListSpec, loadFabrics } from '../lists/fabricList';
import { buildListView, listRows, parseListQuery } from '../listView';
import { IdParams, authed, validate, type Req } from '../validate';

/** The fabrics' pages: the list, the form, a fabric's page with its records, sync, preview and refresh. */
export const pages = Router();

const GATEWAY_GROUP = 'gateway.githedgehog.com';

const One = { params: IdParams };
const NewFabric = { body: z.preprocess(formBody, FabricInput), form: true };
const ChangeFabric = { params: IdParams, body: z.preprocess(formBody, FabricPatch), form: true };
const Sync = { params: IdParams, body: SyncInput };

pages.get('/', can('view', 'fabric'), authed(fabricsPage));
pages.get('/new', can('add', 'fabric'), authed(newFabricPage));
pages.post('/', can('add', 'fabric'), validate(NewFabric), authed(form(addFabric, newFabricPage)));
pages.get('/:id', can('view', 'fabric'), validate(One), authed(fabricPage));
pages.get('/:id/edit', can('change', 'fabric'), validate(One), authed(editFabricPage));
pages.post('/:id', can('change', 'fabric'), validate(ChangeFabric), authed(form(changeFabric, editFabricPage)));
pages.get('/:id/delete', can('delete', 'fabric'), validate(One), authed(confirmRemoveFabric));
pages.post('/:id/delete', can('delete', 'fabric'), validate(One), authed(removeFabric));
pages.post('/:id/sync', can('sync', 'fabric'), validate(Sync), authed(syncFabric));
pages.post('/:id/refresh', can('sync', 'fabric'), validate(One), authed(refreshHead));
pages.post('/:id/preview', can('sync', 'fabric'), validate(One), authed(previewFabric));

/** A browser sends nothing for an unchecked box: in the form, absent means off. */
function formBody(body: unknown) {
  const fields = body as Record<string, unknown>;
  return {
    ...fields,
    prune: fields.prune ?? 'false',
    enabled: fields.enabled ?? 'false',
    syncWindows: typeof fields.syncWindows === 'string' ? parseSyncWindowsText(fields.syncWindows) : undefined,
    settings: settingsFromForm(fields),
  };
}

/** After a save: a warning when the directory is not at the head of the branch (the save stands). */
async function warnAboutDirectory(
  req: Pick<Request, 'session'>,
  fabric: Pick<Fabric, 'repositoryId' | 'gitopsDirectory' | 'branch'>,
): Promise<void> {
  const warning = await checkDirectory(fabric);
  if (warning) flash(req, 'warning', warning);
}

/** The fabric form, first (`again` undefined) or again with the messages of a refused save. */
async function renderForm(res: Response, fabric: Fabric | null, values: Record<string, unknown>, again?: FormAgain) {
  const repositories = await db().gitRepository.findMany({
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
  let errors = again?.errors ?? {};
  // The windows are one textarea: its first problem is shown under it.
  const windowError = Object.entries(errors).find(([k]) => k.startsWith('syncWindows'));
  if (windowError)
    errors = {
      ...errors,
      syncWindows: `${windowError[0].replace(/^syncWindows\.(\d+)\.?/, (_m, i) => `line ${Number(i) + 1}: `)}${windowError[1]}`,
    };
  res.status(again?.status ?? 200).render('fabrics/form.njk', {
    fabric,
    values: again?.values ?? values,
    errors,
    repositories,
    settingGroups: describeSettings(fabric?.settings ?? {}),
  });
}

async function fabricsPage(req: Req, res: Response) {
  const repositories = await db().gitRepository.findMany({
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
  const spec = fabricListSpec(repositories.map((r) => ({ value: String(r.id), label: r.name })));
  const query = parseListQuery(spec, req.query);
  const { items, total } = await loadFabrics(spec, query);
  res.render('fabrics/list.njk', {
    list: buildListView({ spec, query, total, path: '/fabrics', user: req.user }),
    rows: listRows(spec, items),
  });
}

function newFabricPage(req: Req, res: Response, again?: FormAgain) {
  const repositoryId = Number(req.query.repository) || undefined;
  const values = {
    prune: true,
    enabled: true,
    status: 'active',
    syncPolicy: 'manual',
    repositoryId,
    ...settingsFormValues({}),
  };
  return renderForm(res, null, values, again);
}

async function addFabric(req: Req<typeof NewFabric>, res: Response) {
  const fabric = await createFabric({ input: req.body, user: req.user });
  flash(req, 'success', `Fabric ${fabric.name} created. Press Sync to load its records.`);
  await warnAboutDirectory(req, fabric);
  res.redirect(`/fabrics/${fabric.id}`);
}

async function fabricPage(req: Req<typeof One>, res: Response) {
  const fabric = await loadFabric(req.params.id);
  const download = fabricRecordsExport(fabric.id, req.query);
  if (download)
    return streamDownload(res, {
      format: download.format,
      filename: downloadName([fabric.name, download.kindSlug], download.format),
      chunks: download.chunks,
    });
  const [runs, activeRun, lastRun] = await Promise.all([
    db().syncRun.findMany({
      where: { fabricId: fabric.id },
      orderBy: { id: 'desc' },
      take: 10,
      include: { requestedBy: { select: { username: true } } },
    }),
    // Previews neither block the Sync button nor stand for the fabric's last result.
    db().syncRun.findFirst({
      where: { fabricId: fabric.id, dryRun: false, status: { in: ['queued', 'running'] } },
      orderBy: { id: 'desc' },
    }),
    db().syncRun.findFirst({
      where: { fabricId: fabric.id, dryRun: false, status: { notIn: ['queued', 'running'] } },
      orderBy: { id: 'desc' },
    }),
  ]);
  const counts = fabric.countsByKind as Record<string, number>;
  const kindCounts = kinds.map((k) => ({ kind: k, count: counts[k.kind] ?? 0 }));
  const [fabricRecords, failedFiles] = await Promise.all([
    fabricRecordsTable(fabric.id, req.query, req.user),
    lastRun ? filesWithErrors(lastRun.id) : [],
  ]);
  const windows = fabric.syncWindows as SyncWindow[];
  const activeWindow = activeSyncWindow(windows);
  res.render('fabrics/detail.njk', {
    fabric,
    runs,
    activeRun,
    lastRun,
    lastErrors: firstErrors(failedFiles),
    kindCounts,
    fabricRecords,
    revision: describeRevision(fabric.branch, fabric.revisionKind, fabric.repository.defaultBranch),
    windows: windows.map(describeSyncWindow),
    settingGroups: describeSettings(fabric.settings),
    // What "auto" makes of the gateway setting: on when the directory holds any gateway document.
    gatewayRecords: kindCounts.filter((k) => k.kind.group === GATEWAY_GROUP).reduce((n, k) => n + k.count, 0),
    activeWindow: activeWindow && { label: describeSyncWindow(activeWindow.window), endsAt: activeWindow.endsAt },
  });
}

async function editFabricPage(req: Req<typeof One>, res: Response, again?: FormAgain) {
  const fabric = await loadFabric(req.params.id);
  const values = {
    ...fabric,
    enabled: fabric.syncEnabled,
    revision: fabric.branch ?? '',
    syncWindows: syncWindowsText(fabric.syncWindows as SyncWindow[]),
    ...settingsFormValues(fabric.settings),
  };
  await renderForm(res, fabric, values, again);
}

async function changeFabric(req: Req<typeof ChangeFabric>, res: Response) {
  const fabric = await loadFabric(req.params.id);
  const saved = await updateFabric({ id: fabric.id, patch: req.body, user: req.user });
  flash(req, 'success', `Fabric ${fabric.name} saved.`);
  await warnAboutDirectory(req, saved);
  res.redirect(`/fabrics/${fabric.id}`);
}

async function confirmRemoveFabric(req: Req<typeof One>, res: Response) {
  const fabric = await loadFabric(req.params.id);
  res.render('confirm.njk', {
    title: `Delete fabric ${fabric.name}?`,
    message: `The fabric, its ${fabric.cachedCrdCount} records and its sync history leave this app. Git is not touched: the YAML stays in ${fabric.repository.name}.`,
    action: `/fabrics/${fabric.id}/delete`,
    button: 'Delete fabric',
    cancel: `/fabrics/${fabric.id}`,
  });
}

async function removeFabric(req: Req<typeof One>, res: Response) {
  const fabric = await loadFabric(req.params.id);
  await deleteFabric({ id: fabric.id, user: req.user });
  flash(req, 'success', `Fabric ${fabric.name} deleted with its ${fabric.cachedCrdCount} records.`);
  res.redirect('/fabrics');
}

async function syncFabric(req: Req<typeof Sync>, res: Response) {
  const fabric = await loadFabric(req.params.id);
  const { force, commit } = req.body;
  let started;
  try {
    if (commit) await checkRequestedCommit({ fabricId: fabric.id, commit });
    started = await startSync({ fabricId: fabric.id, trigger: 'manual', user: req.user, force, commit });
  } catch (err) {
    // A sync window, a commit outside the revision's history, a remote that cannot say: told on the page.
    if (!(err instanceof HttpError)) throw err;
    flash(req, 'warning', err.message);
    return res.redirect(`/fabrics/${fabric.id}`);
  }
  const { run, created } = started;
  flash(
    req,
    created ? 'info' : 'warning',
    created ? `Sync run #${run.id} queued.` : `Sync run #${run.id} is already ${run.status}; showing it.`,
  );
  res.redirect(`/fabrics/${fabric.id}`);
}

async function refreshHead(req: Req<typeof One>, res: Response) {
  const fabric = await loadFabric(req.params.id);
  await refreshFabric({ id: fabric.id });
  const after = await loadFabric(fabric.id);
  if (after.repository.connectionStatus === 'failed')
    flash(req, 'danger', `Refresh failed: ${after.repository.validationError}`);
  else
    flash(
      req,
      after.syncStatus === 'out_of_sync' ? 'warning' : 'info',
      `Refreshed: the branch is at ${after.remoteHead?.slice(0, 8) ?? 'an unknown commit'}${after.syncStatus === 'out_of_sync' ? ', ahead of the synced commit' : ''}. Nothing was synced.`,
    );
  res.redirect(`/fabrics/${fabric.id}`);
}

async function previewFabric(req: Req<typeof One>, res: Response) {
  const fabric = await loadFabric(req.params.id);
  const { run } = await startSync({ fabricId: fabric.id, trigger: 'manual', user: req.user, dryRun: true });
  res.redirect(`/sync-runs/${run.id}`);
}
