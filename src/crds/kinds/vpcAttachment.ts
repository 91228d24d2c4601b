import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { vpcVlanNamespace } from './vpc';
import { switchVlanNamespaces } from './switch';
import { connectionType, endpointsOf, type ConnectionType } from './connection';
import { bool, obj, opt, str } from '../schema';
import { issueAt, text, mapping } from '../spec';
import { parseCidr } from '../net';
import { availableProfile } from '../profileRules';
import { listOthers } from '../crossCheck';
import type { CrossContext, Indexed, Issue, ObjectInfo, Reference, Spec } from '../types';

const P2P_LINK = 'fabric.githedgehog.com/p2p-link';

/**
 * Splits `spec.subnet` on the first '/': `vpc-1` alone means `vpc-1/default`, as the fabric
 * defaults it; `vpc-1/` names the subnet "" (which no VPC has), as the fabric reads it.
 */
export function attachmentSubnet(spec: Spec): { vpc: string; subnet: string } | null {
  const value = text(spec.subnet);
  if (!value) return null;
  const slash = value.indexOf('/');
  if (slash < 0) return { vpc: value, subnet: 'default' };
  return { vpc: value.slice(0, slash), subnet: value.slice(slash + 1) };
}

const specSchema = obj({ subnet: str, connection: str, nativeVLAN: opt(bool) });

/** The fabric's Default(): a bare VPC name means its subnet "default". */
function defaults(spec: Spec): Spec {
  const subnet = text(spec.subnet);
  return subnet && !subnet.startsWith('/') && !subnet.includes('/') ? { ...spec, subnet: `${subnet}/default` } : spec;
}

function checkSpec(spec: Spec, object: ObjectInfo): Issue[] {
  const issues: Issue[] = [];
  const p2p = object.annotations[P2P_LINK];
  if (p2p !== undefined) {
    const c = typeof p2p === 'string' ? parseCidr(p2p) : null;
    if (!c || c.prefixLength !== 31)
      issues.push(
        issueAt(
          ['metadata', 'annotations', P2P_LINK],
          `${JSON.stringify(p2p)} is not an IPv4 /31 prefix; expected one such as 172.30.5.0/31`,
        ),
      );
  }
  if (!attachmentSubnet(spec)?.vpc)
    issues.push(
      issueAt(
        ['spec', 'subnet'],
        `expected "<vpc>/<subnet>", e.g. "vpc-1/default", got ${JSON.stringify(spec.subnet)}`,
      ),
    );
  if (!text(spec.connection))
    issues.push(issueAt(['spec', 'connection'], 'expected a Connection name, got an empty string'));
  return issues;
}

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [];
  const target = attachmentSubnet(spec);
  if (target?.vpc) refs.push({ kind: 'VPC', name: target.vpc, field: 'spec.subnet', subnet: target.subnet });
  const connection = text(spec.connection);
  if (connection) refs.push({ kind: 'Connection', name: connection, field: 'spec.connection' });
  return refs;
}

const ATTACHABLE_TYPES: ReadonlySet<ConnectionType | null> = new Set(['unbundled', 'bundled', 'eslag']);

/** Warns every attachment of a group that shares one value (the fabric refuses each against the others). */
function warnGroups(
  groups: Map<string, { key: string; name: string }[]>,
  context: CrossContext,
  path: (string | number)[],
  message: (others: string) => string,
): void {
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    for (const a of list)
      context.warn(a.key, path, message(listOthers(list.filter((o) => o !== a).map((o) => o.name))));
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** What the attachment rules read of a switch, worked out once per switch (it serves every attachment on its ports). */
interface SwitchFacts {
  vlanNamespaces: string[];
  profileName: string | null;
  found: ReturnType<typeof availableProfile> | null;
  mclag: boolean;
}

/** Rules that need the attached objects: one attachment per subnet and connection, one native VLAN, attachable types, the switches' VLANNamespaces and profiles. */
function crossCheck(attachments: Indexed[], context: CrossContext): void {
  const pairs = new Map<string, { key: string; name: string }[]>();
  const natives = new Map<string, { key: string; name: string }[]>();
  // Per Connection and per Switch, as many attachments name the same ones.
  const switchesOf = new Map<Indexed, string[]>();
  const factsOf = new Map<Indexed, SwitchFacts>();
  const facts = (sw: Indexed): SwitchFacts => {
    let f = factsOf.get(sw);
    if (!f) {
      const swSpec = mapping(sw.record.spec) ?? {};
      const profileName = text(swSpec.profile);
      f = {
        vlanNamespaces: switchVlanNamespaces(swSpec).names,
        profileName,
        found: profileName ? availableProfile(profileName, context.config) : null,
        mclag: mapping(swSpec.redundancy)?.type === 'mclag',
      };
      factsOf.set(sw, f);
    }
    return f;
  };
  for (const { key, record: r } of attachments) {
    const spec = mapping(r.spec) ?? {};
    const target = attachmentSubnet(spec);
    const connName = text(spec.connection);
    if (!target || !connName) continue;
    push(pairs, `${r.namespace}/${connName}/${target.vpc}/${target.subnet}`, { key, name: r.name });
    if (spec.nativeVLAN === true) push(natives, `${r.namespace}/${connName}`, { key, name: r.name });
    const conn = context.find('Connection', r.namespace, connName);
    if (!conn) continue;
    const type = connectionType(mapping(conn.record.spec) ?? {});
    if (!ATTACHABLE_TYPES.has(type)) {
      context.warn(
        key,
        ['spec', 'connection'],
        `Connection "${connName}" is of type ${type ?? 'unknown'}; a VPC can only attach to unbundled, bundled or eslag connections`,
      );
      continue;
    }
    const vpc = context.find('VPC', r.namespace, target.vpc);
    if (!vpc) continue;
    const vpcSpec = mapping(vpc.record.spec) ?? {};
    const mode = text(vpcSpec.mode) === 'l3vni' ? 'l3vni' : 'l2vni';
    if (type === 'eslag' && mode !== 'l2vni')
      context.warn(
        key,
        ['spec', 'connection'],
        `Connection "${connName}" is eslag; it attaches only l2vni VPCs, and VPC "${target.vpc}" is ${mode}`,
      );
    const hostBGP = mapping(mapping(vpcSpec.subnets)?.[target.subnet])?.hostBGP === true;
    if (hostBGP && type !== 'unbundled')
      context.warn(
        key,
        ['spec', 'subnet'],
        `subnet ${target.vpc}/${target.subnet} is hostBGP; it attaches only to unbundled connections, and "${connName}" is ${type ?? 'unknown'}`,
      );
    const vlanns = vpcVlanNamespace(vpcSpec);
    let devices = switchesOf.get(conn);
    if (!devices) {
      devices = [
        ...new Set(
          endpointsOf(conn)
            .filter((e) => e.side === 'switch')
            .map((e) => e.device),
        ),
      ];
      switchesOf.set(conn, devices);
    }
    for (const device of devices) {
      const sw = context.find('Switch', r.namespace, device);
      if (!sw) {
        context.warn(
          key,
          ['spec', 'connection'],
          `Switch "${device}" of Connection "${connName}" is not defined in this fabric`,
        );
        continue;
      }
      const { vlanNamespaces, profileName, found, mclag } = facts(sw);
      if (!vlanNamespaces.includes(vlanns))
        context.warn(
          key,
          ['spec', 'connection'],
          `Switch "${device}" does not list VLANNamespace "${vlanns}" used by VPC "${target.vpc}"`,
        );
      if (!found || 'missing' in found) {
        context.warn(
          key,
          ['spec', 'connection'],
          `Switch "${device}" names ${profileName ? `SwitchProfile "${profileName}", which the fabric does not have` : 'no SwitchProfile'}; the fabric needs it to check the VPC mode`,
        );
      } else {
        const features = found.profile.features ?? {};
        const needs = mode === 'l2vni' ? ['l2vni', 'l3vni'] : ['l3vni'];
        const lacking = needs.filter((f) => !features[f]);
        if (lacking.length > 0)
          context.warn(
            key,
            ['spec', 'connection'],
            `Switch "${device}" (SwitchProfile "${profileName}") does not support ${lacking.join(' and ')}, which ${mode} VPC "${target.vpc}" needs`,
          );
      }
      if (hostBGP && mclag)
        context.warn(
          key,
          ['spec', 'subnet'],
          `subnet ${target.vpc}/${target.subnet} is hostBGP; it cannot attach on MCLAG switch "${device}"`,
        );
    }
  }
  warnGroups(
    pairs,
    context,
    ['spec', 'subnet'],
    (others) =>
      `the same subnet is attached to the same Connection by VPCAttachment ${others}; expected one attachment per subnet and connection`,
  );
  warnGroups(
    natives,
    context,
    ['spec', 'nativeVLAN'],
    (others) =>
      `the Connection already has a native VLAN from VPCAttachment ${others}; expected at most one per connection`,
  );
}

export const vpcAttachment = defineKind({
  kind: 'VPCAttachment',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  plural: 'vpcattachments',
  shortNames: ['vpcattach'],
  label: 'VPC attachment',
  labelPlural: 'VPC attachments',
  specRequired: false,
  specSchema,
  defaults,
  checkSpec,
  columns: [
    {
      key: 'vpc',
      label: 'VPC',
      value: (spec) => refsTo('VPC', [attachmentSubnet(spec)?.vpc]),
      sortSql: "split_part(spec->>'subnet', '/', 1)",
      filter: {},
    },
    {
      key: 'subnet',
      label: 'Subnet',
      value: (spec) => attachmentSubnet(spec)?.subnet ?? null,
      sortSql:
        "CASE WHEN coalesce(spec->>'subnet', '') = '' THEN NULL ELSE coalesce(nullif(nullif(substr(spec->>'subnet', strpos(spec->>'subnet', '/') + 1), ''), spec->>'subnet'), 'default') END",
    },
    {
      key: 'connection',
      label: 'Connection',
      value: (spec) => refsTo('Connection', [text(spec.connection)]),
      sortSql: "spec->>'connection'",
      filter: {},
    },
    {
      key: 'nativeVLAN',
      label: 'Native VLAN',
      value: (spec) => (spec.nativeVLAN === true ? 'yes' : 'no'),
      sortSql: "coalesce(spec->>'nativeVLAN', 'false')",
      filter: { choices: ['true', 'false'] },
    },
  ],
  references,
  crossCheck,
});
