import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { checkRepository } from '../../src/repositories/checkRepository';
import { checkForChanges } from '../../src/sync/checkForChanges';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { SEED, useSyncHarness, waitForRun } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const DIR = 'gitops/hedgehog/fabric-1/';

describe('the repository check and checkForChanges', () => {
  it('marks a fabric out of sync when its branch moves, and in sync again after a sync', async () => {
    const repo = await h.repository();
    await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
    const fabric = await h.fabric(repo.id, DIR);
    await h.sync(fabric.id);
    await checkRepository({ id: repo.id, trigger: 'refresh' });
    expect((await db().fabric.findUniqueOrThrow({ where: { id: fabric.id } })).syncStatus).toBe('in_sync');

    const head = await commitFiles(repo.bare, { 'README.md': 'moved on' }, 'unrelated change');
    await checkRepository({ id: repo.id, trigger: 'refresh' });
    const moved = await db().fabric.findUniqueOrThrow({ where: { id: fabric.id } });
    expect(moved).toMatchObject({ syncStatus: 'out_of_sync', remoteHead: head });
    expect(await db().syncRun.count({ where: { fabricId: fabric.id } })).toBe(1);

    const run = await h.sync(fabric.id);
    expect(run.commit.sha).toBe(head);
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body.syncStatus).toBe('in_sync');
  });

  it('queues a scheduled sync for a fabric whose interval elapsed', async () => {
    const repo = await h.repository();
    await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
    const fabric = await h.fabric(repo.id, DIR, { syncIntervalSeconds: 300 });
    const never = await h.fabric(repo.id, 'other/', { syncIntervalSeconds: 300, enabled: false });
    const { scheduled } = await checkForChanges();
    expect(scheduled).toBe(1);
    const run = await db().syncRun.findFirstOrThrow({ where: { fabricId: fabric.id } });
    expect(run.trigger).toBe('schedule');
    expect((await waitForRun(run.id)).status).toBe('partial');
    expect(await db().syncRun.count({ where: { fabricId: never.id } })).toBe(0);
    // Within the interval and at the same commit: nothing new.
    expect((await checkForChanges()).scheduled).toBe(0);
  });
});
