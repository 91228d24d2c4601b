import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { SEED, useSyncHarness } from '../helpers/sync';
import { manyDocuments } from '../fixtures/hostile';

// The fabric's two axes through the REST API: syncStatus (git vs the mirror) and health (what the
// last applied sync left), and a directory missing at the synced commit.

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const DIR = 'gitops/hedgehog/fabric-1/';

describe('a fabric’s syncStatus and health', () => {
  it('is unknown before the first sync, degraded with the invalid count after a partial run, healthy after a clean one', async () => {
    const repo = await h.repository();
    await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
    const fabric = await h.fabric(repo.id, DIR);
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body).toMatchObject({
      syncStatus: 'never_synced',
      health: 'unknown',
      invalidCount: 0,
      lastAppliedRunId: null,
    });

    const partial = await h.sync(fabric.id);
    expect(partial.status).toBe('partial');
    const degraded = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(degraded).toMatchObject({
      syncStatus: 'in_sync',
      health: 'degraded',
      invalidCount: partial.counts.invalid,
      lastAppliedRunId: partial.id,
    });
    expect(degraded.invalidCount).toBeGreaterThan(0);

    // The same commit again: nothing new was applied, the health stays what that run left.
    const again = await h.sync(fabric.id);
    expect(again.status).toBe('succeeded');
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body).toMatchObject({
      health: 'degraded',
      lastAppliedRunId: partial.id,
    });

    await commitFiles(repo.bare, { [`${DIR}only.yaml`]: manyDocuments(3, 'clean') }, 'clean', { replaceAll: true });
    const clean = await h.sync(fabric.id);
    expect(clean.status).toBe('succeeded');
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body).toMatchObject({
      syncStatus: 'in_sync',
      health: 'healthy',
      invalidCount: 0,
      lastAppliedRunId: clean.id,
      lastSyncedCommit: clean.commit.sha,
    });
    const list = (await h.api.get('/fabrics')).body;
    const listed = (list.items ?? list).find((f: { id: number }) => f.id === fabric.id);
    expect(listed).toMatchObject({ syncStatus: 'in_sync', health: 'healthy' });
  });

  it('fails a run whose directory does not exist at the commit, naming it, the commit and the nearest directories, and deletes nothing', async () => {
    const repo = await h.repository();
    await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
    const fabric = await h.fabric(repo.id, DIR);
    const first = await h.sync(fabric.id);
    const records = await db().crdRecord.count({ where: { fabricId: fabric.id } });
    expect(records).toBeGreaterThan(0);

    const moved = await h.api.patch(`/fabrics/${fabric.id}`, { gitopsDirectory: 'gitops/hedgehog/fabric-9/' });
    expect(moved.status).toBe(200);
    const run = await h.sync(fabric.id);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('directory "gitops/hedgehog/fabric-9/" does not exist');
    expect(run.error).toContain(`at commit ${first.commit.sha.slice(0, 12)}`);
    expect(run.error).toContain('"gitops/hedgehog/fabric-1/"');
    expect(run.counts.deleted).toBe(0);
    expect(await db().crdRecord.count({ where: { fabricId: fabric.id } })).toBe(records);
    const after = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(after).toMatchObject({ syncStatus: 'error', health: 'degraded', cachedCrdCount: records });
    expect(after.lastSyncError).toContain('fabric-9');
  });
});
