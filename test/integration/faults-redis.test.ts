import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { queue } from '../../src/queues';
import { startWorkers } from '../../src/jobs/workers';
import { createApp } from '../../src/web/app';
import { manyDocuments } from '../fixtures/hostile';
import { useTestEnvironment } from '../helpers/env';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness, waitForRun } from '../helpers/sync';
import { freePort } from '../helpers/net';

// Redis restarts with queued jobs, on a Redis of this file's own (the machine's shared Redis is
// never restarted). It runs with the settings docs/SECURITY.md asks for: appendonly yes and
// maxmemory-policy noeviction.

const port = await freePort();
const dataDir = await mkdtemp(join(tmpdir(), 'hhfm-redis-'));
let server: ChildProcess | undefined;

async function startRedis(): Promise<void> {
  server = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--dir',
      dataDir,
    ],
    { stdio: 'ignore' },
  );
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      if (i > 100) throw new Error(`redis-server on port ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  // Loading the append-only file happens before the server answers anything but LOADING.
  while ((await probe.info('persistence')).includes('loading:1')) await new Promise((r) => setTimeout(r, 50));
  probe.disconnect();
}

/** SHUTDOWN (which writes the append-only file), and waits for the process to exit. */
async function stopRedis(): Promise<void> {
  const proc = server;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  await admin.call('SHUTDOWN').catch(() => undefined);
  admin.disconnect();
  await exited;
}

await startRedis();
afterAll(async () => {
  await stopRedis();
  await rm(dataDir, { recursive: true, force: true });
});

await useTestEnvironment({ REDIS_URL: `redis://127.0.0.1:${port}` });
const app = createApp();
const h = await useSyncHarness(app, { worker: false });

async function fabrics(n: number): Promise<number[]> {
  const repo = await h.repository();
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`f${i}/groups.yaml`] = manyDocuments(20, `g${i}`);
  await commitFiles(repo.bare, files, `${n} fabrics`);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await h.fabric(repo.id, `f${i}/`)).id);
  return ids;
}

async function queueSyncs(fabricIds: number[]): Promise<number[]> {
  return Promise.all(
    fabricIds.map(async (id) => {
      const res = await h.api.post(`/fabrics/${id}/sync`, {});
      expect(res.status).toBe(202);
      return res.body.syncRunId as number;
    }),
  );
}

describe('Redis restarted while jobs are queued', () => {
  it('loses no job: after the restart a worker completes every run', async () => {
    const admin = new Redis({ port, host: '127.0.0.1' });
    expect(await admin.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await admin.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    admin.disconnect();

    const runIds = await queueSyncs(await fabrics(3));
    expect(await queue().getWaitingCount()).toBe(3);
    await stopRedis();
    await startRedis();

    const workers = await startWorkers({ concurrency: 2, lockDuration: 3000, stalledInterval: 1000 });
    try {
      const runs = await Promise.all(runIds.map((id) => waitForRun(id, 60_000)));
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(runs.map((r) => r.createdCount)).toEqual([20, 20, 20]);
    } finally {
      await workers.close();
    }
    // The web side reconnects by itself.
    expect((await request(app).get('/readyz')).status).toBe(200);
  }, 90_000);

  it('ends the runs of jobs that Redis lost as failed, with the reason, and leaves no fabric stuck', async () => {
    const fabricIds = await fabrics(2);
    const runIds = await queueSyncs(fabricIds);
    const admin = new Redis({ port, host: '127.0.0.1' });
    await admin.flushall();
    admin.disconnect();

    const workers = await startWorkers({ concurrency: 2, lockDuration: 3000, stalledInterval: 1000 });
    try {
      const runs = await Promise.all(runIds.map((id) => waitForRun(id, 30_000)));
      for (const run of runs) {
        expect(run.status).toBe('failed');
        expect(run.error).toMatch(/the job was lost .*start the sync again/);
      }
      for (const id of fabricIds)
        expect((await db().fabric.findUniqueOrThrow({ where: { id } })).syncStatus).toBe('error');
      const again = await Promise.all((await queueSyncs(fabricIds)).map((id) => waitForRun(id, 60_000)));
      expect(again.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    } finally {
      await workers.close();
    }
  }, 90_000);
});
