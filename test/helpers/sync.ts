import { FIXTURES } from './fixtures';
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll } from 'vitest';
import { db, type SyncRun } from '../../src/db';
import { startWorkers } from '../../src/jobs/workers';
import { commitFiles, createBareRepo, startGitServer, type GitServer } from './gitServer';
import { tokenFor } from './factories';

export const SEED = `${FIXTURES}/seed-fabric-1`;
export const CORPUS = `${FIXTURES}/corpus`;

/** A git server with Basic auth, a worker in this process (unless `worker: false`), and an admin API token. */
export async function useSyncHarness(app: Express, opts: { worker?: boolean } = {}) {
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const server: GitServer = await startGitServer({ username: 'gituser', password });
  const workers = opts.worker === false ? undefined : await startWorkers({ concurrency: 2 });
  const { token, user } = await tokenFor('admin');
  afterAll(async () => {
    await workers?.close();
    await server.close();
  });
  const api = {
    get: (path: string) => request(app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      request(app).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) =>
      request(app).patch(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => request(app).delete(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
  };
  return {
    server,
    password,
    token,
    user,
    api,
    /**
     * A new bare repository on the server and its registered Repository (basic auth). `files` are
     * committed before it is registered, so that no check or sync ever sees it empty.
     */
    async repository(name = `repo-${randomBytes(3).toString('hex')}`, files?: Record<string, string>) {
      const bare = await createBareRepo(server.root, name);
      if (files) await commitFiles(bare, files, 'first');
      const res = await api.post('/repositories', {
        name,
        url: server.url(name),
        authType: 'basic',
        username: 'gituser',
        secret: password,
        defaultBranch: 'main',
      });
      if (res.status !== 201) throw new Error(`repository: ${res.status} ${JSON.stringify(res.body)}`);
      return { bare, id: res.body.id as number, name };
    },
    async fabric(repositoryId: number, gitopsDirectory: string, extra: object = {}) {
      const res = await api.post('/fabrics', {
        name: `fabric-${randomBytes(3).toString('hex')}`,
        repositoryId,
        gitopsDirectory,
        ...extra,
      });
      if (res.status !== 201) throw new Error(`fabric: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: number; name: string } & Record<string, unknown>;
    },
    /** Requests a sync through the API and waits for the run to end. */
    async sync(fabricId: number, body: object = {}) {
      const res = await api.post(`/fabrics/${fabricId}/sync`, body);
      if (res.status !== 202) throw new Error(`sync: ${res.status} ${JSON.stringify(res.body)}`);
      await waitForRun(res.body.syncRunId);
      return (await api.get(`/sync-runs/${res.body.syncRunId}`)).body;
    },
  };
}

/** Waits until a run is no longer queued or running. */
export async function waitForRun(id: number, timeoutMs = 60_000): Promise<SyncRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db().syncRun.findUniqueOrThrow({ where: { id } });
    if (run.status !== 'queued' && run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status} (${run.stage}) after ${timeoutMs} ms`);
    // A small fabric's run ends within a second: a coarser poll would add half of itself to every sync a test waits for.
    await new Promise((r) => setTimeout(r, 50));
  }
}
