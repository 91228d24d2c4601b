import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { kinds, type KindDef, type Spec } from '../../src/crds';
import { db, Prisma, type CrdRecord, type Fabric } from '../../src/db';
import { createApp } from '../../src/web/app';
import { recordListSpec } from '../../src/web/lists/recordList';
import { buildFabric, buildRepository, signInAs, unique, type SignedIn } from '../helpers/factories';
import { useTestEnvironment } from '../helpers/env';
import { fixtureDocuments, recordData, seedRecords } from '../helpers/records';

await useTestEnvironment();
const app = createApp();

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

let viewer: SignedIn;
let main: Fabric;
let bulk: Fabric;
const samples = new Map<string, CrdRecord>();

/** The "Showing a–b of N" line of a list page. */
function count(html: string): string {
  return /data-testid="list-count">([^<]*)</.exec(html)?.[1] ?? '(no count)';
}

beforeAll(async () => {
  const repository = await buildRepository({ url: 'https://github.com/example/fabric-gitops.git' });
  main = await buildFabric({ repositoryId: repository.id, name: unique('main') });
  bulk = await buildFabric({ repositoryId: repository.id, name: unique('bulk') });
  const docs = fixtureDocuments();
  const seeded = await seedRecords(docs.map((d) => recordData(main.id, d)));
  for (const k of kinds)
    samples.set(
      k.kind,
      seeded.find((r) => r.kind === k.kind)!,
    );
  // 30 records of every kind in a second fabric: one page of 25 and a second page of 5.
  await seedRecords(
    kinds.flatMap((k) => {
      const d = docs.find((x) => x.kind === k)!;
      return Array.from({ length: 30 }, (_, i) =>
        recordData(bulk.id, d, { name: `${k.slug.slice(0, 6)}-bulk-${String(i + 1).padStart(2, '0')}` }),
      );
    }),
  );
  viewer = await signInAs(app, 'viewer');
});

describe.each(kinds.map((k) => [k.kind, k] as [string, KindDef]))('the %s pages', (_name, kind) => {
  const sample = () => samples.get(kind.kind)!;
  const list = (query = '') => viewer.agent.get(`/crds/${kind.slug}${query}`);

  it('lists the records with the kind columns and the total', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.text).toContain(`>${sample().name}</a>`);
    for (const c of kind.columns) expect(res.text).toContain(`data-column="${c.key}"`);
    expect(res.text).toContain('data-column="fabric"');
    const byName = await viewer.agent.get(`/crds/${kind.kind}`);
    expect(byName.status).toBe(200);
  });

  it('narrows the list with the quick search', async () => {
    const res = await list(`?fabric=${bulk.id}&q=bulk-07`);
    expect(count(res.text)).toBe('Showing 1–1 of 1');
    expect(res.text).toContain('-bulk-07</a>');
    expect(res.text).not.toContain('-bulk-08</a>');
  });

  it('narrows the list with each catalogue filter', async () => {
    for (const f of kind.filters) {
      const [row] = await db().$queryRaw<
        { v: string | null }[]
      >`SELECT (${Prisma.raw(f.sql)}) AS v FROM "CrdRecord" WHERE id = ${sample().id}`;
      if (row?.v) {
        const hit = await list(`?fabric=${main.id}&${f.key}=${encodeURIComponent(row.v)}`);
        expect(hit.status, f.key).toBe(200);
        expect(hit.text, f.key).toContain(`>${sample().name}</a>`);
      }
      const miss = await list(`?${f.key}=no-such-value`);
      expect(miss.status, f.key).toBe(200);
      expect(count(miss.text), f.key).toBe('Showing 0–0 of 0');
      expect(miss.text).toContain('Nothing matches these filters.');
    }
  });

  it('sorts by every sortable column, both ways', async () => {
    const sortable = recordListSpec({ kind, fabrics: [] }).columns.filter((c) => c.sortable);
    for (const c of sortable) {
      for (const sort of [c.key, `-${c.key}`]) {
        const res = await list(`?fabric=${bulk.id}&sort=${sort}`);
        expect(res.status, sort).toBe(200);
        expect(count(res.text), sort).toBe('Showing 1–30 of 30');
        if (!c.hidden)
          expect(res.text).toContain(
            `aria-sort="${sort.startsWith('-') ? 'descending' : 'ascending'}" data-column="${c.key}"`,
          );
      }
    }
  });

  it('pages 30 records by 25', async () => {
    const first = await list(`?fabric=${bulk.id}&perPage=25`);
    expect(count(first.text)).toBe('Showing 1–25 of 30');
    const next = /href="([^"]+)" rel="next"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBe(`/crds/${kind.slug}?fabric=${bulk.id}&perPage=25&page=2`);
    const second = await viewer.agent.get(next!);
    expect(count(second.text)).toBe('Showing 26–30 of 30');
    expect(second.text).toContain('-bulk-30</a>');
    expect(second.text).not.toContain('rel="next"');
  });

  it('shows a record with its panels, references and provenance', async () => {
    const r = sample();
    const res = await viewer.agent.get(`/crds/${kind.slug}/${r.id}`);
    expect(res.status).toBe(200);
    for (const p of kind.panels?.(r.spec as Spec) ?? []) {
      expect(res.text).toContain(`data-panel="${p.key}"`);
      expect(res.text).toContain(`<h2 class="card-title">${p.title}</h2>`);
    }
    const out = res.text.slice(
      res.text.indexOf('data-testid="references-out"'),
      res.text.indexOf('data-testid="references-in"'),
    );
    for (const ref of kind.references(r.spec as Spec)) expect(out).toContain(ref.name);
    expect(res.text).toContain(
      `https://github.com/example/fabric-gitops/blob/${r.sourceCommit}/${r.sourcePath}#L${r.sourceLine}`,
    );
    expect(res.text).toContain('data-copy="#record-yaml"');
    expect(res.text).toContain('<span class="yaml-key">apiVersion</span>');
  });

  it('answers 404 for a missing record and for a record of another kind', async () => {
    expect((await viewer.agent.get(`/crds/${kind.slug}/999999999`)).status).toBe(404);
    expect((await viewer.agent.get(`/crds/${kind.slug}/not-a-number`)).status).toBe(404);
    const other = kinds.find((k) => k !== kind)!;
    expect((await viewer.agent.get(`/crds/${kind.slug}/${samples.get(other.kind)!.id}`)).status).toBe(404);
  });

  it('exports the filtered list as CSV, kubectl-ready YAML and JSON', async () => {
    const csv = await list(`?fabric=${bulk.id}&export=csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${kind.slug}-${bulk.name}.csv"`);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(31);
    expect(lines[0]).toContain('Name,Fabric,Namespace');
    expect(lines[1]).toMatch(new RegExp(`^${kind.slug.slice(0, 6)}-bulk-01,${bulk.name},default`));

    const yaml = await list(`?fabric=${bulk.id}&export=yaml&q=bulk-1`);
    expect(yaml.headers['content-disposition']).toMatch(/\.yaml"$/);
    const docs = parseAllDocuments(yaml.text).map((d) => d.toJS() as Record<string, Record<string, unknown>>);
    expect(docs).toHaveLength(10);
    for (const d of docs) {
      expect(Object.keys(d).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
      expect(d.kind).toBe(kind.kind);
      expect(d.apiVersion).toBe(kind.apiVersion);
      expect(Object.keys(d.metadata!).every((k) => ['name', 'namespace', 'labels', 'annotations'].includes(k))).toBe(
        true,
      );
    }

    const json = await list(`?fabric=${bulk.id}&export=json&sort=-name`);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const items = JSON.parse(json.text) as { name: string; kind: string; source: unknown }[];
    expect(items).toHaveLength(30);
    expect(items[0]).toMatchObject({ kind: kind.kind, name: `${kind.slug.slice(0, 6)}-bulk-30` });
    expect(items[0]!.source).toBeDefined();
  });

  it('shows a viewer no admin or sync action', async () => {
    for (const path of [`/crds/${kind.slug}`, `/crds/${kind.slug}/${sample().id}`]) {
      const res = await viewer.agent.get(path);
      expect(res.text).not.toContain('data-testid="sync-button"');
      expect(res.text).not.toMatch(/>\s*(Edit|Delete|Sync)\s*</);
      expect(res.text).not.toContain('/admin/users');
    }
  });
});

describe('GET /crds', () => {
  it('counts records by kind, for all fabrics or one', async () => {
    const res = await viewer.agent.get(`/crds?fabric=${bulk.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('VPC API');
    expect(res.text).toContain('Wiring API');
    for (const k of kinds) expect(res.text).toContain(`data-kind="${k.kind}">30</td>`);
    expect(res.text).toContain(`href="/crds/vpcs?fabric=${bulk.id}"`);
    expect(res.text).toContain(`<option value="${bulk.id}" selected>${bulk.name}</option>`);
    expect((await viewer.agent.get('/crds')).status).toBe(200);
  });

  it('leads to a sync when the fabric has no records, and answers 404 for an unknown fabric', async () => {
    const empty = await buildFabric({ name: unique('empty') });
    const res = await viewer.agent.get(`/crds?fabric=${empty.id}`);
    expect(res.text).toContain('has no records yet. Sync it to load them from git.');
    expect((await viewer.agent.get('/crds?fabric=999999')).status).toBe(404);
    expect((await viewer.agent.get('/crds/no-such-kind')).status).toBe(404);
  });
});

describe('record references', () => {
  it('lists the connections on a switch port and the records that refer to it', async () => {
    const sw = await db().crdRecord.findFirstOrThrow({ where: { fabricId: main.id, kind: 'Switch', name: 'leaf-01' } });
    const res = await viewer.agent.get(`/crds/switches/${sw.id}`);
    const ports = res.text.slice(
      res.text.indexOf('data-panel="port-connections"'),
      res.text.indexOf('data-testid="references-out"'),
    );
    expect(ports).toContain('<code>E1/5</code></td><td><a href="/crds/connections/');
    expect(ports).toContain('server-01--mclag--leaf-01--leaf-02');
    const incoming = res.text.slice(res.text.indexOf('data-testid="references-in"'), res.text.indexOf('data-copy='));
    expect(incoming).toContain('spine-01--fabric--leaf-01');
    expect(incoming).toContain('spec.fabric.links[0].leaf.port');
  });

  it('warns about a reference to a missing record, links a SwitchProfile record, and a built-in profile to its catalogue page', async () => {
    const d = fixtureDocuments().find((x) => x.kind.kind === 'VPCAttachment')!;
    const [att] = await seedRecords([
      recordData(main.id, d, {
        name: unique('att'),
        spec: { subnet: 'ghost-vpc/default', connection: 'ghost-conn' },
        refs: ['VPC/ghost-vpc', 'Connection/ghost-conn'],
      }),
    ]);
    const res = await viewer.agent.get(`/crds/vpcattachments/${att!.id}`);
    expect(res.text).toContain('title="No VPC named ghost-vpc in fabric');
    expect(res.text).toContain('title="No Connection named ghost-conn in fabric');
    const sw = samples.get('Switch')!;
    const swPage = await viewer.agent.get(`/crds/switches/${sw.id}`);
    // The fixtures hold an unchanged copy of the built-in profile "vs": the reference links it.
    expect(swPage.text).toMatch(/SwitchProfile<\/td>\s*<td><a href="\/crds\/switchprofiles\/\d+">vs<\/a>/);
    // A profile the fabric has only built in is no missing record: it links to its catalogue page.
    const own = await seedRecords([
      recordData(
        main.id,
        fixtureDocuments().find((x) => x.kind.kind === 'Switch')!,
        {
          name: unique('sw'),
          spec: { role: 'spine', profile: 'dell-s5232f-on' },
          refs: ['SwitchProfile/dell-s5232f-on'],
        },
      ),
    ]);
    const builtinPage = await viewer.agent.get(`/crds/switches/${own[0]!.id}`);
    expect(builtinPage.text).toMatch(
      /SwitchProfile<\/td>\s*<td><a href="\/crds\/switchprofiles\/builtin\/dell-s5232f-on">dell-s5232f-on<\/a>\s*<span class="text-secondary">\(built into the fabric\)/,
    );
  });
});

describe('related records are links', () => {
  /** The id of the record of this kind and name in the fabric. */
  const idOf = async (fabricId: number, kind: string, name: string) =>
    (await db().crdRecord.findFirstOrThrow({ where: { fabricId, kind, name }, select: { id: true } })).id;
  /** The table row of the list page that holds the link to the record. */
  const rowOf = (html: string, name: string) =>
    new RegExp(`<tr><td><a href="[^"]+">${name}</a></td>.*?</tr>`).exec(html)?.[0] ?? `(no row for ${name})`;
  const link = (slug: string, id: number, text: string) => `<a href="/crds/${slug}/${id}">${text}</a>`;

  it("links a Connection's switches and servers in the list and on its page", async () => {
    const name = 'server-01--mclag--leaf-01--leaf-02';
    const [conn, leaf1, leaf2, server] = await Promise.all([
      idOf(main.id, 'Connection', name),
      idOf(main.id, 'Switch', 'leaf-01'),
      idOf(main.id, 'Switch', 'leaf-02'),
      idOf(main.id, 'Server', 'server-01'),
    ]);
    const list = await viewer.agent.get(`/crds/connections?fabric=${main.id}&q=${name}`);
    const row = rowOf(list.text, name);
    expect(row).toContain(`${link('switches', leaf1, 'leaf-01')}, ${link('switches', leaf2, 'leaf-02')}`);
    expect(row).toContain(link('servers', server, 'server-01'));
    const page = await viewer.agent.get(`/crds/connections/${conn}`);
    const endpoints = page.text.slice(
      page.text.indexOf('data-panel="endpoints"'),
      page.text.indexOf('data-testid="references-out"'),
    );
    expect(endpoints).toContain(link('switches', leaf1, 'leaf-01'));
    expect(endpoints).toContain(link('switches', leaf2, 'leaf-02'));
    expect(endpoints).toContain(link('servers', server, 'server-01'));
  });

  it("links a Switch's groups, and each of its ports' other end", async () => {
    const [leaf1, group, server] = await Promise.all([
      idOf(main.id, 'Switch', 'leaf-01'),
      idOf(main.id, 'SwitchGroup', 'mclag-1'),
      idOf(main.id, 'Server', 'server-01'),
    ]);
    const list = await viewer.agent.get(`/crds/switches?fabric=${main.id}&q=leaf-01`);
    expect(rowOf(list.text, 'leaf-01')).toContain(link('switchgroups', group, 'mclag-1'));
    const page = await viewer.agent.get(`/crds/switches/${leaf1}`);
    const summary = page.text.slice(page.text.indexOf('data-panel="summary"'), page.text.indexOf('data-panel="ports"'));
    expect(summary).toContain(`<td>Groups</td><td>${link('switchgroups', group, 'mclag-1')}</td>`);
    const ports = page.text.slice(
      page.text.indexOf('data-panel="port-connections"'),
      page.text.indexOf('data-panel="port-map"'),
    );
    // E1/5 of leaf-01 is cabled to server-01 (server-01--mclag--leaf-01--leaf-02).
    expect(ports).toMatch(
      new RegExp(
        `<code>E1/5</code></td>.*?<td data-testid="other-end"><a href="/crds/servers/${server}">server-01/enp2s1</a></td>`,
      ),
    );
  });

  it("links an attachment's connection and VPC, and a Server's connections", async () => {
    const d = fixtureDocuments().find((x) => x.kind.kind === 'VPCAttachment')!;
    const [attachment, conn, vpc] = await Promise.all([
      idOf(main.id, 'VPCAttachment', d.name),
      idOf(main.id, 'Connection', String(d.spec.connection)),
      idOf(main.id, 'VPC', String(d.spec.subnet).split('/')[0]!),
    ]);
    const list = await viewer.agent.get(`/crds/vpcattachments?fabric=${main.id}&q=${d.name}`);
    const row = rowOf(list.text, d.name);
    expect(row).toContain(link('connections', conn, String(d.spec.connection)));
    expect(row).toContain(link('vpcs', vpc, String(d.spec.subnet).split('/')[0]!));
    expect((await viewer.agent.get(`/crds/vpcattachments/${attachment}`)).text).toContain(
      link('connections', conn, String(d.spec.connection)),
    );
    const server = await viewer.agent.get(`/crds/servers/${await idOf(main.id, 'Server', 'server-01')}`);
    const ports = server.text.slice(
      server.text.indexOf('data-panel="port-connections"'),
      server.text.indexOf('data-testid="references-out"'),
    );
    const leaf1 = await idOf(main.id, 'Switch', 'leaf-01');
    expect(ports).toContain(`<td data-testid="other-end"><a href="/crds/switches/${leaf1}">leaf-01/E1/5</a></td>`);
  });

  it('shows a name the fabric has no record of with a missing badge, never a link, also when another fabric has one', async () => {
    // The bulk fabric's Connections name the seed's switches, which only the main fabric has.
    const list = await viewer.agent.get(`/crds/connections?fabric=${bulk.id}&q=connec-bulk-01`);
    const row = rowOf(list.text, 'connec-bulk-01');
    expect(row).toMatch(
      /<span class="badge bg-yellow-lt" title="No Switch named [^"]+ in fabric [^"]+">missing<\/span>/,
    );
    expect(row).not.toContain('href="/crds/switches/');
    const ghost = await seedRecords([
      recordData(
        main.id,
        fixtureDocuments().find((x) => x.kind.kind === 'VPCAttachment')!,
        {
          name: unique('ghost'),
          spec: { subnet: 'ghost-vpc/default', connection: 'ghost-conn' },
          refs: ['VPC/ghost-vpc', 'Connection/ghost-conn'],
        },
      ),
    ]);
    const own = await viewer.agent.get(`/crds/vpcattachments?fabric=${main.id}&q=${ghost[0]!.name}`);
    expect(rowOf(own.text, ghost[0]!.name)).toContain(
      `ghost-conn <span class="badge bg-yellow-lt" title="No Connection named ghost-conn in fabric ${main.name}">missing</span>`,
    );
  });
});

describe('escaping', () => {
  it('shows a hostile description, label and annotation as text on the list, the record and the change log', async () => {
    const name = unique('hostile');
    const [r] = await seedRecords([
      {
        ...recordData(
          main.id,
          fixtureDocuments().find((x) => x.kind.kind === 'Switch')!,
          { name },
        ),
        spec: { role: 'server-leaf', description: HOSTILE },
        labels: { evil: HOSTILE },
        annotations: { [`note`]: `"><img src=x onerror=alert(1)>` },
        validationState: 'warning',
        validationMessages: [{ line: 3, message: `spec.description: ${HOSTILE}` }],
      },
    ]);
    const change = await db().changeRecord.create({
      data: {
        actorLabel: HOSTILE,
        action: 'update',
        objectType: 'Switch',
        objectId: r!.id,
        objectLabel: `default/${name}${HOSTILE}`,
        fabricId: main.id,
        before: { spec: { description: 'old' } },
        after: { spec: { description: HOSTILE } },
      },
    });
    const pages = await Promise.all([
      viewer.agent.get(`/crds/switches?q=${name}`),
      viewer.agent.get(`/crds/switches/${r!.id}`),
      viewer.agent.get(`/changes?q=${name}`),
      viewer.agent.get(`/changes/${change.id}`),
    ]);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.text).toContain(ESCAPED);
      expect(page.text).not.toContain(HOSTILE);
      expect(page.text).not.toContain('<img src=x');
    }
    expect(pages[1]!.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('the column chooser', () => {
  it('keeps each user’s columns for a list, and goes back to the defaults', async () => {
    const alice = await signInAs(app, 'viewer');
    const bob = await signInAs(app, 'viewer');
    const save = await alice.agent
      .post('/preferences/columns')
      .type('form')
      .send({
        _csrf: alice.csrf,
        list: 'crd:Switch',
        columns: ['role', 'asn', 'bogus'],
        next: '/crds/switches?perPage=25',
      });
    expect(save.status).toBe(302);
    expect(save.headers.location).toBe('/crds/switches?perPage=25');
    const mine = await alice.agent.get('/crds/switches');
    const headers = [...mine.text.matchAll(/<th[^>]*data-column="(\w+)"/g)].map((m) => m[1]);
    expect(headers).toEqual(['name', 'role', 'asn']);
    expect((await alice.agent.get('/crds/vpcs')).text).toContain('data-column="fabric"');
    expect((await bob.agent.get('/crds/switches')).text).toContain('data-column="profile"');
    const stored = await db().user.findUniqueOrThrow({ where: { id: alice.user.id } });
    expect(stored.preferences).toEqual({ columns: { 'crd:Switch': ['name', 'role', 'asn'] } });

    await alice.agent
      .post('/preferences/columns')
      .type('form')
      .send({ _csrf: alice.csrf, list: 'crd:Switch', reset: '1', next: '/crds/switches' });
    expect((await alice.agent.get('/crds/switches')).text).toContain('data-column="profile"');
  });

  it('refuses an unknown list, a missing CSRF token and an off-site return address', async () => {
    const bad = await viewer.agent.post('/preferences/columns').type('form').send({ _csrf: viewer.csrf, list: 'nope' });
    expect(bad.status).toBe(400);
    expect((await viewer.agent.post('/preferences/columns').type('form').send({ list: 'changes' })).status).toBe(403);
    const offsite = await viewer.agent
      .post('/preferences/columns')
      .type('form')
      .send({ _csrf: viewer.csrf, list: 'changes', columns: 'time', next: '//evil.example/' });
    expect(offsite.headers.location).toBe('/');
  });
});

describe('GET /api/v1/crds?kind=SwitchProfile', () => {
  it('lists the 23 built-in profiles as catalogue entries, ahead of records, without counting them in any fabric', async () => {
    const res = await viewer.agent.get('/api/v1/crds?kind=SwitchProfile&perPage=100').expect(200);
    const builtins = (res.body.items as { builtin?: boolean; name: string; id: number | null }[]).filter(
      (i) => i.builtin,
    );
    expect(builtins).toHaveLength(23);
    expect(builtins.map((b) => b.name)).toContain('dell-s5248f-on');
    expect(builtins.every((b) => b.id === null)).toBe(true);
    expect(res.body.total).toBeGreaterThanOrEqual(23);
    // A fabric's list holds only its records.
    const own = await viewer.agent.get(`/api/v1/crds?kind=SwitchProfile&fabric=${main.id}`).expect(200);
    expect((own.body.items as { builtin?: boolean }[]).some((i) => i.builtin)).toBe(false);
    const searched = await viewer.agent.get('/api/v1/crds?kind=SwitchProfile&q=celestica-ds4101').expect(200);
    expect((searched.body.items as { name: string }[]).map((i) => i.name)).toContain('celestica-ds4101');
  });
});
