import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitDirectory } from '../helpers/gitServer';
import { SEED, useSyncHarness, waitForRun } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

describe('repository and fabric pages', async () => {
  const admin = await signInAs(app, 'admin');

  it('creates a repository from the form, never echoing the secret, and shows field errors beside the fields', async () => {
    const bad = await admin.agent.post('/repositories').type('form').send({
      _csrf: admin.csrf,
      name: 'form-repo',
      url: 'https://u:p@example.com/r.git',
      authType: 'basic',
      secret: 'form-secret-123',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('must not contain credentials');
    expect(bad.text).toContain('a username is required');
    expect(bad.text).not.toContain('form-secret-123');
    expect(bad.text).toContain('value="form-repo"');

    const bare = `${h.server.root}/form-repo.git`;
    const { createBareRepo } = await import('../helpers/gitServer');
    await createBareRepo(h.server.root, 'form-repo');
    await commitDirectory(bare, `${SEED}/v1-735989ad`, '', 'v1');
    const ok = await admin.agent
      .post('/repositories')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: 'form-repo',
        url: h.server.url('form-repo'),
        authType: 'basic',
        username: 'gituser',
        secret: h.password,
        defaultBranch: 'main',
      });
    expect(ok.status).toBe(302);
    const repo = await db().gitRepository.findUniqueOrThrow({ where: { name: 'form-repo' } });
    const tested = await admin.agent.post(`/repositories/${repo.id}/test`).type('form').send({ _csrf: admin.csrf });
    expect(tested.headers.location).toBe(`/repositories/${repo.id}`);
    const page = await admin.agent.get(`/repositories/${repo.id}`);
    expect(page.text).toContain('Connected: main is at');
    const edit = await admin.agent.get(`/repositories/${repo.id}/edit`);
    expect(edit.text).toContain('set — replace?');
    expect(edit.text).not.toContain(h.password);
  });

  it('creates a fabric from the form and shows the result of a partial sync with file, line and counts', async () => {
    const repo = await db().gitRepository.findUniqueOrThrow({ where: { name: 'form-repo' } });
    const bad = await admin.agent
      .post('/fabrics')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'form-fabric', repositoryId: repo.id, gitopsDirectory: '../etc' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/is-invalid[\s\S]*\.\./);
    const created = await admin.agent.post('/fabrics').type('form').send({
      _csrf: admin.csrf,
      name: 'form-fabric',
      repositoryId: repo.id,
      gitopsDirectory: 'gitops/hedgehog/fabric-1',
      prune: 'on',
      enabled: 'on',
    });
    expect(created.status).toBe(302);
    const fabric = await db().fabric.findUniqueOrThrow({ where: { name: 'form-fabric' } });
    expect(fabric.gitopsDirectory).toBe('gitops/hedgehog/fabric-1/');

    const sync = await admin.agent.post(`/fabrics/${fabric.id}/sync`).type('form').send({ _csrf: admin.csrf });
    expect(sync.headers.location).toBe(`/fabrics/${fabric.id}`);
    const queued = await admin.agent.get(`/fabrics/${fabric.id}`);
    expect(queued.text).toMatch(/Sync run #\d+ queued\./);
    const run = await db().syncRun.findFirstOrThrow({ where: { fabricId: fabric.id } });
    await waitForRun(run.id);

    const page = await admin.agent.get(`/fabrics/${fabric.id}`);
    expect(page.text).toContain('Partial');
    expect(page.text).toMatch(/line \d+: VPC default\/test-vpc is defined more than once/);
    expect(page.text).toContain('46 created');
    expect(page.text).toMatch(/data-kind="Connection">26</);
    expect(page.text).toContain('leaf-01');
    expect(page.text).not.toContain('disabled title="Sync run');
  });

  it('lists fabrics and repositories with search, filters, sort and pagination', async () => {
    const fabrics = await admin.agent.get('/fabrics?q=form-fab&syncStatus=in_sync&sort=-records');
    expect(fabrics.status).toBe(200);
    expect(fabrics.text).toContain('form-fabric');
    expect(fabrics.text).toContain('Showing 1–1 of 1');
    const none = await admin.agent.get('/fabrics?syncStatus=error');
    expect(none.text).not.toContain('>form-fabric<');
    const repos = await admin.agent.get('/repositories?q=FORM-REPO&connection=connected&perPage=25');
    expect(repos.text).toContain('form-repo');
    expect(repos.text).toContain('Showing 1–1 of 1');
    expect(repos.text).not.toContain(h.password);
    expect((await admin.agent.get('/repositories?connection=failed')).text).toContain('Showing 0–0 of 0');
  });

  it('shows a viewer no Sync, Edit or Delete button', async () => {
    const viewer = await signInAs(app, 'viewer');
    const fabric = await db().fabric.findUniqueOrThrow({ where: { name: 'form-fabric' } });
    const page = await viewer.agent.get(`/fabrics/${fabric.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('data-testid="sync-button"');
    expect(page.text).not.toContain(`/fabrics/${fabric.id}/edit`);
    expect(page.text).not.toContain(`/fabrics/${fabric.id}/delete`);
    expect(
      (await viewer.agent.post(`/fabrics/${fabric.id}/sync`).type('form').send({ _csrf: viewer.csrf })).status,
    ).toBe(403);
  });
});
