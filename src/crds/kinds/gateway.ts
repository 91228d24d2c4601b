import { UniqueValues } from '../crossCheck';
import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import type { FabricConfig } from '../fabricConfig';
import { cidrContains, isMac, parseCidr, parseIPv4 } from '../net';
import { claimLoopbacks } from '../loopbacks';
import { bool, dict, intIn, list, obj, opt, str, uint32 } from '../schema';
import { issueAt, joined, list as asList, mapping, num, text } from '../spec';
import type { CrossContext, Indexed, Issue, Panel, Reference, Spec } from '../types';

/** Every gateway kind: refused when the fabric's configuration (a Fabricator document) turns the gateway off. */
export function gatewayDisabled(_spec: Spec, config: FabricConfig): Issue[] {
  return config.enableGateway === false
    ? [
        issueAt(
          ['apiVersion'],
          'gateway support is not enabled in the fabric configuration (Fabricator spec.config.gateway.enable); expected it enabled for gateway kinds',
        ),
      ]
    : [];
}

const INTERFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9]$/;

/** A PCI address as the fabric reads it: 12 characters, `domain:bus:device.function` in hex, device up to 1f, function up to 7. */
function isPciAddress(value: string): boolean {
  const m = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(value);
  return m !== null && parseInt(m[3]!, 16) <= 0x1f;
}

/** What makes an IPv4 address unusable as a unicast one (0.0.0.0, 127/8, 224/4), or null. */
function notUnicast(address: number): string | null {
  if (address === 0) return 'the unspecified address';
  if (address >>> 24 === 127) return 'a loopback address';
  if (address >>> 28 === 0xe) return 'a multicast address';
  return null;
}
const HYDRATED = 'will be required by the fabric; usually filled by hhfab build';

const specSchema = obj({
  protocolIP: opt(str),
  vtepIP: opt(str),
  vtepMAC: opt(str),
  asn: opt(uint32),
  vtepMTU: opt(intIn(0, 65535, 'an MTU')),
  interfaces: opt(
    dict(opt(obj({ pci: opt(str), kernel: opt(str), ips: opt(list(str)), mtu: opt(intIn(0, 65535, 'an MTU')) }))),
  ),
  neighbors: opt(list(obj({ source: opt(str), ip: opt(str), asn: opt(uint32) }))),
  logs: opt(
    obj({
      default: opt(str),
      tags: opt(dict(opt(str))),
      rateLimit: opt(obj({ burst: opt(uint32), replenishPerSecond: opt(uint32) })),
    }),
  ),
  profiling: opt(obj({ enabled: opt(bool) })),
  workers: opt(intIn(0, 255, 'a number of workers')),
  groups: opt(list(obj({ name: str, priority: opt(uint32) }))),
  flowTableCapacity: opt(uint32),
});

/**
 * The fabric's Default(): 4 workers; logs at info by default and for every tag (`all: info`); a
 * rate limit, when set, bursts 50 and replenishes 5 per second; the group "default" when none is
 * listed. (Groups are also sorted by name; left as written here, so that messages point at the
 * entry in the file.)
 */
function defaults(spec: Spec): Spec {
  const groups = asList(spec.groups);
  const logs = mapping(spec.logs) ?? {};
  const rateLimit = mapping(logs.rateLimit);
  return {
    ...spec,
    workers: num(spec.workers) || 4,
    logs: {
      ...logs,
      default: text(logs.default) ?? 'info',
      tags: Object.keys(mapping(logs.tags) ?? {}).length > 0 ? logs.tags : { all: 'info' },
      ...(rateLimit
        ? {
            rateLimit: {
              ...rateLimit,
              burst: num(rateLimit.burst) || 50,
              replenishPerSecond: num(rateLimit.replenishPerSecond) || 5,
            },
          }
        : {}),
    },
    groups: groups.length > 0 ? groups : [{ name: 'default', priority: 0 }],
  };
}

/** A /32 IPv4 prefix, or what is wrong with it. */
function host32(value: string): string | null {
  const c = parseCidr(value);
  if (!c) return `${JSON.stringify(value)} is not an IPv4 prefix; expected an address /32 such as 172.30.8.2/32`;
  if (c.prefixLength !== 32) return `${value} is a /${c.prefixLength}; expected a /32`;
  return null;
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const at = (path: (string | number)[], message: string) => issues.push(issueAt(['spec', ...path], message));
  const workers = num(spec.workers);
  if (workers !== null && (workers < 1 || workers > 64)) at(['workers'], `${workers} is out of range; expected 1-64`);
  const protocolIP = text(spec.protocolIP);
  if (protocolIP) {
    const problem = host32(protocolIP);
    if (problem) at(['protocolIP'], problem);
  }
  const vtepIP = text(spec.vtepIP);
  if (vtepIP) {
    const problem = host32(vtepIP);
    const kind = problem ? null : notUnicast(parseCidr(vtepIP)!.address);
    if (problem) at(['vtepIP'], problem);
    else if (kind) at(['vtepIP'], `${vtepIP} is ${kind}; expected a unicast IPv4 address`);
  }
  const mac = text(spec.vtepMAC);
  if (mac) {
    const octets = mac.split(/[:.-]/).join('');
    if (!isMac(mac))
      at(['vtepMAC'], `${JSON.stringify(mac)} is not a MAC address; expected one such as 0c:20:12:fe:00:01`);
    else if (/^0+$/.test(octets)) at(['vtepMAC'], `${mac} is all zeros; expected a unicast MAC address`);
    else if ((parseInt(octets.slice(0, 2), 16) & 1) === 1)
      at(['vtepMAC'], `${mac} is a multicast address; expected a unicast MAC address`);
  }
  const interfaces = Object.entries(mapping(spec.interfaces) ?? {});
  if (interfaces.length === 0) at(['interfaces'], 'is empty; expected at least one interface');
  for (const [name, raw] of interfaces) {
    const iface = mapping(raw) ?? {};
    if (name.length > 15 || !INTERFACE_NAME.test(name))
      at(
        ['interfaces', name],
        `${JSON.stringify(name)} is not a valid interface name; expected 2-10 letters, digits, '_', '.' or '-', starting with a letter`,
      );
    asList(iface.ips).forEach((ip, i) => {
      if (typeof ip !== 'string' || !parseCidr(ip))
        at(
          ['interfaces', name, 'ips', i],
          `${JSON.stringify(ip)} is not an IPv4 prefix; expected one such as 172.30.128.1/31`,
        );
    });
    const pci = text(iface.pci);
    const kernel = text(iface.kernel);
    if (pci && kernel) at(['interfaces', name], 'has both pci and kernel; expected at most one of them');
    if (pci && !isPciAddress(pci))
      at(
        ['interfaces', name, 'pci'],
        `${JSON.stringify(pci)} is not a PCI address; expected domain:bus:device.function such as 0000:02:00.0 (device up to 1f, function up to 7)`,
      );
    if (kernel && (!INTERFACE_NAME.test(kernel) || kernel.length > 15))
      at(['interfaces', name, 'kernel'], `${JSON.stringify(kernel)} is not a valid interface name`);
    else if (kernel && kernel === name)
      at(['interfaces', name, 'kernel'], `"${kernel}" is the interface's own name; expected another`);
  }
  asList(spec.neighbors).forEach((raw, i) => {
    const n = mapping(raw) ?? {};
    const ip = text(n.ip);
    const address = ip ? parseIPv4(ip) : null;
    // Go's check rejects multicast and unspecified neighbors (not loopback ones).
    const bad =
      address === null
        ? null
        : address === 0
          ? 'the unspecified address'
          : address >>> 28 === 0xe
            ? 'a multicast address'
            : null;
    if (address === null)
      at(
        ['neighbors', i, 'ip'],
        `${JSON.stringify(n.ip ?? null)} is not an IPv4 address; expected the neighbor's unicast address`,
      );
    else if (bad) at(['neighbors', i, 'ip'], `${ip} is ${bad}; expected the neighbor's unicast address`);
    if (!num(n.asn)) at(['neighbors', i, 'asn'], `is ${String(n.asn ?? 'missing')}; expected a non-zero ASN`);
  });
  const seen = new Set<string>();
  asList(spec.groups).forEach((raw, i) => {
    const name = text(mapping(raw)?.name);
    if (name && seen.has(name)) at(['groups', i, 'name'], `"${name}" is listed twice; expected each group once`);
    if (name) seen.add(name);
  });
  return issues;
}

// What hhfab fills in when it hydrates the wiring: warnings while absent (checkSpec checks them when present).
function lint(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  for (const field of ['asn', 'protocolIP', 'vtepIP', 'vtepMAC'] as const) {
    if (!spec[field]) issues.push(issueAt(['spec', field], `missing; it ${HYDRATED}`));
  }
  if (asList(spec.neighbors).length === 0)
    issues.push(issueAt(['spec', 'neighbors'], `missing; at least one neighbor ${HYDRATED}`));
  for (const [name, raw] of Object.entries(mapping(spec.interfaces) ?? {})) {
    if (asList(mapping(raw)?.ips).length === 0)
      issues.push(issueAt(['spec', 'interfaces', name, 'ips'], `missing; an IPv4 prefix ${HYDRATED}`));
  }
  return issues;
}

const groupNames = (spec: Spec) => {
  const names = asList(spec.groups)
    .map((g) => text(mapping(g)?.name))
    .filter((n): n is string => n !== null);
  return names.length > 0 ? names : ['default'];
};

function references(spec: Spec): Reference[] {
  const listed = asList(spec.groups).length > 0;
  return groupNames(spec).map((name, i) => ({
    kind: 'GatewayGroup',
    name,
    field: listed ? `spec.groups[${i}].name` : 'spec.groups',
    ...(listed ? {} : { defaulted: true }),
  }));
}

/** A MAC in the fabric's canonical form (lower case, colons), or null. */
function canonicalMac(value: string): string | null {
  if (!isMac(value)) return null;
  const hex = value.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  return hex.match(/../g)!.join(':');
}

/**
 * What the fabric checks against other objects: protocol and VTEP IPs unique among Gateways and
 * Switches, VTEP MACs unique among Gateways, at most as many members per GatewayGroup as the
 * fabric has gateway communities; and what hhfab checks when it hydrates: the gateway ASN, the
 * protocol and VTEP subnets.
 */
function crossCheck(gateways: Indexed[], context: CrossContext): void {
  const { config } = context;
  const unique = new UniqueValues();
  claimLoopbacks(unique, gateways, 'Gateway', true);
  claimLoopbacks(unique, context.all('Switch'), 'Switch', false);
  const members = new Map<string, Indexed[]>();
  for (const gw of gateways) {
    const { key, record } = gw;
    const spec = mapping(record.spec) ?? {};
    const mac = canonicalMac(text(spec.vtepMAC) ?? '');
    if (mac)
      unique.claim('vtep-mac', mac, {
        key,
        name: `Gateway "${record.name}"`,
        path: ['spec', 'vtepMAC'],
        label: `VTEP MAC ${mac}`,
      });
    for (const group of new Set(groupNames(spec))) {
      const list = members.get(group);
      if (list) list.push(gw);
      else members.set(group, [gw]);
    }
    const asn = num(spec.asn);
    if (asn && asn !== config.gatewayASN)
      context.warn(
        key,
        ['spec', 'asn'],
        `${asn} is not the fabric's gateway ASN ${config.gatewayASN}; expected ${config.gatewayASN}`,
      );
    for (const [field, subnetText, label] of [
      ['protocolIP', config.protocolSubnet, 'protocol'],
      ['vtepIP', config.vtepSubnet, 'VTEP'],
    ] as const) {
      const c = parseCidr(text(spec[field]) ?? '');
      const subnet = parseCidr(subnetText);
      if (c && c.prefixLength === 32 && subnet && !cidrContains(subnet, c.address))
        context.warn(
          key,
          ['spec', field],
          `${String(spec[field])} is not in the fabric's ${label} subnet ${subnetText}; expected an address inside it`,
        );
    }
  }
  unique.warnShared(context);
  for (const [group, list] of members) {
    if (list.length <= config.gatewayCommunities) continue;
    for (const { key, record } of list) {
      const listed = asList(mapping(record.spec)?.groups);
      const index = listed.findIndex((g) => text(mapping(g)?.name) === group);
      context.warn(
        key,
        index >= 0 ? ['spec', 'groups', index, 'name'] : ['spec', 'groups'],
        `GatewayGroup "${group}" has ${list.length} gateways; the fabric allows at most ${config.gatewayCommunities} (one per gateway community)`,
      );
    }
  }
}

function panels(spec: Spec): Panel[] {
  return [
    {
      key: 'summary',
      title: 'Gateway',
      columns: [
        { key: 'field', label: 'Field' },
        { key: 'value', label: 'Value' },
      ],
      rows: [
        { field: 'ASN', value: num(spec.asn) },
        { field: 'Protocol IP', value: text(spec.protocolIP) },
        { field: 'VTEP IP', value: text(spec.vtepIP) },
        { field: 'VTEP MAC', value: text(spec.vtepMAC) },
        { field: 'VTEP MTU', value: num(spec.vtepMTU) },
        { field: 'Workers', value: num(spec.workers) ?? 4 },
        { field: 'Groups', value: refsTo('GatewayGroup', groupNames(spec)) },
      ],
    },
    {
      key: 'interfaces',
      title: 'Interfaces',
      columns: [
        { key: 'name', label: 'Name' },
        { key: 'ips', label: 'IPs' },
        { key: 'pci', label: 'PCI' },
        { key: 'kernel', label: 'Kernel' },
        { key: 'mtu', label: 'MTU' },
      ],
      rows: Object.entries(mapping(spec.interfaces) ?? {}).map(([name, raw]) => {
        const i = mapping(raw) ?? {};
        return {
          name,
          ips: joined(asList(i.ips).map(text)),
          pci: text(i.pci),
          kernel: text(i.kernel),
          mtu: num(i.mtu),
        };
      }),
    },
    {
      key: 'neighbors',
      title: 'BGP neighbors',
      columns: [
        { key: 'ip', label: 'IP' },
        { key: 'asn', label: 'ASN' },
        { key: 'source', label: 'Source' },
      ],
      rows: asList(spec.neighbors).map((raw) => {
        const n = mapping(raw) ?? {};
        return { ip: text(n.ip), asn: num(n.asn), source: text(n.source) };
      }),
    },
  ];
}

export const gateway = defineKind({
  kind: 'Gateway',
  group: 'gateway.githedgehog.com',
  version: 'v1alpha1',
  plural: 'gateways',
  shortNames: ['gw'],
  label: 'Gateway',
  labelPlural: 'Gateways',
  specRequired: false,
  // A gateway Connection names its gateway side freely; the fabric never looks a Gateway up by it.
  unresolvedReferencesAccepted: true,
  specSchema,
  defaults,
  checkSpec,
  checkConfig: gatewayDisabled,
  lint,
  crossCheck,
  columns: [
    { key: 'asn', label: 'ASN', value: (spec) => num(spec.asn), sortSql: "(spec->>'asn')::bigint" },
    { key: 'protocolIP', label: 'Protocol IP', value: (spec) => text(spec.protocolIP), sortSql: "spec->>'protocolIP'" },
    { key: 'vtepIP', label: 'VTEP IP', value: (spec) => text(spec.vtepIP), sortSql: "spec->>'vtepIP'" },
    { key: 'interfaces', label: 'Interfaces', value: (spec) => joined(Object.keys(mapping(spec.interfaces) ?? {})) },
    { key: 'groups', label: 'Groups', value: (spec) => refsTo('GatewayGroup', groupNames(spec)) },
  ],
  references,
  panels,
});
