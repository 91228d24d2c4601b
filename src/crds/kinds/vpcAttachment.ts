import { bool, obj, opt, str } from '../schema';
import { issueAt, text } from '../spec';
import type { Issue, KindDef, Reference, Spec } from '../types';

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

export const vpcAttachment: KindDef = {
  kind: 'VPCAttachment',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  plural: 'vpcattachments',
  slug: 'vpcattachments',
  shortNames: ['vpcattach'],
  label: 'VPC attachment',
  labelPlural: 'VPC attachments',
  category: 'VPC API',
  specRequired: false,
  specSchema,
  checkSpec,
  columns: [
    {
      key: 'vpc',
      label: 'VPC',
      value: (spec) => attachmentSubnet(spec)?.vpc ?? null,
      sortSql: "split_part(spec->>'subnet', '/', 1)",
    },
    {
      key: 'subnet',
      label: 'Subnet',
      value: (spec) => attachmentSubnet(spec)?.subnet ?? null,
      sortSql:
        "CASE WHEN coalesce(spec->>'subnet', '') = '' THEN NULL ELSE coalesce(nullif(nullif(substr(spec->>'subnet', strpos(spec->>'subnet', '/') + 1), ''), spec->>'subnet'), 'default') END",
    },
    { key: 'connection', label: 'Connection', value: (spec) => text(spec.connection), sortSql: "spec->>'connection'" },
    {
      key: 'nativeVLAN',
      label: 'Native VLAN',
      value: (spec) => (spec.nativeVLAN === true ? 'yes' : 'no'),
      sortSql: "coalesce(spec->>'nativeVLAN', 'false')",
    },
  ],
  filters: [
    { key: 'vpc', label: 'VPC', sql: "split_part(spec->>'subnet', '/', 1)" },
    { key: 'connection', label: 'Connection', sql: "spec->>'connection'" },
    {
      key: 'nativeVLAN',
      label: 'Native VLAN',
      sql: "coalesce(spec->>'nativeVLAN', 'false')",
      choices: ['true', 'false'],
    },
  ],
  references,
};
