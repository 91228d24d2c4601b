import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { config } from '../../src/config';
import { db } from '../../src/db';
import { redis } from '../../src/redis';
import { createApp } from '../../src/web/app';
import { logLines, useTestEnvironment } from '../helpers/env';
import { commitDirectory, commitFiles, createBareRepo } from '../helpers/gitServer';
import { SEED, useSyncHarness } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

describe('POST /api/v1/repositories', () => {
  it('creates a repository whose secret is never returned', async () => {
    const res = await h.api.post('/repositories', {
      name: 'with-token',
      url: 'https://git.example.com/org/repo.git',
      authType: 'token',
      secret: 'tok-1234567890',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'with-token',
      authType: 'token',
      hasCredentials: true,
      connectionStatus: 'pending',
      fabrics: [],
    });
    expect(JSON.stringify(res.body)).not.toContain('tok-1234567890');
    const stored = await db().gitRepository.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.encryptedSecret).not.toContain('tok-1234567890');
  });

  it.each([
    ['https://user:pass@git.example.com/r.git', /must not contain credentials/],
    ['ext::sh -c touch% /tmp/pwned', /./],
    ['--upload-pack=touch /tmp/pwned', /./],
    ['ftp://git.example.com/r.git', /./],
  ])('refuses the URL %s with a clear message', async (url, message) => {
    const res = await h.api.post('/repositories', { name: `bad-${Math.random()}`, url, authType: 'none' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.fields.url).toMatch(message);
  });

  it('requires the credentials the auth type needs', async () => {
    const res = await h.api.post('/repositories', {
      name: 'no-secret',
      url: 'https://git.example.com/r.git',
      authType: 'basic',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual({
      username: expect.stringMatching(/username is required/),
      secret: 'a password is required',
    });
  });

  it('answers 409 for a taken name', async () => {
    await h.api.post('/repositories', { name: 'taken', url: 'https://git.example.com/r.git' });
    const res = await h.api.post('/repositories', { name: 'taken', url: 'https://git.example.com/r.git' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('a repository named "taken" already exists');
  });
});

describe('PATCH and DELETE /api/v1/repositories/:id', () => {
  it('keeps the secret when the body has none, and resets the connection status when it changes', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { 'README.md': 'hello' }, 'first');
    expect((await h.api.post(`/repositories/${repo.id}/test`)).body.connectionStatus).toBe('connected');
    const renamed = await h.api.patch(`/repositories/${repo.id}`, { name: `${repo.name}-renamed` });
    expect(renamed.body).toMatchObject({ hasCredentials: true, connectionStatus: 'connected' });
    const changed = await h.api.patch(`/repositories/${repo.id}`, { secret: 'another-secret-1' });
    expect(changed.body).toMatchObject({ hasCredentials: true, connectionStatus: 'pending' });
  });

  it('refuses to delete a repository used by fabrics, naming them', async () => {
    const repo = await h.repository();
    const fabric = await h.fabric(repo.id, 'a/');
    const res = await h.api.delete(`/repositories/${repo.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(`is used by 1 fabric (${fabric.name})`);
    await h.api.delete(`/fabrics/${fabric.id}`);
    expect((await h.api.delete(`/repositories/${repo.id}`)).status).toBe(204);
  });
});

describe('fabrics', () => {
  it.each([
    ['../etc/', /\.\./],
    ['/etc/hedgehog', /absolute|relative/i],
  ])('refuses the gitops directory %s', async (dir, message) => {
    const repo = await h.repository();
    const res = await h.api.post('/fabrics', {
      name: `f-${Math.random()}`,
      repositoryId: repo.id,
      gitopsDirectory: dir,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.gitopsDirectory).toMatch(message);
  });

  it('normalises the directory and refuses a second fabric on the same one', async () => {
    const repo = await h.repository();
    const first = await h.api.post('/fabrics', {
      name: 'norm-1',
      repositoryId: repo.id,
      gitopsDirectory: './gitops/hedgehog/fabric-1',
    });
    expect(first.body).toMatchObject({
      gitopsDirectory: 'gitops/hedgehog/fabric-1/',
      prune: true,
      enabled: true,
      syncStatus: 'never_synced',
      countsByKind: {},
    });
    const second = await h.api.post('/fabrics', {
      name: 'norm-2',
      repositoryId: repo.id,
      gitopsDirectory: 'gitops/hedgehog/fabric-1/',
    });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/already uses directory/);
  });

  it('queues one run for two sync requests at once', async () => {
    const repo = await h.repository();
    await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
    const fabric = await h.fabric(repo.id, 'gitops/hedgehog/fabric-1/');
    const responses = await Promise.all([1, 2, 3, 4, 5].map(() => h.api.post(`/fabrics/${fabric.id}/sync`)));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(responses.map((r) => r.body.syncRunId)).size).toBe(1);
    expect(await db().syncRun.count({ where: { fabricId: fabric.id } })).toBe(1);
  });

  it('refuses a viewer token on sync and an operator token on fabric create', async () => {
    const { tokenFor } = await import('../helpers/factories');
    const request = (await import('supertest')).default;
    const viewer = await tokenFor('viewer');
    const operator = await tokenFor('operator');
    const repo = await h.repository();
    const fabric = await h.fabric(repo.id, 'x/');
    expect(
      (await request(app).post(`/api/v1/fabrics/${fabric.id}/sync`).set('Authorization', `Bearer ${viewer.token}`))
        .status,
    ).toBe(403);
    expect(
      (await request(app).post('/api/v1/fabrics').set('Authorization', `Bearer ${operator.token}`).send({})).status,
    ).toBe(403);
    expect(
      (await request(app).post(`/api/v1/fabrics/${fabric.id}/sync`).set('Authorization', `Bearer ${operator.token}`))
        .status,
    ).toBe(202);
  });
});

describe('a repository without a default branch', () => {
  it("follows the remote's HEAD, whatever the branch is called", async () => {
    const name = `master-${Math.random().toString(36).slice(2, 8)}`;
    const bare = await createBareRepo(h.server.root, name);
    await commitDirectory(bare, `${SEED}/v1-735989ad`, '', 'v1', { branch: 'master' });
    execFileSync('git', ['--git-dir', bare, 'symbolic-ref', 'HEAD', 'refs/heads/master']);
    const repo = await h.api.post('/repositories', {
      name,
      url: h.server.url(name),
      authType: 'basic',
      username: 'gituser',
      secret: h.password,
    });
    expect(repo.body.defaultBranch).toBeNull();
    const test = await h.api.post(`/repositories/${repo.body.id}/test`);
    expect(test.body.connectionStatus).toBe('connected');
    const fabric = await h.fabric(repo.body.id, 'gitops/hedgehog/fabric-1/');
    const run = await h.sync(fabric.id);
    expect(run.status).toBe('partial');
    expect(run.counts.created).toBe(46);
    // An empty value clears a branch that was set.
    await h.api.patch(`/repositories/${repo.body.id}`, { defaultBranch: 'main' });
    expect((await h.api.patch(`/repositories/${repo.body.id}`, { defaultBranch: '' })).body.defaultBranch).toBeNull();
  });
});

describe('a wrong password', () => {
  it('fails the connection test and the sync, and the secret is found nowhere', async () => {
    const wrong = 'Wr0ng-Pa55word-Zq7';
    const repo = await h.repository();
    await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
    const patched = await h.api.patch(`/repositories/${repo.id}`, { secret: wrong });
    const outputs: string[] = [JSON.stringify(patched.body)];
    const test = await h.api.post(`/repositories/${repo.id}/test`);
    expect(test.body.connectionStatus).toBe('failed');
    expect(test.body.validationError).toMatch(/authentication failed/i);
    outputs.push(JSON.stringify(test.body));
    const fabric = await h.fabric(repo.id, 'gitops/hedgehog/fabric-1/');
    const run = await h.sync(fabric.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/authentication failed/i);
    expect(run.attempts).toBe(1);
    outputs.push(
      JSON.stringify(run),
      JSON.stringify((await h.api.get(`/repositories/${repo.id}`)).body),
      JSON.stringify((await h.api.get(`/fabrics/${fabric.id}`)).body),
    );

    const forms = [
      wrong,
      Buffer.from(wrong).toString('base64'),
      encodeURIComponent(wrong),
      Buffer.from(`gituser:${wrong}`).toString('base64'),
    ];
    const redisKeys = await redis().keys(`${config().redisPrefix}:*`);
    const redisDump: string[] = [...redisKeys];
    for (const k of redisKeys) {
      const type = await redis().type(k);
      if (type === 'string') redisDump.push((await redis().get(k)) ?? '');
      if (type === 'hash') redisDump.push(JSON.stringify(await redis().hgetall(k)));
      if (type === 'list') redisDump.push(JSON.stringify(await redis().lrange(k, 0, -1)));
    }
    const client = new pg.Client({ connectionString: config().databaseUrl });
    await client.connect();
    const tables = (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map(
      (r) => r.tablename as string,
    );
    const dbDump: string[] = [];
    for (const t of tables) dbDump.push(JSON.stringify((await client.query(`SELECT * FROM "${t}"`)).rows));
    await client.end();

    for (const form of forms) {
      expect(outputs.join('\n')).not.toContain(form);
      expect(logLines.join('\n')).not.toContain(form);
      expect(redisDump.join('\n')).not.toContain(form);
      expect(dbDump.join('\n')).not.toContain(form);
    }
  });
});
