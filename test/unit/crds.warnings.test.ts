import { FIXTURES } from '../helpers/fixtures';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type Spec } from '../../src/crds';
import { classify, crossValidate, validateDocument, type CrossRecord } from '../../src/crds/validate';

const PREPOP = `${FIXTURES}/seed-fabric-1/v2-e40d5442/gitops/hedgehog/fabric-1/raw/prepop.yaml`;

function rec(kind: string, name: string, spec: Spec): CrossRecord {
  return { kind, namespace: 'default', name, spec };
}

function warningsOf(records: CrossRecord[], id: string): string[] {
  return (crossValidate(records).get(id) ?? []).map((i) => i.message);
}

const unbundled = (server: string, sw: string) => ({
  unbundled: { link: { server: { port: server }, switch: { port: sw } } },
});
const vpcSpec = (subnets: Record<string, [string, number]>, extra: Spec = {}) => ({
  ...extra,
  subnets: Object.fromEntries(Object.entries(subnets).map(([name, [subnet, vlan]]) => [name, { subnet, vlan }])),
});
const hydratedLeaf = (n: number, extra: Spec = {}) => ({
  role: 'server-leaf',
  profile: 'vs',
  asn: 65100 + n,
  ip: `172.30.0.${n + 10}/21`,
  protocolIP: `172.30.8.${n}/32`,
  vtepIP: `172.30.12.${n}/32`,
  ...extra,
});

function prepopRecords(): CrossRecord[] {
  return parseAllDocuments(readFileSync(PREPOP, 'utf8')).flatMap((d) => {
    const value = d.toJS() as unknown;
    const c = classify(value);
    if (c.type !== 'kind') return [];
    const check = validateDocument(value as Record<string, unknown>, c.kind);
    return [{ kind: c.kind.kind, namespace: check.namespace, name: check.name, spec: check.spec }];
  });
}

describe('crossValidate on prepop.yaml', () => {
  it('finds every referenced switch, server and group, and only flags hydration and deprecation', () => {
    const warnings = crossValidate(prepopRecords());
    const all = [...warnings.values()].flat().map((i) => i.message);
    expect(all.filter((m) => m.includes('not defined'))).toEqual([]);
    expect(all.filter((m) => m.includes('also used'))).toEqual([]);
    expect(warnings.get('Switch/default/spine-01')?.map((i) => i.message)).toEqual([
      'spec.asn: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.ip: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.protocolIP: missing; it will be required by the fabric; usually filled by hhfab build',
    ]);
    expect(warnings.has('Server/default/server-01')).toBe(false);
    expect(warnings.get('Connection/default/server-01--mclag--leaf-01--leaf-02')?.[0]?.message).toContain('deprecated');
    // No IPv4Namespace/VLANNamespace is defined, so the implied "default" ones are not flagged.
    expect(all.filter((m) => m.includes('Namespace'))).toEqual([]);
  });
});

describe('crossValidate references', () => {
  it('flags a Connection naming a switch that is not in the fabric', () => {
    const records = [
      rec('Server', 'server-01', {}),
      rec('Switch', 'leaf-01', hydratedLeaf(1)),
      rec('Connection', 'c1', unbundled('server-01/enp2s1', 'leaf-09/E1/1')),
    ];
    expect(warningsOf(records, 'Connection/default/c1')).toEqual([
      'spec.unbundled.link.switch.port: Switch "leaf-09" is not defined in this fabric',
    ]);
    expect(crossValidate(records).has('Switch/default/leaf-01')).toBe(false);
  });

  it('flags a VPCAttachment whose VPC, subnet or Connection is missing or of the wrong type', () => {
    const records = [
      rec('VPC', 'vpc-1', vpcSpec({ default: ['10.0.1.0/24', 1001] })),
      rec('VPCAttachment', 'a1', { subnet: 'vpc-1/other', connection: 'nope' }),
      rec('VPCAttachment', 'a2', { subnet: 'vpc-2', connection: 'loop' }),
      rec('Connection', 'loop', {
        vpcLoopback: { links: [{ switch1: { port: 'leaf-01/E1/1' }, switch2: { port: 'leaf-01/E1/2' } }] },
      }),
      rec('Switch', 'leaf-01', hydratedLeaf(1)),
    ];
    expect(warningsOf(records, 'VPCAttachment/default/a1')).toEqual([
      'spec.subnet: VPC "vpc-1" has no subnet "other"',
      'spec.connection: Connection "nope" is not defined in this fabric',
    ]);
    expect(warningsOf(records, 'VPCAttachment/default/a2')).toEqual([
      'spec.subnet: VPC "vpc-2" is not defined in this fabric',
      'spec.connection: Connection "loop" is of type vpcLoopback; a VPC can only attach to unbundled, bundled or eslag connections',
    ]);
  });

  it('flags missing namespaces only when they are named explicitly or the fabric defines some', () => {
    const vpc = rec('VPC', 'vpc-1', vpcSpec({ default: ['10.0.1.0/24', 1001] }));
    expect(crossValidate([vpc]).size).toBe(0);
    const explicit = rec('VPC', 'vpc-2', vpcSpec({ default: ['10.0.2.0/24', 1002] }, { ipv4Namespace: 'ipns-2' }));
    expect(warningsOf([explicit], 'VPC/default/vpc-2')).toEqual([
      'spec.ipv4Namespace: IPv4Namespace "ipns-2" is not defined in this fabric',
    ]);
    const other = rec('VLANNamespace', 'other', { ranges: [{ from: 100, to: 200 }] });
    expect(warningsOf([vpc, other], 'VPC/default/vpc-1')).toEqual([
      'spec.vlanNamespace: VLANNamespace "default" (the default) is not defined in this fabric',
    ]);
  });

  it('flags switch groups that do not exist and profiles that are not built in', () => {
    const records = [
      rec('SwitchGroup', 'mclag-1', {}),
      rec('Switch', 'leaf-01', hydratedLeaf(1, { profile: 'my-box', groups: ['mclag-1', 'rack-9'] })),
    ];
    expect(warningsOf(records, 'Switch/default/leaf-01')).toEqual([
      'spec.groups: SwitchGroup "rack-9" is not defined in this fabric',
      'spec.profile: SwitchProfile "my-box" is not one of the fabric\'s built-in profiles (e.g. "vs", "dell-s5248f-on"); expected a built-in profile name',
    ]);
  });

  it('flags peerings whose VPCs, subnets or External are missing', () => {
    const records = [
      rec('VPC', 'vpc-1', vpcSpec({ default: ['10.0.1.0/24', 1001] })),
      rec('VPCPeering', 'p', { permit: [{ 'vpc-1': { subnets: ['nope'] }, 'vpc-2': null }] }),
      rec('ExternalPeering', 'e', {
        permit: { vpc: { name: 'vpc-1', subnets: ['default'] }, external: { name: 'ext-1' } },
      }),
    ];
    expect(warningsOf(records, 'VPCPeering/default/p')).toEqual([
      'spec.permit[0].vpc-1.subnets: VPC "vpc-1" has no subnet "nope"',
      'spec.permit[0].vpc-2: VPC "vpc-2" is not defined in this fabric',
    ]);
    expect(warningsOf(records, 'ExternalPeering/default/e')).toEqual([
      'spec.permit.external.name: External "ext-1" is not defined in this fabric',
    ]);
  });

  it('flags an ExternalAttachment on a non-external connection or of the other mode', () => {
    const records = [
      rec('External', 'ext-1', { static: { prefixes: ['0.0.0.0/0'] } }),
      rec('Switch', 'border', hydratedLeaf(9, { role: 'border-leaf' })),
      rec('Connection', 'c', { external: { link: { switch: { port: 'border/E1/1' } } } }),
      rec('ExternalAttachment', 'a', {
        external: 'ext-1',
        connection: 'c',
        switch: { ip: '10.1.0.1/24' },
        neighbor: { asn: 65000, ip: '10.1.0.2' },
      }),
    ];
    expect(warningsOf(records, 'ExternalAttachment/default/a')).toEqual([
      'spec: External "ext-1" is static but this attachment is bgp; expected the same mode',
    ]);
  });
});

describe('crossValidate shared resources', () => {
  it('flags a port used by two Connections, counting E1/4 and E1/4/1 as one port', () => {
    const records = [
      rec('Server', 's1', {}),
      rec('Server', 's2', {}),
      // E1/4 of this profile breaks out, so E1/4/1 and E1/4/2 exist.
      rec('Switch', 'leaf-01', hydratedLeaf(1, { profile: 'dell-s5232f-on', portBreakouts: { 'E1/4': '4x25G' } })),
      rec('Connection', 'c1', unbundled('s1/enp2s1', 'leaf-01/E1/4')),
      rec('Connection', 'c2', unbundled('s2/enp2s1', 'leaf-01/E1/4/1')),
      rec('Connection', 'c3', unbundled('s2/enp2s2', 'leaf-01/E1/4/2')),
    ];
    expect(warningsOf(records, 'Connection/default/c1')).toEqual([
      'spec.unbundled.link.switch.port: port leaf-01/E1/4 is also used by Connection "c2"; expected a port used by one Connection',
    ]);
    expect(warningsOf(records, 'Connection/default/c2')).toEqual([
      'spec.unbundled.link.switch.port: port leaf-01/E1/4/1 is also used by Connection "c1"; expected a port used by one Connection',
    ]);
    expect(crossValidate(records).has('Connection/default/c3')).toBe(false);
  });

  it('flags overlapping subnets within a VPC and across VPCs of the same IPv4Namespace only', () => {
    const records = [
      rec('VPC', 'vpc-1', vpcSpec({ a: ['10.0.0.0/16', 1001], b: ['10.0.5.0/24', 1002] })),
      rec('VPC', 'vpc-2', vpcSpec({ default: ['10.0.9.0/24', 1003] })),
      rec('VPC', 'vpc-3', vpcSpec({ default: ['10.0.9.0/24', 1004] }, { ipv4Namespace: 'other' })),
      rec('IPv4Namespace', 'default', { subnets: ['10.0.0.0/8'] }),
      rec('IPv4Namespace', 'other', { subnets: ['10.0.0.0/8'] }),
    ];
    const w = crossValidate(records);
    const vpc1 = w.get('VPC/default/vpc-1')!.map((i) => i.message);
    expect(vpc1).toContain('spec.subnets.b.subnet: 10.0.5.0/24 overlaps subnet "a" (10.0.0.0/16) of this VPC');
    expect(vpc1).toContain(
      'spec.subnets.a.subnet: 10.0.0.0/16 overlaps VPC "vpc-2" subnet "default" (10.0.9.0/24) in IPv4Namespace "default"',
    );
    expect(w.get('VPC/default/vpc-2')!.map((i) => i.message)).toEqual([
      'spec.subnets.default.subnet: 10.0.9.0/24 overlaps VPC "vpc-1" subnet "a" (10.0.0.0/16) in IPv4Namespace "default"',
    ]);
    expect(w.has('VPC/default/vpc-3')).toBe(false);
  });

  it('flags a VLAN reused across VPCs of the same VLANNamespace', () => {
    const records = [
      rec('VPC', 'vpc-1', vpcSpec({ default: ['10.0.1.0/24', 1001] })),
      rec('VPC', 'vpc-2', vpcSpec({ default: ['10.0.2.0/24', 1001] })),
    ];
    expect(warningsOf(records, 'VPC/default/vpc-2')).toEqual([
      'spec.subnets.default.vlan: VLAN 1001 is also used by VPC "vpc-1" subnet "default" (VLANNamespace "default")',
    ]);
    expect(warningsOf(records, 'VPC/default/vpc-1')).toHaveLength(1);
  });

  it('flags subnets and VLANs outside their namespaces', () => {
    const records = [
      rec('VPC', 'vpc-1', vpcSpec({ default: ['192.168.1.0/24', 100] })),
      rec('IPv4Namespace', 'default', { subnets: ['10.0.0.0/16'] }),
      rec('VLANNamespace', 'default', { ranges: [{ from: 1000, to: 2999 }] }),
    ];
    expect(warningsOf(records, 'VPC/default/vpc-1')).toEqual([
      'spec.subnets.default.subnet: 192.168.1.0/24 is not inside any subnet of IPv4Namespace "default"',
      'spec.subnets.default.vlan: VLAN 100 is outside the ranges of VLANNamespace "default" (1000-2999); expected a VLAN inside them',
    ]);
  });

  it('flags duplicate switch ASNs and addresses', () => {
    const records = [
      rec('Switch', 'leaf-01', hydratedLeaf(1)),
      rec('Switch', 'leaf-02', hydratedLeaf(2, { asn: 65101 })),
    ];
    expect(warningsOf(records, 'Switch/default/leaf-02')).toEqual([
      'spec.asn: ASN 65101 is also used by Switch "leaf-01"',
    ]);
  });
});

describe('crossValidate document rules', () => {
  it('leaves per-object rules (name length, gateway) to validateDocument', () => {
    const vpc = vpcSpec({ default: ['10.0.1.0/24', 1001] });
    (vpc.subnets.default as Spec).gateway = '10.0.2.1';
    const w = crossValidate([rec('VPC', 'vpc-twelve-1', vpc), rec('External', 'default--5835', {})]);
    expect(w.has('VPC/default/vpc-twelve-1')).toBe(false);
    expect(w.has('External/default/default--5835')).toBe(false);
  });

  it('reports lint rules of the kinds with their field paths', () => {
    const conn = {
      mclag: { links: [1, 2].map((i) => ({ server: { port: `s/eth${i}` }, switch: { port: `l${i}/E1/1` } })) },
    };
    const w = crossValidate([rec('Connection', 'c', conn)]).get('Connection/default/c')!;
    expect(w[0]).toEqual({
      path: ['spec', 'mclag'],
      message:
        'spec.mclag: the mclag connection type: MCLAG is deprecated and no longer supported by the fabric, which skips its checks; use eslag instead (removed in Hedgehog release 26.03)',
    });
  });

  it('gives no hint where the fabric is silent (host bits in a VPC subnet are masked)', () => {
    const vpc = vpcSpec({ default: ['10.0.1.5/24', 1001] });
    expect(crossValidate([rec('VPC', 'vpc-1', vpc)]).get('VPC/default/vpc-1')).toBeUndefined();
  });
});
