import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { effectiveVlanRanges } from './vlanNamespace';
import { namespaceSubnets } from './ipv4Namespace';
import { z } from 'zod';
import { formatRanges, reservedOverlapping, type FabricConfig } from '../fabricConfig';
import { isMac } from '../net';
import {
  addrLike,
  formatAddr,
  formatPrefix,
  isCanonical,
  isSubset,
  lastOf,
  networkOf,
  parseAddr,
  parsePrefix,
  prefixContains,
  prefixesOverlap,
  type Addr,
  type Prefix,
} from '../netip';
import { bool, dict, intIn, ipPrefix, list, obj, oneOf, opt, str } from '../schema';
import { dotted, issueAt, joined, list as asList, mapping, num, text } from '../spec';
import type { CrossContext, Indexed, Issue, ObjectInfo, Panel, Reference, Spec } from '../types';

const VLAN_ERROR = 'expected an integer 1-4094';
// The field is a uint16 and the fabric sets no upper bound on the object alone: a VLAN above 4094
// fails only against the VLANNamespace (a warning). 0 passes because hostBGP subnets may omit it.
const subnetVlan = z
  .number({ error: 'expected an integer 0-65535' })
  .refine((v) => Number.isInteger(v) && v >= 0 && v <= 65535, { error: 'expected an integer 0-65535' });
const prefixLen = intIn(1, 32, 'a prefix length');

// The CRD types these as plain integers and strings; the fabric defaults and checks them only
// while DHCP is enabled (checkSpec), since Default() drops the range and options of a disabled
// server: what they hold then is never looked at.
const dhcpOptions = obj({
  pxeURL: opt(str),
  dnsServers: opt(list(str)),
  timeServers: opt(list(str)),
  interfaceMTU: opt(intIn(0, 65535, 'an interface MTU')),
  leaseTimeSeconds: opt(intIn(0, 4294967295, 'a lease time in seconds')),
  disableDefaultRoute: opt(bool),
  advertisedRoutes: opt(list(obj({ destination: opt(str), gateway: opt(str) }))),
});

const dhcp = obj({
  enable: opt(bool),
  // The fabric parses it as a prefix (10.20.20.200/32); checkSpec says so for a bare address.
  relay: opt(str),
  relayVPC: opt(str),
  range: opt(obj({ start: opt(str), end: opt(str) })),
  options: opt(dhcpOptions),
  // The CRD requires ip on every lease; checkSpec parses it while DHCP is enabled.
  static: opt(dict(obj({ ip: str }))),
});

// The fabric parses subnets, relays, routes and addresses with Go's netip (IPv6 too); only the
// prefix length (at most /30) keeps most IPv6 subnets out.
const subnet = obj({
  subnet: ipPrefix,
  // Not used on a hostBGP subnet, so parsed only where the fabric parses it (checkSpec).
  gateway: opt(str),
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
  // The fabric does not parse next hops.
  staticRoutes: opt(list(obj({ prefix: ipPrefix, nextHops: list(str, 1) }))),
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

/** The fabric's Default() for one subnet: gateway, and the DHCP range and options of an enabled server. */
function defaultSubnet(raw: unknown): unknown {
  const s = mapping(raw);
  const net = s ? parsePrefix(text(s.subnet) ?? '') : null;
  if (!s || !net) return raw;
  // The fabric's iputil.ParseCIDR: gateway network+1, DHCP range network+2 to the last address, printed as Go prints them.
  const at = (value: bigint) => formatAddr(addrLike(net.addr, value));
  const out: Record<string, unknown> = { ...s };
  if (!text(s.gateway) && s.hostBGP !== true) out.gateway = at(networkOf(net) + 1n);
  if (net.length > 30) return out;
  const dhcp = mapping(s.dhcp);
  if (!dhcp) return out;
  if (dhcp.enable !== true) {
    out.dhcp = { ...dhcp, range: null, options: null };
    return out;
  }
  const range = mapping(dhcp.range);
  const options = mapping(dhcp.options);
  const emptyOptions =
    options !== null &&
    !text(options.pxeURL) &&
    (options.dnsServers === undefined || options.dnsServers === null) &&
    (options.timeServers === undefined || options.timeServers === null) &&
    !num(options.interfaceMTU) &&
    !num(options.leaseTimeSeconds) &&
    options.disableDefaultRoute !== true &&
    (options.advertisedRoutes === undefined || options.advertisedRoutes === null);
  out.dhcp = {
    ...dhcp,
    range: {
      ...range,
      start: text(range?.start) ?? at(networkOf(net) + 2n),
      end: text(range?.end) ?? at(lastOf(net)),
    },
    options:
      options && !emptyOptions
        ? {
            ...options,
            interfaceMTU: num(options.interfaceMTU) || 9036,
            leaseTimeSeconds: num(options.leaseTimeSeconds) || 3600,
          }
        : null,
  };
  return out;
}

/**
 * The fabric's Default(): the IPv4 and VLAN namespaces "default" when unset, and each subnet's
 * gateway and DHCP defaults. (It also sorts option lists and normalises static-lease MACs; left as
 * written here, so that messages point at the entry in the file.)
 */
function defaults(spec: Spec): Spec {
  const subnets = mapping(spec.subnets);
  return {
    ...spec,
    ipv4Namespace: vpcIpv4Namespace(spec),
    vlanNamespace: vpcVlanNamespace(spec),
    ...(subnets ? { subnets: Object.fromEntries(Object.entries(subnets).map(([k, v]) => [k, defaultSubnet(v)])) } : {}),
  };
}

/** netip.Addr equality: same family, value and zone. */
const sameAddr = (a: Addr | null, b: Addr | null) =>
  a !== null && b !== null && a.bits === b.bits && a.value === b.value && a.zone === b.zone;

function checkDhcp(base: (string | number)[], s: Record<string, unknown>, net: Prefix, issues: Issue[]): void {
  const dhcp = mapping(s.dhcp);
  if (!dhcp) return;
  const at = (rel: (string | number)[], message: string) => issues.push(issueAt([...base, ...rel], message));
  const subnetText = String(s.subnet);
  const relay = text(dhcp.relay);
  if (relay && dhcp.enable === true)
    at(['dhcp'], `relay ${relay} is set with enable: true; expected either a DHCP relay or the DHCP server, not both`);
  if (relay && !parsePrefix(relay))
    at(
      ['dhcp', 'relay'],
      `${JSON.stringify(relay)} is not a prefix; expected one such as 10.20.20.200/32 or 2001:db8::200/128`,
    );
  if (!relay && text(dhcp.relayVPC))
    at(['dhcp', 'relayVPC'], `"${String(dhcp.relayVPC)}" is set without dhcp.relay; expected a relay with it`);
  if (dhcp.enable !== true) {
    if (Object.keys(mapping(dhcp.static) ?? {}).length > 0)
      at(['dhcp', 'static'], 'static leases are set while dhcp.enable is not true; expected enable: true with them');
    return;
  }
  if (s.hostBGP === true) at(['dhcp', 'enable'], 'is true on a hostBGP subnet; expected no DHCP server there');
  const gatewayText = text(s.gateway) ?? '';
  const gateway = s.hostBGP === true ? null : parseAddr(gatewayText);
  const network = addrLike(net.addr, networkOf(net));
  const range = mapping(dhcp.range);
  const ends = (['start', 'end'] as const).map((k): [string, Addr | null] => {
    const value = text(range?.[k]) ?? '';
    const ip = parseAddr(value);
    if (ip === null)
      at(
        ['dhcp', 'range', k],
        `${JSON.stringify(value)} is not an IP address; expected an address inside ${subnetText}`,
      );
    else if (sameAddr(ip, network))
      at(['dhcp', 'range', k], `${value} is the subnet's network address; expected a host address`);
    else if (sameAddr(ip, gateway))
      at(['dhcp', 'range', k], `${value} is the subnet's gateway; expected another address`);
    else if (!prefixContains(net, ip)) at(['dhcp', 'range', k], `${value} is not inside ${subnetText}`);
    return [value, ip];
  });
  const [[startText, start], [endText, end]] = ends as [[string, Addr | null], [string, Addr | null]];
  if (start !== null && end !== null && start.bits === end.bits && start.value >= end.value)
    at(['dhcp', 'range'], `start ${startText} is not below end ${endText}; expected start < end`);
  const options = mapping(dhcp.options);
  if (options) {
    for (const key of ['dnsServers', 'timeServers'] as const) {
      asList(options[key]).forEach((v, i) => {
        if (typeof v !== 'string' || !parseAddr(v))
          at(
            ['dhcp', 'options', key, i],
            `${JSON.stringify(v)} is not an IP address; expected one such as 10.0.1.2 or 2001:db8::53`,
          );
      });
    }
    const mtu = num(options.interfaceMTU);
    if (mtu !== null && (mtu < 96 || mtu > 9036))
      at(['dhcp', 'options', 'interfaceMTU'], `${mtu} is out of range; expected 96-9036`);
    asList(options.advertisedRoutes).forEach((raw, i) => {
      const route = mapping(raw) ?? {};
      const path = ['dhcp', 'options', 'advertisedRoutes', i];
      const destination = text(route.destination);
      const gwText = text(route.gateway);
      if (!destination) at([...path, 'destination'], 'is required (a prefix such as 10.10.0.0/16), got nothing');
      else if (!parsePrefix(destination))
        at(
          [...path, 'destination'],
          `${JSON.stringify(destination)} is not a prefix; expected one such as 10.10.0.0/16 or 2001:db8::/32`,
        );
      if (!gwText) {
        at([...path, 'gateway'], `is required (an address inside ${subnetText}), got nothing`);
        return;
      }
      const gw = parseAddr(gwText);
      if (gw === null)
        at(
          [...path, 'gateway'],
          `${JSON.stringify(gwText)} is not an IP address; expected an address inside ${subnetText}`,
        );
      else if (!prefixContains(net, gw))
        at([...path, 'gateway'], `${gwText} is not inside ${subnetText}; expected an address in the subnet`);
    });
  }
  // The fabric compares a lease with the gateway and the broadcast address as text (Go's spelling).
  const broadcast = formatAddr(addrLike(net.addr, lastOf(net)));
  const taken = new Map<string, string>();
  for (const [mac, lease] of Object.entries(mapping(dhcp.static) ?? {})) {
    const ipText = text(mapping(lease)?.ip) ?? '';
    const ip = parseAddr(ipText);
    const path = ['dhcp', 'static', mac, 'ip'];
    if (ip === null) {
      at(
        path,
        ipText === ''
          ? 'is empty; expected an address inside the subnet'
          : `${JSON.stringify(ipText)} is not an IP address; expected an address inside ${subnetText}`,
      );
      continue;
    }
    if (!prefixContains(net, ip)) at(path, `${ipText} is not inside ${subnetText}`);
    else if (sameAddr(ip, network)) at(path, `${ipText} is the subnet's network address; expected a host address`);
    else if (ipText === gatewayText) at(path, `${ipText} is the subnet's gateway; expected another address`);
    else if (ipText === broadcast) at(path, `${ipText} is the subnet's broadcast address; expected a host address`);
    const other = taken.get(ipText);
    if (other) at(path, `${ipText} is already leased to ${other}; expected one MAC per address`);
    else taken.set(ipText, mac);
  }
}

function checkSpec(spec: Spec, object: ObjectInfo): Issue[] {
  const issues: Issue[] = [];
  if (object.name.startsWith('ext.'))
    issues.push(
      issueAt(
        ['metadata', 'name'],
        `"${object.name}" starts with "ext."; expected a name without it (reserved for Externals)`,
      ),
    );
  const subnets = mapping(spec.subnets) ?? {};
  const names = Object.keys(subnets);
  if (names.length === 0) issues.push(issueAt(['spec', 'subnets'], 'is empty; expected at least one subnet'));
  if (names.length > 20) issues.push(issueAt(['spec', 'subnets'], `has ${names.length} subnets; expected at most 20`));
  const vlans = new Map<number, string>();
  const nets: { net: Prefix; name: string; text: string }[] = [];
  for (const [name, raw] of Object.entries(subnets)) {
    const s = mapping(raw);
    if (!s) continue;
    const base = ['spec', 'subnets', name];
    const subnetText = String(s.subnet);
    const net = parsePrefix(subnetText);
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
    if (!net) continue;
    if (net.length > 30) {
      issues.push(issueAt([...base, 'subnet'], `${subnetText} is a /${net.length}; expected /30 or larger`));
      continue;
    }
    if (s.hostBGP !== true) {
      // Default() fills an absent gateway with the subnet's first address.
      const gateway = text(s.gateway) ?? '';
      const gw = parseAddr(gateway);
      if (gw === null)
        issues.push(
          issueAt(
            [...base, 'gateway'],
            `${JSON.stringify(gateway)} is not a valid IP address; expected an address inside ${subnetText}`,
          ),
        );
      else if (!prefixContains(net, gw))
        issues.push(
          issueAt([...base, 'gateway'], `${gateway} is not inside ${subnetText}; expected an address in the subnet`),
        );
      const vlan = num(s.vlan);
      if (vlan) {
        const other = vlans.get(vlan);
        if (other !== undefined)
          issues.push(
            issueAt(
              [...base, 'vlan'],
              `${vlan} is also the VLAN of subnet "${other}"; expected a VLAN per subnet (duplicate subnet VLANs)`,
            ),
          );
        else vlans.set(vlan, name);
      }
    }
    const overlapping = nets.find((o) => prefixesOverlap(o.net, net));
    if (overlapping)
      issues.push(
        issueAt(
          [...base, 'subnet'],
          `${subnetText} overlaps subnet "${overlapping.name}" (${overlapping.text}); expected subnets that do not overlap`,
        ),
      );
    nets.push({ net, name, text: subnetText });
    checkDhcp(base, s, net, issues);
  }
  asList(spec.permit).forEach((raw, index) => {
    const entries = asList(raw).map((e) => String(e));
    if (entries.length < 2)
      issues.push(issueAt(['spec', 'permit', index], `names ${entries.length} subnet(s); expected at least 2`));
    for (const entry of entries) {
      if (!(entry in subnets))
        issues.push(
          issueAt(
            ['spec', 'permit', index],
            `names subnet "${entry}", which this VPC does not have; expected one of ${names.map((n) => JSON.stringify(n)).join(', ') || 'its subnets'}`,
          ),
        );
    }
    const dup = entries.find((e, i) => entries.indexOf(e) !== i);
    if (dup !== undefined)
      issues.push(issueAt(['spec', 'permit', index], `names subnet "${dup}" twice; expected distinct subnets`));
  });
  asList(spec.staticRoutes).forEach((raw, index) => {
    const prefix = text(mapping(raw)?.prefix);
    const c = prefix ? parsePrefix(prefix) : null;
    if (c && !isCanonical(c))
      issues.push(
        issueAt(
          ['spec', 'staticRoutes', index, 'prefix'],
          `${prefix} has host bits set; expected a canonical prefix such as ${formatPrefix(c)}`,
        ),
      );
  });
  return issues;
}

function checkConfig(spec: Spec, config: FabricConfig): Issue[] {
  const issues: Issue[] = [];
  for (const s of vpcSubnets(spec)) {
    const c = parsePrefix(s.subnet);
    const reserved = c ? reservedOverlapping(config, c) : undefined;
    if (reserved)
      issues.push(
        issueAt(
          ['spec', 'subnets', s.name, 'subnet'],
          `${s.subnet} overlaps the fabric's ${reserved.name} ${reserved.text}; expected a subnet outside the reserved ones`,
        ),
      );
  }
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
  start: bigint;
  end: bigint;
  key: string;
  vpc: string;
  subnet: string;
  cidr: string;
}

/** Subnets must not overlap within an IPv4Namespace, VLANs must not repeat within a VLANNamespace, and both must fit their namespace. */
function crossCheck(vpcs: Indexed[], context: CrossContext): void {
  // Per IPv4Namespace and address family: an IPv4 and an IPv6 subnet never overlap.
  const intervals = new Map<string, { ipns: string; list: SubnetInterval[] }>();
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
      return target ? effectiveVlanRanges(mapping(target.record.spec) ?? {}) : null;
    })();
    for (const s of vpcSubnets(spec)) {
      const c = parsePrefix(s.subnet);
      if (c) {
        const nsKey = `${r.namespace}/${ipns}/${c.addr.bits}`;
        let group = intervals.get(nsKey);
        if (!group) intervals.set(nsKey, (group = { ipns, list: [] }));
        group.list.push({ start: networkOf(c), end: lastOf(c), key, vpc: r.name, subnet: s.name, cidr: s.subnet });
        if (ipnsSubnets && !ipnsSubnets.some((ns) => isSubset(c, ns))) {
          context.warn(
            key,
            ['spec', 'subnets', s.name, 'subnet'],
            ipnsSubnets.some((ns) => ns.addr.bits === c.addr.bits)
              ? `${s.subnet} is not inside any subnet of IPv4Namespace "${ipns}"`
              : `${s.subnet} is not inside any subnet of IPv4Namespace "${ipns}", which has no IPv${c.addr.bits === 32 ? 4 : 6} subnet; expected one that holds it`,
          );
        }
      }
      // A hostBGP subnet's VLAN is not checked against the namespace, but a non-zero one is still unique.
      if (s.vlan === null) continue;
      if (!s.hostBGP && ranges && !ranges.some((rg) => s.vlan! >= rg.from && s.vlan! <= rg.to)) {
        context.warn(
          key,
          ['spec', 'subnets', s.name, 'vlan'],
          ranges.length === 0
            ? `VLAN ${s.vlan} is outside VLANNamespace "${vlanns}", which the fabric holds without ranges; expected a namespace whose ranges hold it`
            : `VLAN ${s.vlan} is outside the ranges of VLANNamespace "${vlanns}" (${formatRanges(ranges)}); expected a VLAN inside them`,
        );
      } else if (!s.hostBGP && !ranges && s.vlan > 4094) {
        context.warn(
          key,
          ['spec', 'subnets', s.name, 'vlan'],
          `VLAN ${s.vlan} is above 4094, so no VLANNamespace can hold it; the fabric refuses the VPC when it checks it against VLANNamespace "${vlanns}"`,
        );
      }
      const vlanKey = `${r.namespace}/${vlanns}/${s.vlan}`;
      const first = vlans.get(vlanKey);
      if (!first) vlans.set(vlanKey, { key, vpc: r.name, subnet: s.name });
      // Inside one VPC the rule is per-object (hostBGP subnets exempt); the fabric compares VPCs here.
      else if (first.key !== key) {
        context.warn(
          key,
          ['spec', 'subnets', s.name, 'vlan'],
          `VLAN ${s.vlan} is also used by VPC "${first.vpc}" subnet "${first.subnet}" (VLANNamespace "${vlanns}")`,
        );
        context.warn(
          first.key,
          ['spec', 'subnets', first.subnet, 'vlan'],
          `VLAN ${s.vlan} is also used by VPC "${r.name}" subnet "${s.name}" (VLANNamespace "${vlanns}")`,
        );
      }
    }
  }
  const order = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  for (const { ipns, list } of intervals.values()) {
    list.sort((a, b) => order(a.start, b.start) || order(b.end, a.end));
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
  defaults,
  checkSpec,
  checkConfig,
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
      value: (spec) => refsTo('IPv4Namespace', [vpcIpv4Namespace(spec)]),
      sortSql: "coalesce(nullif(spec->>'ipv4Namespace', ''), 'default')",
      filter: {},
    },
    {
      key: 'vlanNamespace',
      label: 'VLAN namespace',
      value: (spec) => refsTo('VLANNamespace', [vpcVlanNamespace(spec)]),
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
  crossCheck,
  checkReferenceTo,
  panels,
});
