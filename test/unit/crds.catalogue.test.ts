import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { builtinProfileNames } from '../../src/crds/switchProfiles';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  connectionEndpoints,
  connectionType,
  findKind,
  kindByName,
  kinds,
  isRefs,
  valueText,
  type RecordRef,
  type Spec,
} from '../../src/crds';
import { apiGroupLabel } from '../../src/crds/defineKind';
import { classify, validateDocument } from '../../src/crds/validate';

import { FIXTURES, yamlFiles } from '../helpers/fixtures';

/** Valid specs of the catalogue's kinds found in the given files, by `${kind}/${name}`. */
function loadSpecs(files: string[]): Map<string, Spec> {
  const specs = new Map<string, Spec>();
  for (const file of files) {
    for (const d of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (d.errors.length) continue;
      const value = d.toJS() as unknown;
      const c = classify(value);
      if (c.type !== 'kind') continue;
      const check = validateDocument(value as Record<string, unknown>, c.kind);
      if (check.errors.length === 0) specs.set(`${c.kind.kind}/${check.name}`, check.spec);
    }
  }
  return specs;
}

const prepop = loadSpecs([`${FIXTURES}/seed-fabric-1/v2-e40d5442/gitops/hedgehog/fabric-1/raw/prepop.yaml`]);
const docs = loadSpecs(yamlFiles(`${FIXTURES}/corpus/docs`));
const demo = loadSpecs(yamlFiles(`${FIXTURES}/corpus/demo-gitops/master`));
const seedVpc = loadSpecs([`${FIXTURES}/seed-fabric-1/v2-e40d5442/gitops/hedgehog/fabric-1/raw/test-vpc.yaml`]);

function spec(from: Map<string, Spec>, id: string): Spec {
  const s = from.get(id);
  if (!s) throw new Error(`fixture ${id} not found`);
  return s;
}

/** A kind's column values as the CSV export writes them (names of records joined). */
function columnValues(kindName: string, s: Spec): Record<string, string | number | boolean | null> {
  const k = kindByName(kindName)!;
  return Object.fromEntries(k.columns.map((c) => [c.key, valueText(c.value(s))]));
}

describe('the kind catalogue', () => {
  it('lists each kind once, grouped by API group, VPC API first; apiVersion, slug and category derive from it', () => {
    expect(new Set(kinds.map((k) => k.kind)).size).toBe(kinds.length);
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['VPC', 'VPCAttachment', 'Connection', 'Switch', 'SwitchGroup', 'VLANNamespace']),
    );
    expect(CATEGORIES.slice(0, 2)).toEqual(['VPC API', 'Wiring API']);
    // Each category's kinds are contiguous, in the order of CATEGORIES.
    expect([...new Set(kinds.map((k) => k.category))]).toEqual(CATEGORIES);
    expect(kinds.map((k) => k.category)).toEqual(
      CATEGORIES.flatMap((c) => kinds.filter((k) => k.category === c).map(() => c)),
    );
    for (const k of kinds) {
      expect(k.apiVersion).toBe(`${k.group}/${k.version}`);
      expect(k.slug).toBe(k.plural);
      expect(k.category).toBe(apiGroupLabel(k.group));
    }
    expect(apiGroupLabel('vpc.githedgehog.com')).toBe('VPC API');
    expect(apiGroupLabel('wiring.githedgehog.com')).toBe('Wiring API');
    expect(apiGroupLabel('gateway.githedgehog.com')).toBe('Gateway API');
  });

  it('finds a kind by name, plural or slug in any case', () => {
    expect(findKind('VPC')?.kind).toBe('VPC');
    expect(findKind('vpcs')?.kind).toBe('VPC');
    expect(findKind('Connections')?.kind).toBe('Connection');
    expect(findKind('vlannamespace')?.kind).toBe('VLANNamespace');
    expect(findKind('switches')?.kind).toBe('Switch');
    expect(findKind('gateways')?.kind).toBe('Gateway');
    expect(findKind('gatewayagents')).toBeUndefined();
    expect(kindByName('Switch')?.plural).toBe('switches');
    expect(kindByName('switch')).toBeUndefined();
  });

  it('knows the 23 built-in switch profiles, each once', () => {
    const names = builtinProfileNames();
    for (const name of ['vs', 'celestica-ds4000-clsp', 'dell-s5248f-on', 'cumulus-vx']) expect(names).toContain(name);
    expect(new Set(names).size).toBe(23);
    expect(names.length).toBe(23);
  });

  describe.each(kinds.map((k) => [k.kind, k] as const))('%s', (_name, k) => {
    it('has SQL expressions over spec for every sortable column and filter', () => {
      for (const sql of [...k.columns.map((c) => c.sortSql), ...k.filters.map((f) => f.sql)]) {
        if (sql === undefined) continue;
        expect(sql.trim()).not.toBe('');
        expect(sql).toMatch(/\bspec\b/);
        expect(sql).not.toMatch(/\$\d|;/);
      }
      for (const f of k.filters) expect(f.choices === undefined || f.choices.length > 0).toBe(true);
    });

    it('computes columns, references and panels from an empty spec without throwing', () => {
      for (const c of k.columns) expect(() => c.value({})).not.toThrow();
      expect(Array.isArray(k.references({}))).toBe(true);
      expect(() => k.panels?.({})).not.toThrow();
    });
  });
});

describe('list columns on the fixture documents', () => {
  it('describes a VPC', () => {
    expect(columnValues('VPC', spec(seedVpc, 'VPC/test-vpc'))).toEqual({
      subnets: '10.0.1.0/24',
      vlans: '1001',
      ipv4Namespace: 'default',
      vlanNamespace: 'default',
      mode: 'l2vni',
    });
    expect(columnValues('VPC', spec(demo, 'VPC/demo-vpc-3'))).toMatchObject({
      subnets: '10.30.131.0/24, 10.30.132.0/24',
      vlans: '1131, 1132',
    });
  });

  it('describes Connections of several types', () => {
    expect(columnValues('Connection', spec(prepop, 'Connection/server-01--mclag--leaf-01--leaf-02'))).toEqual({
      type: 'mclag',
      switches: 'leaf-01, leaf-02',
      peers: 'server-01',
      links: 2,
    });
    expect(columnValues('Connection', spec(prepop, 'Connection/leaf-01--mclag-domain--leaf-02'))).toMatchObject({
      type: 'mclagDomain',
      switches: 'leaf-01, leaf-02',
      peers: null,
      links: 4,
    });
    expect(columnValues('Connection', spec(docs, 'Connection/spine-01--gateway--gateway-1'))).toMatchObject({
      type: 'gateway',
      peers: 'gateway-1',
    });
  });

  it('describes a Switch', () => {
    expect(columnValues('Switch', spec(prepop, 'Switch/leaf-01'))).toEqual({
      role: 'server-leaf',
      profile: 'vs',
      asn: null,
      ip: null,
      groups: 'mclag-1',
      redundancy: 'mclag',
      description: 'VS-01 MCLAG 1',
    });
    expect(columnValues('Switch', spec(docs, 'Switch/s5248-01'))).toMatchObject({
      asn: 65101,
      ip: '172.30.0.8/21',
      groups: 'some-group, eslag-1',
    });
  });

  it('describes the VPC and External kinds of the docs and demo', () => {
    expect(
      columnValues('VPCAttachment', spec(demo, 'VPCAttachment/demo-vpc-3--server-3--unbundled--as7326-01')),
    ).toEqual({
      vpc: 'demo-vpc-3',
      subnet: 'subnet-1',
      connection: 'server-3--unbundled--as7326-01',
      nativeVLAN: 'no',
    });
    expect(columnValues('VPCPeering', spec(demo, 'VPCPeering/demo-vpc-1--demo-vpc-2'))).toEqual({
      vpc1: 'demo-vpc-1',
      vpc2: 'demo-vpc-2',
      rules: 1,
    });
    expect(columnValues('External', spec(docs, 'External/static-edge'))).toMatchObject({
      mode: 'static',
      ipv4Namespace: 'default',
      prefixes: '0.0.0.0/0',
    });
    expect(columnValues('External', spec(docs, 'External/bgp-edge'))).toMatchObject({
      mode: 'bgp',
      inboundCommunity: '65102:5000',
    });
    expect(columnValues('ExternalAttachment', spec(docs, 'ExternalAttachment/switch-border--bgp-edge'))).toMatchObject({
      external: 'bgp-edge',
      mode: 'bgp',
      vlan: 100,
      neighbor: '100.100.0.6',
    });
    expect(columnValues('ExternalPeering', spec(docs, 'ExternalPeering/vpc-01--bgp-edge'))).toEqual({
      vpc: 'vpc-01',
      subnets: 'default',
      external: 'bgp-edge',
      prefixes: '0.0.0.0/0',
    });
    expect(columnValues('VLANNamespace', spec(docs, 'VLANNamespace/default'))).toEqual({
      ranges: '1000-2999',
      size: 2000,
    });
    expect(columnValues('IPv4Namespace', spec(docs, 'IPv4Namespace/ipns-2'))).toEqual({ subnets: '10.0.0.0/16' });
  });
});

describe('connectionEndpoints', () => {
  it('splits ports on the first slash and labels each side', () => {
    const s = spec(docs, 'Connection/spine-01--fabric--leaf-01');
    expect(connectionType(s)).toBe('fabric');
    expect(connectionEndpoints(s).slice(0, 2)).toEqual([
      {
        device: 'spine-01',
        port: 'E1/1/1',
        side: 'switch',
        field: 'spec.fabric.links[0].spine.port',
        path: ['spec', 'fabric', 'links', 0, 'spine', 'port'],
        link: 0,
        ip: null,
      },
      {
        device: 'leaf-01',
        port: 'E1/8',
        side: 'switch',
        field: 'spec.fabric.links[0].leaf.port',
        path: ['spec', 'fabric', 'links', 0, 'leaf', 'port'],
        link: 0,
        ip: null,
      },
    ]);
  });

  it('covers server, gateway and single-link types', () => {
    const unbundled = connectionEndpoints(spec(prepop, 'Connection/server-03--unbundled--leaf-01'));
    expect(unbundled.map((e) => [e.side, e.device])).toEqual([
      ['server', 'server-03'],
      ['switch', 'leaf-01'],
    ]);
    expect(connectionEndpoints(spec(docs, 'Connection/spine-01--gateway--gateway-1')).map((e) => e.side)).toEqual([
      'switch',
      'gateway',
    ]);
    expect(connectionEndpoints(spec(docs, 'Connection/s5248-03--external--5835'))).toHaveLength(1);
    expect(connectionEndpoints(spec(prepop, 'Connection/leaf-01--mclag-domain--leaf-02'))).toHaveLength(8);
  });
});

describe('references', () => {
  it('points a VPCAttachment at its VPC subnet and Connection', () => {
    expect(
      kindByName('VPCAttachment')!.references({ subnet: 'vpc-1', connection: 'server-01--unbundled--leaf-01' }),
    ).toEqual([
      { kind: 'VPC', name: 'vpc-1', field: 'spec.subnet', subnet: 'default' },
      { kind: 'Connection', name: 'server-01--unbundled--leaf-01', field: 'spec.connection' },
    ]);
  });

  it('points a Connection at each device once', () => {
    const refs = kindByName('Connection')!.references(spec(prepop, 'Connection/server-01--mclag--leaf-01--leaf-02'));
    expect(refs.map((r) => `${r.kind}/${r.name}`)).toEqual(['Server/server-01', 'Switch/leaf-01', 'Switch/leaf-02']);
  });

  it('points a VPC at its defaulted namespaces and a Switch at its groups', () => {
    expect(kindByName('VPC')!.references(spec(seedVpc, 'VPC/test-vpc'))).toEqual([
      { kind: 'IPv4Namespace', name: 'default', field: 'spec.ipv4Namespace', defaulted: true },
      { kind: 'VLANNamespace', name: 'default', field: 'spec.vlanNamespace', defaulted: true },
    ]);
    const refs = kindByName('Switch')!.references(spec(prepop, 'Switch/leaf-03'));
    expect(refs.map((r) => `${r.kind}/${r.name}`)).toEqual([
      'SwitchProfile/vs',
      'SwitchGroup/eslag-1',
      'VLANNamespace/default',
    ]);
  });
});

describe('names of other records in columns and panels', () => {
  const all = [...prepop, ...docs, ...demo, ...seedVpc];

  it('are always references of the record: the pages link exactly what the catalogue knows', () => {
    let named = 0;
    for (const [id, s] of all) {
      const k = kindByName(id.split('/')[0]!)!;
      const known = new Set(k.references(s).map((r) => `${r.kind}/${r.name}`));
      const values = [
        ...k.columns.map((c) => c.value(s)),
        ...(k.panels?.(s) ?? []).flatMap((p) => p.rows.flatMap((row) => Object.values(row))),
      ];
      for (const ref of values.filter(isRefs).flat() as RecordRef[]) {
        expect(known, `${id}: ${ref.kind}/${ref.name}`).toContain(`${ref.kind}/${ref.name}`);
        named++;
      }
    }
    expect(named).toBeGreaterThan(100);
  });

  it("name a Connection's switches and servers, a Switch's groups and an attachment's connection", () => {
    const conn = kindByName('Connection')!;
    const mclag = spec(prepop, 'Connection/server-01--mclag--leaf-01--leaf-02');
    expect(conn.columns.find((c) => c.key === 'switches')!.value(mclag)).toEqual([
      { kind: 'Switch', name: 'leaf-01' },
      { kind: 'Switch', name: 'leaf-02' },
    ]);
    expect(conn.columns.find((c) => c.key === 'peers')!.value(mclag)).toEqual([{ kind: 'Server', name: 'server-01' }]);
    const groups = kindByName('Switch')!.columns.find((c) => c.key === 'groups')!;
    expect(groups.value(spec(prepop, 'Switch/leaf-03'))).toEqual([{ kind: 'SwitchGroup', name: 'eslag-1' }]);
    const attachment = kindByName('VPCAttachment')!.columns.find((c) => c.key === 'connection')!;
    expect(attachment.value(spec(demo, 'VPCAttachment/demo-vpc-3--server-3--unbundled--as7326-01'))).toEqual([
      { kind: 'Connection', name: 'server-3--unbundled--as7326-01' },
    ]);
  });

  it('give each port of a device the other end of its link, not every device of the Connection', () => {
    const conn = {
      id: 7,
      kind: 'Connection',
      name: 'c',
      spec: spec(prepop, 'Connection/server-01--mclag--leaf-01--leaf-02'),
    };
    const ports = kindByName('Switch')!.portConnections!('leaf-02', [conn]);
    const server = kindByName('Server')!.portConnections!('server-01', [conn]);
    expect(ports.map((p) => p.otherEnds)).toEqual(
      ports.map(() => [{ kind: 'Server', name: 'server-01', label: expect.stringMatching(/^server-01\//) }]),
    );
    expect(server.flatMap((p) => p.otherEnds.map((o) => o.name)).sort()).toEqual(['leaf-01', 'leaf-02']);
    expect(server.every((p) => p.otherEnds.length === 1)).toBe(true);
  });
});

describe('detail panels', () => {
  it('shows Connection endpoints and VPC subnets as rows', () => {
    const conn = kindByName('Connection')!.panels!(spec(prepop, 'Connection/server-03--unbundled--leaf-01'));
    expect(conn[0]!.rows).toEqual([
      { link: 1, device: [{ kind: 'Server', name: 'server-03' }], port: 'enp2s1', side: 'server', ip: null },
      { link: 1, device: [{ kind: 'Switch', name: 'leaf-01' }], port: 'E1/7', side: 'switch', ip: null },
    ]);
    const vpc = kindByName('VPC')!.panels!(spec(seedVpc, 'VPC/test-vpc'));
    expect(vpc[0]!.rows).toEqual([
      { name: 'test-subnet', subnet: '10.0.1.0/24', gateway: '10.0.1.1', vlan: 1001, dhcp: false },
    ]);
  });
});
