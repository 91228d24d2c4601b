import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { classify, validateDocument } from '../../src/crds/validate';
import { EXPORT_FORMATS, exportTopology } from '../../src/topology/exports';
import { layoutTopology } from '../../src/topology/layout';
import { buildTopology, type TopologyRecord } from '../../src/topology/model';
import { searchNodes, vpcOverlay } from '../../src/topology/overlay';
import { nodeHref, renderSvg } from '../../src/topology/svg';
import { FIXTURES } from '../helpers/fixtures';

const PREPOP = `${FIXTURES}/seed-fabric-1/v2-e40d5442/gitops/hedgehog/fabric-1/raw/prepop.yaml`;

/** The seed fabric's records as a sync stores them, ordered by kind and name like the loader's query. */
function seedRecords(): TopologyRecord[] {
  let id = 0;
  return parseAllDocuments(readFileSync(PREPOP, 'utf8'))
    .flatMap((d) => {
      const value = d.toJS() as Record<string, unknown>;
      const c = classify(value);
      if (c.type !== 'kind') return [];
      const check = validateDocument(value, c.kind);
      return [
        { id: ++id, kind: c.kind.kind, name: check.name, spec: check.spec, validationState: 'valid', messages: [] },
      ];
    })
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** Physical links of a Connection counted straight from its YAML: list lengths, or 1 for a single `link`. */
function physicalLinks(spec: Record<string, Record<string, unknown>>): number {
  const body = Object.values(spec)[0]!;
  const lists = Object.values(body).filter(Array.isArray) as unknown[][];
  return lists.length ? lists.reduce((n, l) => n + l.length, 0) : 1;
}

const rec = (kind: string, name: string, spec: Record<string, unknown>, id = 0): TopologyRecord => ({
  id,
  kind,
  name,
  spec,
  validationState: 'valid',
  messages: [],
});

describe('buildTopology on the seed fabric (v2)', () => {
  const records = seedRecords();
  const t = buildTopology(records);
  const connections = records.filter((r) => r.kind === 'Connection');

  it('has its 7 switches and 10 servers as nodes, spines a tier above leaves', () => {
    expect(t.nodes.filter((n) => n.kind === 'Switch').map((n) => `${n.name}:${n.tier}`)).toEqual([
      'leaf-01:leaf',
      'leaf-02:leaf',
      'leaf-03:leaf',
      'leaf-04:leaf',
      'leaf-05:leaf',
      'spine-01:spine',
      'spine-02:spine',
    ]);
    expect(t.nodes.filter((n) => n.tier === 'server')).toHaveLength(10);
    expect(t.nodes.filter((n) => n.tier === 'missing')).toEqual([]);
    const layout = layoutTopology(t, { expand: 'all' });
    const y = (name: string) => layout.nodes.find((p) => p.node.name === name)!.y;
    expect(y('spine-01')).toBeLessThan(y('leaf-01'));
    expect(y('leaf-01')).toBeLessThan(y('server-01'));
  });

  it('has one link per physical link of its 26 connections, each with the connection name and ports', () => {
    expect(connections).toHaveLength(26);
    const expected = connections.reduce((n, c) => n + physicalLinks(c.spec), 0);
    expect(expected).toBe(51);
    expect(t.links).toHaveLength(expected);
    for (const c of connections)
      expect(
        t.links.filter((l) => l.connection === c.name),
        c.name,
      ).toHaveLength(physicalLinks(c.spec));
    const fabric = t.links.find((l) => l.connection === 'spine-01--fabric--leaf-01')!;
    expect(fabric).toMatchObject({ from: 'Switch/spine-01', to: 'Switch/leaf-01', type: 'fabric' });
    expect(fabric.ports.map((p) => p.node)).toEqual(['Switch/spine-01', 'Switch/leaf-01']);
    const bundled = t.links.filter((l) => l.connection === 'server-04--bundled--leaf-02');
    expect(bundled.map((l) => [l.from, l.to])).toEqual([
      ['Switch/leaf-02', 'Server/server-04'],
      ['Switch/leaf-02', 'Server/server-04'],
    ]);
    const domain = t.links.filter((l) => l.type === 'mclagDomain').map((l) => l.role);
    expect(domain.sort()).toEqual(['peer', 'peer', 'session', 'session']);
    expect(t.links.filter((l) => l.type === 'vpcLoopback').every((l) => l.from === l.to)).toBe(true);
  });

  it('groups the eslag and mclag pairs and racks the servers by the leaves they attach to', () => {
    const redundancy = t.groups.filter((g) => g.type !== 'rack');
    // In the order of their first leaf.
    expect(redundancy.map((g) => [g.id, g.type, g.members])).toEqual([
      ['SwitchGroup/mclag-1', 'mclag', ['Switch/leaf-01', 'Switch/leaf-02']],
      ['SwitchGroup/eslag-1', 'eslag', ['Switch/leaf-03', 'Switch/leaf-04']],
    ]);
    const racks = Object.fromEntries(t.groups.filter((g) => g.type === 'rack').map((g) => [g.id, g.members]));
    expect(racks).toEqual({
      'rack/mclag-1': ['Server/server-01', 'Server/server-02', 'Server/server-03', 'Server/server-04'],
      'rack/eslag-1': ['Server/server-05', 'Server/server-06', 'Server/server-07', 'Server/server-08'],
      'rack/leaf-05': ['Server/server-09', 'Server/server-10'],
    });
    expect(t.nodes.find((n) => n.id === 'Server/server-09')?.group).toBe('rack/leaf-05');
  });

  it('exports every node and every link in mermaid, dot and drawio', () => {
    for (const format of EXPORT_FORMATS) {
      const text = exportTopology(t, format);
      for (const n of t.nodes) expect(text, `${format}: ${n.id}`).toContain(n.name);
      const links = format === 'mermaid' ? /---\|/g : format === 'dot' ? / -- /g : /edge="1"/g;
      expect(text.match(links), format).toHaveLength(t.links.length);
    }
  });

  it('draws every node and link as a link to its record', () => {
    const svg = renderSvg(layoutTopology(t, { expand: 'all' }), {
      expandHref: () => '?',
      expanded: [],
      highlight: null,
      matches: null,
    });
    expect(svg.match(/<a href="\/crds\/(switches|servers)\/\d+" class="node/g)).toHaveLength(17);
    expect(svg.match(/<a href="\/crds\/connections\/\d+"/g)).toHaveLength(51);
  });

  it('collapses racks to a count, and the VPC overlay marks the servers and leaves of its connections', () => {
    const layout = layoutTopology(t, { expand: new Set() });
    expect(layout.nodes.filter((p) => p.node.kind === 'Server')).toEqual([]);
    expect(layout.racks.map((r) => r.group.members.length)).toEqual([4, 4, 2]);
    const overlay = vpcOverlay(t, ['server-05--eslag--leaf-03--leaf-04']);
    expect([...overlay.nodes].sort()).toEqual(['Server/server-05', 'Switch/leaf-03', 'Switch/leaf-04']);
    const svg = renderSvg(layout, { expandHref: () => '?x', expanded: [], highlight: overlay, matches: null });
    expect(svg).toContain('data-count="4"');
    expect(svg).toMatch(/class="rack hl"[^>]*data-rack="rack\/eslag-1"/);
    expect(svg).toContain('4 servers · 1 in VPC');
    expect(searchNodes(t, 'LEAF-0')).toEqual(
      new Set(['Switch/leaf-01', 'Switch/leaf-02', 'Switch/leaf-03', 'Switch/leaf-04', 'Switch/leaf-05']),
    );
  });
});

describe('buildTopology', () => {
  it('draws dangling references as missing nodes instead of dropping them', () => {
    const t = buildTopology([
      rec('Connection', 'server-9--unbundled--leaf-9', {
        unbundled: { link: { server: { port: 'server-9/eth0' }, switch: { port: 'leaf-9/E1/1' } } },
      }),
      rec('ExternalAttachment', 'att', { connection: 'border--external', external: 'ext-gone' }),
      rec('Connection', 'border--external', { external: { link: { switch: { port: 'border/E1/2' } } } }),
      rec('Switch', 'border', { role: 'border-leaf' }),
    ]);
    expect(t.nodes.map((n) => `${n.id}:${n.tier}:${n.validation.state}`)).toEqual([
      'Switch/border:border:valid',
      'Server/server-9:missing:missing',
      'Switch/leaf-9:missing:missing',
      'External/ext-gone:missing:missing',
    ]);
    expect(t.nodes[1]!.validation.messages).toEqual([
      'Server server-9 is referenced by Connection server-9--unbundled--leaf-9 but not defined',
    ]);
    expect(t.links.map((l) => [l.from, l.to])).toEqual([
      ['Switch/leaf-9', 'Server/server-9'],
      ['Switch/border', 'External/ext-gone'],
    ]);
  });

  it('gives every role its tier and every connection type its links', () => {
    const t = buildTopology([
      rec('Switch', 've', { role: 'virtual-edge' }),
      rec('Switch', 'ml', { role: 'mixed-leaf' }),
      rec('Switch', 'sp', { role: 'spine' }),
      rec('External', 'ext-1', {}),
      rec('Gateway', 'gateway-2', {}, 7),
      rec('Connection', 'gw', {
        gateway: { links: [{ switch: { port: 'sp/E1/1' }, gateway: { port: 'gateway-1/enp2s1' } }] },
      }),
      rec('Connection', 'mesh', {
        mesh: { links: [{ leaf1: { port: 'ml/E1/1' }, leaf2: { port: 've/E1/1' } }] },
      }),
      rec('Connection', 'static', {
        staticExternal: { link: { switch: { port: 've/E1/9', ip: '10.0.0.1/31', nextHop: '10.0.0.0' } } },
      }),
    ]);
    const tiers = Object.fromEntries(t.nodes.map((n) => [n.id, n.tier]));
    expect(tiers).toEqual({
      'Switch/ve': 'border',
      'Switch/ml': 'leaf',
      'Switch/sp': 'spine',
      'External/ext-1': 'external',
      'Gateway/gateway-2': 'gateway',
      'Gateway/gateway-1': 'gateway',
      'Connection/static': 'external',
    });
    expect(t.links.map((l) => `${l.type}:${l.from}->${l.to}:${l.ports.map((p) => p.port).join(',')}`)).toEqual([
      'gateway:Switch/sp->Gateway/gateway-1:E1/1,enp2s1',
      'mesh:Switch/ml->Switch/ve:E1/1,E1/1',
      'staticExternal:Switch/ve->Connection/static:E1/9',
    ]);
    // A Gateway the connection names but no record defines is drawn, not missing: the fabric does not check it.
    expect(t.nodes.find((n) => n.id === 'Gateway/gateway-1')).toMatchObject({
      recordId: null,
      validation: { state: 'valid' },
    });
    expect(nodeHref(t.nodes.find((n) => n.id === 'Gateway/gateway-2')!)).toBe('/crds/gateways/7');
    const layout = layoutTopology(t, { expand: 'all' });
    const x = (id: string) => layout.nodes.find((p) => p.node.id === id)!.x;
    // Externals and gateways stand in a column at the side.
    expect(x('External/ext-1')).toBe(x('Gateway/gateway-1'));
    expect(x('External/ext-1')).toBeGreaterThan(Math.max(x('Switch/ve'), x('Switch/ml'), x('Switch/sp')));
  });

  it('escapes names in the SVG and the exports', () => {
    const t = buildTopology([rec('Server', 'a"<b>&c', {})]);
    const svg = renderSvg(layoutTopology(t, { expand: 'all' }), {
      expandHref: () => '?',
      expanded: [],
      highlight: null,
      matches: null,
    });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('a&quot;&lt;b&gt;&amp;c');
    expect(exportTopology(t, 'drawio')).not.toContain('<b>');
    expect(exportTopology(t, 'dot')).toContain('"a\\"<b>&c"');
  });
});
