import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { vpcVlanNamespace } from './vpc';
import { switchVlanNamespaces } from './switch';
import { connectionType, endpointsOf, type ConnectionType } from './connection';
import { bool, obj, opt, str } from '../schema';
import { issueAt, text, mapping } from '../spec';
import { parseCidr } from '../net';
import { availableProfile } from '../profileRules';
import type { CrossContext, Indexed, Issue, ObjectInfo, Reference, Spec } from '../types';

const P2P_LINK = 'fabric.githedgehog.com/p2p-link';

/** Splits `spec.subnet` on the first '/': `vpc-1` alone means `vpc-1/default`, as the fabric defaults it. */
export function attachmentSubnet(spec: Spec): { vpc: string; subnet: string } | null {
  const value = text(spec.subnet);
  if (!value) return null;
  const slash = value.indexOf('/');
  if (slash < 0) return { vpc: value, subnet: 'default' };
  return { vpc: value.slice(0, slash), subnet: value.slice(slash + 1) || 'default' };
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

/** Rules that need the attached objects: one attachment per subnet and connection, one native VLAN, attachable types, VLANNamespaces on the switches. */
function crossCheck(attachments: Indexed[], context: CrossContext): void {
  const pairs = new Map<string, string>();
  const natives = new Map<string, string>();
  for (const { key, record: r } of attachments) {
    const spec = mapping(r.spec) ?? {};
    const target = attachmentSubnet(spec);
    const connName = text(spec.connection);
    if (!target || !connName) continue;
    const pair = `${r.namespace}/${connName}/${target.vpc}/${target.subnet}`;
    const firstPair = pairs.get(pair);
    if (firstPair)
      context.warn(
        key,
        ['spec', 'subnet'],
        `VPCAttachment "${firstPair}" already attaches ${target.vpc}/${target.subnet} to Connection "${connName}"`,
      );
    else pairs.set(pair, r.name);
    if (spec.nativeVLAN === true) {
      const firstNative = natives.get(`${r.namespace}/${connName}`);
      if (firstNative)
        context.warn(
          key,
          ['spec', 'nativeVLAN'],
          `Connection "${connName}" already has a native VLAN from VPCAttachment "${firstNative}"`,
        );
      else natives.set(`${r.namespace}/${connName}`, r.name);
    }
    const conn = context.find('Connection', r.namespace, connName);
    if (conn) {
      const type = connectionType(mapping(conn.record.spec) ?? {});
      if (!ATTACHABLE_TYPES.has(type)) {
        context.warn(
          key,
          ['spec', 'connection'],
          `Connection "${connName}" is of type ${type ?? 'unknown'}; a VPC can only attach to unbundled, bundled or eslag connections`,
        );
      }
      const vpc = context.find('VPC', r.namespace, target.vpc);
      if (vpc) {
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
        for (const device of new Set(
          endpointsOf(conn)
            .filter((e) => e.side === 'switch')
            .map((e) => e.device),
        )) {
          const sw = context.find('Switch', r.namespace, device);
          const swSpec = mapping(sw?.record.spec) ?? {};
          const profileName = text(swSpec.profile);
          const found = sw && profileName ? availableProfile(profileName, context.config) : null;
          const features = found && 'profile' in found ? (found.profile.features ?? {}) : null;
          const needs = mode === 'l2vni' ? ['l2vni', 'l3vni'] : ['l3vni'];
          const lacking = features ? needs.filter((f) => !features[f]) : [];
          if (lacking.length > 0)
            context.warn(
              key,
              ['spec', 'connection'],
              `Switch "${device}" (SwitchProfile "${profileName}") does not support ${lacking.join(' and ')}, which ${mode} VPC "${target.vpc}" needs`,
            );
          if (hostBGP && mapping(swSpec.redundancy)?.type === 'mclag')
            context.warn(
              key,
              ['spec', 'subnet'],
              `subnet ${target.vpc}/${target.subnet} is hostBGP; it cannot attach on MCLAG switch "${device}"`,
            );
          if (sw && !switchVlanNamespaces(mapping(sw.record.spec) ?? {}).names.includes(vlanns)) {
            context.warn(
              key,
              ['spec', 'connection'],
              `Switch "${device}" does not list VLANNamespace "${vlanns}" used by VPC "${target.vpc}"`,
            );
          }
        }
      }
    }
  }
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
