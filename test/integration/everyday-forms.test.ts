// Issue 12's everyday defects in forms, through the pages as a browser posts them: name clashes,
// empty fields, the repository secret, tokens, and deleting only after a confirmation.
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { buildFabric, buildRepository, buildSyncRun, PASSWORD, signInAs, unique } from '../helpers/factories';
import request from 'supertest';

await useTestEnvironment();
const app = createApp();

/** The input element of a field in a rendered form, as HTML. */
function inputOf(html: string, name: string): string {
  return new RegExp(`<(input|textarea|select)[^>]*name="${name}"[^>]*>`).exec(html)?.[0] ?? '';
}

/** The message shown under a field (`invalid-feedback` after the input). */
function messageOf(html: string, name: string): string {
  const at = html.search(new RegExp(`name="${name}"`));
  const text = /<div class="invalid-feedback"[^>]*>([^<]*)<\/div>/.exec(html.slice(at))?.[1] ?? '';
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('forms', async () => {
  const admin = await signInAs(app, 'admin');

  it('says a fabric name is taken, on the name field, not that the directory is', async () => {
    const existing = await buildFabric();
    const repo = await buildRepository();
    const res = await admin.agent.post('/fabrics').type('form').send({
      _csrf: admin.csrf,
      name: existing.name,
      repositoryId: repo.id,
      gitopsDirectory: 'somewhere/else',
    });
    expect(res.status).toBe(409);
    expect(inputOf(res.text, 'name')).toContain('is-invalid');
    expect(messageOf(res.text, 'name')).toBe(`a fabric named "${existing.name}" already exists`);
    expect(res.text).not.toContain('already uses directory');
    // The same directory of the same repository is the directory's clash, on its field.
    const again = await admin.agent
      .post('/fabrics')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: unique('fabric'),
        repositoryId: existing.repositoryId,
        gitopsDirectory: existing.gitopsDirectory,
      });
    expect(again.status).toBe(409);
    expect(inputOf(again.text, 'gitopsDirectory')).toContain('is-invalid');
    expect(messageOf(again.text, 'gitopsDirectory')).toContain('already uses directory');
  });

  it('says a repository name is taken, on the name field', async () => {
    const existing = await buildRepository();
    const res = await admin.agent
      .post('/repositories')
      .type('form')
      .send({ _csrf: admin.csrf, name: existing.name, url: 'https://git.example.com/x.git', authType: 'none' });
    expect(res.status).toBe(409);
    expect(inputOf(res.text, 'name')).toContain('is-invalid');
    expect(messageOf(res.text, 'name')).toBe(`a repository named "${existing.name}" already exists`);
  });

  it('says an empty field is required, whatever rule it has', async () => {
    const repo = await admin.agent
      .post('/repositories')
      .type('form')
      .send({ _csrf: admin.csrf, name: '', url: '', authType: 'none', timeoutSeconds: '' });
    expect(repo.status).toBe(400);
    expect(messageOf(repo.text, 'name')).toMatch(/required/);
    expect(messageOf(repo.text, 'url')).toMatch(/required/);
    expect(repo.text).not.toContain('Too small');
    const fabric = await admin.agent
      .post('/fabrics')
      .type('form')
      .send({ _csrf: admin.csrf, name: '', repositoryId: '', gitopsDirectory: '' });
    expect(fabric.status).toBe(400);
    expect(messageOf(fabric.text, 'name')).toMatch(/required/);
    expect(fabric.text).not.toContain('Too small');
    const user = await admin.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: admin.csrf, username: '', password: '', role: 'viewer' });
    expect(user.status).toBe(400);
    expect(messageOf(user.text, 'username')).toBe('required');
    expect(messageOf(user.text, 'password')).toBe('required');
    expect(user.text).not.toContain('letters, digits');
  });

  it('asks for a repository secret in a password input (a textarea only for an SSH key) and never echoes it', async () => {
    const form = await admin.agent.get('/repositories/new');
    expect(inputOf(form.text, 'secret')).toMatch(/^<input[^>]*type="password"/);
    expect(inputOf(form.text, 'sshKey')).toMatch(/^<textarea/);
    const secret = `s3cret-${unique('x')}`;
    const bad = await admin.agent.post('/repositories').type('form').send({
      _csrf: admin.csrf,
      name: '',
      url: 'https://git.example.com/x.git',
      authType: 'basic',
      username: 'u',
      secret,
      sshKey: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain(secret);
    const name = unique('repo');
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${unique('key')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const ok = await admin.agent.post('/repositories').type('form').send({
      _csrf: admin.csrf,
      name,
      url: 'ssh://git@git.example.com/x.git',
      authType: 'ssh_key',
      secret: '',
      sshKey: key,
    });
    expect(ok.status).toBe(302);
    const stored = await db().gitRepository.findUniqueOrThrow({ where: { name } });
    expect(stored.encryptedSecret).toBeTruthy();
    const edit = await admin.agent.get(`/repositories/${stored.id}/edit`);
    expect(edit.text).not.toContain(key.split('\n')[1]);
  });
});

describe('API tokens', () => {
  it('are read-only by default, and a viewer is offered no write token', async () => {
    const viewer = await signInAs(app, 'viewer');
    const page = await viewer.agent.get('/admin/tokens');
    expect(page.text).not.toContain('name="writeEnabled"');
    expect(page.text).toContain('Tokens of your role are read-only.');
    const refused = await viewer.agent
      .post('/admin/tokens')
      .type('form')
      .send({ _csrf: viewer.csrf, name: 'w', writeEnabled: 'on' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('tokens are read-only');
    const made = await viewer.agent.post('/admin/tokens').type('form').send({ _csrf: viewer.csrf, name: 'r' });
    expect(made.status).toBe(200);
    expect(await db().apiToken.findMany({ where: { userId: viewer.user.id }, select: { writeEnabled: true } })).toEqual(
      [{ writeEnabled: false }],
    );

    const operator = await signInAs(app, 'operator');
    const offered = await operator.agent.get('/admin/tokens');
    expect(inputOf(offered.text, 'writeEnabled')).not.toContain('checked');
    const provisioned = await request(app)
      .post('/api/v1/tokens/provision')
      .send({ username: operator.user.username, password: PASSWORD });
    expect(provisioned.status).toBe(201);
    expect(provisioned.body.writeEnabled).toBe(false);
    const provisionedViewer = await request(app)
      .post('/api/v1/tokens/provision')
      .send({ username: viewer.user.username, password: PASSWORD, writeEnabled: true });
    expect(provisionedViewer.status).toBe(400);
    expect(provisionedViewer.body.error.details.fields.writeEnabled).toContain('read-only');
  });

  it('are logged in the change log when created and revoked, the token itself never', async () => {
    const operator = await signInAs(app, 'operator');
    const made = await operator.agent
      .post('/admin/tokens')
      .type('form')
      .send({ _csrf: operator.csrf, name: 'ci', writeEnabled: 'on' });
    const token = /id="new-token" value="([^"]+)"/.exec(made.text)![1]!;
    const record = await db().apiToken.findFirstOrThrow({ where: { userId: operator.user.id } });
    expect(record.writeEnabled).toBe(true);
    const confirm = await operator.agent.get(`/admin/tokens/${record.id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Revoke token ci?');
    await operator.agent.post(`/admin/tokens/${record.id}/delete`).type('form').send({ _csrf: operator.csrf });
    const changes = await db().changeRecord.findMany({ where: { objectType: 'ApiToken', objectId: record.id } });
    expect(changes.map((c) => [c.action, c.actorLabel, c.objectLabel])).toEqual([
      ['create', operator.user.username, `${operator.user.username}/ci`],
      ['delete', operator.user.username, `${operator.user.username}/ci`],
    ]);
    expect(JSON.stringify(changes)).not.toContain(token);
  });
});

describe('deleting', async () => {
  const admin = await signInAs(app, 'admin');

  it('a fabric asks first on a page of its own, then deletes on the confirmation', async () => {
    const fabric = await buildFabric();
    const page = await admin.agent.get(`/fabrics/${fabric.id}`);
    expect(page.text).toContain(`href="/fabrics/${fabric.id}/delete"`);
    expect(page.text).not.toContain(`action="/fabrics/${fabric.id}/delete"`);
    const confirm = await admin.agent.get(`/fabrics/${fabric.id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(`Delete fabric ${fabric.name}?`);
    expect(confirm.text).toContain(`action="/fabrics/${fabric.id}/delete"`);
    expect(await db().fabric.count({ where: { id: fabric.id } })).toBe(1);
    const done = await admin.agent.post(`/fabrics/${fabric.id}/delete`).type('form').send({ _csrf: admin.csrf });
    expect(done.headers.location).toBe('/fabrics');
    expect(await db().fabric.count({ where: { id: fabric.id } })).toBe(0);
  });

  it('a repository asks first, and says why it cannot while fabrics use it', async () => {
    const repo = await buildRepository();
    const page = await admin.agent.get(`/repositories/${repo.id}`);
    expect(page.text).toContain(`href="/repositories/${repo.id}/delete"`);
    const confirm = await admin.agent.get(`/repositories/${repo.id}/delete`);
    expect(confirm.text).toContain(`Delete repository ${repo.name}?`);
    await admin.agent.post(`/repositories/${repo.id}/delete`).type('form').send({ _csrf: admin.csrf });
    expect(await db().gitRepository.count({ where: { id: repo.id } })).toBe(0);
    const used = await buildFabric();
    const refused = await admin.agent.get(`/repositories/${used.repositoryId}/delete`);
    expect(refused.text).toContain('cannot be deleted while 1 fabrics use it');
  });
});

describe('the fabric page', () => {
  it("shows the first errors of the last run and links to the run's table of files", async () => {
    const viewer = await signInAs(app, 'viewer');
    const fabric = await buildFabric();
    const files = Array.from({ length: 4 }, (_, f) => ({
      path: `dir/file-${f}.yaml`,
      errors: Array.from({ length: 3 }, (_, e) => ({ line: e + 1, message: `problem ${f}.${e}` })),
    }));
    const run = await buildSyncRun({ fabricId: fabric.id, status: 'partial', invalidCount: 12, files });
    const page = await viewer.agent.get(`/fabrics/${fabric.id}`);
    const shown = /<ul class="mb-1" data-testid="last-errors">([\s\S]*?)<\/ul>/.exec(page.text)![1]!;
    expect(shown.match(/<li>/g)).toHaveLength(5);
    expect(shown).toContain('problem 0.0');
    expect(shown).toContain('problem 1.1');
    expect(shown).not.toContain('problem 1.2');
    expect(page.text).not.toContain('problem 3.2');
    expect(page.text).toContain(`<a href="/sync-runs/${run.id}#files">All 12 errors in the run's table of files</a>`);
    const table = await viewer.agent.get(`/sync-runs/${run.id}`);
    expect(table.text).toContain('id="files"');
    expect(table.text).toContain('problem 3.2');
  });
});
