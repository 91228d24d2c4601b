/**
 * Level 2 validation: rules the live fabric enforces across objects, reported as warnings on
 * applied records. Every pass is a map lookup or a sort, never a scan of all records per record,
 * because a fabric may hold 50,000 records.
 */
import { kindByName } from './index';
import { connectionEndpoints, connectionType, type ConnectionType, type Endpoint } from './kinds/connection';
import { externalMode } from './kinds/external';
import { attachmentMode, attachmentVlan } from './kinds/externalAttachment';
import { namespaceSubnets } from './kinds/ipv4Namespace';
import { switchVlanNamespaces } from './kinds/switch';
import { vlanRanges } from './kinds/vlanNamespace';
import { vpcIpv4Namespace, vpcSubnets, vpcVlanNamespace } from './kinds/vpc';
import { attachmentSubnet } from './kinds/vpcAttachment';
import { cidrContains, parseCidr, parseIPv4 } from './net';
import { portKey } from './ports';
import { dotted, mapping, num, text, undotted } from './spec';
import type { Issue, Spec } from './types';

export interface CrossRecord {
  kind: string;
  namespace: string;
  name: string;
  spec: Spec;
}

/** The identity key used for warnings: `${kind}/${namespace}/${name}`. */
export function identityKey(r: { kind: string; namespace: string; name: string }): string {
  return `${r.kind}/${r.namespace}/${r.name}`;
}

// Namespaces the fabric defaults to; hand-written wiring rarely defines them, so a missing one is
// only worth a warning when the fabric defines namespaces of that kind at all.
const DEFAULTED_NAMESPACE_KINDS = new Set(['IPv4Namespace', 'VLANNamespace']);
const ATTACHABLE_TYPES: ReadonlySet<ConnectionType | null> = new Set(['unbundled', 'bundled', 'eslag', 'mclag']);
// Types whose link IPs come from the fabric subnet and must be unique fabric-wide.
const P2P_TYPES: ReadonlySet<ConnectionType | null> = new Set(['fabric', 'mesh', 'gateway']);
const MAX_NAMED_OTHERS = 3;

class Warnings {
  readonly byKey = new Map<string, Issue[]>();
  private readonly seen = new Map<string, Set<string>>();

  /** Adds a warning; the message gets the rendered path as its prefix. */
  add(key: string, path: (string | number)[], message: string): void {
    this.addIssue(key, { path, message: `${dotted(path)}: ${message}` });
  }

  /** Adds an issue whose message is already complete. */
  addIssue(key: string, issue: Issue): void {
    const { path, message: full } = issue;
    let seen = this.seen.get(key);
    if (!seen) this.seen.set(key, (seen = new Set()));
    if (seen.has(full)) return;
    seen.add(full);
    const list = this.byKey.get(key);
    if (list) list.push({ path, message: full });
    else this.byKey.set(key, [{ path, message: full }]);
  }
}

interface Indexed {
  key: string;
  record: CrossRecord;
}

interface SubnetInterval {
  start: number;
  end: number;
  key: string;
  vpc: string;
  subnet: string;
  cidr: string;
}

function listOthers(names: string[]): string {
  const shown = names
    .slice(0, MAX_NAMED_OTHERS)
    .map((n) => `"${n}"`)
    .join(', ');
  return names.length > MAX_NAMED_OTHERS ? `${shown} and ${names.length - MAX_NAMED_OTHERS} more` : shown;
}

/** Level 2: warnings over the whole desired set of one fabric, keyed by identityKey. Only records with warnings appear. */
export function crossValidate(input: CrossRecord[]): Map<string, Issue[]> {
  const w = new Warnings();
  const byKind = new Map<string, Map<string, Indexed>>();
  // Duplicate identities are the sync's error to report; here the first definition wins.
  const records: CrossRecord[] = [];
  for (const record of input) {
    let names = byKind.get(record.kind);
    if (!names) byKind.set(record.kind, (names = new Map()));
    const scoped = `${record.namespace}/${record.name}`;
    if (names.has(scoped)) continue;
    names.set(scoped, { key: identityKey(record), record });
    records.push(record);
  }
  const find = (kind: string, namespace: string, name: string) => byKind.get(kind)?.get(`${namespace}/${name}`);
  const hasAny = (kind: string) => (byKind.get(kind)?.size ?? 0) > 0;

  const endpointCache = new Map<string, Endpoint[]>();
  const endpointsOf = (r: Indexed) => {
    let e = endpointCache.get(r.key);
    if (!e) endpointCache.set(r.key, (e = connectionEndpoints(r.record.spec)));
    return e;
  };

  for (const record of records) {
    const def = kindByName(record.kind);
    if (!def) continue;
    const key = identityKey(record);
    const spec = mapping(record.spec) ?? {};
    if (def.maxNameLength && record.name.length > def.maxNameLength) {
      w.add(
        key,
        ['metadata', 'name'],
        `"${record.name}" is ${record.name.length} characters; the fabric allows at most ${def.maxNameLength} for ${/^[AEIOU]/.test(def.kind) ? 'an' : 'a'} ${def.kind} (it becomes a VRF name)`,
      );
    }
    if (record.kind === 'VPC' && record.name.startsWith('ext.'))
      w.add(key, ['metadata', 'name'], 'a VPC name must not start with "ext."');
    for (const issue of def.lint?.(spec) ?? []) w.addIssue(key, issue);

    for (const ref of def.references(spec)) {
      if (!kindByName(ref.kind)) continue;
      const path = undotted(ref.field);
      const target = find(ref.kind, record.namespace, ref.name);
      if (!target) {
        if (DEFAULTED_NAMESPACE_KINDS.has(ref.kind) && ref.name === 'default' && !hasAny(ref.kind)) continue;
        w.add(
          key,
          path,
          `${ref.kind} "${ref.name}"${ref.defaulted ? ' (the default)' : ''} is not defined in this fabric`,
        );
      } else if (ref.subnet !== undefined && !(ref.subnet in (mapping(target.record.spec.subnets) ?? {}))) {
        w.add(key, path, `VPC "${ref.name}" has no subnet "${ref.subnet}"`);
      }
    }
  }

  checkPorts(records, w, endpointsOf);
  checkUnique(records, w, endpointsOf);
  checkVpcs(records, w, find);
  checkAttachments(records, w, find, endpointsOf);
  checkPeerings(records, w, find);
  checkEslag(records, w, find, endpointsOf);
  return w.byKey;
}

type Find = (kind: string, namespace: string, name: string) => Indexed | undefined;
type EndpointsOf = (r: Indexed) => Endpoint[];

function connections(records: CrossRecord[]): Indexed[] {
  return records.filter((r) => r.kind === 'Connection').map((record) => ({ key: identityKey(record), record }));
}

/** A port may be used by at most one Connection; E1/4 and E1/4/1 are the same port. */
function checkPorts(records: CrossRecord[], w: Warnings, endpointsOf: EndpointsOf): void {
  const users = new Map<string, { conn: Indexed; endpoint: Endpoint }[]>();
  for (const conn of connections(records)) {
    for (const endpoint of endpointsOf(conn)) {
      const id = `${conn.record.namespace}|${endpoint.side}|${portKey(endpoint.device, endpoint.port)}`;
      const list = users.get(id);
      if (list) list.push({ conn, endpoint });
      else users.set(id, [{ conn, endpoint }]);
    }
  }
  for (const list of users.values()) {
    if (list.length < 2) continue;
    const names = [...new Set(list.map((u) => u.conn.record.name))];
    if (names.length < 2) continue;
    for (const u of list) {
      const others = names.filter((n) => n !== u.conn.record.name);
      w.add(
        u.conn.key,
        u.endpoint.path,
        `port ${u.endpoint.device}/${u.endpoint.port} is also used by Connection ${listOthers(others)}`,
      );
    }
  }
}

/** Values the fabric requires to be unique: link IPs, switch ASNs (leaves), management, protocol and VTEP IPs. */
function checkUnique(records: CrossRecord[], w: Warnings, endpointsOf: EndpointsOf): void {
  const owners = new Map<string, { key: string; name: string; path: (string | number)[]; label: string }[]>();
  const claim = (set: string, value: string, key: string, name: string, path: (string | number)[], label: string) => {
    const id = `${set}|${value}`;
    const list = owners.get(id);
    if (list) list.push({ key, name, path, label });
    else owners.set(id, [{ key, name, path, label }]);
  };
  for (const conn of connections(records)) {
    if (!P2P_TYPES.has(connectionType(mapping(conn.record.spec) ?? {}))) continue;
    for (const e of endpointsOf(conn)) {
      const ip = e.ip ? e.ip.split('/')[0]! : null;
      if (ip && parseIPv4(ip) !== null)
        claim('link-ip', ip, conn.key, `Connection "${conn.record.name}"`, [...e.path.slice(0, -1), 'ip'], `IP ${ip}`);
    }
  }
  for (const r of records) {
    if (r.kind !== 'Switch') continue;
    const key = identityKey(r);
    const spec = mapping(r.spec) ?? {};
    const asn = num(spec.asn);
    if (asn && spec.role !== 'spine')
      claim('asn', String(asn), key, `Switch "${r.name}"`, ['spec', 'asn'], `ASN ${asn}`);
    for (const field of ['ip', 'protocolIP', 'vtepIP'] as const) {
      const ip = text(spec[field])?.split('/')[0];
      if (ip)
        claim(
          field === 'ip' ? 'mgmt-ip' : 'switch-ip',
          ip,
          key,
          `Switch "${r.name}"`,
          ['spec', field],
          `${field} ${ip}`,
        );
    }
  }
  for (const list of owners.values()) {
    if (list.length < 2) continue;
    for (const owner of list) {
      const others = [...new Set(list.filter((o) => o !== owner).map((o) => o.name))];
      w.add(
        owner.key,
        owner.path,
        `${owner.label} is also used by ${others.slice(0, MAX_NAMED_OTHERS).join(', ')}${others.length > MAX_NAMED_OTHERS ? ` and ${others.length - MAX_NAMED_OTHERS} more` : ''}`,
      );
    }
  }
}

/** Subnets must not overlap within an IPv4Namespace, VLANs must not repeat within a VLANNamespace, and both must fit their namespace. */
function checkVpcs(records: CrossRecord[], w: Warnings, find: Find): void {
  const intervals = new Map<string, SubnetInterval[]>();
  const vlans = new Map<string, { key: string; vpc: string; subnet: string }>();
  for (const r of records) {
    if (r.kind !== 'VPC') continue;
    const key = identityKey(r);
    const spec = mapping(r.spec) ?? {};
    const ipns = vpcIpv4Namespace(spec);
    const vlanns = vpcVlanNamespace(spec);
    const ipnsSubnets = (() => {
      const target = find('IPv4Namespace', r.namespace, ipns);
      return target ? namespaceSubnets(mapping(target.record.spec) ?? {}) : null;
    })();
    const ranges = (() => {
      const target = find('VLANNamespace', r.namespace, vlanns);
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
          w.add(
            key,
            ['spec', 'subnets', s.name, 'subnet'],
            `${s.subnet} is not inside any subnet of IPv4Namespace "${ipns}"`,
          );
        }
      }
      if (s.vlan === null || s.hostBGP) continue;
      if (ranges && !ranges.some((rg) => s.vlan! >= rg.from && s.vlan! <= rg.to)) {
        w.add(
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
        w.add(
          key,
          ['spec', 'subnets', s.name, 'vlan'],
          `VLAN ${s.vlan} is also used by ${where(first.vpc, first.subnet, same)} (VLANNamespace "${vlanns}")`,
        );
        w.add(
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
        w.add(cur.key, ['spec', 'subnets', cur.subnet, 'subnet'], `${cur.cidr} overlaps ${describe(widest)}${suffix}`);
        w.add(
          widest.key,
          ['spec', 'subnets', widest.subnet, 'subnet'],
          `${widest.cidr} overlaps ${describe(cur)}${suffix}`,
        );
      }
      if (!widest || cur.end > widest.end) widest = cur;
    }
  }
}

/** VPCAttachment and ExternalAttachment rules that need the attached objects. */
function checkAttachments(records: CrossRecord[], w: Warnings, find: Find, endpointsOf: EndpointsOf): void {
  const pairs = new Map<string, string>();
  const natives = new Map<string, string>();
  const extVlans = new Map<string, string>();
  for (const r of records) {
    const key = identityKey(r);
    const spec = mapping(r.spec) ?? {};
    if (r.kind === 'VPCAttachment') {
      const target = attachmentSubnet(spec);
      const connName = text(spec.connection);
      if (!target || !connName) continue;
      const pair = `${r.namespace}/${connName}/${target.vpc}/${target.subnet}`;
      const firstPair = pairs.get(pair);
      if (firstPair)
        w.add(
          key,
          ['spec', 'subnet'],
          `VPCAttachment "${firstPair}" already attaches ${target.vpc}/${target.subnet} to Connection "${connName}"`,
        );
      else pairs.set(pair, r.name);
      if (spec.nativeVLAN === true) {
        const firstNative = natives.get(`${r.namespace}/${connName}`);
        if (firstNative)
          w.add(
            key,
            ['spec', 'nativeVLAN'],
            `Connection "${connName}" already has a native VLAN from VPCAttachment "${firstNative}"`,
          );
        else natives.set(`${r.namespace}/${connName}`, r.name);
      }
      const conn = find('Connection', r.namespace, connName);
      if (conn) {
        const type = connectionType(mapping(conn.record.spec) ?? {});
        if (!ATTACHABLE_TYPES.has(type)) {
          w.add(
            key,
            ['spec', 'connection'],
            `Connection "${connName}" is of type ${type ?? 'unknown'}; a VPC can only attach to unbundled, bundled or eslag connections`,
          );
        }
        const vpc = find('VPC', r.namespace, target.vpc);
        if (vpc) {
          const vlanns = vpcVlanNamespace(mapping(vpc.record.spec) ?? {});
          for (const device of new Set(
            endpointsOf(conn)
              .filter((e) => e.side === 'switch')
              .map((e) => e.device),
          )) {
            const sw = find('Switch', r.namespace, device);
            if (sw && !switchVlanNamespaces(mapping(sw.record.spec) ?? {}).names.includes(vlanns)) {
              w.add(
                key,
                ['spec', 'connection'],
                `Switch "${device}" does not list VLANNamespace "${vlanns}" used by VPC "${target.vpc}"`,
              );
            }
          }
        }
      }
    } else if (r.kind === 'ExternalAttachment') {
      const connName = text(spec.connection);
      const extName = text(spec.external);
      if (connName) {
        const conn = find('Connection', r.namespace, connName);
        const type = conn ? connectionType(mapping(conn.record.spec) ?? {}) : null;
        if (conn && type !== 'external')
          w.add(
            key,
            ['spec', 'connection'],
            `Connection "${connName}" is of type ${type ?? 'unknown'}; an External attaches only to external connections`,
          );
        const vlanKey = `${r.namespace}/${connName}/${attachmentVlan(spec)}`;
        const first = extVlans.get(vlanKey);
        if (first)
          w.add(
            key,
            ['spec'],
            `VLAN ${attachmentVlan(spec) || '0 (untagged)'} on Connection "${connName}" is already used by ExternalAttachment "${first}"`,
          );
        else extVlans.set(vlanKey, r.name);
      }
      const ext = extName ? find('External', r.namespace, extName) : undefined;
      if (ext) {
        const want = externalMode(mapping(ext.record.spec) ?? {});
        const have = attachmentMode(spec);
        if (want !== have) w.add(key, ['spec'], `External "${extName}" is ${want} but this attachment is ${have}`);
      }
    }
  }
}

/** Peered objects must share namespaces. */
function checkPeerings(records: CrossRecord[], w: Warnings, find: Find): void {
  for (const r of records) {
    const key = identityKey(r);
    const spec = mapping(r.spec) ?? {};
    if (r.kind === 'VPCPeering') {
      const first = mapping(Array.isArray(spec.permit) ? spec.permit[0] : null);
      const vpcs = Object.keys(first ?? {}).map((n) => find('VPC', r.namespace, n));
      const [a, b] = vpcs;
      if (vpcs.length !== 2 || !a || !b) continue;
      const sa = mapping(a.record.spec) ?? {};
      const sb = mapping(b.record.spec) ?? {};
      if (vpcIpv4Namespace(sa) !== vpcIpv4Namespace(sb)) {
        w.add(
          key,
          ['spec', 'permit'],
          `VPCs "${a.record.name}" and "${b.record.name}" are in different IPv4Namespaces (${vpcIpv4Namespace(sa)}, ${vpcIpv4Namespace(sb)})`,
        );
      }
      if (vpcVlanNamespace(sa) !== vpcVlanNamespace(sb)) {
        w.add(
          key,
          ['spec', 'permit'],
          `VPCs "${a.record.name}" and "${b.record.name}" are in different VLANNamespaces (${vpcVlanNamespace(sa)}, ${vpcVlanNamespace(sb)})`,
        );
      }
    } else if (r.kind === 'ExternalPeering') {
      const permit = mapping(spec.permit);
      const vpc = find('VPC', r.namespace, text(mapping(permit?.vpc)?.name) ?? '');
      const ext = find('External', r.namespace, text(mapping(permit?.external)?.name) ?? '');
      if (!vpc || !ext) continue;
      const vpcNs = vpcIpv4Namespace(mapping(vpc.record.spec) ?? {});
      const extNs = text(mapping(ext.record.spec)?.ipv4Namespace) ?? 'default';
      if (vpcNs !== extNs)
        w.add(
          key,
          ['spec', 'permit'],
          `VPC "${vpc.record.name}" (IPv4Namespace ${vpcNs}) and External "${ext.record.name}" (IPv4Namespace ${extNs}) must share an IPv4Namespace`,
        );
    }
  }
}

/** An ESLAG connection's switches must share one redundancy group of type eslag. */
function checkEslag(records: CrossRecord[], w: Warnings, find: Find, endpointsOf: EndpointsOf): void {
  for (const conn of connections(records)) {
    if (connectionType(mapping(conn.record.spec) ?? {}) !== 'eslag') continue;
    const groups = new Set<string>();
    let complete = true;
    for (const device of new Set(
      endpointsOf(conn)
        .filter((e) => e.side === 'switch')
        .map((e) => e.device),
    )) {
      const sw = find('Switch', conn.record.namespace, device);
      if (!sw) {
        complete = false;
        continue;
      }
      const redundancy = mapping(mapping(sw.record.spec)?.redundancy);
      groups.add(redundancy?.type === 'eslag' ? (text(redundancy.group) ?? '') : '');
    }
    if (complete && (groups.size !== 1 || groups.has(''))) {
      w.add(
        conn.key,
        ['spec', 'eslag'],
        'the switches of an eslag connection must share one redundancy group of type eslag',
      );
    }
  }
}
