import { defineKind } from '../defineKind';
import { vpcVlanNamespace } from './vpc';
import { switchVlanNamespaces } from './switch';
import { connectionType, endpointsOf, type ConnectionType } from './connection';
import { bool, obj, opt, str } from '../schema';
import { issueAt, text, mapping } from '../spec';
import type { CrossContext, Indexed, Issue, Reference, Spec } from '../types';

/** Splits `spec.subnet` on the first '/': `vpc-1` alone means `vpc-1/default`, as the fabric defaults it. */
export function attachmentSubnet(spec: Spec): { vpc: string; subnet: string } | null {
  const value = text(spec.subnet);
  if (!value) return null;
  const slash = value.indexOf('/');
  if (slash < 0) return { vpc: value, subnet: 'default' };
  return { vpc: value.slice(0, slash), subnet: value.slice(slash + 1) || 'default' };
}

const specSchema = obj({ subnet: str, connection: str, nativeVLAN: opt(bool) });

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
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

const ATTACHABLE_TYPES: ReadonlySet<ConnectionType | null> = new Set(['unbundled', 'bundled', 'eslag', 'mclag']);

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
        const vlanns = vpcVlanNamespace(mapping(vpc.record.spec) ?? {});
        for (const device of new Set(
          endpointsOf(conn)
            .filter((e) => e.side === 'switch')
            .map((e) => e.device),
        )) {
          const sw = context.find('Switch', r.namespace, device);
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
  checkSpec,
  columns: [
    {
      key: 'vpc',
      label: 'VPC',
      value: (spec) => attachmentSubnet(spec)?.vpc ?? null,
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
      value: (spec) => text(spec.connection),
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
