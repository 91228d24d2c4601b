import { beforeAll, describe, expect, it } from 'vitest';
import { kinds } from '../../src/crds';
import { db, type Fabric, type SyncRun, type User } from '../../src/db';
import { createApp } from '../../src/web/app';
import { changeListSpec } from '../../src/web/lists/changeList';
import { fabricRecordsTable } from '../../src/web/lists/fabricRecords';
import { syncRunListSpec } from '../../src/web/lists/syncRunList';
import { buildFabric, buildSyncRun, buildUser, signInAs, unique, type SignedIn } from '../helpers/factories';
import { useTestEnvironment } from '../helpers/env';
import { fixtureDocuments, recordData, seedRecords } from '../helpers/records';

await useTestEnvironment();
const app = createApp();

let viewer: SignedIn;

function count(html: string): string {
  return /data-testid="list-count">([^<]*)</.exec(html)?.[1] ?? '(no count)';
}

function render(view: string, context: object): Promise<string> {
  return new Promise((resolve, reject) =>
    app.render(view, context, (err, html) => (err ? reject(err) : resolve(html))),
  );
}

beforeAll(async () => {
  viewer = await signInAs(app, 'viewer');
});

describe('the change log', () => {
  let fabric: Fabric;
  let run: SyncRun;
  let alice: User;
  let update: { id: number };
  const label = unique('sw');

  beforeAll(async () => {
    fabric = await buildFabric();
    alice = await buildUser({ username: unique('alice') });
    run = await buildSyncRun({ fabricId: fabric.id, requestedById: alice.id });
    const base = {
      syncRunId: run.id,
      fabricId: fabric.id,
      userId: alice.id,
      actorLabel: `sync run #${run.id} (requested by ${alice.username})`,
      objectType: 'Switch',
    };
    await db().changeRecord.create({
      data: {
        ...base,
        action: 'create',
        objectId: 1,
        objectLabel: `default/${label}-new`,
        after: { spec: { role: 'spine' } },
      },
    });
    update = await db().changeRecord.create({
      data: {
        ...base,
        action: 'update',
        objectId: 2,
        objectLabel: `default/${label}`,
        before: { spec: { role: 'spine', description: 'old text' } },
        after: { spec: { role: 'spine', description: 'new text' } },
      },
    });
    await db().changeRecord.create({
      data: {
        ...base,
        action: 'delete',
        objectId: 3,
        objectLabel: `default/${label}-gone`,
        before: { spec: { role: 'server-leaf' } },
      },
    });
    await db().changeRecord.create({
      data: {
        actorLabel: 'admin',
        action: 'update',
        objectType: 'Fabric',
        objectId: fabric.id,
        objectLabel: fabric.name,
        fabricId: fabric.id,
        before: { prune: true },
        after: { prune: false },
      },
    });
  });

  it('filters by sync run, action, type, user and fabric, and searches the object label', async () => {
    const cases: [string, string][] = [
      [`?syncRun=${run.id}`, 'Showing 1–3 of 3'],
      [`?syncRun=${run.id}&action=update`, 'Showing 1–1 of 1'],
      [`?fabric=${fabric.id}`, 'Showing 1–4 of 4'],
      [`?fabric=${fabric.id}&objectType=Fabric`, 'Showing 1–1 of 1'],
      [`?user=${alice.id}`, 'Showing 1–3 of 3'],
      [`?q=${label}-gone`, 'Showing 1–1 of 1'],
      [`?syncRun=not-a-number`, 'Showing 0–0 of 0'],
    ];
    for (const [query, expected] of cases) {
      const res = await viewer.agent.get(`/changes${query}`);
      expect(res.status, query).toBe(200);
      expect(count(res.text), query).toBe(expected);
    }
    const chips = (await viewer.agent.get(`/changes?syncRun=${run.id}&action=delete`)).text;
    expect(chips).toContain(`Sync run: #${run.id}`);
    expect(chips).toContain('Action: Deleted');
    expect(chips).toContain(`href="/changes?syncRun=${run.id}" aria-label="Remove filter Action"`);
  });

  it('sorts by every sortable column, newest first by default', async () => {
    const first = await viewer.agent.get(`/changes?fabric=${fabric.id}`);
    expect(first.text.indexOf(fabric.name)).toBeLessThan(first.text.indexOf(`${label}-gone`));
    for (const c of changeListSpec([], []).columns.filter((x) => x.sortable)) {
      for (const sort of [c.key, `-${c.key}`])
        expect((await viewer.agent.get(`/changes?fabric=${fabric.id}&sort=${sort}`)).status, sort).toBe(200);
    }
  });

  it('shows a change with a before/after diff as YAML and links to the run and the object', async () => {
    const res = await viewer.agent.get(`/changes/${update.id}`);
    expect(res.status).toBe(200);
    // Highlighted like the record page's YAML: keys and values in their spans.
    const line = (key: string, value: string) =>
      `<span class="yaml-key">${key}</span>: <span class="yaml-str">${value}</span></pre>`;
    expect(res.text).toMatch(
      new RegExp(`class="diff-del bg-red-lt">(?:(?!</tr>)[\\s\\S])*${line('description', 'old text')}`),
    );
    expect(res.text).toMatch(
      new RegExp(`class="diff-add bg-green-lt">(?:(?!</tr>)[\\s\\S])*${line('description', 'new text')}`),
    );
    expect(res.text).toMatch(new RegExp(`class="diff-same">(?:(?!</tr>)[\\s\\S])*${line('role', 'spine')}`));
    expect(res.text).not.toContain('&quot;description&quot;');
    expect(res.text).toContain(`href="/sync-runs/${run.id}"`);
    expect(res.text).toContain('href="/crds/switches/2"');
    expect((await viewer.agent.get('/changes/999999999')).status).toBe(404);
  });
});

describe('the sync-run list', () => {
  it('filters, searches, sorts and pages the runs', async () => {
    const fabric = await buildFabric();
    for (let i = 0; i < 27; i++)
      await buildSyncRun({
        fabricId: fabric.id,
        status: i === 0 ? 'failed' : 'succeeded',
        commitSha: `${i === 0 ? 'feed' : 'abcd'}${String(i).padStart(36, '0')}`,
        commitMessage: `change ${i}`,
      });
    const page = await viewer.agent.get(`/sync-runs?fabric=${fabric.id}&perPage=25`);
    expect(page.status).toBe(200);
    expect(count(page.text)).toBe('Showing 1–25 of 27');
    expect(page.text).toContain('rel="next"');
    expect(count((await viewer.agent.get(`/sync-runs?fabric=${fabric.id}&status=failed`)).text)).toBe(
      'Showing 1–1 of 1',
    );
    expect(count((await viewer.agent.get(`/sync-runs?fabric=${fabric.id}&q=feed`)).text)).toBe('Showing 1–1 of 1');
    for (const c of syncRunListSpec([]).columns.filter((x) => x.sortable)) {
      for (const sort of [c.key, `-${c.key}`])
        expect((await viewer.agent.get(`/sync-runs?fabric=${fabric.id}&sort=${sort}`)).status, sort).toBe(200);
    }
  });
});

describe('the fabric records table', () => {
  let fabric: Fabric;

  beforeAll(async () => {
    fabric = await buildFabric();
    const docs = fixtureDocuments();
    await seedRecords(
      kinds.flatMap((k) => {
        const d = docs.find((x) => x.kind === k)!;
        return Array.from({ length: 30 }, (_, i) =>
          recordData(fabric.id, d, { name: `${k.slug.slice(0, 6)}-${String(i + 1).padStart(2, '0')}` }),
        );
      }),
    );
  });

  it('shows the kind’s list columns without the fabric, paged and searchable', async () => {
    const user = await buildUser();
    const table = await fabricRecordsTable(fabric.id, { kind: 'vpcs', perPage: '25' }, user);
    const kindCounts = kinds.map((kind) => ({ kind, count: 30 }));
    const html = await render('fabrics/_records.njk', {
      fabric: { ...fabric, cachedCrdCount: 360 },
      kindCounts,
      fabricRecords: table,
      csrfToken: 'token',
    });
    expect(count(html)).toBe('Showing 1–25 of 30');
    const headers = [...html.matchAll(/<th[^>]*data-column="(\w+)"/g)].map((m) => m[1]);
    expect(headers).toEqual([
      'name',
      'namespace',
      'subnets',
      'vlans',
      'ipv4Namespace',
      'vlanNamespace',
      'mode',
      'validation',
      'updated',
    ]);
    expect(html).toContain(`href="/fabrics/${fabric.id}?kind=VPC&amp;perPage=25&amp;page=2#records" rel="next"`);
    expect(html).toContain(`<a class="nav-link active" href="/fabrics/${fabric.id}?kind=VPC#records">VPCs`);
    expect(html).toContain(`<option value="VPC" selected>VPC</option>`);

    const all = await fabricRecordsTable(fabric.id, { q: '-07' }, user);
    expect(all.list.total).toBe(kinds.length);
    expect(all.list.columns.map((c) => c.key)).toEqual(['name', 'kind', 'namespace', 'validation', 'updated']);
    const unknownKind = await fabricRecordsTable(fabric.id, { kind: 'GatewayAgent' }, user);
    expect(unknownKind.list.total).toBe(30 * kinds.length);
  });
});
