import { mkdtemp, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { checkRepository } from '../../src/repositories/checkRepository';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitDirectory, commitFiles, createBareRepo, startGitServer } from '../helpers/gitServer';
import { freePort } from '../helpers/net';
import { SEED, useSyncHarness } from '../helpers/sync';

// Repository health, continuously: the worker's repeatable round checks every repository (a short
// interval here) against the real git server helper, which we stop, give another password, or
// whose repository we delete.

const INTERVAL = 2000;
await useTestEnvironment({ REPOSITORY_CHECK_INTERVAL_SECONDS: String(INTERVAL / 1000) });
const app = createApp();
const h = await useSyncHarness(app);

type Repo = Record<string, any>;

/** Polls the repository through the API until `done`; fails after `timeoutMs`. Returns it and the time it took. */
async function waitFor(id: number, done: (r: Repo) => boolean, timeoutMs: number): Promise<Repo & { tookMs: number }> {
  const started = Date.now();
  for (;;) {
    const r = (await h.api.get(`/repositories/${id}`)).body;
    if (done(r)) return { ...r, tookMs: Date.now() - started };
    if (Date.now() - started > timeoutMs)
      throw new Error(`repository ${id} still ${r.connectionStatus} after ${timeoutMs} ms: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

// Two intervals, and a little for git and the round's tick on a loaded machine.
const TWO_INTERVALS = 2 * INTERVAL + 1500;

describe('the periodic repository check', () => {
  it('checks a repository with no fabric without any request; its remote deleted, it turns failed and says why; back, connected again', async () => {
    // Committed before it is registered: a round between the two found no branch and failed it.
    const repo = await h.repository(undefined, { 'README.md': 'hello' });
    const first = await waitFor(repo.id, (r) => !!r.lastCheckedAt, TWO_INTERVALS);
    expect(first).toMatchObject({ connectionStatus: 'connected', validationError: null, consecutiveFailures: 0 });
    expect(first.head).toMatch(/^[0-9a-f]{40}$/);
    expect(new Date(first.nextCheckAt).getTime()).toBeGreaterThan(new Date(first.lastCheckedAt).getTime());

    await rename(repo.bare, `${repo.bare}.gone`);
    const failed = await waitFor(repo.id, (r) => r.connectionStatus === 'failed', TWO_INTERVALS);
    expect(failed.validationError).toMatch(/repository not found at http:\/\/127\.0\.0\.1:\d+\//);
    expect(failed.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(failed.lastValidatedAt).toBeTruthy();
    expect(new Date(failed.lastCheckedAt).getTime()).toBeGreaterThan(new Date(failed.lastValidatedAt).getTime());
    expect(failed.failingSince).toBeTruthy();

    await rename(`${repo.bare}.gone`, repo.bare);
    // A failed repository is checked less often (backoff): up to 4 intervals after two failures.
    const back = await waitFor(repo.id, (r) => r.connectionStatus === 'connected', 3 * TWO_INTERVALS);
    expect(back).toMatchObject({ validationError: null, consecutiveFailures: 0, failingSince: null });

    const checks = (await h.api.get(`/repositories/${repo.id}/checks`)).body.items as Repo[];
    expect(checks[0]).toMatchObject({ ok: true, errorClass: null, trigger: 'schedule' });
    expect(checks.some((c) => !c.ok && c.errorClass === 'not_found' && /repository not found/.test(c.error))).toBe(
      true,
    );
    expect(checks.every((c) => typeof c.durationMs === 'number')).toBe(true);

    const changes = await db().changeRecord.findMany({
      where: { objectType: 'GitRepository', objectId: repo.id, actorLabel: { startsWith: 'repository check' } },
      orderBy: { id: 'asc' },
    });
    expect(changes.map((c) => [(c.before as Repo).connectionStatus, (c.after as Repo).connectionStatus])).toEqual([
      ['connected', 'failed'],
      ['failed', 'connected'],
    ]);
  }, 60_000);

  it('turns failed when the server changes its password or stops, naming the error, and Test connection resets the backoff', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hhfm-checks-'));
    let server = await startGitServer({ username: 'u', password: 'first-password', root });
    const bare = await createBareRepo(root, 'moving');
    await commitFiles(bare, { 'README.md': 'x' }, 'first');
    const created = await h.api.post('/repositories', {
      name: 'moving-target',
      url: server.url('moving'),
      authType: 'basic',
      username: 'u',
      secret: 'first-password',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect((await h.api.post(`/repositories/${id}/test`)).body.connectionStatus).toBe('connected');

    server.setPassword('second-password');
    const denied = await waitFor(id, (r) => r.connectionStatus === 'failed', TWO_INTERVALS);
    expect(denied.validationError).toMatch(/authentication failed/);
    expect(denied.validationError).not.toContain('first-password');
    server.setPassword('first-password');
    await waitFor(id, (r) => r.connectionStatus === 'connected', 3 * TWO_INTERVALS);

    await server.close();
    const down = await waitFor(id, (r) => r.connectionStatus === 'failed', TWO_INTERVALS);
    expect(down.validationError).toMatch(/cannot reach 127\.0\.0\.1/);
    server = await startGitServer({ username: 'u', password: 'first-password', root, port: server.port });
    try {
      const tested = await h.api.post(`/repositories/${id}/test`);
      expect(tested.body.connectionStatus).toBe('connected');
      const after = (await h.api.get(`/repositories/${id}`)).body;
      expect(after.consecutiveFailures).toBe(0);
      expect(new Date(after.nextCheckAt).getTime() - new Date(after.lastCheckedAt).getTime()).toBeLessThanOrEqual(
        INTERVAL * 1.1,
      );
      const classes = ((await h.api.get(`/repositories/${id}/checks`)).body.items as Repo[]).map((c) => c.errorClass);
      expect(classes).toContain('auth');
      expect(classes).toContain('unreachable');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('doubles the wait after each failure up to an hour (injected clock), and Test connection starts again at the interval', async () => {
    const port = await freePort();
    const repo = await db().gitRepository.create({
      data: { name: 'nobody-listens', url: `http://127.0.0.1:${port}/x.git`, authType: 'none' },
    });
    // Far in the future: the worker's round (real time) never finds it due.
    let t = new Date('2100-01-01T00:00:00Z');
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await checkRepository({ id: repo.id, trigger: 'schedule', now: () => t });
      expect(outcome?.ok).toBe(false);
      const next = outcome!.repository.nextCheckAt!;
      waits.push(next.getTime() - t.getTime());
      t = next;
    }
    const expected = [1, 2, 4, 8, 16].map((n) => n * INTERVAL);
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(expected[i]! * 0.9);
      expect(w).toBeLessThanOrEqual(expected[i]! * 1.1);
    });
    expect((await db().gitRepository.findUniqueOrThrow({ where: { id: repo.id } })).consecutiveFailures).toBe(5);

    const tested = await h.api.post(`/repositories/${repo.id}/test`);
    expect(tested.body.connectionStatus).toBe('failed');
    const after = await db().gitRepository.findUniqueOrThrow({ where: { id: repo.id } });
    expect(after.consecutiveFailures).toBe(1);
    expect(after.nextCheckAt!.getTime() - after.lastCheckedAt!.getTime()).toBeLessThanOrEqual(INTERVAL * 1.1);
  });
});

describe('heads of the fabrics, Refresh and /metrics', () => {
  it('Test connection and Refresh read the heads of the fabrics: out of sync at once, no sync queued', async () => {
    const repo = await h.repository();
    await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
    const fabric = await h.fabric(repo.id, 'gitops/hedgehog/fabric-1/');
    await h.sync(fabric.id);
    const head = await commitFiles(repo.bare, { 'README.md': 'moved on' }, 'unrelated change');

    await h.api.post(`/repositories/${repo.id}/test`);
    const tested = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(tested).toMatchObject({ syncStatus: 'out_of_sync', remoteHead: head });
    expect(tested.remoteCheckedAt).toBeTruthy();

    const head2 = await commitFiles(repo.bare, { 'README.md': 'moved again' }, 'another change');
    const refreshed = await h.api.post(`/fabrics/${fabric.id}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ syncStatus: 'out_of_sync', remoteHead: head2 });
    expect(await db().syncRun.count({ where: { fabricId: fabric.id } })).toBe(1);
  });

  it('refuses Refresh to a viewer', async () => {
    const repo = await h.repository();
    const fabric = await h.fabric(repo.id, 'x/');
    const { tokenFor } = await import('../helpers/factories');
    const { token } = await tokenFor('viewer', false);
    const res = await request(app).post(`/api/v1/fabrics/${fabric.id}/refresh`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
  });

  it('exposes per-repository health and check latency, runs by status, queue depth and sync age', async () => {
    const port = await freePort();
    await db().gitRepository.create({
      data: { name: 'metrics "down"', url: `http://127.0.0.1:${port}/x.git`, authType: 'none' },
    });
    const down = await db().gitRepository.findUniqueOrThrow({ where: { name: 'metrics "down"' } });
    await checkRepository({ id: down.id, trigger: 'refresh' });
    const text = (await request(app).get('/metrics').set('Authorization', `Bearer ${h.token}`)).text;
    expect(text).toContain('hhfm_repository_up{repository="metrics \\"down\\""} 0');
    expect(text).toMatch(/hhfm_repository_check_duration_seconds\{repository="metrics \\"down\\""\} \d/);
    expect(text).toMatch(/hhfm_sync_runs\{status="(succeeded|partial)"\} \d+/);
    expect(text).toMatch(/hhfm_queue_jobs\{queue="sync",state="waiting"\} \d+/);
    expect(text).toMatch(/hhfm_fabric_last_successful_sync_age_seconds\{fabric="fabric-[0-9a-f]+"\} \d+/);
    expect(text).toMatch(/hhfm_repository_up\{repository="repo-[0-9a-f]+"\} 1/);
  });
});
