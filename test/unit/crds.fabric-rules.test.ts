// One test per rule of fixtures/FABRIC-RULES.md that the project brought to the fabric's behaviour,
// named after the rule's number and text. Per-object rules are errors (validateDocument),
// configuration rules are errors once the configuration is known (checkConfig), cross-object rules
// and hydration fields are warnings (crossValidate).
import { describe, expect, it } from 'vitest';
import type { Spec } from '../../src/crds';
import { configFromFabricator, HEDGEHOG_DEFAULTS } from '../../src/crds/fabricConfig';
import { crossValidate, effectiveSpec } from '../../src/crds/validate';
import { configErrors, errors, kind, leaf, rec, unbundled, vpc, warningsOf } from '../helpers/crdRules';

describe('VLANNamespace', () => {
  it('#5 ranges are optional; 1-20 items when present', () => {
    expect(errors('VLANNamespace', {})).toEqual([]);
    expect(errors('VLANNamespace', { ranges: [] })).toEqual(['spec.ranges: expected at least 1 item, got a list']);
  });
  it('#8 ranges of one namespace do not overlap (error)', () => {
    expect(
      errors('VLANNamespace', {
        ranges: [
          { from: 100, to: 200 },
          { from: 150, to: 300 },
        ],
      }),
    ).toEqual([
      'spec.ranges[1]: 150-300 overlaps range 100-200 of this namespace; expected ranges that do not overlap',
    ]);
  });
  it('#9 no overlap with the IRB / TH5 reserved VLANs of the fabric configuration (error)', () => {
    expect(configErrors('VLANNamespace', { ranges: [{ from: 3800, to: 3850 }] })).toEqual([
      "spec.ranges[0]: 3800-3850 overlaps the fabric's VPC IRB VLANs 3000-3899; expected VLANs outside them",
    ]);
    expect(configErrors('VLANNamespace', { ranges: [{ from: 3950 }] })).toEqual([
      'spec.ranges[0]: 3950 overlaps the VLANs 3900-3999 reserved for the TH5 workaround; expected VLANs outside them',
    ]);
    const moved = configFromFabricator({ spec: { config: { fabric: { vpcIRBVLANs: [{ from: 2000, to: 2099 }] } } } });
    expect(configErrors('VLANNamespace', { ranges: [{ from: 3800, to: 3850 }] }, moved)).toEqual([]);
    expect(configErrors('VLANNamespace', { ranges: [{ from: 2050 }] }, moved)).toHaveLength(1);
  });
});

describe('IPv4Namespace', () => {
  it('#10 name at most 11 characters (error)', () => {
    expect(errors('IPv4Namespace', {}, { name: 'ipns-twelve1' })).toEqual([
      'metadata.name: "ipns-twelve1" is 12 characters; the fabric allows at most 11 for an IPv4Namespace (it becomes a VRF name)',
    ]);
  });
  it('#11 subnets parse; host bits are masked, not rejected, and not warned about (the fabric is silent)', () => {
    expect(errors('IPv4Namespace', { subnets: ['10.0.0.5/16'] })).toEqual([]);
    expect(warningsOf([rec('IPv4Namespace', 'a', { subnets: ['10.0.0.5/16'] })], 'IPv4Namespace/default/a')).toEqual(
      [],
    );
    expect(errors('IPv4Namespace', { subnets: ['10.0.0.0/33'] })).toEqual([
      'spec.subnets[0]: expected an IP prefix such as 10.0.1.0/24 or 2001:db8::/32, got "10.0.0.0/33"',
    ]);
  });
  it('#12 at most 10 subnets (error)', () => {
    const subnets = Array.from({ length: 11 }, (_, i) => `10.${i}.0.0/16`);
    expect(errors('IPv4Namespace', { subnets })).toEqual([
      'spec.subnets: 11 subnets; the fabric allows at most 10 in an IPv4Namespace',
    ]);
  });
  it('#13 subnets do not overlap (error)', () => {
    expect(errors('IPv4Namespace', { subnets: ['10.0.0.0/8', '10.1.0.0/16'] })).toEqual([
      'spec.subnets[1]: 10.1.0.0/16 overlaps 10.0.0.0/8 of this namespace; expected subnets that do not overlap',
    ]);
  });
  it('#14 no overlap with the reserved subnets of the fabric configuration (error)', () => {
    expect(configErrors('IPv4Namespace', { subnets: ['172.30.0.0/16'] })[0]).toBe(
      "spec.subnets[0]: 172.30.0.0/16 overlaps the fabric's management subnet 172.30.0.0/21; expected a subnet outside the reserved ones",
    );
  });
  it('#15 subnets are optional', () => {
    expect(errors('IPv4Namespace', {})).toEqual([]);
  });
});

describe('Switch', () => {
  it('#20 asn, ip, protocolIP (and vtepIP on leaves) absent: warnings, since hhfab hydrates them', () => {
    expect(errors('Switch', { role: 'server-leaf', profile: 'vs' })).toEqual([]);
    expect(warningsOf([rec('Switch', 's', { role: 'server-leaf', profile: 'vs' })], 'Switch/default/s')).toEqual([
      'spec.asn: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.ip: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.protocolIP: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.vtepIP: missing; for a leaf in spine-leaf mode it will be required by the fabric; usually filled by hhfab build',
    ]);
  });
  it('#21 no vtepIP on a spine (error)', () => {
    expect(errors('Switch', { role: 'spine', profile: 'vs', vtepIP: '172.30.12.1/32' })).toEqual([
      'spec.vtepIP: 172.30.12.1/32 is set on a spine; expected no VTEP IP on spine switches',
    ]);
  });
  it('#22 profile required (error)', () => {
    expect(errors('Switch', { role: 'spine' })).toEqual([
      'spec.profile: is required (the name of a SwitchProfile, e.g. "vs"), got nothing',
    ]);
  });
  it('#24 redundancy group and type set together (error)', () => {
    expect(errors('Switch', { role: 'server-leaf', profile: 'vs', redundancy: { group: 'eslag-1' } })).toEqual([
      'spec.redundancy.type: is required with redundancy group "eslag-1" (eslag), got nothing',
    ]);
    expect(errors('Switch', { role: 'server-leaf', profile: 'vs', redundancy: { type: 'eslag' } })).toEqual([
      'spec.redundancy.group: is required with redundancy type eslag, got nothing',
    ]);
  });
  it('#26 mclag redundancy: a deprecation warning naming ESLAG and the removing release', () => {
    const sw = rec('Switch', 's', leaf({ redundancy: { group: 'm', type: 'mclag' } }));
    expect(warningsOf([sw, rec('SwitchGroup', 'm', {})], 'Switch/default/s')).toEqual([
      'spec.redundancy.type: MCLAG is deprecated and no longer supported by the fabric; use ESLAG instead (removed in Hedgehog release 26.03)',
    ]);
  });
  it('#29 an unknown profile is a warning', () => {
    expect(warningsOf([rec('Switch', 's', leaf({ profile: 'my-box' }))], 'Switch/default/s')).toEqual([
      'spec.profile: SwitchProfile "my-box" is not one of the fabric\'s built-in profiles (e.g. "vs", "dell-s5248f-on"); expected a built-in profile name',
    ]);
  });
  it('#32 hydration fields, when present, are checked against the fabric configuration (warnings)', () => {
    const sw = leaf({ ip: '172.30.5.1/21', protocolIP: '10.0.0.1/32', vtepIP: '172.30.12.1/24', asn: 64000 });
    expect(warningsOf([rec('Switch', 's', sw)], 'Switch/default/s')).toEqual([
      'spec.ip: 172.30.5.1/21 is in the management DHCP range starting at 172.30.4.0; expected an address below it',
      "spec.protocolIP: 10.0.0.1/32 is not in the fabric's protocol subnet 172.30.8.0/22",
      'spec.vtepIP: 172.30.12.1/24 is a /24; expected a /32',
      "spec.asn: 64000 is outside the fabric's leaf ASN range 65101-65533",
    ]);
    const spine = { role: 'spine', profile: 'vs', asn: 65200, ip: '172.30.0.2/21', protocolIP: '172.30.8.9/32' };
    expect(warningsOf([rec('Switch', 'sp', spine)], 'Switch/default/sp')).toEqual([
      "spec.asn: 65200 is not the fabric's spine ASN 65100",
    ]);
  });
  it('#33 unique leaf ASN and VTEP IP, with the MCLAG exemption', () => {
    const a = rec('Switch', 'a', leaf({ redundancy: { group: 'm', type: 'mclag' } }));
    const b = rec(
      'Switch',
      'b',
      leaf({ ip: '172.30.0.12/21', protocolIP: '172.30.8.2/32', redundancy: { group: 'm', type: 'mclag' } }),
    );
    const w = crossValidate([a, b, rec('SwitchGroup', 'm', {})]);
    expect((w.get('Switch/default/b') ?? []).filter((i) => i.message.includes('also used'))).toEqual([]);
  });
  it('#33 the MCLAG exemption is the MCLAG switch’s own: a leaf taking an MCLAG peer’s ASN or VTEP IP is warned', () => {
    const m = rec('Switch', 'm1', leaf({ redundancy: { group: 'm', type: 'mclag' } }));
    const other = rec('Switch', 'o', leaf({ ip: '172.30.0.12/21', protocolIP: '172.30.8.2/32' }));
    const w = crossValidate([m, other, rec('SwitchGroup', 'm', {})]);
    expect((w.get('Switch/default/o') ?? []).map((i) => i.message)).toEqual([
      'spec.asn: ASN 65101 is also used by Switch "m1"',
      'spec.vtepIP: VTEP IP 172.30.12.1 is also used by Switch "m1"',
    ]);
    expect((w.get('Switch/default/m1') ?? []).filter((i) => i.message.includes('also used'))).toEqual([]);
  });
  it('#33 protocol and VTEP IPs are separate pools: a protocolIP equal to another switch’s vtepIP is accepted', () => {
    const a = leaf({ protocolIP: '172.30.8.1/32', vtepIP: '172.30.12.1/32' });
    const b = leaf({ asn: 65102, ip: '172.30.0.12/21', protocolIP: '172.30.12.1/32', vtepIP: '172.30.12.2/32' });
    const w = crossValidate([rec('Switch', 'a', a), rec('Switch', 'b', b)]);
    for (const key of ['Switch/default/a', 'Switch/default/b'])
      expect((w.get(key) ?? []).filter((i) => i.message.includes('also used'))).toEqual([]);
  });
});

describe('Connection', () => {
  it("#34 exactly one type: a second type key is ignored, as the fabric's if/else chain does (accepted, no warning)", () => {
    const spec = { ...unbundled('srv/eth0', 'leaf-01/E1/1'), external: { link: { switch: { port: 'leaf-01/E1/2' } } } };
    expect(errors('Connection', spec)).toEqual([]);
    expect(warningsOf([rec('Connection', 'c', spec)], 'Connection/default/c')).not.toContainEqual(
      expect.stringContaining('connection types'),
    );
    expect(errors('Connection', {})).toEqual([
      'spec: expected exactly one connection type (unbundled, bundled, eslag, mclag, mclagDomain, fabric, mesh, gateway, vpcLoopback, external, staticExternal), found none',
    ]);
  });
  it('#36 unbundled/bundled: one switch, one server, unique ports (error)', () => {
    const spec = {
      bundled: {
        links: [
          { server: { port: 'srv/eth0' }, switch: { port: 'leaf-01/E1/1' } },
          { server: { port: 'srv/eth1' }, switch: { port: 'leaf-02/E1/1' } },
        ],
      },
    };
    expect(errors('Connection', spec)).toEqual(['spec.bundled: names 2 switches; a bundled connection must name 1']);
    const dup = {
      bundled: {
        links: [
          { server: { port: 'srv/eth0' }, switch: { port: 'leaf-01/E1/1' } },
          { server: { port: 'srv/eth1' }, switch: { port: 'leaf-01/E1/1' } },
        ],
      },
    };
    expect(errors('Connection', dup)).toEqual([
      'spec.bundled.links[1].switch.port: port leaf-01/E1/1 is already used at spec.bundled.links[0].switch.port; expected unique ports',
    ]);
  });
  it('#37 eslag: 1-4 switches, 1 server (error)', () => {
    const links = ['a', 'b', 'c', 'd', 'e'].map((s, i) => ({
      server: { port: `srv/eth${i}` },
      switch: { port: `${s}/E1/1` },
    }));
    expect(errors('Connection', { eslag: { links } })).toEqual([
      'spec.eslag: names 5 switches; a eslag connection must name 1-4',
    ]);
  });
  it('#38 fabric: exactly 2 switches (error)', () => {
    const spec = { fabric: { links: [{ spine: { port: 'spine-01/E1/1' }, leaf: { port: 'spine-01/E1/2' } }] } };
    expect(errors('Connection', spec)).toEqual(['spec.fabric: names 1 switch; a fabric connection must name 2']);
  });
  it('#39 mclag: a deprecation warning naming ESLAG, other checks skipped', () => {
    const spec = {
      mclag: {
        links: [
          { server: { port: 's/e0' }, switch: { port: 'a/E1/1' } },
          { server: { port: 's2/e0' }, switch: { port: 'a/E1/1' } },
        ],
      },
    };
    expect(errors('Connection', spec)).toEqual([]);
    expect(warningsOf([rec('Connection', 'c', spec)], 'Connection/default/c')[0]).toContain(
      'use eslag instead (removed in Hedgehog release 26.03)',
    );
  });
  it('#41 server-facing MTU at most fabric MTU minus the offset (error)', () => {
    expect(configErrors('Connection', unbundled('srv/eth0', 'leaf-01/E1/1', { mtu: 9100 }))).toEqual([
      'spec.unbundled.mtu: 9100 is above the server-facing MTU 9036 (fabric MTU 9100 - offset 64); expected at most 9036',
    ]);
    expect(configErrors('Connection', unbundled('srv/eth0', 'leaf-01/E1/1', { mtu: 9036 }))).toEqual([]);
  });
  it('#42 staticExternal: ip and nextHop present, nextHop inside ip (error)', () => {
    const se = (sw: Spec) => ({ staticExternal: { link: { switch: { port: 'leaf-01/E1/1', ...sw } } } });
    expect(errors('Connection', se({}))).toEqual([
      'spec.staticExternal.link.switch.ip: is required (an IPv4 CIDR such as 10.99.0.1/24), got nothing',
      'spec.staticExternal.link.switch.nextHop: is required (an IPv4 address inside ip), got nothing',
    ]);
    expect(errors('Connection', se({ ip: '10.99.0.1/24', nextHop: '10.98.0.1' }))).toEqual([
      'spec.staticExternal.link.switch.nextHop: 10.98.0.1 is not inside 10.99.0.1/24; expected an address in it',
    ]);
  });
  it('#43 staticExternal subnets canonical, 0.0.0.0/0 alone, no overlap (error)', () => {
    const se = (subnets: string[]) => ({
      staticExternal: { link: { switch: { port: 'leaf-01/E1/1', ip: '10.99.0.1/24', nextHop: '10.99.0.2', subnets } } },
    });
    expect(errors('Connection', se(['10.1.0.5/16']))).toEqual([
      'spec.staticExternal.link.switch.subnets[0]: 10.1.0.5/16 has host bits set; expected a canonical prefix such as 10.1.0.0/16',
    ]);
    expect(errors('Connection', se(['0.0.0.0/0', '10.0.0.0/8']))[0]).toContain('expected the default route alone');
    expect(errors('Connection', se(['10.0.0.0/8', '10.1.0.0/16']))[0]).toContain('overlaps 10.0.0.0/8');
  });
  it('#44 staticExternal subnets outside the reserved subnets (error)', () => {
    const spec = {
      staticExternal: {
        link: { switch: { port: 'l/E1/1', ip: '10.99.0.1/24', nextHop: '10.99.0.2', subnets: ['172.30.128.0/24'] } },
      },
    };
    expect(configErrors('Connection', spec)[0]).toContain("overlaps the fabric's fabric subnet 172.30.128.0/17");
  });
});

describe('VPC', () => {
  it('#52 name at most 11 characters and not starting with "ext." (error)', () => {
    expect(errors('VPC', vpc({}), { name: 'vpc-twelve-1' })[0]).toContain('at most 11 for a VPC');
    expect(errors('VPC', vpc({}), { name: 'ext.a' })).toEqual([
      'metadata.name: "ext.a" starts with "ext."; expected a name without it (reserved for Externals)',
    ]);
  });
  it('#53 1-20 subnets (error)', () => {
    expect(errors('VPC', {})).toEqual(['spec.subnets: is empty; expected at least one subnet']);
  });
  it('#56 prefix length at most /30 (error)', () => {
    expect(errors('VPC', vpc({ subnet: '10.0.1.0/31' }))).toEqual([
      'spec.subnets.default.subnet: 10.0.1.0/31 is a /31; expected /30 or larger',
    ]);
  });
  it('#57 no overlap with the reserved subnets (error)', () => {
    expect(configErrors('VPC', vpc({ subnet: '172.30.8.0/24' }))).toEqual([
      "spec.subnets.default.subnet: 172.30.8.0/24 overlaps the fabric's protocol subnet 172.30.8.0/22; expected a subnet outside the reserved ones",
    ]);
  });
  it('#58 gateway defaults to network+1 and must be inside the subnet (error)', () => {
    expect(errors('VPC', vpc({ gateway: '10.0.2.1' }))).toEqual([
      'spec.subnets.default.gateway: 10.0.2.1 is not inside 10.0.1.0/24; expected an address in the subnet',
    ]);
    // Defaulted: the DHCP range may not start at the defaulted gateway 10.0.1.1.
    expect(errors('VPC', vpc({ dhcp: { enable: true, range: { start: '10.0.1.1' } } }))).toEqual([
      "spec.subnets.default.dhcp.range.start: 10.0.1.1 is the subnet's gateway; expected another address",
    ]);
  });
  it('#60 VLANs unique inside the VPC (error)', () => {
    const spec = { subnets: { a: { subnet: '10.0.1.0/24', vlan: 1001 }, b: { subnet: '10.0.2.0/24', vlan: 1001 } } };
    expect(errors('VPC', spec)).toEqual([
      'spec.subnets.b.vlan: 1001 is also the VLAN of subnet "a"; expected a VLAN per subnet (duplicate subnet VLANs)',
    ]);
  });
  it('#61 subnets of one VPC do not overlap (error)', () => {
    const spec = { subnets: { a: { subnet: '10.0.0.0/16', vlan: 1001 }, b: { subnet: '10.0.2.0/24', vlan: 1002 } } };
    expect(errors('VPC', spec)).toEqual([
      'spec.subnets.b.subnet: 10.0.2.0/24 overlaps subnet "a" (10.0.0.0/16); expected subnets that do not overlap',
    ]);
  });
  it('#62 hostBGP: no DHCP (error)', () => {
    expect(errors('VPC', vpc({ hostBGP: true, vlan: null, dhcp: { enable: true } }))).toEqual([
      'spec.subnets.default.dhcp.enable: is true on a hostBGP subnet; expected no DHCP server there',
    ]);
  });
  it('#63 relay and enable exclusive; relayVPC needs relay; relay is a prefix (error)', () => {
    expect(errors('VPC', vpc({ dhcp: { enable: true, relay: '10.9.9.9/32' } }))[0]).toContain(
      'expected either a DHCP relay or the DHCP server',
    );
    expect(errors('VPC', vpc({ dhcp: { relay: '10.9.9.9' } }))).toEqual([
      'spec.subnets.default.dhcp.relay: "10.9.9.9" is not a prefix; expected one such as 10.20.20.200/32 or 2001:db8::200/128',
    ]);
    expect(errors('VPC', vpc({ dhcp: { relayVPC: 'v2' } }))[0]).toContain('is set without dhcp.relay');
  });
  it('#64 range and options with DHCP disabled are dropped (accepted); static leases are refused', () => {
    expect(errors('VPC', vpc({ dhcp: { range: { start: '10.0.1.10' }, options: { interfaceMTU: 50 } } }))).toEqual([]);
    expect(errors('VPC', vpc({ dhcp: { static: { '0c:20:12:ff:00:01': { ip: '10.0.1.9' } } } }))).toEqual([
      'spec.subnets.default.dhcp.static: static leases are set while dhcp.enable is not true; expected enable: true with them',
    ]);
  });
  it('#65 DHCP range inside the subnet, not the network or gateway, start < end (error)', () => {
    const range = (start: string, end: string) => vpc({ dhcp: { enable: true, range: { start, end } } });
    expect(errors('VPC', range('10.0.1.0', '10.0.1.9'))[0]).toContain("is the subnet's network address");
    expect(errors('VPC', range('10.0.1.50', '10.0.1.10'))).toEqual([
      'spec.subnets.default.dhcp.range: start 10.0.1.50 is not below end 10.0.1.10; expected start < end',
    ]);
    expect(errors('VPC', range('10.0.1.10', '10.0.2.10'))).toEqual([
      'spec.subnets.default.dhcp.range.end: 10.0.2.10 is not inside 10.0.1.0/24',
    ]);
    expect(errors('VPC', vpc({ dhcp: { enable: true } }))).toEqual([]);
  });
  it('#66 DHCP options: IPv6 server addresses accepted, MTU 96-9036 once defaulted', () => {
    const opts = (options: Spec) => vpc({ dhcp: { enable: true, options } });
    expect(errors('VPC', opts({ dnsServers: ['2001:db8::53', '10.0.0.53'] }))).toEqual([]);
    expect(errors('VPC', opts({ dnsServers: ['dns.example'] }))[0]).toContain('"dns.example" is not an IP address');
    expect(errors('VPC', opts({ interfaceMTU: 50 }))).toEqual([
      'spec.subnets.default.dhcp.options.interfaceMTU: 50 is out of range; expected 96-9036',
    ]);
    expect(errors('VPC', opts({ interfaceMTU: 0, leaseTimeSeconds: 0 }))).toEqual([]);
  });
  it('#67 advertised route gateway inside the subnet (error)', () => {
    const spec = vpc({
      dhcp: { enable: true, options: { advertisedRoutes: [{ destination: '10.8.0.0/16', gateway: '10.9.0.1' }] } },
    });
    expect(errors('VPC', spec)).toEqual([
      'spec.subnets.default.dhcp.options.advertisedRoutes[0].gateway: 10.9.0.1 is not inside 10.0.1.0/24; expected an address in the subnet',
    ]);
  });
  it('#68 static leases: inside, not network/gateway/broadcast, unique (error)', () => {
    const leases = (s: Record<string, string>) =>
      vpc({ dhcp: { enable: true, static: Object.fromEntries(Object.entries(s).map(([m, ip]) => [m, { ip }])) } });
    expect(errors('VPC', leases({ '0c:20:12:ff:00:01': '10.0.1.255' }))[0]).toContain(
      "is the subnet's broadcast address",
    );
    expect(errors('VPC', leases({ '0c:20:12:ff:00:01': '10.0.1.1' }))[0]).toContain("is the subnet's gateway");
    expect(errors('VPC', leases({ '0c:20:12:ff:00:01': '10.0.1.7', '0c:20:12:ff:00:02': '10.0.1.7' }))).toEqual([
      'spec.subnets.default.dhcp.static["0c:20:12:ff:00:02"].ip: 10.0.1.7 is already leased to 0c:20:12:ff:00:01; expected one MAC per address',
    ]);
  });
  it('#69 permit lists: at least 2 distinct existing subnets (error)', () => {
    const spec = (permit: string[][]) => ({
      subnets: { a: { subnet: '10.0.1.0/24', vlan: 1001 }, b: { subnet: '10.0.2.0/24', vlan: 1002 } },
      permit,
    });
    expect(errors('VPC', spec([['a']]))).toEqual(['spec.permit[0]: names 1 subnet(s); expected at least 2']);
    expect(errors('VPC', spec([['a', 'c']]))).toEqual([
      'spec.permit[0]: names subnet "c", which this VPC does not have; expected one of "a", "b"',
    ]);
    expect(errors('VPC', spec([['a', 'b', 'a']]))).toEqual([
      'spec.permit[0]: names subnet "a" twice; expected distinct subnets',
    ]);
  });
  it('#70 static routes: canonical prefix; next hops are not parsed', () => {
    expect(errors('VPC', vpc({}, { staticRoutes: [{ prefix: '10.8.0.0/16', nextHops: ['next-hop-name'] }] }))).toEqual(
      [],
    );
    expect(errors('VPC', vpc({}, { staticRoutes: [{ prefix: '10.8.0.1/16', nextHops: ['10.0.1.5'] }] }))).toEqual([
      'spec.staticRoutes[0].prefix: 10.8.0.1/16 has host bits set; expected a canonical prefix such as 10.8.0.0/16',
    ]);
  });
});

describe('VPCAttachment, VPCPeering', () => {
  it('#76 a bare VPC name means its subnet "default"', () => {
    expect(effectiveSpec(kind('VPCAttachment'), { subnet: 'vpc-1', connection: 'c' }).subnet).toBe('vpc-1/default');
  });
  it('#77 the p2p-link annotation is an IPv4 /31 (error)', () => {
    const meta = (v: string) => ({ name: 'a', annotations: { 'fabric.githedgehog.com/p2p-link': v } });
    expect(errors('VPCAttachment', { subnet: 'v/default', connection: 'c' }, meta('172.30.5.0/31'))).toEqual([]);
    expect(errors('VPCAttachment', { subnet: 'v/default', connection: 'c' }, meta('172.30.5.0/30'))).toEqual([
      'metadata.annotations["fabric.githedgehog.com/p2p-link"]: "172.30.5.0/30" is not an IPv4 /31 prefix; expected one such as 172.30.5.0/31',
    ]);
  });
  it('#85 a non-empty remote is refused (error), naming what to use instead', () => {
    expect(errors('VPCPeering', { permit: [{ a: {}, b: {} }], remote: 'border' })[0]).toContain(
      'the remote field is deprecated and no longer supported by the fabric',
    );
  });
});

describe('External, ExternalAttachment, ExternalPeering', () => {
  it('#89 name at most 11 characters (error)', () => {
    expect(errors('External', {}, { name: 'default--5835' })[0]).toContain('at most 11 for an External');
  });
  it('#90 communities ASN16:VAL16 without leading zeros (error)', () => {
    expect(errors('External', { inboundCommunity: '0655:1' })[0]).toContain('expected a BGP community');
    expect(errors('External', { inboundCommunity: '65102:5000' })).toEqual([]);
  });
  it('#91 static: no communities, at least one prefix, no overlap (error)', () => {
    expect(errors('External', { static: { prefixes: [] } })).toEqual([
      'spec.static.prefixes: is empty; a static External needs at least one prefix',
    ]);
    expect(errors('External', { static: { prefixes: ['10.0.0.0/8', '10.1.0.0/16'] } })[0]).toContain(
      'overlaps 10.0.0.0/8',
    );
    expect(errors('External', { static: { prefixes: ['10.0.0.0/8'] }, outboundCommunity: '1:1' })[0]).toContain(
      'set on a static External',
    );
  });
  it('#93 spec.switch and spec.neighbor required by the CRD', () => {
    expect(
      errors('ExternalAttachment', { external: 'e', connection: 'c', static: { remoteIP: '10.0.0.1', proxy: true } }),
    ).toEqual(['spec.switch is required', 'spec.neighbor is required']);
  });
  it('#95 BGP: switch.ip, neighbor.asn and neighbor.ip required (error)', () => {
    expect(errors('ExternalAttachment', { external: 'e', connection: 'c', switch: {}, neighbor: {} })).toEqual([
      'spec.switch.ip: is required for a BGP attachment (an IP address with its prefix length), got nothing',
      'spec.neighbor.asn: is required for a BGP attachment (a non-zero ASN), got nothing',
      'spec.neighbor.ip: is required for a BGP attachment (an IP address), got nothing',
    ]);
  });
  it('#96 static: switch/neighbor empty, exactly one of ip/proxy (error)', () => {
    const st = (s: Spec, sw: Spec = {}) => ({
      external: 'e',
      connection: 'c',
      switch: sw,
      neighbor: {},
      static: { remoteIP: '10.0.0.1', ...s },
    });
    expect(errors('ExternalAttachment', st({}))).toEqual([
      'spec.static: has neither ip nor proxy: true; expected exactly one of them',
    ]);
    expect(errors('ExternalAttachment', st({ proxy: true }, { vlan: 100 }))[0]).toContain('expected them empty');
  });
  const acl = (stmt: Spec) => ({
    external: 'e',
    connection: 'c',
    switch: { ip: '10.0.0.1/31' },
    neighbor: { asn: 65000, ip: '10.0.0.0' },
    inboundACL: {
      statements: [{ seq: 10, action: 'permit', protocol: 'tcp', srcPrefix: 'any', dstPrefix: 'any', ...stmt }],
    },
  });
  it('#97 ACL: seq at least 10 and unique, tcp/icmp/port-range rules (error)', () => {
    expect(errors('ExternalAttachment', acl({ seq: 5 }))[0]).toContain("5 is reserved for the fabric's security rules");
    expect(errors('ExternalAttachment', acl({ protocol: 'ip', portRangeBegin: 80, portRangeEnd: 80 }))[0]).toContain(
      'expected protocol tcp or udp',
    );
    expect(errors('ExternalAttachment', acl({ portRangeBegin: 90, portRangeEnd: 80 }))[0]).toContain(
      'expected begin <= end',
    );
  });
  it('#98 ACL: established excludes flags; no flag with its negation (error)', () => {
    expect(errors('ExternalAttachment', acl({ tcpFilters: { established: true, syn: true } }))[0]).toContain(
      'expected established alone',
    );
    expect(errors('ExternalAttachment', acl({ tcpFilters: { syn: true, notSyn: true } }))[0]).toContain(
      'both syn and its negation',
    );
  });
  it('#100 ExternalPeering: names required, prefixes not parsed', () => {
    const spec = (prefix: string) => ({
      permit: { vpc: { name: 'v' }, external: { name: 'e', prefixes: [{ prefix }] } },
    });
    expect(errors('ExternalPeering', spec('anything'))).toEqual([]);
    expect(errors('ExternalPeering', spec(''))).toEqual([
      'spec.permit.external.prefixes[0].prefix: is required (a prefix such as 0.0.0.0/0; the fabric does not parse it), got nothing',
    ]);
  });
});

describe('gateway kinds and ServerProfile (PROFILES.md §3, §5)', () => {
  const gw = (extra: Spec = {}) => ({
    protocolIP: '172.30.8.20/32',
    vtepIP: '172.30.12.20/32',
    vtepMAC: '0c:20:12:fe:00:01',
    asn: 65534,
    interfaces: { enp2s1: { ips: ['172.30.128.11/31'] } },
    neighbors: [{ ip: '172.30.128.10', asn: 65100 }],
    ...extra,
  });
  it('Gateway: a hydrated gateway is valid; workers 1-64, /32 IPs, a unicast MAC, at least one interface (errors)', () => {
    expect(errors('Gateway', gw())).toEqual([]);
    expect(errors('Gateway', gw({ workers: 65 }))).toEqual(['spec.workers: 65 is out of range; expected 1-64']);
    expect(errors('Gateway', gw({ vtepIP: '172.30.12.20/24' }))).toEqual([
      'spec.vtepIP: 172.30.12.20/24 is a /24; expected a /32',
    ]);
    expect(errors('Gateway', gw({ vtepMAC: '01:00:5e:00:00:01' }))[0]).toContain('is a multicast address');
    expect(errors('Gateway', gw({ interfaces: {} }))).toEqual([
      'spec.interfaces: is empty; expected at least one interface',
    ]);
    expect(
      errors(
        'Gateway',
        gw({ interfaces: { enp2s1: { pci: '0000:02:00.0', kernel: 'eth1', ips: ['10.0.0.1/31'] } } }),
      )[0],
    ).toContain('has both pci and kernel');
    expect(errors('Gateway', gw({ groups: [{ name: 'a' }, { name: 'a' }] }))[0]).toContain('"a" is listed twice');
  });
  it('Gateway: the fields hhfab fills in are warnings while absent', () => {
    const spec = { interfaces: { enp2s1: {} } };
    expect(errors('Gateway', spec)).toEqual([]);
    expect(warningsOf([rec('Gateway', 'g', spec)], 'Gateway/default/g')).toEqual([
      'spec.asn: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.protocolIP: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.vtepIP: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.vtepMAC: missing; it will be required by the fabric; usually filled by hhfab build',
      'spec.neighbors: missing; at least one neighbor will be required by the fabric; usually filled by hhfab build',
      'spec.interfaces.enp2s1.ips: missing; an IPv4 prefix will be required by the fabric; usually filled by hhfab build',
    ]);
  });
  it('Gateway: protocolIP and vtepIP are not any Switch’s either; both sides warned, as both webhooks refuse', () => {
    const sw = rec('Switch', 'leaf-03', leaf({ protocolIP: '172.30.8.20/32', vtepIP: '172.30.12.20/32' }));
    const w = crossValidate([sw, rec('Gateway', 'g', gw())]);
    expect((w.get('Gateway/default/g') ?? []).map((i) => i.message)).toEqual([
      'spec.protocolIP: protocol IP 172.30.8.20 is also used by Switch "leaf-03"',
      'spec.vtepIP: VTEP IP 172.30.12.20 is also used by Switch "leaf-03"',
    ]);
    expect((w.get('Switch/default/leaf-03') ?? []).map((i) => i.message)).toEqual([
      'spec.protocolIP: protocol IP 172.30.8.20 is also used by Gateway "g"',
      'spec.vtepIP: VTEP IP 172.30.12.20 is also used by Gateway "g"',
    ]);
  });
  it('Gateway: a missing group is a warning; the default group needs no document; IPs unique among gateways', () => {
    expect(warningsOf([rec('Gateway', 'g', gw())], 'Gateway/default/g')).toEqual([]);
    const g2 = rec(
      'Gateway',
      'g2',
      gw({ groups: [{ name: 'edge' }], vtepMAC: '0c:20:12:fe:00:02', protocolIP: '172.30.8.21/32' }),
    );
    expect(warningsOf([rec('Gateway', 'g', gw()), g2], 'Gateway/default/g2')).toEqual([
      'spec.groups[0].name: GatewayGroup "edge" is not defined in this fabric',
      'spec.vtepIP: VTEP IP 172.30.12.20 is also used by Gateway "g"',
    ]);
  });
  const peering = (peeringSpec: Spec, extra: Spec = {}) => ({ peering: peeringSpec, ...extra });
  const side = (expose: Spec[]) => ({ expose });
  it('GatewayPeering: exactly 2 sides; exposes with ips, as with nat, one NAT kind (errors)', () => {
    expect(
      errors(
        'GatewayPeering',
        peering({ 'vpc-1': side([{ ips: [{ cidr: '10.0.1.0/24' }] }]), 'ext.edge': side([{ default: true }]) }),
      ),
    ).toEqual([]);
    expect(errors('GatewayPeering', peering({ 'vpc-1': side([{ ips: [{ cidr: '10.0.1.0/24' }] }]) }))).toEqual([
      'spec.gatewayGroup: is required (a GatewayGroup name), got nothing; the fabric fills in "default" only when spec.peering has exactly 2 sides, and it has 1',
      'spec.peering: names 1 side(s); expected exactly 2 (VPCs or ext.<External>)',
    ]);
    const bad = peering({
      'vpc-1': side([{ ips: [{ cidr: '10.0.1.0/33' }], as: [{ cidr: '192.168.0.1/32' }] }]),
      'ext.edge': side([{ ips: [{ vpcSubnet: 'default' }] }]),
    });
    expect(errors('GatewayPeering', bad)).toEqual([
      'spec.peering.vpc-1.expose[0].ips[0].cidr: "10.0.1.0/33" is not a valid CIDR; expected one such as 10.0.1.0/24 or 2001:db8::/32',
      'spec.peering.vpc-1.expose[0]: has as without nat; expected both or neither',
      'spec.peering["ext.edge"].expose[0].ips[0].vpcSubnet: is set on an External side; expected cidr or not there',
    ]);
    const twoStateful = peering({
      a: side([{ ips: [{ cidr: '10.0.1.0/24' }], as: [{ cidr: '192.168.0.1/32' }], nat: { masquerade: {} } }]),
      b: side([{ ips: [{ cidr: '10.0.2.0/24' }], as: [{ cidr: '192.168.1.1/32' }], nat: { masquerade: {} } }]),
    });
    expect(errors('GatewayPeering', twoStateful)[0]).toContain(
      'expected at most one side with masquerade or portForward',
    );
  });
  it('GatewayPeering: its VPCs, Externals, subnets and group are references (warnings when missing)', () => {
    const spec = peering(
      { 'vpc-1': side([{ ips: [{ vpcSubnet: 'default' }] }]), 'ext.edge': side([{ default: true }]) },
      { gatewayGroup: 'edge' },
    );
    expect(warningsOf([rec('GatewayPeering', 'p', spec)], 'GatewayPeering/default/p')).toEqual([
      'spec.gatewayGroup: GatewayGroup "edge" is not defined in this fabric',
      'spec.peering.vpc-1: VPC "vpc-1" is not defined in this fabric',
      'spec.peering.vpc-1.expose[0].ips[0].vpcSubnet: VPC "vpc-1" is not defined in this fabric',
      'spec.peering["ext.edge"]: External "edge" is not defined in this fabric',
    ]);
  });
  it('gateway kinds are refused when a Fabricator document turns the gateway off; counted as enabled without one', () => {
    expect(configErrors('GatewayGroup', {})).toEqual([]);
    const off = configFromFabricator({ spec: { config: { gateway: { enable: false } } } });
    expect(configErrors('GatewayGroup', {}, off)[0]).toContain('gateway support is not enabled');
  });
  it('ServerProfile: metadata only; a Server naming a missing one is accepted', () => {
    expect(errors('ServerProfile', { nics: [{ name: 'nic0', ports: [{ name: 'enp2s1' }] }] })).toEqual([]);
    expect(warningsOf([rec('Server', 's', { profile: 'missing' })], 'Server/default/s')).toEqual([]);
  });
});

describe('switch profiles (PROFILES.md §4)', () => {
  const sw = (extra: Spec = {}) => rec('Switch', 'leaf-01', leaf(extra));
  const conn = (port: string) => rec('Connection', 'c', unbundled('srv/eth0', `leaf-01/${port}`));
  const records = (extra: Spec, port: string) => [sw(extra), rec('Server', 'srv', {}), conn(port)];
  it('#47 connection ports must be in the switch profile, after breakouts (warning naming port, profile, ports)', () => {
    expect(warningsOf(records({}, 'E1/48'), 'Connection/default/c')).toEqual([]);
    expect(warningsOf(records({}, 'E1/49'), 'Connection/default/c')).toEqual([
      'spec.unbundled.link.switch.port: port leaf-01/E1/49 is not in SwitchProfile "vs" of switch leaf-01 (with its breakouts); it has M1, E1/1-E1/48',
    ]);
    const dell = { profile: 'dell-s5248f-on' };
    expect(warningsOf(records(dell, 'E1/50/1'), 'Connection/default/c')).toEqual([]);
    expect(warningsOf(records(dell, 'E1/50/2'), 'Connection/default/c')[0]).toContain(
      'is not in SwitchProfile "dell-s5248f-on"',
    );
    expect(
      warningsOf(records({ ...dell, portBreakouts: { 'E1/50': '4x25G' } }, 'E1/50/4'), 'Connection/default/c'),
    ).toEqual([]);
  });
  it('#30 port speeds, group speeds, breakouts, autoneg and FEC are checked against the profile (warnings)', () => {
    const w = (extra: Spec) => warningsOf([sw({ profile: 'dell-s5248f-on', ...extra })], 'Switch/default/leaf-01');
    expect(w({ portGroupSpeeds: { '1': '10G', '13': '25G' } })).toEqual([
      'spec.portGroupSpeeds.13: port group 13 is not in SwitchProfile "dell-s5248f-on" (it has 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)',
    ]);
    expect(w({ portGroupSpeeds: { '1': 'SPEED_100G' } })[0]).toContain(
      '100G is not supported by port group 1 of SwitchProfile "dell-s5248f-on"; it allows 10G, 25G',
    );
    expect(w({ portSpeeds: { 'E1/9': '25G' } })[0]).toContain(
      'port E1/9 of SwitchProfile "dell-s5248f-on" has no speed of its own (it is in port group 3',
    );
    expect(w({ portBreakouts: { 'E1/50': '8x10G' } })[0]).toContain('8x10G is not a breakout mode of port E1/50');
    expect(w({ portBreakouts: { 'E1/1': '4x25G' } })[0]).toContain(
      'port E1/1 of SwitchProfile "dell-s5248f-on" cannot be broken out',
    );
    expect(w({ portFECs: { 'E1/50': 'rs' }, portBreakouts: { 'E1/50': '4x25G' } })).toEqual([
      'spec.portFECs["E1/50"]: port E1/50 of SwitchProfile "dell-s5248f-on" runs 4x25G; a broken-out port must be configured per sub-port, e.g. E1/50/1',
    ]);
    expect(w({ portFECs: { 'E1/50/1': 'rs', 'E1/1': 'fc' }, portBreakouts: { 'E1/50': '4x25G' } })).toEqual([]);
    expect(w({ portAutoNegs: { 'E1/1': true } })[0]).toContain('does not allow auto-negotiation');
    expect(w({ portFECs: { M1: 'rs' } })[0]).toContain('port M1 is not a data port');
  });
  it('#31 RoCE, ECMP RoCE QPN, ESLAG need profile features; lane limits (warnings)', () => {
    const w = (profile: string, extra: Spec) => warningsOf([sw({ profile, ...extra })], 'Switch/default/leaf-01');
    expect(w('celestica-ds2000', { roce: true })).toEqual([
      'spec.roce: is true, but SwitchProfile "celestica-ds2000" does not support RoCE',
    ]);
    expect(w('vs', { ecmp: { roceQPN: true } })[0]).toContain('does not support ECMP RoCE QPN hashing');
    expect(w('edgecore-dcs501', { redundancy: { group: 'g', type: 'eslag' } })).toContain(
      'spec.redundancy.type: is eslag, but SwitchProfile "edgecore-dcs501" does not support ESLAG',
    );
    // celestica-ds5000: 64 breakout ports, at most 320 lanes, 10 per pipeline (two ports each).
    const all8 = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`E1/${i + 1}`, '8x100G']));
    const limits = w('celestica-ds5000', { portBreakouts: all8 });
    expect(limits).toContain(
      'spec.portBreakouts: the breakouts make 514 ports; SwitchProfile "celestica-ds5000" allows at most 320',
    );
    expect(limits).toContain(
      'spec.portBreakouts: the breakouts make 16 ports in pipeline 1; SwitchProfile "celestica-ds5000" allows at most 10 there',
    );
  });
  it('#29 an unknown profile, or one the configuration does not include, is a warning', () => {
    expect(warningsOf([sw({ profile: 'vs-clsp' })], 'Switch/default/leaf-01')).toEqual([
      'spec.profile: SwitchProfile "vs-clsp" exists only when the fabric configuration includes Celestica SONiC+ (Fabricator spec.config.fabric.includeCLSP)',
    ]);
  });
});

describe('SwitchProfile documents (PROFILES.md §2)', () => {
  it('a copy of a built-in profile is accepted; an extra or changed one is refused as the fabric does', async () => {
    const { switchProfile } = await import('../../src/crds/switchProfiles');
    const k = kind('SwitchProfile');
    const check = (name: string, spec: Spec) =>
      (k.checkConfig?.(spec, HEDGEHOG_DEFAULTS, { name, annotations: {} }) ?? []).map((i) => i.message);
    const vs = switchProfile('vs') as unknown as Spec;
    expect(check('vs', vs)).toEqual([]);
    expect(check('vs', { ...vs, displayName: 'Mine' })).toEqual([
      'spec: differs from the built-in SwitchProfile "vs"; default switch profiles are immutable (expected the built-in spec, or no document at all)',
    ]);
    expect(check('my-box', vs)).toEqual([
      'metadata.name: "my-box" is not a built-in SwitchProfile; the fabric allows only its default switch profiles (extra profiles are off)',
    ]);
  });
});

describe('VPCAttachment and link rules needing other objects (warnings)', () => {
  const sw = (name: string, extra: Spec = {}) =>
    rec('Switch', name, leaf({ ip: `172.30.0.${name.length + 20}/21`, ...extra }));
  const attach = (subnet: string, conn: string) => rec('VPCAttachment', 'a', { subnet, connection: conn });
  const vpcRec = (mode: string, subnet: Spec = {}) => rec('VPC', 'v', { mode, ...vpc(subnet) });
  const eslagConn = rec('Connection', 'es', {
    eslag: {
      links: [
        { server: { port: 'srv/e0' }, switch: { port: 'leaf-a/E1/1' } },
        { server: { port: 'srv/e1' }, switch: { port: 'leaf-b/E1/1' } },
      ],
    },
  });
  it('#79 the connection is unbundled, bundled or eslag (mclag refused)', () => {
    const mclag = rec('Connection', 'm', {
      mclag: { links: [{ server: { port: 'srv/e0' }, switch: { port: 'leaf-a/E1/2' } }] },
    });
    expect(warningsOf([mclag, vpcRec(''), attach('v/default', 'm')], 'VPCAttachment/default/a')[0]).toContain(
      'a VPC can only attach to unbundled, bundled or eslag connections',
    );
  });
  it('#80 an eslag connection attaches only l2vni VPCs', () => {
    const w = warningsOf(
      [eslagConn, sw('leaf-a'), sw('leaf-b'), vpcRec('l3vni'), attach('v/default', 'es')],
      'VPCAttachment/default/a',
    );
    expect(w).toContain('spec.connection: Connection "es" is eslag; it attaches only l2vni VPCs, and VPC "v" is l3vni');
  });
  it('#81 a hostBGP subnet attaches only to unbundled connections', () => {
    const w = warningsOf(
      [eslagConn, vpcRec('l3vni', { hostBGP: true, vlan: null }), attach('v/default', 'es')],
      'VPCAttachment/default/a',
    );
    expect(w).toContain(
      'spec.subnet: subnet v/default is hostBGP; it attaches only to unbundled connections, and "es" is eslag',
    );
  });
  it('#83 the switch profile supports the VPC mode', () => {
    const conn = rec('Connection', 'u', unbundled('srv/e0', 'leaf-a/E1/1'));
    const w = warningsOf(
      [conn, sw('leaf-a', { profile: 'celestica-ds4000' }), vpcRec(''), attach('v/default', 'u')],
      'VPCAttachment/default/a',
    );
    expect(w).toContain(
      'spec.connection: Switch "leaf-a" (SwitchProfile "celestica-ds4000") does not support l2vni and l3vni, which l2vni VPC "v" needs',
    );
  });
  it('#50 fabric link IPs are inside the fabric subnet', () => {
    const fabric = rec('Connection', 'f', {
      fabric: {
        links: [
          {
            spine: { port: 'spine-01/E1/1', ip: '10.1.0.0/31' },
            leaf: { port: 'leaf-01/E1/49', ip: '172.30.128.1/31' },
          },
        ],
      },
    });
    expect(warningsOf([fabric], 'Connection/default/f')).toContain(
      'spec.fabric.links[0].spine.ip: 10.1.0.0/31 is not in the fabric subnet 172.30.128.0/17; expected an address inside it',
    );
  });
  it('#49 link IPs are unique: a repeat inside one connection names the other field', () => {
    const link = (n: number, spineIp: string, leafIp: string) => ({
      spine: { port: `spine-01/E1/${n}`, ip: spineIp },
      leaf: { port: `leaf-01/E1/${48 + n}`, ip: leafIp },
    });
    const fabric = rec('Connection', 'f', {
      fabric: { links: [link(1, '172.30.128.2/31', '172.30.128.3/31'), link(2, '172.30.128.4/31', '172.30.128.3/31')] },
    });
    expect(warningsOf([fabric], 'Connection/default/f')).toContain(
      'spec.fabric.links[0].leaf.ip: IP 172.30.128.3 is also used by spec.fabric.links[1].leaf.ip of this object',
    );
  });
});

describe('Switch VLANNamespaces', () => {
  it('#28 the VLANNamespaces a switch lists do not overlap each other (warning)', () => {
    const records = [
      rec('VLANNamespace', 'a', { ranges: [{ from: 1000, to: 1999 }] }),
      rec('VLANNamespace', 'b', { ranges: [{ from: 1500, to: 2500 }] }),
      rec('Switch', 's', leaf({ vlanNamespaces: ['a', 'b'] })),
    ];
    expect(warningsOf(records, 'Switch/default/s')).toEqual([
      'spec.vlanNamespaces: VLANNamespaces "a" (1000-1999) and "b" (1500-2500) overlap; a switch\'s VLANNamespaces must not',
    ]);
  });
});
