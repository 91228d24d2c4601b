import { defineKind } from '../defineKind';
import { vlanRanges } from './vlanNamespace';
import { namespaceSubnets } from './ipv4Namespace';
import { z } from 'zod';
import { cidrContains, isCanonicalCidr, isMac, parseCidr, parseIPv4 } from '../net';
import { bool, cidr, dict, intIn, ipOrCidr, ipv4, list, obj, oneOf, opt, str } from '../schema';
import { dotted, issueAt, joined, list as asList, mapping, num, text } from '../spec';
import type { CrossContext, Indexed, Issue, Panel, Reference, Spec } from '../types';

const VLAN_ERROR = 'expected an integer 1-4094';
// 0 passes here because hostBGP subnets may omit the VLAN; checkSpec rejects it otherwise.
const subnetVlan = z
  .number({ error: VLAN_ERROR })
  .refine((v) => Number.isInteger(v) && v >= 0 && v <= 4094, { error: VLAN_ERROR });
const prefixLen = intIn(1, 32, 'a prefix length');

const dhcpOptions = obj({
  pxeURL: opt(str),
  dnsServers: opt(list(ipv4)),
  timeServers: opt(list(ipv4)),
  interfaceMTU: opt(intIn(96, 9036, 'an interface MTU')),
  leaseTimeSeconds: opt(intIn(1, 2147483647, 'a lease time in seconds')),
  disableDefaultRoute: opt(bool),
  advertisedRoutes: opt(list(obj({ destination: cidr, gateway: ipv4 }))),
});

const dhcp = obj({
  enable: opt(bool),
  // The CRD documents a CIDR (10.20.20.200/32), the docs also show a bare address.
  relay: opt(ipOrCidr),
  relayVPC: opt(str),
  range: opt(obj({ start: opt(ipv4), end: opt(ipv4) })),
  options: opt(dhcpOptions),
  static: opt(dict(obj({ ip: ipv4 }))),
});

const subnet = obj({
  subnet: cidr,
  gateway: opt(ipv4),
  vlan: opt(subnetVlan),
  isolated: opt(bool),
  restricted: opt(bool),
  hostBGP: opt(bool),
  hostBGPMinPrefixLen: opt(prefixLen),
  hostBGPMaxPrefixLen: opt(prefixLen),
  hostBGPExtraPrefixes: opt(dict(opt(obj({ minPrefixLen: opt(prefixLen), maxPrefixLen: opt(prefixLen) })))),
  dhcp: opt(dhcp),
});

const specSchema = obj({
  mode: opt(oneOf(['', 'l3vni'], '"" (l2vni) or "l3vni"')),
  ipv4Namespace: opt(str),
  vlanNamespace: opt(str),
  defaultIsolated: opt(bool),
  defaultRestricted: opt(bool),
  permit: opt(list(list(str))),
  staticRoutes: opt(list(obj({ prefix: cidr, nextHops: list(ipv4, 1) }))),
  subnets: opt(dict(subnet)),
});

export interface VpcSubnet {
  name: string;
  subnet: string;
  gateway: string | null;
  vlan: number | null;
  hostBGP: boolean;
  dhcp: boolean;
}

/** The VPC's subnets in document order. */
export function vpcSubnets(spec: Spec): VpcSubnet[] {
  return Object.entries(mapping(spec.subnets) ?? {}).flatMap(([name, raw]) => {
    const s = mapping(raw);
    const cidrText = text(s?.subnet);
    if (!s || !cidrText) return [];
    const vlan = num(s.vlan);
    return [
      {
        name,
        subnet: cidrText,
        gateway: text(s.gateway),
        vlan: vlan === 0 ? null : vlan,
        hostBGP: s.hostBGP === true,
        dhcp: mapping(s.dhcp)?.enable === true,
      },
    ];
  });
}

/** The IPv4Namespace the VPC uses ("default" when unset). */
export function vpcIpv4Namespace(spec: Spec): string {
  return text(spec.ipv4Namespace) ?? 'default';
}

/** The VLANNamespace the VPC uses ("default" when unset). */
export function vpcVlanNamespace(spec: Spec): string {
  return text(spec.vlanNamespace) ?? 'default';
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  for (const [name, raw] of Object.entries(mapping(spec.subnets) ?? {})) {
    const s = mapping(raw);
    if (!s) continue;
    const base = ['spec', 'subnets', name];
    if (s.hostBGP !== true && (s.vlan === undefined || s.vlan === null || s.vlan === 0)) {
      issues.push(
        issueAt(
          [...base, 'vlan'],
          `${VLAN_ERROR} (required unless hostBGP is set), got ${s.vlan === 0 ? '0' : 'nothing'}`,
        ),
      );
    }
    for (const mac of Object.keys(mapping(mapping(s.dhcp)?.static) ?? {})) {
      if (!isMac(mac))
        issues.push(
          issueAt(
            [...base, 'dhcp', 'static', mac],
            `expected a MAC address key such as aa:bb:cc:dd:ee:01, got ${JSON.stringify(mac)}`,
          ),
        );
    }
  }
  return issues;
}

function lintSubnet(name: string, s: Record<string, unknown>, issues: Issue[]): void {
  const base = ['spec', 'subnets', name];
  const net = parseCidr(String(s.subnet));
  if (!net) return;
  if (!isCanonicalCidr(net))
    issues.push(
      issueAt([...base, 'subnet'], `${String(s.subnet)} has host bits set; the fabric expects a canonical prefix`),
    );
  if (net.prefixLength > 30)
    issues.push(
      issueAt([...base, 'subnet'], `prefix /${net.prefixLength} is too small; the fabric needs /30 or larger`),
    );
  const inside = (field: string, value: unknown) => {
    const ip = typeof value === 'string' ? parseIPv4(value) : null;
    if (ip !== null && !cidrContains(net, ip))
      issues.push(issueAt([...base, ...field.split('.')], `${value as string} is not inside ${String(s.subnet)}`));
  };
  inside('gateway', s.gateway);
  const dhcp = mapping(s.dhcp);
  if (!dhcp) return;
  const range = mapping(dhcp.range);
  inside('dhcp.range.start', range?.start);
  inside('dhcp.range.end', range?.end);
  const start = parseIPv4(text(range?.start) ?? '');
  const end = parseIPv4(text(range?.end) ?? '');
  if (start !== null && end !== null && start >= end)
    issues.push(issueAt([...base, 'dhcp', 'range'], 'start must be below end'));
  for (const [mac, lease] of Object.entries(mapping(dhcp.static) ?? {})) {
    const ip = text(mapping(lease)?.ip);
    const addr = ip ? parseIPv4(ip) : null;
    if (addr !== null && !cidrContains(net, addr))
      issues.push(issueAt([...base, 'dhcp', 'static', mac, 'ip'], `${ip} is not inside ${String(s.subnet)}`));
  }
  if (dhcp.enable === true && (text(dhcp.relay) || text(dhcp.relayVPC))) {
    issues.push(issueAt([...base, 'dhcp'], 'enable and relay are mutually exclusive'));
  }
  if (text(dhcp.relayVPC) && !text(dhcp.relay)) issues.push(issueAt([...base, 'dhcp', 'relayVPC'], 'needs dhcp.relay'));
  if (dhcp.enable !== true && (mapping(dhcp.options) || mapping(dhcp.static))) {
    issues.push(issueAt([...base, 'dhcp'], 'options and static leases need dhcp.enable: true'));
  }
  if (s.hostBGP === true && dhcp.enable === true)
    issues.push(issueAt([...base, 'dhcp', 'enable'], 'DHCP is not allowed on a hostBGP subnet'));
}

function lint(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const subnets = mapping(spec.subnets) ?? {};
  const names = Object.keys(subnets);
  if (names.length === 0) issues.push(issueAt(['spec', 'subnets'], 'a VPC needs at least one subnet'));
  if (names.length > 20)
    issues.push(issueAt(['spec', 'subnets'], `a VPC may have at most 20 subnets, found ${names.length}`));
  for (const name of names) {
    const s = mapping(subnets[name]);
    if (s) lintSubnet(name, s, issues);
  }
  asList(spec.permit).forEach((raw, index) => {
    const entries = asList(raw).map(text);
    if (new Set(entries).size < 2)
      issues.push(issueAt(['spec', 'permit', index], 'expected at least 2 distinct subnet names'));
    for (const entry of entries) {
      if (entry && !(entry in subnets))
        issues.push(issueAt(['spec', 'permit', index], `names subnet "${entry}", which this VPC does not have`));
    }
  });
  asList(spec.staticRoutes).forEach((raw, index) => {
    const prefix = text(mapping(raw)?.prefix);
    const c = prefix ? parseCidr(prefix) : null;
    if (c && !isCanonicalCidr(c))
      issues.push(
        issueAt(
          ['spec', 'staticRoutes', index, 'prefix'],
          `${prefix} has host bits set; the fabric expects a canonical prefix`,
        ),
      );
  });
  return issues;
}

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [
    {
      kind: 'IPv4Namespace',
      name: vpcIpv4Namespace(spec),
      field: 'spec.ipv4Namespace',
      ...(text(spec.ipv4Namespace) ? {} : { defaulted: true }),
    },
    {
      kind: 'VLANNamespace',
      name: vpcVlanNamespace(spec),
      field: 'spec.vlanNamespace',
      ...(text(spec.vlanNamespace) ? {} : { defaulted: true }),
    },
  ];
  for (const [name, raw] of Object.entries(mapping(spec.subnets) ?? {})) {
    const relayVPC = text(mapping(mapping(raw)?.dhcp)?.relayVPC);
    if (relayVPC)
      refs.push({ kind: 'VPC', name: relayVPC, field: dotted(['spec', 'subnets', name, 'dhcp', 'relayVPC']) });
  }
  return refs;
}

function panels(spec: Spec): Panel[] {
  const out: Panel[] = [
    {
      key: 'subnets',
      title: 'Subnets',
      columns: [
        { key: 'name', label: 'Name' },
        { key: 'subnet', label: 'Subnet' },
        { key: 'gateway', label: 'Gateway' },
        { key: 'vlan', label: 'VLAN' },
        { key: 'dhcp', label: 'DHCP' },
      ],
      rows: vpcSubnets(spec).map((s) => ({
        name: s.name,
        subnet: s.subnet,
        gateway: s.gateway,
        vlan: s.vlan,
        dhcp: s.dhcp,
      })),
    },
  ];
  const routes = asList(spec.staticRoutes);
  if (routes.length > 0) {
    out.push({
      key: 'static-routes',
      title: 'Static routes',
      columns: [
        { key: 'prefix', label: 'Prefix' },
        { key: 'nextHops', label: 'Next hops' },
      ],
      rows: routes.map((raw) => ({
        prefix: text(mapping(raw)?.prefix),
        nextHops: joined(asList(mapping(raw)?.nextHops).map(text)),
      })),
    });
  }
  return out;
}

interface SubnetInterval {
  start: number;
  end: number;
  key: string;
  vpc: string;
  subnet: string;
  cidr: string;
}

/** Subnets must not overlap within an IPv4Namespace, VLANs must not repeat within a VLANNamespace, and both must fit their namespace. */
function crossCheck(vpcs: Indexed[], context: CrossContext): void {
  const intervals = new Map<string, SubnetInterval[]>();
  const vlans = new Map<string, { key: string; vpc: string; subnet: string }>();
  for (const { key, record: r } of vpcs) {
    const spec = mapping(r.spec) ?? {};
    const ipns = vpcIpv4Namespace(spec);
    const vlanns = vpcVlanNamespace(spec);
    const ipnsSubnets = (() => {
      const target = context.find('IPv4Namespace', r.namespace, ipns);
      return target ? namespaceSubnets(mapping(target.record.spec) ?? {}) : null;
    })();
    const ranges = (() => {
      const target = context.find('VLANNamespace', r.namespace, vlanns);
      return target ? vlanRanges(mapping(target.record.spec) ?? {}) : null;
    })();
    for (const s of vpcSubnets(spec)) {
      const c = parseCidr(s.subnet);
      if (c) {
        const nsKey = `${r.namespace}/${ipns}`;
        let list = intervals.get(nsKey);
        if (!list) intervals.set(nsKey, (list = []));
        list.push({ start: c.start, end: c.end, key, vpc: r.name, subnet: s.name, cidr: s.subnet });
        if (ipnsSubnets && !ipnsSubnets.some((ns) => cidrContains(ns, c.start) && cidrContains(ns, c.end))) {
          context.warn(
            key,
            ['spec', 'subnets', s.name, 'subnet'],
            `${s.subnet} is not inside any subnet of IPv4Namespace "${ipns}"`,
          );
        }
      }
      if (s.vlan === null || s.hostBGP) continue;
      if (ranges && !ranges.some((rg) => s.vlan! >= rg.from && s.vlan! <= rg.to)) {
        context.warn(
          key,
          ['spec', 'subnets', s.name, 'vlan'],
          `VLAN ${s.vlan} is outside the ranges of VLANNamespace "${vlanns}"`,
        );
      }
      const vlanKey = `${r.namespace}/${vlanns}/${s.vlan}`;
      const first = vlans.get(vlanKey);
      if (!first) vlans.set(vlanKey, { key, vpc: r.name, subnet: s.name });
      else {
        const where = (vpc: string, subnet: string, same: boolean) =>
          same ? `subnet "${subnet}" of this VPC` : `VPC "${vpc}" subnet "${subnet}"`;
        const same = first.key === key;
        context.warn(
          key,
          ['spec', 'subnets', s.name, 'vlan'],
          `VLAN ${s.vlan} is also used by ${where(first.vpc, first.subnet, same)} (VLANNamespace "${vlanns}")`,
        );
        context.warn(
          first.key,
          ['spec', 'subnets', first.subnet, 'vlan'],
          `VLAN ${s.vlan} is also used by ${where(r.name, s.name, same)} (VLANNamespace "${vlanns}")`,
        );
      }
    }
  }
  for (const [nsKey, list] of intervals) {
    const ipns = nsKey.slice(nsKey.indexOf('/') + 1);
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    let widest: SubnetInterval | undefined;
    for (const cur of list) {
      if (widest && cur.start <= widest.end) {
        const same = widest.key === cur.key;
        const describe = (o: SubnetInterval) =>
          same ? `subnet "${o.subnet}" (${o.cidr}) of this VPC` : `VPC "${o.vpc}" subnet "${o.subnet}" (${o.cidr})`;
        const suffix = same ? '' : ` in IPv4Namespace "${ipns}"`;
        context.warn(
          cur.key,
          ['spec', 'subnets', cur.subnet, 'subnet'],
          `${cur.cidr} overlaps ${describe(widest)}${suffix}`,
        );
        context.warn(
          widest.key,
          ['spec', 'subnets', widest.subnet, 'subnet'],
          `${widest.cidr} overlaps ${describe(cur)}${suffix}`,
        );
      }
      if (!widest || cur.end > widest.end) widest = cur;
    }
  }
}

function lintName(name: string): string[] {
  return name.startsWith('ext.') ? ['a VPC name must not start with "ext."'] : [];
}

/** A reference to one of the VPC's subnets must name a subnet it has. */
function checkReferenceTo(target: Spec, ref: Reference): string | null {
  return ref.subnet !== undefined && !(ref.subnet in (mapping(target.subnets) ?? {}))
    ? `VPC "${ref.name}" has no subnet "${ref.subnet}"`
    : null;
}

export const vpc = defineKind({
  kind: 'VPC',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  plural: 'vpcs',
  shortNames: [],
  label: 'VPC',
  labelPlural: 'VPCs',
  specRequired: false,
  maxNameLength: 11,
  specSchema,
  checkSpec,
  lint,
  columns: [
    { key: 'subnets', label: 'Subnets', value: (spec) => joined(vpcSubnets(spec).map((s) => s.subnet)) },
    {
      key: 'vlans',
      label: 'VLANs',
      value: (spec) => joined(vpcSubnets(spec).map((s) => (s.vlan === null ? null : String(s.vlan)))),
    },
    {
      key: 'ipv4Namespace',
      label: 'IPv4 namespace',
      value: vpcIpv4Namespace,
      sortSql: "coalesce(nullif(spec->>'ipv4Namespace', ''), 'default')",
      filter: {},
    },
    {
      key: 'vlanNamespace',
      label: 'VLAN namespace',
      value: vpcVlanNamespace,
      sortSql: "coalesce(nullif(spec->>'vlanNamespace', ''), 'default')",
      filter: {},
    },
    {
      key: 'mode',
      label: 'Mode',
      value: (spec) => text(spec.mode) ?? 'l2vni',
      sortSql: "coalesce(nullif(spec->>'mode', ''), 'l2vni')",
      filter: { choices: ['l2vni', 'l3vni'] },
    },
  ],
  references,
  lintName,
  crossCheck,
  checkReferenceTo,
  panels,
});
