import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { checkRepository } from '../../src/repositories/checkRepository';
import { checkForChanges as scheduleSyncs } from '../../src/sync/checkForChanges';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles, tagCommit } from '../helpers/gitServer';
import { useSyncHarness, waitForRun } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

/** A repository health check (which reads its fabrics' heads), then the scheduling round. */
async function checkForChanges(repositoryId: number) {
  await checkRepository({ id: repositoryId, trigger: 'refresh' });
  return scheduleSyncs();
}

const groups = (...names: string[]) =>
  names
    .map((n) => `apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: ${n}\nspec: {}\n`)
    .join('---\n');

async function names(fabricId: number): Promise<string[]> {
  const rows = await db().crdRecord.findMany({ where: { fabricId }, orderBy: { name: 'asc' } });
  return rows.map((r) => r.name);
}

describe('fabric revisions', () => {
  it('follows a tag (annotated, peeled to its commit), not the branch, and moves when the tag does', async () => {
    const repo = await h.repository();
    const v1 = await commitFiles(repo.bare, { 'f/groups.yaml': groups('a') }, 'v1');
    await tagCommit(repo.bare, 'v1.0', v1);
    await commitFiles(repo.bare, { 'f/groups.yaml': groups('a', 'b') }, 'on main');
    const fabric = await h.fabric(repo.id, 'f/', { revision: 'v1.0' });
    expect(fabric).toMatchObject({ revision: 'v1.0', branch: 'v1.0', revisionKind: null });

    const run = await h.sync(fabric.id);
    expect(run.commit.sha).toBe(v1);
    expect(await names(fabric.id)).toEqual(['a']);
    const shown = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(shown).toMatchObject({ revisionKind: 'tag', syncStatus: 'in_sync', lastSyncedCommit: v1 });

    const viewer = await signInAs(app, 'viewer');
    const page = await viewer.agent.get(`/fabrics/${fabric.id}`);
    expect(page.text).toMatch(/data-testid="revision"><span class="badge[^"]*">tag<\/span> <code>v1.0<\/code>/);
    expect(page.text).toMatch(/data-testid="sync-policy">Manual/);

    // The branch moving leaves a tag-following fabric in sync.
    await commitFiles(repo.bare, { 'f/groups.yaml': groups('a', 'b', 'c') }, 'more on main');
    await checkForChanges(repo.id);
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body.syncStatus).toBe('in_sync');

    // Moving the tag puts it out of sync (manual policy: nothing queued); the next sync takes the tag.
    const v2 = await commitFiles(repo.bare, { 'f/groups.yaml': groups('a', 'z') }, 'v1 again');
    await tagCommit(repo.bare, 'v1.0', v2);
    await checkForChanges(repo.id);
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body).toMatchObject({
      syncStatus: 'out_of_sync',
      remoteHead: v2,
    });
    expect(await db().syncRun.count({ where: { fabricId: fabric.id } })).toBe(1);
    expect((await h.sync(fabric.id)).commit.sha).toBe(v2);
    expect(await names(fabric.id)).toEqual(['a', 'z']);
    // Four syncs and two health checks: slow on a busy machine.
  }, 120_000);

  it('applies a pinned commit and is never out of sync', async () => {
    const repo = await h.repository();
    const first = await commitFiles(repo.bare, { 'f/groups.yaml': groups('one') }, 'first');
    await commitFiles(repo.bare, { 'f/groups.yaml': groups('one', 'two') }, 'second');
    const fabric = await h.fabric(repo.id, 'f/', { revision: first, syncPolicy: 'automatic' });
    expect(fabric).toMatchObject({ revisionKind: 'commit', syncPolicy: 'automatic' });
    expect((await h.sync(fabric.id)).commit.sha).toBe(first);
    expect(await names(fabric.id)).toEqual(['one']);
    await commitFiles(repo.bare, { 'f/groups.yaml': groups('three') }, 'third');
    expect((await checkForChanges(repo.id)).scheduled).toBe(0);
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body.syncStatus).toBe('in_sync');
  });

  it('accepts the old branch field and a branch revision; a missing revision fails the run saying so', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { 'f/groups.yaml': groups('m') }, 'main');
    const rel = await commitFiles(repo.bare, { 'f/groups.yaml': groups('r') }, 'release', { branch: 'release' });
    const viaBranch = await h.fabric(repo.id, 'f/', { branch: 'release' });
    expect(viaBranch).toMatchObject({ revision: 'release', branch: 'release' });
    expect((await h.sync(viaBranch.id)).commit.sha).toBe(rel);
    expect((await h.api.get(`/fabrics/${viaBranch.id}`)).body.revisionKind).toBe('branch');
    const missing = await h.fabric(repo.id, 'g/', { revision: 'nope' });
    const run = await h.sync(missing.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/branch or tag "nope" not found/);
  });
});

describe('sync policy', () => {
  it('syncs an automatic fabric when its branch moves; a manual one is only marked out of sync', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { 'a/groups.yaml': groups('x'), 'm/groups.yaml': groups('y') }, 'start');
    const automatic = await h.fabric(repo.id, 'a/', { syncPolicy: 'automatic' });
    const manual = await h.fabric(repo.id, 'm/');
    expect(manual.syncPolicy).toBe('manual');
    await h.sync(automatic.id);
    await h.sync(manual.id);
    const head = await commitFiles(repo.bare, { 'a/groups.yaml': groups('x', 'x2') }, 'move');
    expect((await checkForChanges(repo.id)).scheduled).toBe(1);
    const run = await db().syncRun.findFirstOrThrow({ where: { fabricId: automatic.id, trigger: 'schedule' } });
    expect((await waitForRun(run.id)).commitSha).toBe(head);
    expect((await h.api.get(`/fabrics/${manual.id}`)).body.syncStatus).toBe('out_of_sync');
    expect(await db().syncRun.count({ where: { fabricId: manual.id } })).toBe(1);
  });

  it('makes a fabric created with an interval automatic, unless told otherwise', async () => {
    const repo = await h.repository();
    expect((await h.fabric(repo.id, 'i/', { syncIntervalSeconds: 300, enabled: false })).syncPolicy).toBe('automatic');
    expect(
      (await h.fabric(repo.id, 'j/', { syncIntervalSeconds: 300, syncPolicy: 'manual', enabled: false })).syncPolicy,
    ).toBe('manual');
  });

  it('holds syncs during a deny window: a manual sync needs force, the periodic check waits', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { 'w/groups.yaml': groups('w') }, 'start');
    const always = { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '00:00', durationMinutes: 10080 };
    const fabric = await h.fabric(repo.id, 'w/', { syncPolicy: 'automatic', syncWindows: [always] });
    expect(fabric.syncWindows).toEqual([{ ...always, timeZone: 'UTC' }]);
    const refused = await h.api.post(`/fabrics/${fabric.id}/sync`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/sync window .* is active .* needs "force"/);
    expect((await checkForChanges(repo.id)).scheduled).toBe(0);
    expect((await h.sync(fabric.id, { force: true })).status).toBe('succeeded');
    const shown = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(shown.syncWindowActive).toBe(true);
    const operator = await signInAs(app, 'operator');
    const page = await operator.agent.get(`/fabrics/${fabric.id}`);
    expect(page.text).toMatch(
      /data-testid="sync-windows">.*deny sun, mon, tue, wed, thu, fri, sat 00:00 for 10080 min \(UTC\)/s,
    );
    expect(page.text).toContain('active until');
    const list = await operator.agent.get('/fabrics');
    expect(list.text).toContain('automatic (sync window active)');
    const refusedPage = await operator.agent
      .post(`/fabrics/${fabric.id}/sync`)
      .type('form')
      .send({ _csrf: operator.csrf });
    expect(refusedPage.status).toBe(302);
    expect((await operator.agent.get(`/fabrics/${fabric.id}`)).text).toMatch(/a sync window .* is active/);

    const bad = await h.api.patch(`/fabrics/${fabric.id}`, {
      syncWindows: [{ days: ['someday'], start: '25:00', durationMinutes: 0, timeZone: 'Mars/Olympus' }],
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields).sort()).toEqual([
      'syncWindows.0.days.0',
      'syncWindows.0.durationMinutes',
      'syncWindows.0.start',
      'syncWindows.0.timeZone',
    ]);
  });
});
