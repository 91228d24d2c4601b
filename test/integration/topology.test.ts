import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs, tokenFor } from '../helpers/factories';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { SEED, useSyncHarness } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const DIR = 'gitops/hedgehog/fabric-1/';

interface Body {
  nodes: { id: string; kind: string; name: string; tier: string; validation: { state: string } }[];
  links: { from: string; to: string; connection: string; type: string; ports: { node: string; port: string }[] }[];
  groups: { id: string; type: string; members: string[] }[];
}

describe('GET /api/v1/fabrics/:id/topology on the seed fabric (v2)', async () => {
  const repo = await h.repository();
  await commitDirectory(repo.bare, `${SEED}/v2-e40d5442`, '', 'v2');
  const fabric = await h.fabric(repo.id, DIR);
  const run = await h.sync(fabric.id);
  const { token: viewerToken } = await tokenFor('viewer');
  const get = (path: string) =>
    request(app).get(`/api/v1/fabrics/${fabric.id}/topology${path}`).set('Authorization', `Bearer ${viewerToken}`);

  it('gives a viewer the 7 switches, 10 servers and one link per physical link of the 26 connections', async () => {
    expect(run.status).not.toBe('failed');
    const res = await get('');
    expect(res.status).toBe(200);
    const body = res.body as Body;
    expect(body.nodes.filter((n) => n.kind === 'Switch')).toHaveLength(7);
    expect(body.nodes.filter((n) => n.kind === 'Server')).toHaveLength(10);
    expect(body.nodes.filter((n) => n.tier === 'spine').map((n) => n.name)).toEqual(['spine-01', 'spine-02']);
    expect(body.nodes.find((n) => n.id === 'Switch/leaf-01')).toMatchObject({ kind: 'Switch', tier: 'leaf' });
    // Counted from the stored Connections' own lists, not from the model.
    const connections = await db().crdRecord.findMany({ where: { fabricId: fabric.id, kind: 'Connection' } });
    expect(connections).toHaveLength(26);
    for (const c of connections) {
      const typeBody = Object.values(c.spec as Record<string, Record<string, unknown>>)[0]!;
      const lists = Object.values(typeBody).filter(Array.isArray) as unknown[][];
      const physical = lists.length ? lists.reduce((n, l) => n + l.length, 0) : 1;
      expect(
        body.links.filter((l) => l.connection === c.name),
        c.name,
      ).toHaveLength(physical);
    }
    expect(body.links).toHaveLength(51);
    expect(body.links.find((l) => l.connection === 'server-03--unbundled--leaf-01')).toMatchObject({
      from: 'Switch/leaf-01',
      to: 'Server/server-03',
      type: 'unbundled',
      ports: [
        { node: 'Switch/leaf-01', port: expect.stringMatching(/^E1\//) },
        { node: 'Server/server-03', port: expect.any(String) },
      ],
    });
    expect(body.groups.map((g) => g.id)).toEqual(
      expect.arrayContaining(['SwitchGroup/mclag-1', 'SwitchGroup/eslag-1', 'rack/leaf-05']),
    );
  });

  it('exports mermaid, dot and drawio listing every node and link, as downloads', async () => {
    const { nodes, links } = (await get('')).body as Body;
    for (const [format, type, edges] of [
      ['mermaid', 'text/vnd.mermaid', /---\|/g],
      ['dot', 'text/vnd.graphviz', / -- /g],
      ['drawio', 'application/vnd.jgraph.mxfile', /edge="1"/g],
    ] as const) {
      const res = await get(`?format=${format}`)
        .buffer(true)
        .parse((r, done) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => done(null, text));
        });
      expect(res.status, format).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="fabric-[0-9a-f]+-topology\./);
      const text = res.body as string;
      for (const n of nodes) expect(text, `${format} ${n.id}`).toContain(n.name);
      expect(text.match(edges), format).toHaveLength(links.length);
    }
  });

  it('answers 400 naming the parameter for an unknown format, 404 for an unknown fabric, 401 without a login', async () => {
    const bad = await get('?format=png');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('format');
    const missing = await request(app)
      .get('/api/v1/fabrics/999999/topology')
      .set('Authorization', `Bearer ${viewerToken}`);
    expect(missing.status).toBe(404);
    expect((await request(app).get(`/api/v1/fabrics/${fabric.id}/topology`)).status).toBe(401);
  });

  it('answers 304 to a client that has the current version, and tags each format apart', async () => {
    const first = await get('');
    const tag = first.headers.etag as string;
    expect(tag).toMatch(/^W\/"/);
    expect((await get('').set('If-None-Match', tag)).status).toBe(304);
    expect((await get('?format=dot')).headers.etag).not.toBe(tag);
  });

  it('follows the records: a new sync with a dangling reference draws a missing node', async () => {
    await commitFiles(
      repo.bare,
      {
        [`${DIR}raw/extra.yaml`]: `apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: server-99--unbundled--leaf-05
spec:
  unbundled:
    link:
      server: {port: server-99/enp2s1}
      switch: {port: leaf-05/E1/40}
`,
      },
      'a server not defined yet',
    );
    const before = (await get('')).headers.etag as string;
    await h.sync(fabric.id);
    // A new sync is a new version: the old tag no longer holds.
    expect((await get('').set('If-None-Match', before)).status).toBe(200);
    const body = (await get('')).body as Body;
    expect(body.nodes.find((n) => n.id === 'Server/server-99')).toMatchObject({
      tier: 'missing',
      validation: { state: 'missing' },
    });
    expect(body.links).toHaveLength(52);
  });

  it('renders the page for a viewer: an SVG with every switch and server linked to its record, and the exports', async () => {
    const viewer = await signInAs(app, 'viewer');
    const res = await viewer.agent.get(`/fabrics/${fabric.id}/topology`);
    expect(res.status).toBe(200);
    const svg = /<svg[^]*<\/svg>/.exec(res.text)![0];
    const records = await db().crdRecord.findMany({
      where: { fabricId: fabric.id, kind: { in: ['Switch', 'Server'] } },
    });
    expect(records).toHaveLength(17);
    for (const r of records)
      expect(svg).toContain(`href="/crds/${r.kind === 'Switch' ? 'switches' : 'servers'}/${r.id}" class="node`);
    expect(res.text).toContain(`href="/fabrics/${fabric.id}/topology?format=drawio"`);
    expect(res.text).toContain('data-testid="topology-missing"');
    expect(res.text).toMatch(/7 switches, 10 servers, 52 links/);
    const detail = await viewer.agent.get(`/fabrics/${fabric.id}`);
    expect(detail.text).toContain(`href="/fabrics/${fabric.id}/topology"`);
  });

  it('highlights a VPC and a search on the page', async () => {
    const viewer = await signInAs(app, 'viewer');
    const res = await viewer.agent.get(`/fabrics/${fabric.id}/topology?q=leaf-0&vpc=nope`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('5 nodes match “leaf-0”');
    expect(res.text.match(/class="node tier-leaf[^"]* match"/g)).toHaveLength(5);
    expect(res.text).toContain('class="topology overlay searching"');
    // Validation colours: off unless asked; the nodes with warnings carry their class either way.
    expect(res.text).not.toContain('topology-canvas show-validation');
    const coloured = await viewer.agent.get(`/fabrics/${fabric.id}/topology?validation=on`);
    expect(coloured.text).toContain('topology-canvas show-validation');
    expect(coloured.text).toMatch(/class="node tier-spine v-warning" data-id="Switch\/spine-01"/);
    expect(coloured.text).toMatch(/class="node tier-missing v-missing" data-id="Server\/server-99"/);
    expect((await viewer.agent.get(`/fabrics/${fabric.id}/topology?validation=maybe`)).status).toBe(400);
  });

  it("shows a switch's port map on its record page: the profile's ports, the connection on each, the free ones", async () => {
    const viewer = await signInAs(app, 'viewer');
    const leaf = await db().crdRecord.findFirstOrThrow({
      where: { fabricId: fabric.id, kind: 'Switch', name: 'leaf-01' },
    });
    const res = await viewer.agent.get(`/crds/switches/${leaf.id}`);
    expect(res.status).toBe(200);
    const used = (await get('')).body.links
      .flatMap((l: Body['links'][number]) => l.ports)
      .filter((p: { node: string }) => p.node === 'Switch/leaf-01');
    const ports = new Set(used.map((p: { port: string }) => p.port));
    expect(res.text).toMatch(
      new RegExp(
        `data-testid="port-map-summary">[^<]*\\(<code>vs</code>\\): 48 ports, ${ports.size} used, ${48 - ports.size} free`,
      ),
    );
    const conn = await db().crdRecord.findFirstOrThrow({
      where: { fabricId: fabric.id, kind: 'Connection', name: 'server-03--unbundled--leaf-01' },
    });
    const port = used[0] as { port: string };
    expect(res.text).toContain(`data-port="${port.port}"`);
    expect(res.text).toContain(`<a href="/crds/connections/${conn.id}"`);
  });
});
