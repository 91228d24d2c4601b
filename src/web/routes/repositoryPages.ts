import { Router, type Request, type Response } from 'express';
import { AUTH_TYPE } from '../../choices';
import { db, type GitRepository } from '../../db';
import { createRepository, deleteRepository, updateRepository } from '../../repositories/saveRepository';
import { RepositoryInput, RepositoryPatch } from '../../repositories/schema';
import { KEPT_CHECKS } from '../../repositories/checkRepository';
import { testConnection } from '../../repositories/testConnection';
import { NotFound } from '../../errors';
import { KEPT_DELIVERIES } from '../../webhooks/receiveWebhook';
import { rotateWebhookSecret, webhookPath } from '../../webhooks/rotateWebhookSecret';
import { handleForm } from '../forms';
import { can } from '../middleware/auth';
import { flash } from '../middleware/flash';
import { loadRepositories, repositoryListSpec } from '../lists/repositoryList';
import { buildListView, listRows, parseListQuery } from '../listView';
import { parseInput } from '../validate';

export const pages = Router();

async function load(id: unknown) {
  const repo = await db().gitRepository.findUnique({
    where: { id: Number(id) || 0 },
    include: { fabrics: { orderBy: { name: 'asc' } } },
  });
  if (!repo) throw new NotFound('repository');
  return repo;
}

/** The form has a password input for a token or password and a textarea for a key: the one of the chosen type is the secret. */
function formBody(body: Record<string, unknown>): Record<string, unknown> {
  const { sshKey, secret, ...rest } = body;
  return { ...rest, secret: rest.authType === 'ssh_key' ? sshKey : secret };
}

const authOptions = Object.entries(AUTH_TYPE).map(([value, c]) => ({ value, label: c.label }));

function renderForm(
  res: Response,
  repo: GitRepository | null,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  res
    .status(status)
    .render('repositories/form.njk', { repo, values, errors, authOptions, hasSecret: !!repo?.encryptedSecret });
}

pages.get('/', can('view', 'repository'), async (req, res) => {
  const query = parseListQuery(repositoryListSpec, req.query);
  const { items, total } = await loadRepositories(query);
  const list = buildListView({ spec: repositoryListSpec, query, total, path: '/repositories', user: req.user });
  res.render('repositories/list.njk', { list, rows: listRows(repositoryListSpec, items) });
});

pages.get('/new', can('add', 'repository'), (_req, res) =>
  renderForm(res, null, { authType: 'none', timeoutSeconds: 60 }, {}),
);

pages.post('/', can('add', 'repository'), (req, res) =>
  handleForm(
    req,
    async () => {
      const repo = await createRepository({ input: parseInput(RepositoryInput, formBody(req.body)), user: req.user! });
      flash(req, 'success', `Repository ${repo.name} created. Test the connection next.`);
      res.redirect(`/repositories/${repo.id}`);
    },
    (values, errors, status) => renderForm(res, null, values, errors, status),
  ),
);

async function renderDetail(req: Request, res: Response, id: unknown, created?: { secret: string }) {
  const repo = await load(id);
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

pages.get('/:id', can('view', 'repository'), (req, res) => renderDetail(req, res, req.params.id));

pages.post('/:id/webhook-secret', can('change', 'repository'), async (req, res) => {
  const { secret } = await rotateWebhookSecret({ repositoryId: (await load(req.params.id)).id, user: req.user! });
  // Shown once, in this response only: it is stored encrypted and cannot be shown again.
  res.setHeader('Cache-Control', 'no-store');
  await renderDetail(req, res, req.params.id, { secret });
});

pages.get('/:id/edit', can('change', 'repository'), async (req, res) => {
  const repo = await load(req.params.id);
  renderForm(res, repo, { ...repo, secret: '' }, {});
});

pages.post('/:id', can('change', 'repository'), async (req, res) => {
  const repo = await load(req.params.id);
  await handleForm(
    req,
    async () => {
      const body = formBody(req.body);
      await updateRepository({
        id: repo.id,
        patch: parseInput(RepositoryPatch, { ...body, clearSecret: body.clearSecret === 'on' }),
        user: req.user!,
      });
      flash(req, 'success', `Repository ${repo.name} saved.`);
      res.redirect(`/repositories/${repo.id}`);
    },
    (values, errors, status) => renderForm(res, repo, values, errors, status),
  );
});

pages.get('/:id/delete', can('delete', 'repository'), async (req, res) => {
  const repo = await load(req.params.id);
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
});

pages.post('/:id/delete', can('delete', 'repository'), async (req, res) => {
  const repo = await load(req.params.id);
  try {
    await deleteRepository({ id: repo.id, user: req.user! });
  } catch (err) {
    flash(req, 'danger', (err as Error).message);
    return res.redirect(`/repositories/${repo.id}`);
  }
  flash(req, 'success', `Repository ${repo.name} deleted.`);
  res.redirect('/repositories');
});

pages.post('/:id/test', can('test', 'repository'), async (req, res) => {
  const repo = await testConnection({ id: (await load(req.params.id)).id });
  if (repo.connectionStatus === 'connected')
    flash(req, 'success', `Connected: ${repo.headBranch} is at ${repo.remoteHead?.slice(0, 8)}.`);
  else flash(req, 'danger', `Connection failed: ${repo.validationError}`);
  res.redirect(`/repositories/${repo.id}`);
});
