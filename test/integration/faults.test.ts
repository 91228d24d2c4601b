import { randomBytes } from 'node:crypto';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { db, type SyncRun } from '../../src/db';
import { queue } from '../../src/queues';
import { startWorkers } from '../../src/jobs/workers';
import { createApp } from '../../src/web/app';
import { manyDocuments } from '../fixtures/hostile';
import { useTestEnvironment } from '../helpers/env';
import { commitFiles, createBareRepo, startGitServer } from '../helpers/gitServer';
import { useSyncHarness, waitForRun } from '../helpers/sync';
import { spawnWorker, type WorkerChild } from '../helpers/workerProcess';
import { freePort } from '../helpers/net';

// Real faults against real processes: a worker child killed with SIGKILL at each stage, the
// database connection cut in the middle of the apply transaction, git remotes that hang or are
// gone, and concurrent requests. Redis restarts are in faults-redis.test.ts (their own Redis).

const cfg = await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app, { worker: false });

// A fault case waits for the stage (60 s), the faulted run (90 s) and the next sync (90 s): its
// time limit holds all three, so that a machine busy with other suites slows it, never fails it.
const FAULT_CASE = { timeout: 300_000 };

const FILES = 40;
const PER_FILE = 200;
const FULL = FILES * PER_FILE;
const DIR = 'big/';
const children: WorkerChild[] = [];
afterAll(() => {
  for (const c of children) c.kill();
});

// One large commit, copied into a bare repository per case: 8,000 records in 40 files to make
// parsing and applying take a while, and a 12 MB incompressible blob to make cloning take a while.
const template = await createBareRepo(h.server.root, 'template-big');
const files: Record<string, string | Buffer> = { 'blob/random.bin': randomBytes(12 * 1024 * 1024) };
for (let f = 0; f < FILES; f++) files[`${DIR}f${String(f).padStart(3, '0')}.yaml`] = manyDocuments(PER_FILE, `sg-${f}`);
await commitFiles(template, files, 'a large fabric');

async function bigFabric(): Promise<{ id: number; repositoryId: number }> {
  const name = `big-${randomBytes(3).toString('hex')}`;
  await cp(template, join(h.server.root, `${name}.git`), { recursive: true });
  const repo = await h.api.post('/repositories', {
    name,
    url: h.server.url(name),
    authType: 'basic',
    username: 'gituser',
    secret: h.password,
    defaultBranch: 'main',
  });
  expect(repo.status).toBe(201);
  const fabric = await h.fabric(repo.body.id, DIR);
  return { id: fabric.id, repositoryId: repo.body.id };
}

async function requestSync(fabricId: number, body: object = {}): Promise<number> {
  const res = await h.api.post(`/fabrics/${fabricId}/sync`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.syncRunId as number;
}

/** Polls the run row until it reaches `stage`; fails when the run ends first. */
async function waitForStage(runId: number, stage: string, timeoutMs = 60_000): Promise<SyncRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db().syncRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.stage === stage) return run;
    if (run.status !== 'queued' && run.status !== 'running')
      throw new Error(`run ${runId} ended (${run.status}) before stage ${stage}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} never reached ${stage} (at ${run.stage})`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Row count and cached count agree, and the fabric is not left queued or syncing. */
async function expectConsistent(fabricId: number): Promise<number> {
  const fabric = await db().fabric.findUniqueOrThrow({ where: { id: fabricId } });
  const rows = await db().crdRecord.count({ where: { fabricId } });
  expect(fabric.cachedCrdCount).toBe(rows);
  expect(Object.values(fabric.countsByKind as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(rows);
  expect(['queued', 'syncing']).not.toContain(fabric.syncStatus);
  return rows;
}

async function withInProcessWorker<T>(work: () => Promise<T>): Promise<T> {
  const workers = await startWorkers({ concurrency: 2, lockDuration: 3000, stalledInterval: 1000 });
  try {
    return await work();
  } finally {
    await workers.close();
  }
}

/** After a fault: the run ends (failed, or retried to success), the state is consistent, and the next sync succeeds. */
async function expectRecovery(fabricId: number, runId: number): Promise<SyncRun> {
  return withInProcessWorker(async () => {
    const run = await waitForRun(runId, 90_000);
    expect(['succeeded', 'failed']).toContain(run.status);
    if (run.status === 'failed') expect(run.error).toMatch(/\w{10}/);
    const rows = await expectConsistent(fabricId);
    expect([0, FULL]).toContain(rows);
    if (run.status === 'succeeded') expect(rows).toBe(FULL);

    // After a retried success the next sync of the same commit is a cheap no-op; after a failure it applies everything.
    const next = await waitForRun(await requestSync(fabricId), 90_000);
    expect(next.status, next.error ?? '').toBe('succeeded');
    expect(await expectConsistent(fabricId)).toBe(FULL);
    expect(await db().fabric.findUniqueOrThrow({ where: { id: fabricId } })).toMatchObject({
      syncStatus: 'in_sync',
      cachedCrdCount: FULL,
    });
    return run;
  });
}

describe('a worker killed with SIGKILL', FAULT_CASE, () => {
  for (const stage of ['cloning', 'parsing', 'applying']) {
    it(`during ${stage}: the database is untouched or fully applied, and the run ends or is retried`, async () => {
      const fabric = await bigFabric();
      const worker = await spawnWorker(cfg);
      children.push(worker);
      const runId = await requestSync(fabric.id);
      await waitForStage(runId, stage);
      worker.kill();
      await worker.exited;

      const rows = await expectConsistent(fabric.id).catch(async () =>
        db().crdRecord.count({ where: { fabricId: fabric.id } }),
      );
      expect([0, FULL]).toContain(rows);
      const fabricRow = await db().fabric.findUniqueOrThrow({ where: { id: fabric.id } });
      expect(fabricRow.cachedCrdCount).toBe(rows);
      await expectRecovery(fabric.id, runId);
    });
  }
});

describe('the Postgres connection cut during apply', FAULT_CASE, () => {
  it('rolls the transaction back, ends or retries the run with a clear error, and the next sync succeeds', async () => {
    const fabric = await bigFabric();
    const appName = `hhfm-fault-${randomBytes(4).toString('hex')}`;
    const url = new URL(cfg.databaseUrl);
    url.searchParams.set('application_name', appName);
    const worker = await spawnWorker(cfg, { extraEnv: { DATABASE_URL: url.toString() } });
    children.push(worker);
    const runId = await requestSync(fabric.id);
    await waitForStage(runId, 'applying');
    const admin = new pg.Client({ connectionString: cfg.databaseUrl });
    await admin.connect();
    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [appName],
    );
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);

    // Rolled back: no half-applied fabric, whatever the worker does next.
    expect([0, FULL]).toContain(await db().crdRecord.count({ where: { fabricId: fabric.id } }));
    const run = await waitForRun(runId, 90_000);
    await worker.stop();
    expect(['succeeded', 'failed']).toContain(run.status);
    if (run.status === 'failed') expect(run.error).toMatch(/connection|terminat/i);
    else expect(run.attempts).toBeGreaterThan(1);
    const rows = await expectConsistent(fabric.id);
    expect([0, FULL]).toContain(rows);
    await expectRecovery(fabric.id, runId);
  });
});

describe('a git remote that hangs or is down', () => {
  it('fails the connection test with a timeout within the repository timeout', async () => {
    const hanging = await startGitServer({ username: 'u', password: 'p', hang: true });
    try {
      const repo = await h.api.post('/repositories', {
        name: `hang-${randomBytes(3).toString('hex')}`,
        url: hanging.url('x'),
        authType: 'none',
        timeoutSeconds: 2,
      });
      expect(repo.status).toBe(201);
      const started = Date.now();
      const res = await h.api.post(`/repositories/${repo.body.id}/test`);
      const elapsed = Date.now() - started;
      expect(res.status).toBe(200);
      expect(res.body.connectionStatus).toBe('failed');
      expect(res.body.validationError).toMatch(/timed out after 2 s/);
      expect(elapsed).toBeLessThan(6000);
      expect(hanging.requests.length).toBeGreaterThan(0);
    } finally {
      await hanging.close();
    }
  });

  it('fails the connection test at once when nothing listens, naming the host', async () => {
    const port = await freePort();
    const repo = await h.api.post('/repositories', {
      name: `down-${randomBytes(3).toString('hex')}`,
      url: `http://127.0.0.1:${port}/x.git`,
      authType: 'none',
      timeoutSeconds: 2,
    });
    const started = Date.now();
    const res = await h.api.post(`/repositories/${repo.body.id}/test`);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(res.body.connectionStatus).toBe('failed');
    expect(res.body.validationError).toMatch(new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}`));
    const stored = await db().gitRepository.findUniqueOrThrow({ where: { id: repo.body.id } });
    expect(stored.connectionStatus).toBe('failed');
  });
});

describe('concurrent requests', () => {
  it('gives 20 concurrent sync requests for one fabric one run and one job', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { 'one/groups.yaml': manyDocuments(5, 'one') }, 'five groups');
    const fabric = await h.fabric(repo.id, 'one/');
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.api.post(`/fabrics/${fabric.id}/sync`, {})));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const ids = new Set(answers.map((a) => a.body.syncRunId));
    expect(ids.size).toBe(1);
    expect(await db().syncRun.count({ where: { fabricId: fabric.id } })).toBe(1);
    const jobs = await queue().getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    expect(jobs.filter((j) => j.data.syncRunId === [...ids][0])).toHaveLength(1);
    const run = await withInProcessWorker(() => waitForRun([...ids][0]));
    expect(run.status).toBe('succeeded');
    expect(run.createdCount).toBe(5);
  });

  it('syncs two fabrics of one repository at once, each exactly its own directory', async () => {
    const repo = await h.repository();
    await commitFiles(
      repo.bare,
      {
        'a/groups.yaml': manyDocuments(1500, 'shared'),
        'b/groups.yaml': manyDocuments(2500, 'shared'),
        'b/more.yaml': manyDocuments(10, 'only-b'),
      },
      'two fabrics',
    );
    const a = await h.fabric(repo.id, 'a/');
    const b = await h.fabric(repo.id, 'b/');
    const [runA, runB] = await withInProcessWorker(async () => {
      const ids = await Promise.all([requestSync(a.id), requestSync(b.id)]);
      return Promise.all(ids.map((id) => waitForRun(id)));
    });
    expect([runA!.status, runB!.status]).toEqual(['succeeded', 'succeeded']);
    // Both runs overlapped: each started before the other finished.
    expect(runA!.startedAt!.getTime()).toBeLessThan(runB!.finishedAt!.getTime());
    expect(runB!.startedAt!.getTime()).toBeLessThan(runA!.finishedAt!.getTime());
    expect(await expectConsistent(a.id)).toBe(1500);
    expect(await expectConsistent(b.id)).toBe(2510);
    expect(await db().crdRecord.count({ where: { fabricId: a.id, NOT: { sourcePath: { startsWith: 'a/' } } } })).toBe(
      0,
    );
    expect(await db().crdRecord.count({ where: { fabricId: b.id, NOT: { sourcePath: { startsWith: 'b/' } } } })).toBe(
      0,
    );
  });
});
