import { defineKind } from '../defineKind';
import { listOthers, UniqueValues } from '../crossCheck';
import { reservedOverlapping, type FabricConfig } from '../fabricConfig';
import { allowedPorts, availableProfile, portSummary } from '../profileRules';
import { cidrContains, formatIPv4, parseCidr, parseIPv4 } from '../net';
import { formatPrefix, isCanonical, parsePrefix, prefixesOverlap, type Prefix } from '../netip';
import { portKey, splitPortRef } from '../ports';
import {
  bool,
  cidr,
  ipPrefix,
  ipv4,
  list,
  mtu,
  obj,
  opt,
  portIpSide,
  portRef,
  portSide,
  str,
  vlanOrZero,
} from '../schema';
import { refsTo } from '../refs';
import { issueAt, joined, mapping, list as asList, num, text } from '../spec';
import type { CrossContext, IncomingRecord, Indexed, Issue, Panel, PortConnection, Reference, Spec } from '../types';

export const CONNECTION_TYPES = [
  'unbundled',
  'bundled',
  'eslag',
  'mclag',
  'mclagDomain',
  'fabric',
  'mesh',
  'gateway',
  'vpcLoopback',
  'external',
  'staticExternal',
] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

const DEPRECATED_TYPES: ReadonlySet<string> = new Set(['mclag', 'mclagDomain']);

export type EndpointSide = 'switch' | 'server' | 'gateway';

export interface Endpoint {
  device: string;
  port: string;
  side: EndpointSide;
  /** Dotted field, e.g. `spec.bundled.links[1].switch.port`. */
  field: string;
  path: (string | number)[];
  /** Index of the link in its list (0 for single-link types). */
  link: number;
  /** The /31 (or other) address on this side, when the type carries one. */
  ip: string | null;
}

type SideSpec = readonly [key: string, side: EndpointSide];
interface LinkList {
  key: string;
  single: boolean;
  sides: readonly SideSpec[];
}

const SERVER_SWITCH: readonly SideSpec[] = [
  ['server', 'server'],
  ['switch', 'switch'],
];
const SWITCH_PAIR: readonly SideSpec[] = [
  ['switch1', 'switch'],
  ['switch2', 'switch'],
];

// Where each connection type keeps its port references.
const LAYOUT: Record<ConnectionType, readonly LinkList[]> = {
  unbundled: [{ key: 'link', single: true, sides: SERVER_SWITCH }],
  bundled: [{ key: 'links', single: false, sides: SERVER_SWITCH }],
  eslag: [{ key: 'links', single: false, sides: SERVER_SWITCH }],
  mclag: [{ key: 'links', single: false, sides: SERVER_SWITCH }],
  mclagDomain: [
    { key: 'peerLinks', single: false, sides: SWITCH_PAIR },
    { key: 'sessionLinks', single: false, sides: SWITCH_PAIR },
  ],
  fabric: [
    {
      key: 'links',
      single: false,
      sides: [
        ['spine', 'switch'],
        ['leaf', 'switch'],
      ],
    },
  ],
  mesh: [
    {
      key: 'links',
      single: false,
      sides: [
        ['leaf1', 'switch'],
        ['leaf2', 'switch'],
      ],
    },
  ],
  gateway: [
    {
      key: 'links',
      single: false,
      sides: [
        ['switch', 'switch'],
        ['gateway', 'gateway'],
      ],
    },
  ],
  vpcLoopback: [{ key: 'links', single: false, sides: SWITCH_PAIR }],
  external: [{ key: 'link', single: true, sides: [['switch', 'switch']] }],
  staticExternal: [{ key: 'link', single: true, sides: [['switch', 'switch']] }],
};

/** The connection type keys present (with a non-null value) in the spec. */
export function connectionTypeKeys(spec: Spec): ConnectionType[] {
  return CONNECTION_TYPES.filter((t) => spec[t] !== undefined && spec[t] !== null);
}

/** The connection type, or null when the spec has none. */
export function connectionType(spec: Spec): ConnectionType | null {
  for (const t of CONNECTION_TYPES) if (spec[t] !== undefined && spec[t] !== null) return t;
  return null;
}

/** Every port named by the connection, in document order. */
export function connectionEndpoints(spec: Spec): Endpoint[] {
  const type = connectionType(spec);
  if (!type) return [];
  const body = mapping(spec[type]);
  if (!body) return [];
  const endpoints: Endpoint[] = [];
  for (const layout of LAYOUT[type]) {
    const links = layout.single ? [body[layout.key]] : asList(body[layout.key]);
    links.forEach((raw, index) => {
      const linkObj = mapping(raw);
      if (!linkObj) return;
      for (const [sideKey, side] of layout.sides) {
        const sideObj = mapping(linkObj[sideKey]);
        const ref = text(sideObj?.port);
        const parts = ref ? splitPortRef(ref) : null;
        if (!parts) continue;
        // Every key here is a plain identifier, so the field is built directly rather than through dotted().
        const path = layout.single
          ? ['spec', type, layout.key, sideKey, 'port']
          : ['spec', type, layout.key, index, sideKey, 'port'];
        // Joined, not a template: a template's cons string keeps its seven parts, and a sync
        // holds every endpoint for its cross-record pass (endpointCache).
        const field = ['spec', type, layout.single ? layout.key : `${layout.key}[${index}]`, sideKey, 'port'].join('.');
        endpoints.push({
          device: parts.device,
          port: parts.port,
          side,
          path,
          field,
          link: index,
          ip: text(sideObj?.ip),
        });
      }
    });
  }
  return endpoints;
}

const link = obj({ server: portSide, switch: portSide });
const switchPair = obj({ switch1: portSide, switch2: portSide });
const multiLink = (min: number) => obj({ links: list(link, min), mtu: opt(mtu), fallback: opt(bool) });

const specSchema = obj({
  unbundled: opt(obj({ link, mtu: opt(mtu) })),
  bundled: opt(multiLink(1)),
  eslag: opt(multiLink(2)),
  mclag: opt(multiLink(2)),
  mclagDomain: opt(obj({ peerLinks: list(switchPair, 1), sessionLinks: list(switchPair, 1) })),
  fabric: opt(obj({ links: list(obj({ spine: portIpSide, leaf: portIpSide }), 1) })),
  mesh: opt(obj({ links: list(obj({ leaf1: portIpSide, leaf2: portIpSide }), 1) })),
  gateway: opt(obj({ links: list(obj({ switch: portIpSide, gateway: portIpSide }), 1) })),
  vpcLoopback: opt(obj({ links: list(switchPair, 1) })),
  external: opt(obj({ link: obj({ switch: portSide }) })),
  staticExternal: opt(
    obj({
      link: obj({
        switch: obj({
          port: portRef,
          ip: opt(cidr),
          nextHop: opt(ipv4),
          // ip and nextHop have IPv4 patterns in the CRD; subnets are parsed with netip (IPv6 too).
          subnets: opt(list(ipPrefix)),
          vlan: opt(vlanOrZero),
        }),
      }),
      withinVPC: opt(str),
    }),
  ),
});

const TYPE_LIST = CONNECTION_TYPES.join(', ');

// The order in which the fabric's Endpoints() looks for a type: MCLAG first (then nothing else is
// checked), then an if/else chain, so a second type key is never looked at.
const FABRIC_ORDER: readonly ConnectionType[] = [
  'mclag',
  'mclagDomain',
  'unbundled',
  'bundled',
  'eslag',
  'fabric',
  'mesh',
  'gateway',
  'vpcLoopback',
  'external',
  'staticExternal',
];

/** The type the fabric validates the connection as (the first in its order), or null. */
export function fabricConnectionType(spec: Spec): ConnectionType | null {
  return FABRIC_ORDER.find((t) => spec[t] !== undefined && spec[t] !== null) ?? null;
}

/** Devices of one side, deduplicated, in document order. */
function devices(endpoints: Endpoint[], side: EndpointSide): string[] {
  return [...new Set(endpoints.filter((e) => e.side === side).map((e) => e.device))];
}

// Device counts per type, as the fabric's Endpoints() checks them on the object alone.
const SWITCH_COUNT: Partial<Record<ConnectionType, [number, number]>> = {
  unbundled: [1, 1],
  bundled: [1, 1],
  eslag: [1, 4],
  fabric: [2, 2],
  mesh: [2, 2],
  gateway: [1, 1],
  vpcLoopback: [1, 1],
};
const ONE_SERVER: ReadonlySet<ConnectionType> = new Set(['unbundled', 'bundled', 'eslag']);

function checkStaticExternal(spec: Spec, issues: Issue[]): void {
  const sw = mapping(mapping(mapping(spec.staticExternal)?.link)?.switch);
  if (!sw) return;
  const base = ['spec', 'staticExternal', 'link', 'switch'];
  const ip = parseCidr(text(sw.ip) ?? '');
  const nextHop = parseIPv4(text(sw.nextHop) ?? '');
  if (!text(sw.ip))
    issues.push(issueAt([...base, 'ip'], 'is required (an IPv4 CIDR such as 10.99.0.1/24), got nothing'));
  if (!text(sw.nextHop))
    issues.push(issueAt([...base, 'nextHop'], 'is required (an IPv4 address inside ip), got nothing'));
  if (ip && nextHop !== null && !cidrContains(ip, nextHop))
    issues.push(
      issueAt([...base, 'nextHop'], `${String(sw.nextHop)} is not inside ${String(sw.ip)}; expected an address in it`),
    );
  const subnets = asList(sw.subnets);
  const seen: { c: Prefix; raw: string }[] = [];
  for (const [index, raw] of subnets.entries()) {
    const c = parsePrefix(String(raw));
    if (!c) continue;
    const path = [...base, 'subnets', index];
    if (String(raw) === '0.0.0.0/0') {
      if (subnets.length > 1)
        issues.push(
          issueAt(path, `0.0.0.0/0 with ${subnets.length - 1} other subnet(s); expected the default route alone`),
        );
      // The fabric stops looking at the list here.
      break;
    }
    // Only the text 0.0.0.0/0 is the default route; ::/0 is a subnet like any other.
    if (!isCanonical(c))
      issues.push(
        issueAt(path, `${String(raw)} has host bits set; expected a canonical prefix such as ${formatPrefix(c)}`),
      );
    const other = seen.find((o) => prefixesOverlap(o.c, c));
    if (other) issues.push(issueAt(path, `${String(raw)} overlaps ${other.raw}; expected subnets that do not overlap`));
    seen.push({ c, raw: String(raw) });
  }
}

function checkSpec(spec: Spec): Issue[] {
  const types = connectionTypeKeys(spec);
  if (types.length === 0) {
    const unknown = Object.keys(spec);
    const found =
      unknown.length > 0 ? `unknown connection type ${unknown.map((k) => JSON.stringify(k)).join(', ')}` : 'none';
    return [issueAt(['spec'], `expected exactly one connection type (${TYPE_LIST}), found ${found}`)];
  }
  const type = fabricConnectionType(spec)!;
  if (DEPRECATED_TYPES.has(type)) return [];
  const issues: Issue[] = [];
  const endpoints = connectionEndpoints({ [type]: spec[type] });
  const range = SWITCH_COUNT[type];
  if (range) {
    const count = devices(endpoints, 'switch').length;
    if (count < range[0] || count > range[1]) {
      const expected = range[0] === range[1] ? `${range[0]}` : `${range[0]}-${range[1]}`;
      issues.push(
        issueAt(
          ['spec', type],
          `names ${count} switch${count === 1 ? '' : 'es'}; a ${type} connection must name ${expected}`,
        ),
      );
    }
  }
  if (ONE_SERVER.has(type)) {
    const count = devices(endpoints, 'server').length;
    if (count !== 1)
      issues.push(
        issueAt(['spec', type], `names ${count} server${count === 1 ? '' : 's'}; a ${type} connection must name 1`),
      );
  }
  // Ports are compared as written ("device/port"), as the fabric does on the object alone.
  const used = new Map<string, Endpoint>();
  for (const e of endpoints) {
    const key = `${e.device}/${e.port}`;
    const first = used.get(key);
    if (first) issues.push(issueAt(e.path, `port ${key} is already used at ${first.field}; expected unique ports`));
    else used.set(key, e);
  }
  if (type === 'staticExternal') checkStaticExternal(spec, issues);
  return issues;
}

function checkConfig(spec: Spec, config: FabricConfig): Issue[] {
  const type = fabricConnectionType(spec);
  if (!type || DEPRECATED_TYPES.has(type)) return [];
  const issues: Issue[] = [];
  if ((type === 'eslag' || type === 'gateway') && config.fabricMode !== 'spine-leaf')
    issues.push(
      issueAt(
        ['spec', type],
        `a ${type} connection is allowed only in spine-leaf mode; the fabric configuration's mode is ${JSON.stringify(config.fabricMode)} (Fabricator spec.config.fabric.mode)`,
      ),
    );
  const limit = config.fabricMTU - config.serverFacingMTUOffset;
  if (type === 'unbundled' || type === 'bundled') {
    const mtu = num(mapping(spec[type])?.mtu);
    if (mtu !== null && mtu > limit)
      issues.push(
        issueAt(
          ['spec', type, 'mtu'],
          `${mtu} is above the server-facing MTU ${limit} (fabric MTU ${config.fabricMTU} - offset ${config.serverFacingMTUOffset}); expected at most ${limit}`,
        ),
      );
  }
  if (type === 'staticExternal') {
    const sw = mapping(mapping(mapping(spec.staticExternal)?.link)?.switch);
    asList(sw?.subnets).forEach((raw, index) => {
      const c = parsePrefix(String(raw));
      if (!c || String(raw) === '0.0.0.0/0') return;
      const reserved = reservedOverlapping(config, c);
      if (reserved)
        issues.push(
          issueAt(
            ['spec', 'staticExternal', 'link', 'switch', 'subnets', index],
            `${String(raw)} overlaps the fabric's ${reserved.name} ${reserved.text}; expected a subnet outside the reserved ones`,
          ),
        );
    });
  }
  return issues;
}

/** The two sides of a link of the types whose links carry /31 addresses from the fabric subnet. */
function pointToPointSides(type: ConnectionType | null): [string, string] | undefined {
  return type === 'fabric'
    ? ['spine', 'leaf']
    : type === 'mesh'
      ? ['leaf1', 'leaf2']
      : type === 'gateway'
        ? ['switch', 'gateway']
        : undefined;
}

/** Whether both ends of a link have an IP: the fabric checks a link's addresses only then (hhfab may not have hydrated it). */
function linkHasBothIps(spec: Spec, type: ConnectionType, pair: [string, string], index: number): boolean {
  const l = mapping(asList(mapping(spec[type])?.links)[index]);
  return text(mapping(l?.[pair[0]])?.ip) !== null && text(mapping(l?.[pair[1]])?.ip) !== null;
}

// The fabric checks the /31 addresses of a link against other objects (its kube branch): warnings.
function lintPointToPoint(type: ConnectionType, spec: Spec, issues: Issue[]): void {
  const pairs = pointToPointSides(type);
  if (!pairs) return;
  asList(mapping(spec[type])?.links).forEach((raw, index) => {
    const l = mapping(raw);
    if (!linkHasBothIps(spec, type, pairs, index)) return;
    const a = parseCidr(text(mapping(l?.[pairs[0]])?.ip) ?? '');
    const b = parseCidr(text(mapping(l?.[pairs[1]])?.ip) ?? '');
    for (const [key, c] of [
      [pairs[0], a],
      [pairs[1], b],
    ] as const) {
      if (c && c.prefixLength !== 31)
        issues.push(
          issueAt(
            ['spec', type, 'links', index, key, 'ip'],
            `${formatIPv4(c.address)}/${c.prefixLength} is a /${c.prefixLength}; expected a /31`,
          ),
        );
    }
    if (a && b && a.prefixLength === 31 && b.prefixLength === 31 && a.start !== b.start)
      issues.push(
        issueAt(
          ['spec', type, 'links', index],
          `${pairs[0]} IP ${formatIPv4(a.address)}/31 and ${pairs[1]} IP ${formatIPv4(b.address)}/31 are not in the same /31; expected both ends in one /31`,
        ),
      );
  });
}

// Deprecations, and the link addresses the fabric checks against other objects. Where the fabric
// is silent (a second type key, which its if/else chain never looks at), so is this.
function lint(spec: Spec): Issue[] {
  const type = fabricConnectionType(spec);
  if (!type) return [];
  const issues: Issue[] = [];
  if (DEPRECATED_TYPES.has(type)) {
    issues.push(
      issueAt(
        ['spec', type],
        `the ${type} connection type: MCLAG is deprecated and no longer supported by the fabric, which skips its checks; use eslag instead (removed in Hedgehog release 26.03)`,
      ),
    );
    return issues;
  }
  lintPointToPoint(type, spec, issues);
  return issues;
}

const KIND_OF_SIDE: Record<EndpointSide, string> = { switch: 'Switch', server: 'Server', gateway: 'Gateway' };

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [];
  const seen = new Set<string>();
  for (const e of connectionEndpoints(spec)) {
    const kind = KIND_OF_SIDE[e.side];
    if (seen.has(`${kind}/${e.device}`)) continue;
    seen.add(`${kind}/${e.device}`);
    refs.push({ kind, name: e.device, field: e.field });
  }
  const vpc = text(mapping(spec.staticExternal)?.withinVPC);
  if (vpc) refs.push({ kind: 'VPC', name: vpc, field: 'spec.staticExternal.withinVPC' });
  return refs;
}

function linkCount(spec: Spec): number | null {
  const type = connectionType(spec);
  if (!type) return null;
  const body = mapping(spec[type]);
  if (!body) return null;
  return LAYOUT[type].reduce((n, l) => n + (l.single ? (body[l.key] ? 1 : 0) : asList(body[l.key]).length), 0);
}

function panels(spec: Spec): Panel[] {
  const out: Panel[] = [
    {
      key: 'endpoints',
      title: 'Endpoints',
      columns: [
        { key: 'link', label: 'Link' },
        { key: 'device', label: 'Device' },
        { key: 'port', label: 'Port' },
        { key: 'side', label: 'Role' },
        { key: 'ip', label: 'IP' },
      ],
      rows: connectionEndpoints(spec).map((e) => ({
        link: e.link + 1,
        device: refsTo(KIND_OF_SIDE[e.side], [e.device]),
        port: e.port,
        side: e.side,
        ip: e.ip,
      })),
    },
  ];
  const sw = mapping(mapping(mapping(spec.staticExternal)?.link)?.switch);
  if (sw) {
    out.push({
      key: 'static-external',
      title: 'Static external',
      columns: [
        { key: 'field', label: 'Field' },
        { key: 'value', label: 'Value' },
      ],
      rows: [
        { field: 'IP', value: text(sw.ip) },
        { field: 'Next hop', value: text(sw.nextHop) },
        { field: 'VLAN', value: typeof sw.vlan === 'number' ? sw.vlan : null },
        { field: 'Subnets', value: joined(asList(sw.subnets).map((s) => text(s))) },
        { field: 'Within VPC', value: refsTo('VPC', [text(mapping(spec.staticExternal)?.withinVPC)]) },
      ],
    });
  }
  return out;
}

// The first type key (alphabetically) holding an object. A CASE, not a subquery over
// jsonb_object_keys: a filtered list evaluates it on every Connection, three times faster.
const TYPE_SQL = `(CASE ${[...CONNECTION_TYPES]
  .sort()
  .map((t) => `WHEN jsonb_typeof(spec -> '${t}') = 'object' THEN '${t}'`)
  .join(' ')} END)`;

// Several cross-record rules read the same connection's endpoints: worked out once per pass of
// crossValidate, keyed by its indexed record, so that they go when the pass ends. Keyed by the
// spec, they lived as long as the sync's records (~18 MB at 50,000 records, issue 16). Never
// modify what these return.
const endpointCache = new WeakMap<Indexed, Endpoint[]>();

/** A Connection record's endpoints, worked out once per pass (several cross-record rules read them). */
export function endpointsOf(conn: Indexed): Endpoint[] {
  let e = endpointCache.get(conn);
  if (!e) endpointCache.set(conn, (e = connectionEndpoints(conn.record.spec)));
  return e;
}

interface PortUser {
  conn: Indexed;
  endpoint: Endpoint;
}

/** A port may be used by at most one Connection; E1/4 and E1/4/1 are the same port. */
function checkPorts(connections: Indexed[], context: CrossContext): void {
  // A port's one user as itself, a list only once a second one comes (almost every port has one).
  const users = new Map<string, PortUser | PortUser[]>();
  for (const conn of connections) {
    // The fabric skips deprecated MCLAG connections on both sides of this check.
    if (DEPRECATED_TYPES.has(fabricConnectionType(mapping(conn.record.spec) ?? {}) ?? 'unbundled')) continue;
    for (const endpoint of endpointsOf(conn)) {
      const id = `${conn.record.namespace}|${endpoint.side}|${portKey(endpoint.device, endpoint.port)}`;
      const seen = users.get(id);
      if (!seen) users.set(id, { conn, endpoint });
      else if (Array.isArray(seen)) seen.push({ conn, endpoint });
      else users.set(id, [seen, { conn, endpoint }]);
    }
  }
  for (const list of users.values()) {
    if (!Array.isArray(list)) continue;
    const names = [...new Set(list.map((u) => u.conn.record.name))];
    if (names.length < 2) continue;
    for (const u of list) {
      const others = names.filter((n) => n !== u.conn.record.name);
      context.warn(
        u.conn.key,
        u.endpoint.path,
        `port ${u.endpoint.device}/${u.endpoint.port} is also used by Connection ${listOthers(others)}; expected a port used by one Connection`,
      );
    }
  }
}

/**
 * Link IPs of fabric, mesh and gateway connections are unique fabric-wide and inside the fabric
 * subnet. The fabric checks a link only when both its ends have an address; a lone address still
 * counts as taken for the other links.
 */
function checkLinkIps(connections: Indexed[], context: CrossContext): void {
  const unique = new UniqueValues();
  const fabricSubnet = parseCidr(context.config.fabricSubnet);
  for (const conn of connections) {
    const spec = mapping(conn.record.spec) ?? {};
    const type = connectionType(spec);
    const pair = pointToPointSides(type);
    if (!type || !pair) continue;
    for (const e of endpointsOf(conn)) {
      const c = e.ip ? parseCidr(e.ip) : null;
      if (!c) continue;
      const checked = linkHasBothIps(spec, type, pair, e.link);
      const path = [...e.path.slice(0, -1), 'ip'];
      if (checked && fabricSubnet && !cidrContains(fabricSubnet, c.address))
        context.warn(
          conn.key,
          path,
          `${e.ip} is not in the fabric subnet ${context.config.fabricSubnet}; expected an address inside it`,
        );
      const address = formatIPv4(c.address);
      unique.claim('link-ip', address, {
        key: conn.key,
        name: `Connection "${conn.record.name}"`,
        path,
        label: `IP ${address}`,
        exempt: !checked,
      });
    }
  }
  unique.warnShared(context);
}

/**
 * An ESLAG connection's switches share one redundancy group of type eslag. As the fabric reads
 * it: the groups and types that are set must agree, and at least one switch must set them (a
 * switch without redundancy among them passes).
 */
function checkEslag(connections: Indexed[], context: CrossContext): void {
  for (const conn of connections) {
    if (fabricConnectionType(mapping(conn.record.spec) ?? {}) !== 'eslag') continue;
    const groups = new Set<string>();
    const types = new Set<string>();
    let complete = true;
    for (const device of new Set(
      endpointsOf(conn)
        .filter((e) => e.side === 'switch')
        .map((e) => e.device),
    )) {
      const sw = context.find('Switch', conn.record.namespace, device);
      if (!sw) {
        complete = false;
        continue;
      }
      const redundancy = mapping(mapping(sw.record.spec)?.redundancy);
      const group = text(redundancy?.group);
      const type = text(redundancy?.type);
      if (group) groups.add(group);
      if (type) types.add(type);
    }
    if (!complete) continue;
    const problem =
      groups.size > 1
        ? `its switches are in different redundancy groups (${[...groups].join(', ')})`
        : types.size > 1
          ? `its switches have different redundancy types (${[...types].join(', ')})`
          : groups.size === 0
            ? 'none of its switches is in a redundancy group'
            : !types.has('eslag')
              ? `its switches' redundancy type is ${[...types][0] ?? 'unset'}`
              : null;
    if (problem)
      context.warn(
        conn.key,
        ['spec', 'eslag'],
        `${problem}; expected the switches of an eslag connection to share one redundancy group of type eslag`,
      );
  }
}

/** Each switch port a connection names must be in the switch's profile (after its breakouts). */
function checkProfilePorts(connections: Indexed[], context: CrossContext): void {
  const allowed = new Map<string, { ports: Set<string>; profile: string; summary: string } | null>();
  const portsOf = (namespace: string, device: string) => {
    const id = `${namespace}/${device}`;
    if (allowed.has(id)) return allowed.get(id)!;
    const sw = context.find('Switch', namespace, device);
    const spec = mapping(sw?.record.spec) ?? {};
    const name = text(spec.profile);
    const found = name ? availableProfile(name, context.config) : null;
    const entry =
      name && found && 'profile' in found
        ? { ports: allowedPorts(found.profile, spec), profile: name, summary: portSummary(found.profile) }
        : null;
    allowed.set(id, entry);
    return entry;
  };
  for (const conn of connections) {
    const spec = mapping(conn.record.spec) ?? {};
    const type = fabricConnectionType(spec);
    if (!type || DEPRECATED_TYPES.has(type)) continue;
    // The endpoints of the type the fabric validates: the record's own unless it has several type keys.
    const endpoints = connectionType(spec) === type ? endpointsOf(conn) : connectionEndpoints({ [type]: spec[type] });
    for (const e of endpoints) {
      if (e.side !== 'switch') continue;
      const entry = portsOf(conn.record.namespace, e.device);
      if (entry && !entry.ports.has(e.port))
        context.warn(
          conn.key,
          e.path,
          `port ${e.device}/${e.port} is not in SwitchProfile "${entry.profile}" of switch ${e.device} (with its breakouts); it has ${entry.summary}`,
        );
    }
  }
}

function crossCheck(connections: Indexed[], context: CrossContext): void {
  checkProfilePorts(connections, context);
  checkPorts(connections, context);
  checkLinkIps(connections, context);
  checkEslag(connections, context);
}

/** Whether two endpoints are the ends of one link (`spec.<type>.links[i]`, or the single `link`). */
function sameLink(a: Endpoint, b: Endpoint): boolean {
  return a.path.length === b.path.length && a.path.slice(0, -2).every((part, i) => part === b.path[i]);
}

// One collator for every sort: localeCompare with options builds a new one per comparison.
const PORT_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * The detail relation of a Switch or Server: its ports with the Connection that uses each, from
 * the Connections that reference it.
 */
export function portConnectionsOf(side: EndpointSide) {
  return (name: string, incoming: IncomingRecord[]): PortConnection[] =>
    incoming
      .filter((r) => r.kind === 'Connection')
      .flatMap((c) => {
        const endpoints = connectionEndpoints(c.spec);
        const peers = [
          ...new Set(endpoints.filter((e) => !(e.side === side && e.device === name)).map((e) => e.device)),
        ].join(', ');
        return endpoints
          .filter((e) => e.side === side && e.device === name)
          .map((e) => ({
            port: e.port,
            connectionId: c.id,
            connectionSlug: connection.slug,
            connection: c.name,
            type: connectionType(c.spec),
            peers,
            otherEnds: endpoints
              .filter((o) => o !== e && sameLink(o, e))
              .map((o) => ({ kind: KIND_OF_SIDE[o.side], name: o.device, label: `${o.device}/${o.port}` })),
          }));
      })
      .sort((a, b) => PORT_ORDER.compare(a.port, b.port));
}

export const connection = defineKind({
  kind: 'Connection',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  plural: 'connections',
  shortNames: ['conn'],
  label: 'Connection',
  labelPlural: 'Connections',
  specRequired: false,
  specSchema,
  checkSpec,
  checkConfig,
  lint,
  // The fabric validates a deprecated MCLAG connection no further than its deprecation warning.
  referencesUnchecked: (spec) => DEPRECATED_TYPES.has(fabricConnectionType(spec) ?? 'unbundled'),
  columns: [
    {
      key: 'type',
      label: 'Type',
      value: (spec) => connectionType(spec),
      sortSql: TYPE_SQL,
      filter: { choices: CONNECTION_TYPES },
    },
    {
      key: 'switches',
      label: 'Switches',
      value: (spec) => refsTo('Switch', devices(connectionEndpoints(spec), 'switch')),
    },
    {
      key: 'peers',
      label: 'Servers / gateways',
      value: (spec) => {
        const endpoints = connectionEndpoints(spec);
        return [...refsTo('Server', devices(endpoints, 'server')), ...refsTo('Gateway', devices(endpoints, 'gateway'))];
      },
    },
    { key: 'links', label: 'Links', value: linkCount },
  ],
  references,
  crossCheck,
  panels,
});
