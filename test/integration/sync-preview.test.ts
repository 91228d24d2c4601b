import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness, waitForRun } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

const group = (name: string, rack: string) =>
  `apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: ${name}\n  labels:\n    rack: ${rack}\nspec: {}\n`;

async function records(fabricId: number) {
  const rows = await db().crdRecord.findMany({ where: { fabricId }, orderBy: { name: 'asc' } });
  return rows.map((r) => `${r.name}:${(r.labels as Record<string, string>).rack}`);
}

async function fabricState(fabricId: number) {
  const f = await db().fabric.findUniqueOrThrow({ where: { id: fabricId } });
  return {
    syncStatus: f.syncStatus,
    lastSyncedCommit: f.lastSyncedCommit,
    lastSyncRunId: f.lastSyncRunId,
    cachedCrdCount: f.cachedCrdCount,
    countsByKind: f.countsByKind,
    lastSyncError: f.lastSyncError,
  };
}

async function setUp() {
  const repo = await h.repository();
  const first = await commitFiles(
    repo.bare,
    { 'f/a.yaml': group('a', 'r1'), 'f/b.yaml': group('b', 'r1'), 'f/c.yaml': group('c', 'r1') },
    'first',
  );
  const fabric = await h.fabric(repo.id, 'f/');
  await h.sync(fabric.id);
  const second = await commitFiles(
    repo.bare,
    { 'f/a.yaml': group('a', 'r2'), 'f/b.yaml': null, 'f/d.yaml': group('d', 'r1') },
    'second: a moves to r2, b goes, d comes',
  );
  return { repo, fabric, first, second };
}

describe('POST /api/v1/fabrics/:id/sync {dryRun: true}', () => {
  it('plans a commit that changes, adds and removes records and applies nothing; syncing that commit does exactly that', async () => {
    const { fabric, second } = await setUp();
    const before = await fabricState(fabric.id);
    const changesBefore = await db().changeRecord.count({ where: { fabricId: fabric.id } });

    const res = await h.api.post(`/fabrics/${fabric.id}/sync`, { dryRun: true });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ dryRun: true });
    await waitForRun(res.body.syncRunId);
    const run = (await h.api.get(`/sync-runs/${res.body.syncRunId}`)).body;
    expect(run).toMatchObject({ dryRun: true, status: 'succeeded', commit: { sha: second } });
    expect(run.plan).toEqual({
      create: [{ kind: 'SwitchGroup', namespace: 'default', name: 'd' }],
      update: [
        {
          kind: 'SwitchGroup',
          namespace: 'default',
          name: 'a',
          fields: [{ path: 'metadata.labels.rack', before: 'r1', after: 'r2' }],
        },
      ],
      delete: [{ kind: 'SwitchGroup', namespace: 'default', name: 'b' }],
      unchanged: 1,
    });
    expect(run.counts).toMatchObject({ created: 1, updated: 1, deleted: 1, unchanged: 1 });

    // Nothing changed: records, counts, status, change log.
    expect(await records(fabric.id)).toEqual(['a:r1', 'b:r1', 'c:r1']);
    expect(await fabricState(fabric.id)).toEqual(before);
    expect(await db().changeRecord.count({ where: { fabricId: fabric.id } })).toBe(changesBefore);

    // Sync exactly the previewed commit: the changes are the plan's.
    const applied = await h.sync(fabric.id, { commit: second });
    expect(applied).toMatchObject({ dryRun: false, commit: { sha: second } });
    expect(applied.counts).toMatchObject({ created: 1, updated: 1, deleted: 1, unchanged: 1 });
    expect(await records(fabric.id)).toEqual(['a:r2', 'c:r1', 'd:r1']);
    const changes = await db().changeRecord.findMany({
      where: { syncRunId: applied.id },
      orderBy: { objectLabel: 'asc' },
    });
    expect(changes.map((c) => `${c.action} ${c.objectType} ${c.objectLabel}`)).toEqual([
      'update SwitchGroup default/a',
      'delete SwitchGroup default/b',
      'create SwitchGroup default/d',
    ]);
  });

  it('previews an older commit, and neither waits for nor blocks a real sync', async () => {
    const { fabric, first } = await setUp();
    const [preview, sync] = await Promise.all([
      h.api.post(`/fabrics/${fabric.id}/sync`, { dryRun: true, commit: first }),
      h.api.post(`/fabrics/${fabric.id}/sync`, {}),
    ]);
    expect(preview.status).toBe(202);
    expect(sync.status).toBe(202);
    expect(preview.body.syncRunId).not.toBe(sync.body.syncRunId);
    await waitForRun(preview.body.syncRunId);
    await waitForRun(sync.body.syncRunId);
    const run = (await h.api.get(`/sync-runs/${preview.body.syncRunId}`)).body;
    expect(run).toMatchObject({ dryRun: true, requestedCommit: first, commit: { sha: first } });
    // Against the records the real sync left (second commit), the first commit undoes it.
    expect(run.plan.create.map((r: { name: string }) => r.name)).toEqual(['b']);
    expect(run.plan.delete.map((r: { name: string }) => r.name)).toEqual(['d']);
    expect((await db().fabric.findUniqueOrThrow({ where: { id: fabric.id } })).lastSyncRunId).toBe(sync.body.syncRunId);

    const previews = await h.api.get(`/sync-runs?fabric=${fabric.id}&dryRun=true`);
    expect(previews.body.items.map((r: { id: number }) => r.id)).toEqual([preview.body.syncRunId]);
    expect(previews.body.items[0].plan).toBeUndefined();
    const real = await h.api.get(`/sync-runs?fabric=${fabric.id}&dryRun=false&trigger=api`);
    expect(real.body.total).toBe(2);
    expect((await h.api.get('/sync-runs?trigger=nope')).status).toBe(400);
  });

  it("refuses a commit that is not in the history of the fabric's revision", async () => {
    const { repo, fabric } = await setUp();
    const elsewhere = await commitFiles(repo.bare, { 'f/x.yaml': group('x', 'r9') }, 'other branch', {
      branch: 'feature',
    });
    const res = await h.api.post(`/fabrics/${fabric.id}/sync`, { commit: elsewhere });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.commit).toMatch(/is not in the history of the fabric's branch "main"/);
    const bad = await h.api.post(`/fabrics/${fabric.id}/sync`, { commit: 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.commit).toMatch(/40 hex/);
    expect(await db().syncRun.count({ where: { fabricId: fabric.id } })).toBe(1);
  });
});

describe('the Preview button', () => {
  it('shows the plan grouped by kind with YAML field diffs, and syncs exactly that commit', async () => {
    const { fabric, second } = await setUp();
    const operator = await signInAs(app, 'operator');
    const page = await operator.agent.get(`/fabrics/${fabric.id}`);
    expect(page.text).toContain('Preview');
    const started = await operator.agent
      .post(`/fabrics/${fabric.id}/preview`)
      .type('form')
      .send({ _csrf: operator.csrf });
    expect(started.status).toBe(302);
    const runPath = started.headers.location as string;
    expect(runPath).toMatch(/^\/sync-runs\/\d+$/);
    await waitForRun(Number(runPath.split('/').pop()));
    const shown = await operator.agent.get(runPath);
    expect(shown.text).toContain('Preview');
    expect(shown.text).toMatch(/SwitchGroup/);
    expect(shown.text).toMatch(/1 to create, 1 to update, 1 to delete, 1 unchanged/);
    expect(shown.text).toMatch(/metadata\.labels\.rack/);
    expect(shown.text).toContain('r2');
    expect(shown.text).toContain('Sync this commit');
    expect(shown.text).toContain(`name="commit" value="${second}"`);

    const synced = await operator.agent
      .post(`/fabrics/${fabric.id}/sync`)
      .type('form')
      .send({ _csrf: operator.csrf, commit: second });
    expect(synced.status).toBe(302);
    const run = await db().syncRun.findFirstOrThrow({
      where: { fabricId: fabric.id, dryRun: false },
      orderBy: { id: 'desc' },
    });
    expect(run.requestedCommit).toBe(second);
    expect((await waitForRun(run.id)).commitSha).toBe(second);
    expect(await records(fabric.id)).toEqual(['a:r2', 'c:r1', 'd:r1']);

    const viewer = await signInAs(app, 'viewer');
    expect((await viewer.agent.get(`/fabrics/${fabric.id}`)).text).not.toMatch(/>Preview</);
  });
});
