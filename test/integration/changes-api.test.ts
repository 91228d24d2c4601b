import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { commitUrl } from '../../src/records/sourceLink';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

const group = (name: string, rack: string) =>
  `apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: ${name}\n  labels:\n    rack: ${rack}\nspec: {}\n`;

describe('GET /api/v1/changes', () => {
  it('lists the change log with the commit (sha, author, message) of every change a sync made, filtered by fabric, run and kind', async () => {
    const repo = await h.repository();
    const first = await commitFiles(repo.bare, { 'f/a.yaml': group('a', 'r1') }, 'add a');
    const fabric = await h.fabric(repo.id, 'f/');
    const run1 = await h.sync(fabric.id);
    const second = await commitFiles(repo.bare, { 'f/a.yaml': group('a', 'r2') }, 'move a to rack r2');
    const run2 = await h.sync(fabric.id);

    const all = await h.api.get(`/changes?fabric=${fabric.id}&kind=SwitchGroup&perPage=10`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, perPage: 10 });
    expect(all.body.items.map((c: { action: string; commit: { sha: string } }) => [c.action, c.commit.sha])).toEqual([
      ['update', second],
      ['create', first],
    ]);
    expect(all.body.items[0].commit).toEqual({
      sha: second,
      author: 'Test Author <author@example.com>',
      message: 'move a to rack r2',
      url: null,
    });
    const byRun = await h.api.get(`/changes?syncRun=${run1.id}`);
    expect(byRun.body.items.map((c: { syncRunId: number }) => c.syncRunId)).toEqual([run1.id]);
    expect((await h.api.get(`/changes?syncRun=${run2.id}&kind=switchgroups`)).body.total).toBe(1);
    // Edits by people carry no commit.
    const made = (await h.api.get('/changes?kind=Fabric&perPage=100')).body.items.find(
      (c: { objectId: number }) => c.objectId === fabric.id,
    );
    expect(made).toMatchObject({ action: 'create', commit: null });
    expect((await h.api.get('/changes?syncRun=abc')).status).toBe(400);

    // The record's history says which commit changed which field.
    const record = await db().crdRecord.findFirstOrThrow({ where: { fabricId: fabric.id, name: 'a' } });
    const viewer = await signInAs(app, 'viewer');
    const page = await viewer.agent.get(`/crds/switchgroups/${record.id}`);
    expect(page.status).toBe(200);
    const history = page.text.slice(page.text.indexOf('data-testid="history"'));
    expect(history).toContain('<code>labels.rack</code>');
    expect(history).toContain(second.slice(0, 8));
    expect(history).toContain('move a to rack r2');
    expect(history).toContain(first.slice(0, 8));
  });

  it('links a commit where the repository URL has a web address', () => {
    const sha = 'a'.repeat(40);
    expect(commitUrl({ repositoryUrl: 'https://github.com/acme/fabric.git', commit: sha })).toBe(
      `https://github.com/acme/fabric/commit/${sha}`,
    );
    expect(commitUrl({ repositoryUrl: 'git@gitlab.com:acme/fabric.git', commit: sha })).toBe(
      `https://gitlab.com/acme/fabric/-/commit/${sha}`,
    );
    expect(commitUrl({ repositoryUrl: 'ssh://git@internal.example/fabric.git', commit: sha })).toBeNull();
  });
});
