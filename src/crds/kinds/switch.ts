import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { portConnectionsOf } from './connection';
import { UniqueValues } from '../crossCheck';
import { effectiveVlanRanges } from './vlanNamespace';
import { cidrContains, formatIPv4, parseCidr, parseIPv4 } from '../net';
import { claimLoopbacks } from '../loopbacks';
import { availableProfile, checkSwitchProfile } from '../profileRules';
import { bool, cidr, dict, intIn, list, obj, oneOf, opt, str, uint32 } from '../schema';
import { issueAt, joined, list as asList, mapping, num, text } from '../spec';
import type { CrossContext, Indexed, Issue, Panel, Reference, Spec } from '../types';

export const SWITCH_ROLES = ['spine', 'server-leaf', 'border-leaf', 'mixed-leaf', 'virtual-edge'] as const;
export const REDUNDANCY_TYPES = ['mclag', 'eslag'] as const;

const specSchema = obj({
  role: oneOf(SWITCH_ROLES),
  description: opt(str),
  profile: opt(str),
  groups: opt(list(str)),
  redundancy: opt(obj({ group: opt(str), type: opt(oneOf(REDUNDANCY_TYPES)) })),
  vlanNamespaces: opt(list(str)),
  asn: opt(uint32),
  ip: opt(cidr),
  protocolIP: opt(cidr),
  vtepIP: opt(cidr),
  portGroupSpeeds: opt(dict(str)),
  portSpeeds: opt(dict(str)),
  portBreakouts: opt(dict(str)),
  portAutoNegs: opt(dict(bool)),
  portFECs: opt(dict(oneOf(['rs', 'fc', 'auto', 'disabled']))),
  boot: opt(obj({ serial: opt(str), mac: opt(str) })),
  enableAllPorts: opt(bool),
  roce: opt(bool),
  ecmp: opt(obj({ roceQPN: opt(bool) })),
  linkFlapErrDisable: opt(
    obj({
      flapThreshold: opt(intIn(1, 50)),
      samplingInterval: opt(intIn(1, 65535)),
      recoveryInterval: opt(intIn(0, 65534)),
    }),
  ),
});

/** True for the roles that carry a VTEP (everything named *-leaf). */
export function isLeafRole(role: unknown): boolean {
  return typeof role === 'string' && role.endsWith('-leaf');
}

/** The switch's groups with its redundancy group, which the fabric adds implicitly. */
export function switchGroups(spec: Spec): string[] {
  const groups = asList(spec.groups).map(text);
  groups.push(text(mapping(spec.redundancy)?.group));
  return [...new Set(groups.filter((g): g is string => g !== null))];
}

/** The VLANNamespaces the switch uses; the fabric defaults the list to ["default"]. */
export function switchVlanNamespaces(spec: Spec): { names: string[]; defaulted: boolean } {
  const names = asList(spec.vlanNamespaces)
    .map(text)
    .filter((n): n is string => n !== null);
  return names.length > 0 ? { names, defaulted: false } : { names: ['default'], defaulted: true };
}

const HYDRATED = 'will be required by the fabric; usually filled by hhfab build';

/** The deprecation note the fabric gives for MCLAG, with what to use instead and when it goes. */
export const MCLAG_DEPRECATED =
  'MCLAG is deprecated and no longer supported by the fabric; use ESLAG instead (removed in Hedgehog release 26.03)';

/**
 * The fabric's Default(): speeds lose a `SPEED_` prefix; vlanNamespaces default to ["default"];
 * the redundancy group joins groups; groups and namespaces are sorted; link-flap error-disable,
 * when set, gets its defaults (flapThreshold 3, samplingInterval 30 s, recoveryInterval 300 s).
 */
function defaults(spec: Spec): Spec {
  const strip = (value: unknown) => {
    const m = mapping(value);
    if (!m || !Object.values(m).some((v) => typeof v === 'string' && v.startsWith('SPEED_'))) return value;
    return Object.fromEntries(
      Object.entries(m).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('SPEED_') ? v.slice(6) : v]),
    );
  };
  const out: Spec = { ...spec };
  if (mapping(spec.portSpeeds)) out.portSpeeds = strip(spec.portSpeeds);
  if (mapping(spec.portGroupSpeeds)) out.portGroupSpeeds = strip(spec.portGroupSpeeds);
  out.vlanNamespaces = [...switchVlanNamespaces(spec).names].sort();
  const groups = switchGroups(spec);
  if (groups.length > 0) out.groups = groups.sort();
  const flap = mapping(spec.linkFlapErrDisable);
  if (flap)
    out.linkFlapErrDisable = {
      ...flap,
      flapThreshold: flap.flapThreshold ?? 3,
      samplingInterval: flap.samplingInterval ?? 30,
      recoveryInterval: flap.recoveryInterval ?? 300,
    };
  return out;
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  if (!text(spec.profile))
    issues.push(issueAt(['spec', 'profile'], 'is required (the name of a SwitchProfile, e.g. "vs"), got nothing'));
  if (spec.role === 'spine' && text(spec.vtepIP))
    issues.push(
      issueAt(['spec', 'vtepIP'], `${String(spec.vtepIP)} is set on a spine; expected no VTEP IP on spine switches`),
    );
  const redundancy = mapping(spec.redundancy);
  const group = text(redundancy?.group);
  const type = text(redundancy?.type);
  if (group !== null && type === null)
    issues.push(
      issueAt(['spec', 'redundancy', 'type'], `is required with redundancy group "${group}" (eslag), got nothing`),
    );
  if (group === null && type !== null)
    issues.push(issueAt(['spec', 'redundancy', 'group'], `is required with redundancy type ${type}, got nothing`));
  return issues;
}

function lint(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  if (!num(spec.asn)) issues.push(issueAt(['spec', 'asn'], `missing; it ${HYDRATED}`));
  if (!text(spec.ip)) issues.push(issueAt(['spec', 'ip'], `missing; it ${HYDRATED}`));
  if (!text(spec.protocolIP)) issues.push(issueAt(['spec', 'protocolIP'], `missing; it ${HYDRATED}`));
  if (text(mapping(spec.redundancy)?.type) === 'mclag')
    issues.push(issueAt(['spec', 'redundancy', 'type'], MCLAG_DEPRECATED));
  return issues;
}

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [];
  const profile = text(spec.profile);
  if (profile) refs.push({ kind: 'SwitchProfile', name: profile, field: 'spec.profile' });
  const explicit = new Set(asList(spec.groups).map(text));
  for (const group of switchGroups(spec)) {
    refs.push({
      kind: 'SwitchGroup',
      name: group,
      field: explicit.has(group) ? 'spec.groups' : 'spec.redundancy.group',
    });
  }
  const vlanns = switchVlanNamespaces(spec);
  for (const name of vlanns.names) {
    refs.push({
      kind: 'VLANNamespace',
      name,
      field: 'spec.vlanNamespaces',
      ...(vlanns.defaulted ? { defaulted: true } : {}),
    });
  }
  return refs;
}

function panels(spec: Spec): Panel[] {
  const redundancy = mapping(spec.redundancy);
  const boot = mapping(spec.boot);
  return [
    {
      key: 'summary',
      title: 'Switch',
      columns: [
        { key: 'field', label: 'Field' },
        { key: 'value', label: 'Value' },
      ],
      rows: [
        { field: 'Role', value: text(spec.role) },
        { field: 'Profile', value: refsTo('SwitchProfile', [text(spec.profile)]) },
        { field: 'Description', value: text(spec.description) },
        { field: 'ASN', value: num(spec.asn) },
        { field: 'Management IP', value: text(spec.ip) },
        { field: 'Protocol IP', value: text(spec.protocolIP) },
        { field: 'VTEP IP', value: text(spec.vtepIP) },
        { field: 'Groups', value: refsTo('SwitchGroup', switchGroups(spec)) },
        { field: 'Redundancy', value: joined([text(redundancy?.type), text(redundancy?.group)], ' ') },
        { field: 'VLAN namespaces', value: refsTo('VLANNamespace', switchVlanNamespaces(spec).names) },
        { field: 'Boot MAC', value: text(boot?.mac) },
        { field: 'Boot serial', value: text(boot?.serial) },
      ],
    },
    {
      key: 'ports',
      title: 'Port settings',
      columns: [
        { key: 'port', label: 'Port' },
        { key: 'setting', label: 'Setting' },
        { key: 'value', label: 'Value' },
      ],
      rows: (
        [
          ['portBreakouts', 'Breakout'],
          ['portSpeeds', 'Speed'],
          ['portGroupSpeeds', 'Group speed'],
          ['portAutoNegs', 'Auto-negotiation'],
          ['portFECs', 'FEC'],
        ] as const
      ).flatMap(([key, setting]) =>
        Object.entries(mapping(spec[key]) ?? {}).map(([port, value]) => ({
          port,
          setting,
          value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null,
        })),
      ),
    },
  ];
}

/** Values the fabric requires to be unique: leaf ASNs, management, protocol and VTEP IPs. */
function crossCheck(switches: Indexed[], context: CrossContext): void {
  const unique = new UniqueValues();
  for (const { key, record: r } of switches) {
    const spec = mapping(r.spec) ?? {};
    const name = `Switch "${r.name}"`;
    const profile = text(spec.profile);
    if (profile) {
      const found = availableProfile(profile, context.config);
      if ('missing' in found) context.warn(key, ['spec', 'profile'], found.missing);
      else checkSwitchProfile(spec, profile, found.profile, (path, message) => context.warn(key, path, message));
    }
    checkHydrated(key, spec, context);
    // The VLANNamespaces a switch lists must not overlap each other.
    const ranges = switchVlanNamespaces(spec).names.flatMap((ns) => {
      const target = context.find('VLANNamespace', r.namespace, ns);
      return target ? effectiveVlanRanges(mapping(target.record.spec) ?? {}).map((range) => ({ ...range, ns })) : [];
    });
    ranges.sort((a, b) => a.from - b.from);
    for (let i = 1; i < ranges.length; i++) {
      const prev = ranges[i - 1]!;
      const cur = ranges[i]!;
      if (cur.ns !== prev.ns && cur.from <= prev.to)
        context.warn(
          key,
          ['spec', 'vlanNamespaces'],
          `VLANNamespaces "${prev.ns}" (${prev.from}-${prev.to}) and "${cur.ns}" (${cur.from}-${cur.to}) overlap; a switch's VLANNamespaces must not`,
        );
    }
    const asn = num(spec.asn);
    // Only leaves hold ASNs that must be unique; an MCLAG peer shares its pair's ASN and VTEP IP,
    // so the fabric does not check its own (the others still see it as taken).
    const mclag = mapping(spec.redundancy)?.type === 'mclag';
    if (asn && isLeafRole(spec.role))
      unique.claim('asn', String(asn), { key, name, path: ['spec', 'asn'], label: `ASN ${asn}`, exempt: mclag });
    const ip = parseCidr(text(spec.ip) ?? '');
    if (ip)
      unique.claim('mgmt-ip', formatIPv4(ip.address), {
        key,
        name,
        path: ['spec', 'ip'],
        label: `management IP ${formatIPv4(ip.address)}`,
      });
  }
  claimLoopbacks(
    unique,
    switches,
    'Switch',
    true,
    (spec) => isLeafRole(spec.role) && mapping(spec.redundancy)?.type !== 'mclag',
  );
  // The fabric counts the Gateways' addresses as taken only while the gateway is on.
  if (context.config.enableGateway !== false) claimLoopbacks(unique, context.all('Gateway'), 'Gateway', false);
  unique.warnShared(context);
}

/**
 * The fields hhfab fills in, checked like the fabric's HydrationValidation when they are present:
 * management IP in the management subnet below the DHCP range and not the VIP, protocol and VTEP
 * IPs /32 in their subnets, leaf ASNs in the leaf range, the spine ASN the fabric's.
 */
function checkHydrated(key: string, spec: Spec, context: CrossContext): void {
  const config = context.config;
  const warn = (field: string, message: string) => context.warn(key, ['spec', field], message);
  if (isLeafRole(spec.role) && config.fabricMode === 'spine-leaf' && !text(spec.vtepIP))
    warn('vtepIP', `missing; for a leaf in spine-leaf mode it ${HYDRATED}`);
  const ip = parseCidr(text(spec.ip) ?? '');
  const mgmt = parseCidr(config.managementSubnet);
  const dhcpStart = parseIPv4(config.managementDHCPStart);
  if (ip && mgmt && !cidrContains(mgmt, ip.address))
    warn('ip', `${String(spec.ip)} is not in the fabric's management subnet ${config.managementSubnet}`);
  else if (ip && dhcpStart !== null && ip.address >= dhcpStart)
    warn(
      'ip',
      `${String(spec.ip)} is in the management DHCP range starting at ${config.managementDHCPStart}; expected an address below it`,
    );
  else if (ip && ip.address === parseIPv4(config.controlVIP.split('/')[0]!))
    warn('ip', `${String(spec.ip)} is the control node's VIP ${config.controlVIP}; expected another address`);
  for (const [field, subnetText, label] of [
    ['protocolIP', config.protocolSubnet, 'protocol'],
    ['vtepIP', config.vtepSubnet, 'VTEP'],
  ] as const) {
    if (field === 'vtepIP' && !isLeafRole(spec.role)) continue;
    const c = parseCidr(text(spec[field]) ?? '');
    const subnet = parseCidr(subnetText);
    if (!c) continue;
    if (c.prefixLength !== 32) warn(field, `${String(spec[field])} is a /${c.prefixLength}; expected a /32`);
    else if (subnet && !cidrContains(subnet, c.address))
      warn(field, `${String(spec[field])} is not in the fabric's ${label} subnet ${subnetText}`);
  }
  const asn = num(spec.asn);
  if (asn && isLeafRole(spec.role) && (asn < config.leafASNStart || asn > config.leafASNEnd))
    warn('asn', `${asn} is outside the fabric's leaf ASN range ${config.leafASNStart}-${config.leafASNEnd}`);
  if (asn && spec.role === 'spine' && asn !== config.spineASN)
    warn('asn', `${asn} is not the fabric's spine ASN ${config.spineASN}`);
}

export const switchKind = defineKind({
  kind: 'Switch',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  plural: 'switches',
  shortNames: ['sw'],
  label: 'Switch',
  labelPlural: 'Switches',
  specRequired: false,
  specSchema,
  defaults,
  checkSpec,
  lint,
  columns: [
    {
      key: 'role',
      label: 'Role',
      value: (spec) => text(spec.role),
      sortSql: "spec->>'role'",
      filter: { choices: SWITCH_ROLES },
    },
    {
      key: 'profile',
      label: 'Profile',
      value: (spec) => refsTo('SwitchProfile', [text(spec.profile)]),
      sortSql: "spec->>'profile'",
      filter: {},
    },
    { key: 'asn', label: 'ASN', value: (spec) => num(spec.asn), sortSql: "(spec->>'asn')::bigint" },
    { key: 'ip', label: 'Management IP', value: (spec) => text(spec.ip), sortSql: "spec->>'ip'" },
    { key: 'groups', label: 'Groups', value: (spec) => refsTo('SwitchGroup', switchGroups(spec)) },
    {
      key: 'redundancy',
      label: 'Redundancy',
      value: (spec) => text(mapping(spec.redundancy)?.type),
      sortSql: "spec#>>'{redundancy,type}'",
      filter: { choices: ['none', ...REDUNDANCY_TYPES], orElse: 'none' },
    },
    {
      key: 'description',
      label: 'Description',
      value: (spec) => text(spec.description),
      sortSql: "spec->>'description'",
    },
  ],
  references,
  crossCheck,
  portConnections: portConnectionsOf('switch'),
  panels,
});
