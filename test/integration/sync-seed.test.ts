import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { SEED, useSyncHarness } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const DIR = 'gitops/hedgehog/fabric-1/';

describe('syncing the seed fabric (fixtures/README.md)', async () => {
  const repo = await h.repository();
  await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1: prepop and two test VPCs');

  it('tests the connection with the credentials: connected, with the head commit', async () => {
    const res = await h.api.post(`/repositories/${repo.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ connectionStatus: 'connected', validationError: null });
    expect(res.body.head).toMatch(/^[0-9a-f]{40}$/);
    expect(res.body.lastValidatedAt).toBeTruthy();
  });

  const fabric = await h.fabric(repo.id, DIR);
  let v1: Record<string, any>;

  it('v1: 46 records, one duplicate error naming both files, status partial', async () => {
    v1 = await h.sync(fabric.id);
    expect(v1.status).toBe('partial');
    expect(v1.counts).toEqual({
      files: 3,
      documents: 48,
      created: 46,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      skipped: 0,
      invalid: 2,
    });
    const errors = v1.files.flatMap((f: any) => f.errors.map((e: any) => ({ path: f.path, ...e })));
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(e.message).toMatch(/VPC default\/test-vpc is defined more than once/);
      expect(e.message).toContain(`${DIR}test-vpc.yaml`);
      expect(e.message).toContain(`${DIR}test-vpc-2.yaml`);
      expect(e.line).toBeGreaterThan(0);
    }
    expect(v1.commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(v1.commit.message).toBe('v1: prepop and two test VPCs');
    expect(v1.requestedBy).toBe(h.user.username);
    expect(v1.trigger).toBe('api');

    const f = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(f.cachedCrdCount).toBe(46);
    expect(f.countsByKind).toEqual({ Connection: 26, Server: 10, Switch: 7, SwitchGroup: 3 });
    expect(f.syncStatus).toBe('in_sync');
    expect(f.lastSyncedCommit).toBe(v1.commit.sha);
    for (const [kind, n] of Object.entries({ SwitchGroup: 3, Switch: 7, Server: 10, Connection: 26, VPC: 0 })) {
      const list = await h.api.get(`/crds?kind=${kind}&fabric=${fabric.id}`);
      expect(list.body.total, kind).toBe(n);
    }
    const byPlural = await h.api.get(`/crds?kind=switches&fabric=${fabric.id}&perPage=2&sort=name`);
    expect(byPlural.body).toMatchObject({ total: 7, page: 1, perPage: 2 });
    expect(byPlural.body.items[0]).toMatchObject({
      kind: 'Switch',
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      namespace: 'default',
      source: { path: `${DIR}prepop.yaml`, commit: v1.commit.sha },
    });
  });

  it('records a change for every created record, attributed to the run and its requester', async () => {
    const changes = await db().changeRecord.findMany({ where: { syncRunId: v1.id } });
    expect(changes).toHaveLength(46);
    expect(
      changes.every(
        (c) =>
          c.action === 'create' && c.userId === h.user.id && c.actorLabel.includes(`sync run #${v1.id}`) && c.after,
      ),
    ).toBe(true);
  });

  it('v2: 48 records, 2 created, 46 unchanged, 0 deleted; moved files refresh the source path', async () => {
    await commitDirectory(repo.bare, `${SEED}/v2-e40d5442`, '', 'v2: files moved under raw/', { replaceAll: true });
    const v2 = await h.sync(fabric.id);
    expect(v2.status).toBe('succeeded');
    expect(v2.counts).toMatchObject({ created: 2, updated: 0, unchanged: 46, deleted: 0, invalid: 0, documents: 48 });
    const f = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(f.cachedCrdCount).toBe(48);
    expect(f.countsByKind).toEqual({ Connection: 26, Server: 10, Switch: 7, SwitchGroup: 3, VPC: 2 });
    const vpcs = await h.api.get(`/crds?kind=VPC&fabric=${fabric.id}&sort=name`);
    expect(vpcs.body.items.map((v: any) => v.name)).toEqual(['test-vpc', 'test-vpc-2']);
    const sw = await h.api.get(`/crds?kind=Switch&fabric=${fabric.id}&perPage=1`);
    expect(sw.body.items[0].source.path).toBe(`${DIR}raw/prepop.yaml`);
    expect(await db().changeRecord.count({ where: { syncRunId: v2.id } })).toBe(2);
  });

  it('does no work for the same commit unless forced', async () => {
    const again = await h.sync(fabric.id);
    expect(again.status).toBe('succeeded');
    expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 48, files: 0 });
    // It still says which commit it found, as the run that applied it did.
    const [, applied] = (await h.api.get(`/sync-runs?fabric=${fabric.id}&perPage=2`)).body.items;
    expect(again.commit).toEqual(applied.commit);
    expect(again.commit.message).toBeTruthy();
    const forced = await h.sync(fabric.id, { force: true });
    expect(forced.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 48, files: 3, documents: 48 });
  });

  it('updates a changed record with a before/after change record', async () => {
    await commitFiles(
      repo.bare,
      {
        [`${DIR}raw/test-vpc-2.yaml`]:
          'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: test-vpc-2\nspec:\n  subnets:\n    default:\n      subnet: 10.0.9.0/24\n      vlan: 1009\n',
      },
      'change test-vpc-2',
    );
    const run = await h.sync(fabric.id);
    expect(run.counts).toMatchObject({ created: 0, updated: 1, unchanged: 47, deleted: 0 });
    const change = await db().changeRecord.findFirstOrThrow({ where: { syncRunId: run.id } });
    expect(change).toMatchObject({ action: 'update', objectType: 'VPC', objectLabel: 'default/test-vpc-2' });
    expect(JSON.stringify(change.after)).toContain('10.0.9.0/24');
    expect(JSON.stringify(change.before)).not.toContain('10.0.9.0/24');
  });

  it('deletes the records of a removed file', async () => {
    await commitFiles(repo.bare, { [`${DIR}raw/test-vpc-2.yaml`]: null }, 'remove test-vpc-2');
    const run = await h.sync(fabric.id);
    expect(run.counts).toMatchObject({ deleted: 1, unchanged: 47 });
    expect((await h.api.get(`/crds?kind=VPC&fabric=${fabric.id}`)).body.total).toBe(1);
    const change = await db().changeRecord.findFirstOrThrow({ where: { syncRunId: run.id } });
    expect(change).toMatchObject({ action: 'delete', objectLabel: 'default/test-vpc-2' });
  });

  it('deletes nothing when the directory is emptied, and says why', async () => {
    await commitFiles(
      repo.bare,
      { [`${DIR}raw/prepop.yaml`]: null, [`${DIR}raw/test-vpc.yaml`]: null },
      'empty the directory',
    );
    const run = await h.sync(fabric.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/nothing was applied: the scan found no valid document while the fabric has 47 records/);
    const f = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(f.cachedCrdCount).toBe(47);
    expect(f.syncStatus).toBe('error');
    expect(f.lastSyncedCommit).not.toBe(f.lastAttemptedCommit);
    expect(await db().crdRecord.count({ where: { fabricId: fabric.id } })).toBe(47);
  });

  it('keeps the records of a file that no longer parses, and reports file and line', async () => {
    await commitDirectory(repo.bare, `${SEED}/v2-e40d5442`, '', 'restore', { replaceAll: true });
    expect((await h.sync(fabric.id)).status).toBe('succeeded');
    await commitFiles(
      repo.bare,
      {
        [`${DIR}raw/test-vpc.yaml`]:
          'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: test-vpc\nspec: [unclosed\n',
      },
      'break test-vpc.yaml',
    );
    const run = await h.sync(fabric.id);
    expect(run.status).toBe('partial');
    const broken = run.files.find((f: any) => f.path === `${DIR}raw/test-vpc.yaml`);
    expect(broken.status).toBe('failed');
    expect(broken.errors[0].line).toBeGreaterThanOrEqual(5);
    expect(run.counts.deleted).toBe(0);
    expect((await h.api.get(`/crds?kind=VPC&fabric=${fabric.id}`)).body.total).toBe(2);
  });
});
