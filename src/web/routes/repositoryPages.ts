import { Router, type Response } from 'express';
import { z } from 'zod';
import { AUTH_TYPE } from '../../choices';
import { db, type GitRepository } from '../../db';
import { createRepository, deleteRepository, updateRepository } from '../../repositories/saveRepository';
import { RepositoryInput, RepositoryPatch } from '../../repositories/schema';
import { loadRepository } from '../../repositories/loadRepository';
import { KEPT_CHECKS } from '../../repositories/checkRepository';
import { testConnection } from '../../repositories/testConnection';
import { KEPT_DELIVERIES } from '../../webhooks/receiveWebhook';
import { rotateWebhookSecret, webhookPath } from '../../webhooks/rotateWebhookSecret';
import { form, type FormAgain } from '../forms';
import { can } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { loadRepositories, repositoryListSpec } from '../lists/repositoryList';
import { buildListView, listRows, parseListQuery } from '../listView';
import { IdParams, authed, validate, type Req } from '../validate';

/** The repositories' pages: the list, the form, a repository's page with its checks and deliveries. */
export const pages = Router();

const One = { params: IdParams };
const NewRepository = { body: z.preprocess(formBody, RepositoryInput), form: true };
const ChangeRepository = { params: IdParams, body: z.preprocess(editBody, RepositoryPatch), form: true };

pages.get('/', can('view', 'repository'), authed(repositoriesPage));
pages.get('/new', can('add', 'repository'), authed(newRepositoryPage));
pages.post('/', can('add', 'repository'), validate(NewRepository), authed(form(addRepository, newRepositoryPage)));
pages.get('/:id', can('view', 'repository'), validate(One), authed(repositoryPage));
pages.post('/:id/webhook-secret', can('change', 'repository'), validate(One), authed(rotateSecret));
pages.get('/:id/edit', can('change', 'repository'), validate(One), authed(editRepositoryPage));
pages.post(
  '/:id',
  can('change', 'repository'),
  validate(ChangeRepository),
  authed(form(changeRepository, editRepositoryPage)),
);
pages.get('/:id/delete', can('delete', 'repository'), validate(One), authed(confirmRemoveRepository));
pages.post('/:id/delete', can('delete', 'repository'), validate(One), authed(removeRepository));
pages.post('/:id/test', can('test', 'repository'), validate(One), authed(testRepository));

/** The form has a password input for a token or password and a textarea for a key: the one of the chosen type is the secret. */
function formBody(body: unknown): Record<string, unknown> {
  const { sshKey, secret, ...rest } = body as Record<string, unknown>;
  return { ...rest, secret: rest.authType === 'ssh_key' ? sshKey : secret };
}

/** An edit may also tick "remove the stored secret". */
function editBody(body: unknown): Record<string, unknown> {
  const fields = formBody(body);
  return { ...fields, clearSecret: fields.clearSecret === 'on' };
}

const authOptions = Object.entries(AUTH_TYPE).map(([value, c]) => ({ value, label: c.label }));

/** The repository form, first (`again` undefined) or again with the messages of a refused save. */
function renderForm(res: Response, repo: GitRepository | null, values: Record<string, unknown>, again?: FormAgain) {
  res.status(again?.status ?? 200).render('repositories/form.njk', {
    repo,
    values: again?.values ?? values,
    errors: again?.errors ?? {},
    authOptions,
    hasSecret: !!repo?.encryptedSecret,
  });
}

async function repositoriesPage(req: Req, res: Response) {
  const query = parseListQuery(repositoryListSpec, req.query);
  const { items, total } = await loadRepositories(query);
  const list = buildListView({ spec: repositoryListSpec, query, total, path: '/repositories', user: req.user });
  res.render('repositories/list.njk', { list, rows: listRows(repositoryListSpec, items) });
}

function newRepositoryPage(_req: Req, res: Response, again?: FormAgain) {
  renderForm(res, null, { authType: 'none', timeoutSeconds: 60 }, again);
}

async function addRepository(req: Req<typeof NewRepository>, res: Response) {
  const repo = await createRepository({ input: req.body, user: req.user });
  flash(req, 'success', `Repository ${repo.name} created. Test the connection next.`);
  res.redirect(`/repositories/${repo.id}`);
}

async function renderDetail(req: Req<typeof One>, res: Response, created?: { secret: string }) {
  const repo = await loadRepository(req.params.id);
  const [deliveries, checks] = await Promise.all([
    db().webhookDelivery.findMany({ where: { repositoryId: repo.id }, orderBy: { id: 'desc' }, take: KEPT_DELIVERIES }),
    db().repositoryCheck.findMany({ where: { repositoryId: repo.id }, orderBy: { id: 'desc' }, take: KEPT_CHECKS }),
  ]);
  const webhookUrl = `${req.protocol}://${req.get('host')}${webhookPath(repo.id)}`;
  res.render('repositories/detail.njk', {
    repo,
    deliveries,
    // Oldest first: the strip reads left to right, the latest check last.
    checks: checks.reverse(),
    lastFailure: checks.findLast((c) => !c.ok),
    webhookUrl,
    created,
  });
}

function repositoryPage(req: Req<typeof One>, res: Response) {
  return renderDetail(req, res);
}

async function rotateSecret(req: Req<typeof One>, res: Response) {
  const repositoryId = (await loadRepository(req.params.id)).id;
  const { secret } = await rotateWebhookSecret({ repositoryId, user: req.user });
  // Shown once, in this response only: it is stored encrypted and cannot be shown again.
  res.setHeader('Cache-Control', 'no-store');
  await renderDetail(req, res, { secret });
}

async function editRepositoryPage(req: Req<typeof One>, res: Response, again?: FormAgain) {
  const repo = await loadRepository(req.params.id);
  renderForm(res, repo, { ...repo, secret: '' }, again);
}

async function changeRepository(req: Req<typeof ChangeRepository>, res: Response) {
  const repo = await loadRepository(req.params.id);
  await updateRepository({ id: repo.id, patch: req.body, user: req.user });
  flash(req, 'success', `Repository ${repo.name} saved.`);
  res.redirect(`/repositories/${repo.id}`);
}

async function confirmRemoveRepository(req: Req<typeof One>, res: Response) {
  const repo = await loadRepository(req.params.id);
  res.render('confirm.njk', {
    title: `Delete repository ${repo.name}?`,
    message: repo.fabrics.length
      ? `It cannot be deleted while ${repo.fabrics.length} fabrics use it: delete or move them first.`
      : `The repository's settings and stored credentials leave this app. The git remote is not touched.`,
    details: repo.fabrics.map((f) => `used by fabric ${f.name}`),
    action: `/repositories/${repo.id}/delete`,
    button: 'Delete repository',
    cancel: `/repositories/${repo.id}`,
  });
}

async function removeRepository(req: Req<typeof One>, res: Response) {
  const repo = await loadRepository(req.params.id);
  try {
    await deleteRepository({ id: repo.id, user: req.user });
  } catch (err) {
    flash(req, 'danger', (err as Error).message);
    return res.redirect(`/repositories/${repo.id}`);
  }
  flash(req, 'success', `Repository ${repo.name} deleted.`);
  res.redirect('/repositories');
}

async function testRepository(req: Req<typeof One>, res: Response) {
  const repo = await testConnection({ id: (await loadRepository(req.params.id)).id });
  if (repo.connectionStatus === 'connected')
    flash(req, 'success', `Connected: ${repo.headBranch} is at ${repo.remoteHead?.slice(0, 8)}.`);
  else flash(req, 'danger', `Connection failed: ${repo.validationError}`);
  res.redirect(`/repositories/${repo.id}`);
}
