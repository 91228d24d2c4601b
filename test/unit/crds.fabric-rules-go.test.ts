// The rules of fixtures/FABRIC-RULES.md checked again against the fabric's Go code (githedgehog/fabric
// 78827deb): Default() before Validate(), what the fabric accepts silently (no warning here either),
// the gateway kinds' rules across objects, the fabric mode, and hhfab's hydration checks. Each test
// is named after its rule; docs/FABRIC-RULES-STATUS.md maps every rule to its test.
import { describe, expect, it } from 'vitest';
import type { Spec } from '../../src/crds';
import { configFromFabricator, HEDGEHOG_DEFAULTS } from '../../src/crds/fabricConfig';
import { effectiveSpec } from '../../src/crds/validate';
import { configErrors, errors, kind, leaf, rec, unbundled, vpc, warningsOf } from '../helpers/crdRules';

const defaulted = (kindName: string, spec: Spec) => effectiveSpec(kind(kindName), spec);

describe('Default() before Validate(), for every kind that has one', () => {
  it('#6 VLANNamespace: a range whose `to` is 0 or absent means `from`', () => {
    expect(defaulted('VLANNamespace', { ranges: [{ from: 1000 }, { from: 2000, to: 0 }] }).ranges).toEqual([
      { from: 1000, to: 1000 },
      { from: 2000, to: 2000 },
    ]);
  });
  it('#19 Switch: vlanNamespaces default to ["default"], the redundancy group joins groups, link-flap defaults', () => {
    const spec = defaulted('Switch', {
      role: 'server-leaf',
      groups: ['rack-1'],
      redundancy: { group: 'eslag-1', type: 'eslag' },
      linkFlapErrDisable: {},
      portSpeeds: { 'E1/1': 'SPEED_25G' },
    });
    expect(spec.vlanNamespaces).toEqual(['default']);
    expect(spec.groups).toEqual(['eslag-1', 'rack-1']);
    expect(spec.linkFlapErrDisable).toEqual({ flapThreshold: 3, samplingInterval: 30, recoveryInterval: 300 });
    expect(spec.portSpeeds).toEqual({ 'E1/1': '25G' });
  });
  it('#58 VPC: namespaces "default", subnet gateway network+1, DHCP range network+2 to the last address', () => {
    const spec = defaulted('VPC', vpc({ dhcp: { enable: true, options: { dnsServers: ['1.1.1.1'] } } }));
    expect(spec.ipv4Namespace).toBe('default');
    expect(spec.vlanNamespace).toBe('default');
    const s = spec.subnets.default;
    expect(s.gateway).toBe('10.0.1.1');
    expect(s.dhcp.range).toEqual({ start: '10.0.1.2', end: '10.0.1.255' });
    expect(s.dhcp.options).toMatchObject({ interfaceMTU: 9036, leaseTimeSeconds: 3600 });
    // A hostBGP subnet gets no gateway.
    expect(defaulted('VPC', vpc({ hostBGP: true, vlan: null })).subnets.default.gateway).toBeUndefined();
  });
  it('#64 VPC: range and options of a disabled DHCP server are dropped by Default(), whatever they hold (accepted)', () => {
    const spec = vpc({ dhcp: { enable: false, range: { start: 'not-an-ip' }, options: { interfaceMTU: 50 } } });
    expect(errors('VPC', spec)).toEqual([]);
    expect(defaulted('VPC', spec).subnets.default.dhcp).toMatchObject({ range: null, options: null });
  });
  it('#76 VPCAttachment: a bare VPC name means its subnet "default"; "vpc/" names the subnet "" (not found)', () => {
    expect(defaulted('VPCAttachment', { subnet: 'vpc-1', connection: 'c' }).subnet).toBe('vpc-1/default');
    const records = [rec('VPC', 'vpc-1', vpc({})), rec('VPCAttachment', 'a', { subnet: 'vpc-1/', connection: 'c' })];
    expect(warningsOf(records, 'VPCAttachment/default/a')).toContain('spec.subnet: VPC "vpc-1" has no subnet ""');
  });
  it('External: the IPv4Namespace "default" when unset', () => {
    expect(defaulted('External', {}).ipv4Namespace).toBe('default');
  });
  it('Gateway: 4 workers, logs at info, rate limit 50/5 when set, the group "default"', () => {
    expect(defaulted('Gateway', { logs: { rateLimit: {} } })).toMatchObject({
      workers: 4,
      logs: { default: 'info', tags: { all: 'info' }, rateLimit: { burst: 50, replenishPerSecond: 5 } },
      groups: [{ name: 'default', priority: 0 }],
    });
  });
  it('GatewayPeering: with exactly two sides, the group "default", NAT idle timeouts 2m, ACL deny-unless-exposed, rule scope flow', () => {
    const spec = defaulted('GatewayPeering', {
      peering: {
        a: { expose: [{ ips: [{ cidr: '10.0.1.0/24' }], as: [{ cidr: '192.168.0.1/32' }], nat: { masquerade: {} } }] },
        b: { expose: [{ ips: [{ cidr: '10.0.2.0/24' }] }] },
      },
      acl: { rules: [{ from: 'a', action: 'allow' }] },
    });
    expect(spec.gatewayGroup).toBe('default');
    expect(spec.peering.a.expose[0].nat.masquerade).toEqual({ idleTimeout: '2m' });
    expect(spec.acl).toMatchObject({ default: 'deny-unless-exposed', rules: [{ scope: 'flow' }] });
    // With one side the fabric's Default() returns early.
    expect(defaulted('GatewayPeering', { peering: { a: {} } }).gatewayGroup).toBeUndefined();
  });
});

describe('per-object rules (errors)', () => {
  it('#6 VLANNamespace: from and to are VLANs 1-4094; a broken range makes Default() drop every range (accepted, warned)', () => {
    const dropped =
      "the fabric's Default() drops every range of a namespace with a broken one, so it stores this VLANNamespace without ranges (no VLAN fits it)";
    for (const [spec, warning] of [
      [{ ranges: [{ from: 0, to: 10 }] }, `spec.ranges[0].from: 0 is not a VLAN; expected 1-4094; ${dropped}`],
      [{ ranges: [{ to: 10 }] }, `spec.ranges[0].from: 0 is not a VLAN; expected 1-4094; ${dropped}`],
      [
        { ranges: [{ from: 1000 }, { from: 100, to: 4095 }] },
        `spec.ranges[1].to: 4095 is not a VLAN; expected 1-4094 (or 0: from); ${dropped}`,
      ],
      [{ ranges: [{ from: 5000 }] }, `spec.ranges[0].from: 5000 is not a VLAN; expected 1-4094; ${dropped}`],
    ] as const) {
      expect(errors('VLANNamespace', spec), JSON.stringify(spec)).toEqual([]);
      expect(defaulted('VLANNamespace', spec), JSON.stringify(spec)).toEqual({});
      expect(warningsOf([rec('VLANNamespace', 'v', spec)], 'VLANNamespace/default/v')).toEqual([warning]);
    }
    // The webhook decodes them as uint16: beyond that, or not an integer, the object is refused.
    expect(errors('VLANNamespace', { ranges: [{ from: 70000 }] })).toEqual([
      'spec.ranges[0].from: expected an integer 0-65535, got 70000',
    ]);
    expect(errors('VLANNamespace', { ranges: [{ from: 10, to: -1 }] })).toEqual([
      'spec.ranges[0].to: expected an integer 0-65535, got -1',
    ]);
    // maxItems 20 applies after Default(): 21 good ranges are refused, 21 with a broken one are not.
    const many = Array.from({ length: 21 }, (_, i) => ({ from: 10 * i + 1, to: 10 * i + 5 }));
    expect(errors('VLANNamespace', { ranges: many })).toEqual(['spec.ranges: has 21 ranges; expected at most 20']);
    expect(errors('VLANNamespace', { ranges: [...many.slice(1), { from: 4095 }] })).toEqual([]);
  });
  it('#6 #7 VLANNamespace: the ranges the fabric dropped hold no VLAN for VPCs and switches (warnings there)', () => {
    const records = [
      rec('VLANNamespace', 'default', {
        ranges: [
          { from: 1000, to: 1999 },
          { from: 3000, to: 2000 },
        ],
      }),
      rec('VPC', 'vpc-1', vpc({})),
    ];
    expect(warningsOf(records, 'VPC/default/vpc-1')).toEqual([
      'spec.subnets.default.vlan: VLAN 1001 is outside VLANNamespace "default", which the fabric holds without ranges; expected a namespace whose ranges hold it',
    ]);
    const ok = [rec('VLANNamespace', 'default', { ranges: [{ from: 1000, to: 1999 }] }), rec('VPC', 'vpc-1', vpc({}))];
    expect(warningsOf(ok, 'VPC/default/vpc-1')).toEqual([]);
  });
  it('#7 VLANNamespace: from <= to; a range with from > to makes Default() drop every range (accepted, warned)', () => {
    const spec = { ranges: [{ from: 2000, to: 1000 }] };
    expect(errors('VLANNamespace', spec)).toEqual([]);
    expect(defaulted('VLANNamespace', spec)).toEqual({});
    expect(warningsOf([rec('VLANNamespace', 'v', spec)], 'VLANNamespace/default/v')).toEqual([
      "spec.ranges[0]: from 2000 is above to 1000; expected from <= to; the fabric's Default() drops every range of a namespace with a broken one, so it stores this VLANNamespace without ranges (no VLAN fits it)",
    ]);
  });
  it('#23 Switch: redundancy type is mclag or eslag', () => {
    expect(errors('Switch', leaf({ redundancy: { group: 'g', type: 'lacp' } }))).toEqual([
      'spec.redundancy.type: expected "mclag", "eslag", got "lacp"',
    ]);
  });
  it('#25 Switch: linkFlapErrDisable ranges and portFECs values (CRD)', () => {
    expect(errors('Switch', leaf({ linkFlapErrDisable: { flapThreshold: 51 } }))).toEqual([
      'spec.linkFlapErrDisable.flapThreshold: expected an integer 1-50, got 51',
    ]);
    expect(errors('Switch', leaf({ portFECs: { 'E1/1': 'fast' } }))).toEqual([
      'spec.portFECs["E1/1"]: expected "rs", "fc", "auto", "disabled", got "fast"',
    ]);
  });
  it('#38 mesh: exactly 2 switches; gateway and vpcLoopback: 1 switch; unique ports', () => {
    const mesh = { mesh: { links: [{ leaf1: { port: 'leaf-01/E1/1' }, leaf2: { port: 'leaf-01/E1/2' } }] } };
    expect(errors('Connection', mesh)).toEqual(['spec.mesh: names 1 switch; a mesh connection must name 2']);
    const loop = {
      vpcLoopback: { links: [{ switch1: { port: 'leaf-01/E1/1' }, switch2: { port: 'leaf-02/E1/2' } }] },
    };
    expect(errors('Connection', loop)).toEqual([
      'spec.vpcLoopback: names 2 switches; a vpcLoopback connection must name 1',
    ]);
    const gw = {
      gateway: {
        links: [
          { switch: { port: 'leaf-01/E1/1' }, gateway: { port: 'gw-1/enp2s1' } },
          { switch: { port: 'leaf-01/E1/1' }, gateway: { port: 'gw-1/enp2s2' } },
        ],
      },
    };
    expect(errors('Connection', gw)).toEqual([
      'spec.gateway.links[1].switch.port: port leaf-01/E1/1 is already used at spec.gateway.links[0].switch.port; expected unique ports',
    ]);
  });
  it('#59 VPC: a VLAN is required unless hostBGP; the field is a uint16 (above 65535 refused, above 4094 left to the VLANNamespace)', () => {
    expect(errors('VPC', vpc({ vlan: 5000 }))).toEqual([]);
    expect(errors('VPC', vpc({ vlan: 70000 }))).toEqual([
      'spec.subnets.default.vlan: expected an integer 0-65535, got 70000',
    ]);
    expect(errors('VPC', vpc({ vlan: 0 }))).toEqual([
      'spec.subnets.default.vlan: expected an integer 1-4094 (required unless hostBGP is set), got 0',
    ]);
  });
  it('#58 VPC: the gateway of a hostBGP subnet is not looked at; elsewhere it must be an address inside the subnet', () => {
    expect(errors('VPC', vpc({ hostBGP: true, vlan: null, gateway: 'n/a' }))).toEqual([]);
    expect(errors('VPC', vpc({ gateway: 'n/a' }))).toEqual([
      'spec.subnets.default.gateway: "n/a" is not a valid IP address; expected an address inside 10.0.1.0/24',
    ]);
  });
  it('#60 VPC: VLANs unique inside the VPC, hostBGP subnets exempt', () => {
    const spec = {
      subnets: {
        a: { subnet: '10.0.1.0/24', vlan: 1001 },
        b: { subnet: '10.0.2.0/24', vlan: 1001, hostBGP: true },
      },
    };
    expect(errors('VPC', spec)).toEqual([]);
    expect(warningsOf([rec('VPC', 'v', spec)], 'VPC/default/v')).toEqual([]);
  });
  it('#67 VPC: advertised routes need a destination prefix and a gateway inside the subnet', () => {
    const spec = vpc({ dhcp: { enable: true, options: { advertisedRoutes: [{ gateway: '10.0.1.1' }] } } });
    expect(errors('VPC', spec)).toEqual([
      'spec.subnets.default.dhcp.options.advertisedRoutes[0].destination: is required (a prefix such as 10.10.0.0/16), got nothing',
    ]);
  });
  it('#68 VPC: a static lease with an empty IP', () => {
    const spec = vpc({ dhcp: { enable: true, static: { '0c:20:12:ff:00:01': { ip: '' } } } });
    expect(errors('VPC', spec)).toEqual([
      'spec.subnets.default.dhcp.static["0c:20:12:ff:00:01"].ip: is empty; expected an address inside the subnet',
    ]);
  });
  it('#97 ExternalAttachment: an ACL sequence number is a uint16', () => {
    const spec = {
      external: 'e',
      connection: 'c',
      switch: { ip: '10.0.0.1/31' },
      neighbor: { asn: 65000, ip: '10.0.0.0' },
      inboundACL: {
        statements: [{ seq: 70000, action: 'permit', protocol: 'ip', srcPrefix: 'any', dstPrefix: 'any' }],
      },
    };
    expect(errors('ExternalAttachment', spec)).toEqual([
      'spec.inboundACL.statements[0].seq: expected a sequence number 0-65535, got 70000',
    ]);
  });
});

describe('configuration rules (errors once the configuration is known)', () => {
  it('fabric mode: ESLAG and gateway connections only in spine-leaf mode', () => {
    const eslag = {
      eslag: {
        links: [
          { server: { port: 's/eth0' }, switch: { port: 'leaf-01/E1/1' } },
          { server: { port: 's/eth1' }, switch: { port: 'leaf-02/E1/1' } },
        ],
      },
    };
    expect(configErrors('Connection', eslag)).toEqual([]);
    const other = configFromFabricator({ spec: { config: { fabric: { mode: 'collapsed-core' } } } });
    expect(configErrors('Connection', eslag, other)).toEqual([
      'spec.eslag: a eslag connection is allowed only in spine-leaf mode; the fabric configuration\'s mode is "collapsed-core" (Fabricator spec.config.fabric.mode)',
    ]);
  });
  it('a Fabricator document: control.controlVIP, gateway communities and fabric mode are read', () => {
    const cfg = configFromFabricator({
      spec: {
        config: {
          control: { controlVIP: '172.30.0.9/32' },
          fabric: { mode: 'spine-leaf', vpcIRBVLANs: [{ from: 3000, to: 3999 }] },
          gateway: { enable: true, communities: { 0: '50001:0', 1: '50001:1' } },
        },
      },
    });
    expect(cfg).toMatchObject({
      controlVIP: '172.30.0.9/32',
      fabricMode: 'spine-leaf',
      gatewayCommunities: 2,
      enableGateway: true,
      // fabricator's Default() moves the old IRB default 3000-3999 to 3000-3899.
      vpcIRBVLANs: [{ from: 3000, to: 3899 }],
    });
    expect(configFromFabricator({}).gatewayCommunities).toBe(10);
  });
});

describe('rules across objects (warnings), as the fabric checks them', () => {
  it('#33 unique leaf ASN: an MCLAG peer is exempt itself but its ASN is taken for the others', () => {
    const records = [
      rec('Switch', 'a', leaf({ redundancy: { group: 'm', type: 'mclag' } })),
      rec('Switch', 'b', leaf({ ip: '172.30.0.12/21', protocolIP: '172.30.8.2/32', vtepIP: '172.30.12.2/32' })),
      rec('SwitchGroup', 'm', {}),
    ];
    expect(warningsOf(records, 'Switch/default/b')).toEqual(['spec.asn: ASN 65101 is also used by Switch "a"']);
    expect(warningsOf(records, 'Switch/default/a')).not.toContainEqual(expect.stringContaining('ASN 65101'));
  });
  it("#33 protocol and VTEP IPs are separate pools: one switch's protocol IP may equal another's VTEP IP", () => {
    const records = [
      rec('Switch', 'a', leaf()),
      rec(
        'Switch',
        'b',
        leaf({ asn: 65102, ip: '172.30.0.12/21', protocolIP: '172.30.12.9/32', vtepIP: '172.30.12.2/32' }),
      ),
    ];
    expect(warningsOf(records, 'Switch/default/b')).toEqual([
      "spec.protocolIP: 172.30.12.9/32 is not in the fabric's protocol subnet 172.30.8.0/22",
    ]);
    const dup = [rec('Switch', 'a', leaf()), rec('Switch', 'b', leaf({ asn: 65102, ip: '172.30.0.12/21' }))];
    expect(warningsOf(dup, 'Switch/default/b')).toEqual([
      'spec.protocolIP: protocol IP 172.30.8.1 is also used by Switch "a"',
      'spec.vtepIP: VTEP IP 172.30.12.1 is also used by Switch "a"',
    ]);
  });
  it('#49 link IPs: checked only when both ends of a link have one (hhfab may not have hydrated the link)', () => {
    const half = rec('Connection', 'f', {
      fabric: { links: [{ spine: { port: 'spine-01/E1/1', ip: '10.1.0.0/24' }, leaf: { port: 'leaf-01/E1/49' } }] },
    });
    const switches = ['spine-01', 'leaf-01'].map((n) => rec('Switch', n, { role: 'spine', profile: 'vs' }));
    const linkWarnings = (c: ReturnType<typeof rec>) =>
      warningsOf([c, ...switches], 'Connection/default/f').filter((m) => m.includes('.ip') || m.includes('/31'));
    expect(linkWarnings(half)).toEqual([]);
    const full = rec('Connection', 'f', {
      fabric: {
        links: [
          {
            spine: { port: 'spine-01/E1/1', ip: '172.30.128.0/31' },
            leaf: { port: 'leaf-01/E1/49', ip: '172.30.128.3/31' },
          },
        ],
      },
    });
    expect(linkWarnings(full)).toEqual([
      'spec.fabric.links[0]: spine IP 172.30.128.0/31 and leaf IP 172.30.128.3/31 are not in the same /31; expected both ends in one /31',
    ]);
  });
  it('#48 a port is used by one Connection; E1/50 and E1/50/1 inside one connection are not compared (the fabric skips itself)', () => {
    const spec = {
      bundled: {
        links: [
          { server: { port: 's/eth0' }, switch: { port: 'leaf-01/E1/50' } },
          { server: { port: 's/eth1' }, switch: { port: 'leaf-01/E1/50/1' } },
        ],
      },
    };
    expect(errors('Connection', spec)).toEqual([]);
    const records = [
      rec('Connection', 'c', spec),
      rec('Server', 's', {}),
      rec('Switch', 'leaf-01', leaf({ profile: 'dell-s5248f-on' })),
    ];
    expect(warningsOf(records, 'Connection/default/c')).toEqual([]);
  });
  it('#59 a VPC VLAN above 4094 is refused against any VLANNamespace (a warning, also without one in the fabric)', () => {
    expect(warningsOf([rec('VPC', 'v', vpc({ vlan: 5000 }))], 'VPC/default/v')).toEqual([
      'spec.subnets.default.vlan: VLAN 5000 is above 4094, so no VLANNamespace can hold it; the fabric refuses the VPC when it checks it against VLANNamespace "default"',
    ]);
  });
  it('#75 VLAN unique across VPCs of the VLANNamespace: a hostBGP subnet with a VLAN still takes it', () => {
    const records = [
      rec('VPC', 'a', vpc({})),
      rec('VPC', 'b', { subnets: { bgp: { subnet: '10.0.2.0/24', vlan: 1001, hostBGP: true } } }),
    ];
    expect(warningsOf(records, 'VPC/default/b')).toEqual([
      'spec.subnets.bgp.vlan: VLAN 1001 is also used by VPC "a" subnet "default" (VLANNamespace "default")',
    ]);
  });
  const attachRecords = (attachments: Spec[], sw: Spec = leaf()) => [
    rec('VPC', 'vpc-1', vpc({})),
    rec('Switch', 'leaf-01', sw),
    rec('Server', 'srv', {}),
    rec('Connection', 'c', unbundled('srv/eth0', 'leaf-01/E1/1')),
    ...attachments.map((a, i) => rec('VPCAttachment', `a${i}`, a)),
  ];
  it('#84 (connection, subnet) unique and one native VLAN per connection: every attachment of a clash is warned', () => {
    const records = attachRecords([
      { subnet: 'vpc-1', connection: 'c', nativeVLAN: true },
      { subnet: 'vpc-1/default', connection: 'c', nativeVLAN: true },
    ]);
    for (const [name, other] of [
      ['a0', 'a1'],
      ['a1', 'a0'],
    ])
      expect(warningsOf(records, `VPCAttachment/default/${name}`)).toEqual([
        `spec.subnet: the same subnet is attached to the same Connection by VPCAttachment "${other}"; expected one attachment per subnet and connection`,
        `spec.nativeVLAN: the Connection already has a native VLAN from VPCAttachment "${other}"; expected at most one per connection`,
      ]);
  });
  it('#83 the switch profile supports the VPC mode: an unknown profile refuses the attachment too', () => {
    const records = attachRecords([{ subnet: 'vpc-1', connection: 'c' }], leaf({ profile: 'my-box' }));
    expect(warningsOf(records, 'VPCAttachment/default/a0')).toEqual([
      'spec.connection: Switch "leaf-01" names SwitchProfile "my-box", which the fabric does not have; the fabric needs it to check the VPC mode',
    ]);
  });
  it("#78 the connection's switches exist", () => {
    const records = attachRecords([{ subnet: 'vpc-1', connection: 'c' }]).filter((r) => r.kind !== 'Switch');
    expect(warningsOf(records, 'VPCAttachment/default/a0')).toEqual([
      'spec.connection: Switch "leaf-01" of Connection "c" is not defined in this fabric',
    ]);
  });
  it('#99 ExternalAttachment: a VLAN once per connection, every attachment of a clash warned', () => {
    const att = {
      external: 'e',
      connection: 'x',
      switch: { ip: '10.0.0.1/31', vlan: 100 },
      neighbor: { asn: 65000, ip: '10.0.0.0' },
    };
    const records = [
      rec('External', 'e', {}),
      rec('Connection', 'x', { external: { link: { switch: { port: 'leaf-01/E1/5' } } } }),
      rec('ExternalAttachment', 'one', att),
      rec('ExternalAttachment', 'two', att),
    ];
    expect(warningsOf(records, 'ExternalAttachment/default/one')).toEqual([
      'spec: VLAN 100 on Connection "x" is also used by ExternalAttachment "two"; expected one attachment per VLAN and connection',
    ]);
    expect(warningsOf(records, 'ExternalAttachment/default/two')).toHaveLength(1);
  });
});

describe('rules that were already as the fabric has them, each with its test', () => {
  it('#16 SwitchGroup: metadata only', () => {
    expect(errors('SwitchGroup', {})).toEqual([]);
    expect(errors('SwitchGroup', { anything: 'kept' })).toEqual([]);
  });
  it('#46 the switches of an eslag connection share one redundancy group of type eslag (a switch without redundancy passes)', () => {
    const eslag = {
      eslag: {
        links: [
          { server: { port: 's/eth0' }, switch: { port: 'a/E1/1' } },
          { server: { port: 's/eth1' }, switch: { port: 'b/E1/1' } },
        ],
      },
    };
    const records = (a: Spec, b: Spec) => [
      rec('Connection', 'c', eslag),
      rec('Server', 's', {}),
      rec('SwitchGroup', 'g1', {}),
      rec('SwitchGroup', 'g2', {}),
      rec('Switch', 'a', leaf({ ...a })),
      rec(
        'Switch',
        'b',
        leaf({ asn: 65102, ip: '172.30.0.12/21', protocolIP: '172.30.8.2/32', vtepIP: '172.30.12.2/32', ...b }),
      ),
    ];
    const eslagWarnings = (a: Spec, b: Spec) =>
      warningsOf(records(a, b), 'Connection/default/c').filter((m) => m.startsWith('spec.eslag:'));
    const g1 = { redundancy: { group: 'g1', type: 'eslag' } };
    expect(eslagWarnings(g1, g1)).toEqual([]);
    expect(eslagWarnings(g1, {})).toEqual([]);
    expect(eslagWarnings(g1, { redundancy: { group: 'g2', type: 'eslag' } })).toEqual([
      'spec.eslag: its switches are in different redundancy groups (g1, g2); expected the switches of an eslag connection to share one redundancy group of type eslag',
    ]);
    expect(eslagWarnings({}, {})).toEqual([
      'spec.eslag: none of its switches is in a redundancy group; expected the switches of an eslag connection to share one redundancy group of type eslag',
    ]);
  });
  it('#51 a staticExternal withinVPC names an existing VPC', () => {
    const conn = {
      staticExternal: {
        link: { switch: { port: 'leaf-01/E1/5', ip: '10.99.0.1/24', nextHop: '10.99.0.2' } },
        withinVPC: 'vpc-9',
      },
    };
    expect(
      warningsOf([rec('Connection', 'c', conn), rec('Switch', 'leaf-01', leaf())], 'Connection/default/c'),
    ).toEqual(['spec.staticExternal.withinVPC: VPC "vpc-9" is not defined in this fabric']);
  });
  it('#54 VPC mode is "" (l2vni) or l3vni; l3flat is refused', () => {
    expect(errors('VPC', vpc({}, { mode: 'l3vni' }))).toEqual([]);
    expect(errors('VPC', vpc({}, { mode: 'l3flat' }))).toEqual([
      'spec.mode: expected "" (l2vni) or "l3vni", got "l3flat"',
    ]);
  });
  it("#82 the switches of an attached connection list the VPC's VLANNamespace", () => {
    const records = [
      rec('VPC', 'vpc-1', vpc({}, { vlanNamespace: 'tenant' })),
      rec('VLANNamespace', 'tenant', { ranges: [{ from: 1000, to: 1999 }] }),
      rec('Switch', 'leaf-01', leaf()),
      rec('Server', 'srv', {}),
      rec('Connection', 'c', unbundled('srv/eth0', 'leaf-01/E1/1')),
      rec('VPCAttachment', 'a', { subnet: 'vpc-1', connection: 'c' }),
    ];
    expect(warningsOf(records, 'VPCAttachment/default/a')).toEqual([
      'spec.connection: Switch "leaf-01" does not list VLANNamespace "tenant" used by VPC "vpc-1"',
    ]);
  });
  it('#87 VPCPeering: permit 1-10 entries, subnets 1-10 (CRD)', () => {
    expect(errors('VPCPeering', { permit: [] })).toEqual(['spec.permit: expected at least 1 item, got a list']);
    expect(errors('VPCPeering', { permit: [{ a: { subnets: [] }, b: {} }] })).toEqual([
      'spec.permit[0].a.subnets: expected at least 1 item, got a list',
    ]);
  });
  it('#94 ExternalAttachment: external and connection are required', () => {
    expect(
      errors('ExternalAttachment', { switch: { ip: '10.0.0.1/31' }, neighbor: { asn: 1, ip: '10.0.0.0' } }),
    ).toEqual(['spec.external is required', 'spec.connection is required']);
  });
  it('#101 ExternalPeering: the VPC and the External share an IPv4Namespace', () => {
    const records = [
      rec('VPC', 'vpc-1', vpc({})),
      rec('External', 'ext-1', { ipv4Namespace: 'other' }),
      rec('IPv4Namespace', 'other', {}),
      rec('ExternalPeering', 'p', { permit: { vpc: { name: 'vpc-1' }, external: { name: 'ext-1' } } }),
    ];
    expect(warningsOf(records, 'ExternalPeering/default/p')).toEqual([
      'spec.permit: VPC "vpc-1" (IPv4Namespace default) and External "ext-1" (IPv4Namespace other) must share an IPv4Namespace',
    ]);
  });
});

describe('deprecations (PROFILES.md §6)', () => {
  it('#39 MCLAG connections: a warning naming ESLAG and the removing release, other checks skipped', () => {
    const spec = {
      mclag: {
        links: [
          { server: { port: 's/eth0' }, switch: { port: 'x/E1/1' } },
          { server: { port: 's/eth0' }, switch: { port: 'x/E1/1' } },
        ],
      },
    };
    expect(errors('Connection', spec)).toEqual([]);
    expect(warningsOf([rec('Connection', 'c', spec)], 'Connection/default/c')).toEqual([
      'spec.mclag: the mclag connection type: MCLAG is deprecated and no longer supported by the fabric, which skips its checks; use eslag instead (removed in Hedgehog release 26.03)',
    ]);
  });
  it('#85 a non-empty VPCPeering.spec.remote is an error naming what to use instead', () => {
    const spec = { permit: [{ a: {}, b: {} }], remote: 'border' };
    expect(errors('VPCPeering', spec)[0]).toMatch(/remote field is deprecated.*expected it empty \(peer through/);
  });
});

describe('Gateway (PROFILES.md §5)', () => {
  const gw = (extra: Spec = {}) => ({
    protocolIP: '172.30.8.20/32',
    vtepIP: '172.30.12.20/32',
    vtepMAC: '0c:20:12:fe:00:01',
    asn: 65534,
    interfaces: { enp2s1: { ips: ['172.30.128.11/31'] } },
    neighbors: [{ ip: '172.30.128.10', asn: 65100 }],
    ...extra,
  });
  it('vtepIP is a unicast IPv4 /32: not loopback, multicast or unspecified', () => {
    expect(errors('Gateway', gw({ vtepIP: '224.0.0.5/32' }))).toEqual([
      'spec.vtepIP: 224.0.0.5/32 is a multicast address; expected a unicast IPv4 address',
    ]);
    expect(errors('Gateway', gw({ vtepIP: '0.0.0.0/32' }))).toEqual([
      'spec.vtepIP: 0.0.0.0/32 is the unspecified address; expected a unicast IPv4 address',
    ]);
    expect(errors('Gateway', gw({ vtepIP: '127.0.0.2/32' }))).toEqual([
      'spec.vtepIP: 127.0.0.2/32 is a loopback address; expected a unicast IPv4 address',
    ]);
  });
  it('an interface PCI address is domain:bus:device.function with the device up to 1f', () => {
    const pci = (value: string) => gw({ interfaces: { enp2s1: { pci: value, ips: ['10.0.0.1/31'] } } });
    expect(errors('Gateway', pci('0000:02:1f.7'))).toEqual([]);
    expect(errors('Gateway', pci('0000:02:3f.0'))).toEqual([
      'spec.interfaces.enp2s1.pci: "0000:02:3f.0" is not a PCI address; expected domain:bus:device.function such as 0000:02:00.0 (device up to 1f, function up to 7)',
    ]);
  });
  it('a neighbor is a unicast IPv4 address with a non-zero ASN', () => {
    expect(errors('Gateway', gw({ neighbors: [{ ip: '239.1.1.1', asn: 0 }] }))).toEqual([
      "spec.neighbors[0].ip: 239.1.1.1 is a multicast address; expected the neighbor's unicast address",
      'spec.neighbors[0].asn: is 0; expected a non-zero ASN',
    ]);
  });
  it("protocol and VTEP IPs are not used by a Switch; a Switch does not reuse a Gateway's", () => {
    const records = [rec('Gateway', 'g', gw({ protocolIP: '172.30.8.1/32' })), rec('Switch', 'leaf-01', leaf())];
    expect(warningsOf(records, 'Gateway/default/g')).toEqual([
      'spec.protocolIP: protocol IP 172.30.8.1 is also used by Switch "leaf-01"',
    ]);
    expect(warningsOf(records, 'Switch/default/leaf-01')).toEqual([
      'spec.protocolIP: protocol IP 172.30.8.1 is also used by Gateway "g"',
    ]);
    // With the gateway off, the fabric does not count the Gateways' addresses for Switches.
    const off = configFromFabricator({ spec: { config: { gateway: { enable: false } } } });
    expect(warningsOf(records, 'Switch/default/leaf-01', off)).toEqual([]);
  });
  it('VTEP MACs are unique among Gateways, whatever their spelling', () => {
    const records = [
      rec('Gateway', 'g1', gw()),
      rec(
        'Gateway',
        'g2',
        gw({ protocolIP: '172.30.8.21/32', vtepIP: '172.30.12.21/32', vtepMAC: '0C-20-12-FE-00-01' }),
      ),
    ];
    expect(warningsOf(records, 'Gateway/default/g2')).toEqual([
      'spec.vtepMAC: VTEP MAC 0c:20:12:fe:00:01 is also used by Gateway "g1"',
    ]);
  });
  it('a GatewayGroup holds at most as many Gateways as the fabric has gateway communities', () => {
    const cfg = { ...HEDGEHOG_DEFAULTS, gatewayCommunities: 2 };
    const records = [1, 2, 3].map((i) =>
      rec(
        'Gateway',
        `g${i}`,
        gw({ protocolIP: `172.30.8.${20 + i}/32`, vtepIP: `172.30.12.${20 + i}/32`, vtepMAC: `0c:20:12:fe:00:0${i}` }),
      ),
    );
    expect(warningsOf(records, 'Gateway/default/g1', cfg)).toEqual([
      'spec.groups: GatewayGroup "default" has 3 gateways; the fabric allows at most 2 (one per gateway community)',
    ]);
    expect(warningsOf(records.slice(0, 2), 'Gateway/default/g1', cfg)).toEqual([]);
  });
  it('hhfab hydration: the gateway ASN, protocol and VTEP subnets of the fabric', () => {
    const spec = gw({ asn: 65000, protocolIP: '10.0.0.1/32', vtepIP: '10.0.1.1/32' });
    expect(warningsOf([rec('Gateway', 'g', spec)], 'Gateway/default/g')).toEqual([
      "spec.asn: 65000 is not the fabric's gateway ASN 65534; expected 65534",
      "spec.protocolIP: 10.0.0.1/32 is not in the fabric's protocol subnet 172.30.8.0/22; expected an address inside it",
      "spec.vtepIP: 10.0.1.1/32 is not in the fabric's VTEP subnet 172.30.12.0/22; expected an address inside it",
    ]);
  });
  it("a gateway Connection's gateway side is free-form: a missing Gateway is no warning", () => {
    const conn = {
      gateway: { links: [{ switch: { port: 'spine-01/E1/5' }, gateway: { port: 'gateway-1/enp2s1' } }] },
    };
    expect(
      warningsOf(
        [rec('Connection', 'c', conn), rec('Switch', 'spine-01', { role: 'spine', profile: 'vs' })],
        'Connection/default/c',
      ),
    ).toEqual([]);
  });
});

describe('GatewayPeering (PROFILES.md §5)', () => {
  const side = (expose: Spec[]) => ({ expose });
  const cidr = (c: string) => ({ ips: [{ cidr: c }] });
  it('a NAT kind set to null is not set (as in Go)', () => {
    const spec = {
      peering: {
        a: side([{ ...cidr('10.0.1.0/24'), as: [{ cidr: '192.168.0.1/32' }], nat: { masquerade: null } }]),
        b: side([cidr('10.0.2.0/24')]),
      },
    };
    expect(errors('GatewayPeering', spec)).toEqual([
      'spec.peering.a.expose[0].nat: sets no kind; expected exactly one of masquerade, portForward, static',
    ]);
  });
  it('port-forward and ACL ports: a port or range 1-65535 as the fabric parses them ("+80", "80 - 90" accepted)', () => {
    const pf = (port: string) => ({
      peering: {
        a: side([
          {
            ...cidr('10.0.1.0/24'),
            as: [{ cidr: '192.168.0.1/32' }],
            nat: { portForward: { ports: [{ port, as: '80' }] } },
          },
        ]),
        b: side([cidr('10.0.2.0/24')]),
      },
    });
    expect(errors('GatewayPeering', pf('+80'))).toEqual([]);
    expect(errors('GatewayPeering', pf('80 - 90'))).toEqual([]);
    expect(errors('GatewayPeering', pf('0'))).toEqual([
      'spec.peering.a.expose[0].nat.portForward.ports[0].port: "0" is not a port 1-65535; expected N or A-B within 1-65535',
    ]);
    expect(errors('GatewayPeering', pf(' 80'))[0]).toContain('has leading or trailing spaces');
    expect(errors('GatewayPeering', pf('90-80'))[0]).toContain('starts above its end');
    const acl = {
      peering: { a: side([cidr('10.0.1.0/24')]), b: side([cidr('10.0.2.0/24')]) },
      acl: { default: 'deny', rules: [{ from: 'a', action: 'allow', match: { dst: [{ ports: ['22,80'] }] } }] },
    };
    expect(errors('GatewayPeering', acl)).toEqual([
      'spec.acl.rules[0].match.dst[0].ports[0]: "22,80" is a list; expected a single port or range; expected N or A-B within 1-65535',
    ]);
  });
  it('port numbers are strings in the CRD: an unquoted port is refused', () => {
    const spec = {
      peering: {
        a: side([
          {
            ...cidr('10.0.1.0/24'),
            as: [{ cidr: '192.168.0.1/32' }],
            nat: { portForward: { ports: [{ port: 80, as: '80' }] } },
          },
        ]),
        b: side([cidr('10.0.2.0/24')]),
      },
    };
    expect(errors('GatewayPeering', spec)).toEqual([
      'spec.peering.a.expose[0].nat.portForward.ports[0].port: expected a string, got 80',
    ]);
  });
  const vpcs = [
    rec('VPC', 'vpc-1', vpc({})),
    rec('VPC', 'vpc-2', {
      subnets: { default: { subnet: '10.0.2.0/24', vlan: 1002 }, web: { subnet: '10.0.3.0/24', vlan: 1003 } },
    }),
    rec('VPC', 'vpc-3', { subnets: { default: { subnet: '10.0.4.0/24', vlan: 1004 } } }),
  ];
  it("an exposed CIDR of a VPC side lies in one of the VPC's subnets", () => {
    const p = rec('GatewayPeering', 'p', {
      peering: { 'vpc-1': side([cidr('10.9.0.0/24')]), 'vpc-2': side([cidr('10.0.2.0/24')]) },
    });
    expect(warningsOf([...vpcs, p], 'GatewayPeering/default/p')).toEqual([
      'spec.peering.vpc-1.expose[0].ips[0].cidr: 10.9.0.0/24 is not part of VPC "vpc-1" (its subnets: 10.0.1.0/24); expected a CIDR inside one of them',
    ]);
  });
  it('what two peerings expose toward one VPC does not overlap; a vpcSubnet or not entry cannot be compared', () => {
    const p1 = rec('GatewayPeering', 'p1', {
      peering: { 'vpc-1': side([cidr('10.0.1.0/24')]), 'vpc-2': side([cidr('10.0.2.0/24')]) },
    });
    const p2 = rec('GatewayPeering', 'p2', {
      peering: { 'vpc-3': side([cidr('10.0.4.0/24')]), 'vpc-2': side([cidr('10.0.3.0/24')]) },
    });
    expect(warningsOf([...vpcs, p1, p2], 'GatewayPeering/default/p1')).toEqual([]);
    const clash = rec('GatewayPeering', 'p2', {
      peering: { 'vpc-3': side([cidr('10.0.4.0/24')]), 'vpc-2': side([cidr('10.0.2.0/25')]) },
    });
    // vpc-2 exposes 10.0.2.0/24 toward vpc-1 in p1 and 10.0.2.0/25 toward vpc-3 in p2: different targets, no clash.
    expect(warningsOf([...vpcs, p1, clash], 'GatewayPeering/default/p1')).toEqual([]);
    const sameTarget = rec('GatewayPeering', 'p3', {
      peering: { 'vpc-3': side([cidr('10.0.4.0/24')]), 'vpc-1': side([cidr('10.0.1.128/25')]) },
    });
    // vpc-1 exposes 10.0.1.0/24 toward vpc-2 (p1) and 10.0.1.128/25 toward vpc-3 (p3): no clash; but
    // toward vpc-1, p1's vpc-2 and p3's vpc-3 expose disjoint CIDRs: none either.
    expect(warningsOf([...vpcs, p1, sameTarget], 'GatewayPeering/default/p3')).toEqual([]);
    const overlapping = rec('GatewayPeering', 'p4', {
      peering: { 'vpc-3': side([cidr('10.0.2.0/24')]), 'vpc-1': side([cidr('10.0.1.0/24')]) },
    });
    expect(warningsOf([...vpcs, p1, overlapping], 'GatewayPeering/default/p4')).toContain(
      'spec.peering.vpc-3.expose: exposes toward "vpc-1" what another peering exposes toward it: 10.0.2.0/24 overlaps 10.0.2.0/24 of GatewayPeering "p1"; expected no overlap',
    );
    const quirk = rec('GatewayPeering', 'p5', {
      peering: { 'vpc-3': side([{ ips: [{ vpcSubnet: 'default' }] }]), 'vpc-1': side([cidr('10.0.1.0/24')]) },
    });
    expect(warningsOf([...vpcs, p1, quirk], 'GatewayPeering/default/p5')[0]).toMatch(
      /^spec\.peering\.vpc-3\.expose: a not or vpcSubnet entry.*GatewayPeering "p1".*failed to parse exposed CIDR/,
    );
  });
  it('ACL vpcSubnets exist in the VPC of their side (src: from, dst: to); an External side has none', () => {
    const p = rec('GatewayPeering', 'p', {
      peering: { 'vpc-1': side([cidr('10.0.1.0/24')]), 'ext.edge': side([{ default: true }]) },
      acl: {
        rules: [
          { from: 'vpc-1', action: 'allow', match: { src: [{ vpcSubnet: 'web' }], dst: [{ vpcSubnet: 'default' }] } },
        ],
      },
    });
    expect(warningsOf([...vpcs, rec('External', 'edge', {}), p], 'GatewayPeering/default/p')).toEqual([
      'spec.acl.rules[0].match.src[0].vpcSubnet: VPC "vpc-1" has no subnet "web" (the rule\'s source side); expected one of default',
      'spec.acl.rules[0].match.dst[0].vpcSubnet: "default" is a destination VPC subnet, but the rule\'s destination side "ext.edge" is an External; expected a cidr there',
    ]);
  });
});

describe('SwitchProfile documents (PROFILES.md §2)', () => {
  it('a copy of a built-in profile equals it when fields at their zero value are left out or written out', async () => {
    const { switchProfile } = await import('../../src/crds/switchProfiles');
    const builtin = structuredClone(switchProfile('vs')) as unknown as Spec;
    const copy = { ...builtin, notes: '', otherNames: [], features: { ...builtin.features, acls: false } };
    const k = kind('SwitchProfile');
    expect(k.checkConfig!(copy, HEDGEHOG_DEFAULTS, { name: 'vs', annotations: {} })).toEqual([]);
  });
});

// Where the fabric parses with netip.ParsePrefix/ParseAddr or net.ParseCIDR/ParseIP and no CRD
// pattern or Is4() check restricts the field, IPv6 passes its per-object check; what cannot work
// against other objects is a warning only where the fabric's webhook refuses it.
describe('IPv6 forms, as the fabric parses them (never stricter)', () => {
  const se = (subnets: string[], sw: Spec = {}) => ({
    staticExternal: {
      link: { switch: { port: 'leaf-01/E1/1', ip: '10.99.0.1/24', nextHop: '10.99.0.2', subnets, ...sw } },
    },
  });
  const v6vpc = (extra: Spec = {}, top: Spec = {}) => ({
    subnets: { default: { subnet: '2001:db8::/29', vlan: 1001, ...extra } },
    ...top,
  });
  const ea = (extra: Spec) => ({ external: 'e', connection: 'c', switch: {}, neighbor: {}, ...extra });
  const acl = (stmt: Spec) =>
    ea({
      switch: { ip: '10.0.0.1/31' },
      neighbor: { asn: 65000, ip: '10.0.0.0' },
      inboundACL: {
        statements: [{ seq: 10, action: 'permit', protocol: 'ip', srcPrefix: 'any', dstPrefix: 'any', ...stmt }],
      },
    });
  const gwPeering = (cidr: string) => ({
    gatewayGroup: 'default',
    peering: { 'vpc-1': { expose: [{ ips: [{ cidr }] }] }, 'ext.edge': { expose: [{ default: true }] } },
  });

  it('#11 IPv4Namespace: IPv6 subnets parse (netip.ParsePrefix), overlap within their family, never with reserved IPv4 subnets', () => {
    expect(errors('IPv4Namespace', { subnets: ['10.0.0.0/16', '2001:db8::/32', 'fd00::5/8'] })).toEqual([]);
    expect(configErrors('IPv4Namespace', { subnets: ['2001:db8::/32', '::/0'] })).toEqual([]);
    expect(errors('IPv4Namespace', { subnets: ['2001:db8::/32', '2001:db8:5::/48'] })).toEqual([
      'spec.subnets[1]: 2001:db8:5::/48 overlaps 2001:db8::/32 of this namespace; expected subnets that do not overlap',
    ]);
    for (const bad of ['2001:db8::/129', 'fe80::%eth0/64', '2001:db8:::/32', '2001:db8::/032', '2001:db8::'])
      expect(errors('IPv4Namespace', { subnets: [bad] }), bad).toEqual([
        `spec.subnets[0]: expected an IP prefix such as 10.0.1.0/24 or 2001:db8::/32, got "${bad}"`,
      ]);
  });
  it('#43 staticExternal subnets: IPv6 accepted, canonical as for IPv4; only the text 0.0.0.0/0 is the default route', () => {
    expect(errors('Connection', se(['2001:db8::/32', '10.10.0.0/16']))).toEqual([]);
    expect(errors('Connection', se(['::/0', '10.10.0.0/16']))).toEqual([]);
    expect(configErrors('Connection', se(['2001:db8::/32']))).toEqual([]);
    expect(errors('Connection', se(['2001:db8::1/32']))).toEqual([
      'spec.staticExternal.link.switch.subnets[0]: 2001:db8::1/32 has host bits set; expected a canonical prefix such as 2001:db8::/32',
    ]);
    expect(errors('Connection', se(['::/0', '2001:db8::/32']))).toEqual([
      'spec.staticExternal.link.switch.subnets[1]: 2001:db8::/32 overlaps ::/0; expected subnets that do not overlap',
    ]);
    expect(errors('Connection', se(['2001:db8::/33/1']))[0]).toContain('expected an IP prefix');
    // ip and nextHop carry IPv4 patterns in the CRD: IPv6 stays refused there.
    expect(errors('Connection', se([], { ip: '2001:db8::1/64' }))[0]).toContain('expected an IPv4 CIDR');
  });
  it('#55 VPC: an IPv6 subnet parses; at most /30 applies to it too; defaults as the fabric computes them', () => {
    expect(errors('VPC', v6vpc())).toEqual([]);
    const spec = defaulted('VPC', v6vpc({ dhcp: { enable: true } }));
    expect(spec.subnets.default).toMatchObject({
      gateway: '2001:db8::1',
      dhcp: { range: { start: '2001:db8::2', end: '2001:dbf:ffff:ffff:ffff:ffff:ffff:ffff' } },
    });
    expect(errors('VPC', v6vpc({ dhcp: { enable: true } }))).toEqual([]);
    expect(errors('VPC', v6vpc({ subnet: '2001:db8::/64' }))).toEqual([
      'spec.subnets.default.subnet: 2001:db8::/64 is a /64; expected /30 or larger',
    ]);
    expect(errors('VPC', v6vpc({ gateway: '10.0.1.1' }))).toEqual([
      'spec.subnets.default.gateway: 10.0.1.1 is not inside 2001:db8::/29; expected an address in the subnet',
    ]);
    expect(errors('VPC', v6vpc({ subnet: '2001:db8::g/29' }))[0]).toContain('expected an IP prefix');
    // IPv4 and IPv6 subnets of one VPC never overlap; two IPv6 ones can.
    expect(
      errors('VPC', { subnets: { a: { subnet: '2001:db8::/29', vlan: 1 }, b: { subnet: '10.0.1.0/24', vlan: 2 } } }),
    ).toEqual([]);
    expect(
      errors('VPC', { subnets: { a: { subnet: '2001:db8::/29', vlan: 1 }, b: { subnet: '2001:db9::/30', vlan: 2 } } }),
    ).toEqual([
      'spec.subnets.b.subnet: 2001:db9::/30 overlaps subnet "a" (2001:db8::/29); expected subnets that do not overlap',
    ]);
  });
  it("#55 #72 VPC: an IPv6 subnet against an IPv4Namespace without IPv6 subnets is the webhook's refusal (warning)", () => {
    const ns = (subnets: string[]) => rec('IPv4Namespace', 'default', { subnets });
    expect(warningsOf([ns(['10.0.0.0/16']), rec('VPC', 'v6', v6vpc())], 'VPC/default/v6')).toEqual([
      'spec.subnets.default.subnet: 2001:db8::/29 is not inside any subnet of IPv4Namespace "default", which has no IPv6 subnet; expected one that holds it',
    ]);
    expect(warningsOf([ns(['10.0.0.0/16', '2001:db8::/16']), rec('VPC', 'v6', v6vpc())], 'VPC/default/v6')).toEqual([]);
    const two = [
      ns(['2001:db8::/16']),
      rec('VPC', 'a', v6vpc()),
      rec('VPC', 'b', v6vpc({ subnet: '2001:db9::/30', vlan: 1002 })),
    ];
    expect(warningsOf(two, 'VPC/default/b')).toEqual([
      'spec.subnets.default.subnet: 2001:db9::/30 overlaps VPC "a" subnet "default" (2001:db8::/29) in IPv4Namespace "default"',
    ]);
  });
  it('#63 VPC: a DHCP relay is any prefix netip parses, IPv6 included', () => {
    expect(errors('VPC', vpc({ dhcp: { relay: '2001:db8::200/128' } }))).toEqual([]);
    expect(errors('VPC', vpc({ dhcp: { relay: '2001:db8::200' } }))).toEqual([
      'spec.subnets.default.dhcp.relay: "2001:db8::200" is not a prefix; expected one such as 10.20.20.200/32 or 2001:db8::200/128',
    ]);
  });
  it('#66 VPC: DHCP DNS and time servers are any address netip parses (a zone too), not a loose look-alike', () => {
    const dns = (servers: string[]) => vpc({ dhcp: { enable: true, options: { dnsServers: servers } } });
    expect(errors('VPC', dns(['2001:db8::53', 'fe80::1%eth0', '::ffff:10.0.0.53']))).toEqual([]);
    expect(errors('VPC', dns(['2001:db8:::53']))).toEqual([
      'spec.subnets.default.dhcp.options.dnsServers[0]: "2001:db8:::53" is not an IP address; expected one such as 10.0.1.2 or 2001:db8::53',
    ]);
    expect(errors('VPC', dns(['1:2:3']))).toHaveLength(1);
  });
  it('#67 VPC: advertised routes take an IPv6 destination; the gateway must be inside the subnet, of its family', () => {
    const routes = (subnet: Spec, route: Spec) => ({
      ...subnet,
      dhcp: { enable: true, options: { advertisedRoutes: [route] } },
    });
    expect(errors('VPC', vpc(routes({}, { destination: '2001:db9::/32', gateway: '10.0.1.1' })))).toEqual([]);
    expect(errors('VPC', v6vpc(routes({}, { destination: '10.9.0.0/16', gateway: '2001:db8::1' })))).toEqual([]);
    expect(errors('VPC', vpc(routes({}, { destination: '10.9.0.0/16', gateway: '2001:db8::1' })))).toEqual([
      'spec.subnets.default.dhcp.options.advertisedRoutes[0].gateway: 2001:db8::1 is not inside 10.0.1.0/24; expected an address in the subnet',
    ]);
    expect(errors('VPC', vpc(routes({}, { destination: '2001:db9::/320', gateway: '10.0.1.1' })))).toEqual([
      'spec.subnets.default.dhcp.options.advertisedRoutes[0].destination: "2001:db9::/320" is not a prefix; expected one such as 10.10.0.0/16 or 2001:db8::/32',
    ]);
  });
  it('#68 VPC: static leases in an IPv6 subnet; the gateway and broadcast are compared as Go spells them', () => {
    const lease = (ip: string) => v6vpc({ dhcp: { enable: true, static: { 'aa:bb:cc:dd:ee:01': { ip } } } });
    expect(errors('VPC', lease('2001:db8::10'))).toEqual([]);
    expect(errors('VPC', lease('2001:db8::1'))).toEqual([
      'spec.subnets.default.dhcp.static["aa:bb:cc:dd:ee:01"].ip: 2001:db8::1 is the subnet\'s gateway; expected another address',
    ]);
    // The fabric compares text: another spelling of the gateway passes.
    expect(errors('VPC', lease('2001:DB8::1'))).toEqual([]);
    expect(errors('VPC', lease('2001:dbf:ffff:ffff:ffff:ffff:ffff:ffff'))[0]).toContain(
      "the subnet's broadcast address",
    );
  });
  it('#70 VPC: static routes take a canonical IPv6 prefix', () => {
    const route = (prefix: string) => vpc({}, { staticRoutes: [{ prefix, nextHops: ['10.0.1.10'] }] });
    expect(errors('VPC', route('2001:db8::/32'))).toEqual([]);
    expect(errors('VPC', route('2001:db8::1/32'))).toEqual([
      'spec.staticRoutes[0].prefix: 2001:db8::1/32 has host bits set; expected a canonical prefix such as 2001:db8::/32',
    ]);
    expect(errors('VPC', route('2001:db8::/33x'))[0]).toContain('expected an IP prefix');
  });
  it('#91 External: static prefixes of either family; IPv6 ones overlap among themselves only', () => {
    const ext = (prefixes: string[]) => ({ static: { prefixes } });
    expect(errors('External', ext(['2001:db8::/32', '10.0.0.0/8']))).toEqual([]);
    expect(errors('External', ext(['2001:db8::1/32']))).toEqual([]);
    expect(errors('External', ext(['2001:db8::/32', '2001:db8:1::/48']))).toEqual([
      'spec.static.prefixes[1]: 2001:db8:1::/48 overlaps 2001:db8::/32; expected prefixes that do not overlap',
    ]);
    expect(errors('External', ext(['2001:db8::g/32']))[0]).toContain('expected an IP prefix');
  });
  it('#95 ExternalAttachment BGP: switch.ip is net.ParseCIDR, neighbor.ip net.ParseIP: IPv6 accepted, no zone', () => {
    const bgp = (sw: string, neighbor: string) => ea({ switch: { ip: sw }, neighbor: { asn: 65000, ip: neighbor } });
    expect(errors('ExternalAttachment', bgp('2001:db8::1/64', '2001:db8::2'))).toEqual([]);
    expect(errors('ExternalAttachment', bgp('10.0.0.1/031', '10.0.0.0'))).toEqual([]);
    expect(errors('ExternalAttachment', bgp('2001:db8::1', '2001:db8::2'))).toEqual([
      'spec.switch.ip: expected an IP address with a prefix length, such as 10.0.1.1/24 or 2001:db8::1/64, got "2001:db8::1"',
    ]);
    expect(errors('ExternalAttachment', bgp('2001:db8::1/64', 'fe80::2%eth0'))).toEqual([
      'spec.neighbor.ip: expected an IP address such as 10.0.1.1 or 2001:db8::1, got "fe80::2%eth0"',
    ]);
  });
  it('#96 ExternalAttachment static: remoteIP is netip.ParseAddr (a zone allowed), static.ip net.ParseCIDR', () => {
    const st = (s: Spec) => ea({ static: s });
    expect(errors('ExternalAttachment', st({ remoteIP: 'fe80::1%eth0', ip: '2001:db8::1/64' }))).toEqual([]);
    expect(errors('ExternalAttachment', st({ remoteIP: '2001:db8::1', proxy: true }))).toEqual([]);
    expect(errors('ExternalAttachment', st({ remoteIP: '2001:db8::g', proxy: true }))).toEqual([
      'spec.static.remoteIP: expected an IP address such as 10.0.1.1 or 2001:db8::1, got "2001:db8::g"',
    ]);
    expect(errors('ExternalAttachment', st({ remoteIP: '2001:db8::1', ip: 'fe80::1%eth0/64' }))[0]).toContain(
      'expected an IP address with a prefix length',
    );
  });
  it('#97 ExternalAttachment ACL: prefixes are "any" or net.ParseCIDR, IPv6 included', () => {
    expect(errors('ExternalAttachment', acl({ srcPrefix: '2001:db8::/32', dstPrefix: '2001:db8::5/64' }))).toEqual([]);
    expect(errors('ExternalAttachment', acl({ srcPrefix: '2001:db8::/129' }))).toEqual([
      'spec.inboundACL.statements[0].srcPrefix: expected "any" or an IP prefix such as 10.0.0.0/8 or 2001:db8::/32, got "2001:db8::/129"',
    ]);
  });
  it("GatewayPeering: CIDRs are netip.ParsePrefix (IPv6 too); an IPv6 CIDR outside the VPC's subnets is the webhook's refusal (warning)", () => {
    expect(errors('GatewayPeering', gwPeering('2001:db8::/48'))).toEqual([]);
    expect(errors('GatewayPeering', gwPeering('2001:db8::/129'))).toEqual([
      'spec.peering.vpc-1.expose[0].ips[0].cidr: "2001:db8::/129" is not a valid CIDR; expected one such as 10.0.1.0/24 or 2001:db8::/32',
    ]);
    const records = (cidr: string) => [
      rec('GatewayGroup', 'default', {}),
      rec('External', 'edge', {}),
      rec('VPC', 'vpc-1', v6vpc({}, {})),
      rec('GatewayPeering', 'p', gwPeering(cidr)),
    ];
    expect(warningsOf(records('2001:db8:1::/48'), 'GatewayPeering/default/p')).toEqual([]);
    expect(warningsOf(records('10.0.1.0/24'), 'GatewayPeering/default/p')).toEqual([
      'spec.peering.vpc-1.expose[0].ips[0].cidr: 10.0.1.0/24 is not part of VPC "vpc-1" (its subnets: 2001:db8::/29); expected a CIDR inside one of them',
    ]);
  });
});
