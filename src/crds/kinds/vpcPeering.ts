import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { vpcIpv4Namespace, vpcVlanNamespace } from './vpc';
import { dict, list, obj, opt, str } from '../schema';
import { dotted, issueAt, joined, list as asList, mapping, text } from '../spec';
import type { CrossContext, Indexed, Issue, Reference, Spec } from '../types';

const specSchema = obj({
  // A VPC mapped to null or {} means all of its subnets.
  permit: list(dict(opt(obj({ subnets: opt(list(str, 1, 10)) }))), 1, 10),
  remote: opt(str),
});

/** The two peered VPCs, sorted, taken from the first permit entry. */
export function peeredVpcs(spec: Spec): string[] {
  return Object.keys(mapping(asList(spec.permit)[0]) ?? {}).sort();
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  let pair: string | null = null;
  asList(spec.permit).forEach((raw, index) => {
    const keys = Object.keys(mapping(raw) ?? {}).sort();
    if (keys.length !== 2) {
      issues.push(
        issueAt(
          ['spec', 'permit', index],
          `expected exactly 2 VPC names, got ${keys.length}${keys.length > 0 ? ` (${keys.join(', ')})` : ''}`,
        ),
      );
      return;
    }
    const thisPair = keys.join(' and ');
    if (pair === null) pair = thisPair;
    else if (pair !== thisPair)
      issues.push(
        issueAt(['spec', 'permit', index], `expected the same 2 VPCs in every entry (${pair}), got ${thisPair}`),
      );
  });
  if (text(spec.remote))
    issues.push(
      issueAt(
        ['spec', 'remote'],
        `"${String(spec.remote)}": the remote field is deprecated and no longer supported by the fabric; expected it empty (peer through a border leaf with an External instead)`,
      ),
    );
  return issues;
}

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [];
  const seen = new Set<string>();
  asList(spec.permit).forEach((raw, index) => {
    for (const [vpcName, value] of Object.entries(mapping(raw) ?? {})) {
      const subnets = asList(mapping(value)?.subnets)
        .map(text)
        .filter((s): s is string => s !== null);
      const field = dotted(['spec', 'permit', index, vpcName]);
      if (subnets.length === 0 && !seen.has(vpcName)) refs.push({ kind: 'VPC', name: vpcName, field });
      for (const subnet of subnets) refs.push({ kind: 'VPC', name: vpcName, field: `${field}.subnets`, subnet });
      seen.add(vpcName);
    }
  });
  return refs;
}

const VPC_SQL = (fn: 'min' | 'max') =>
  `(SELECT ${fn}(k) FROM jsonb_object_keys(CASE WHEN jsonb_typeof(spec #> '{permit,0}') = 'object' THEN spec #> '{permit,0}' ELSE '{}'::jsonb END) AS k)`;

/** Peered VPCs must share their IPv4Namespace and VLANNamespace. */
function crossCheck(peerings: Indexed[], context: CrossContext): void {
  for (const { key, record: r } of peerings) {
    const spec = mapping(r.spec) ?? {};
    const first = mapping(Array.isArray(spec.permit) ? spec.permit[0] : null);
    const vpcs = Object.keys(first ?? {}).map((n) => context.find('VPC', r.namespace, n));
    const [a, b] = vpcs;
    if (vpcs.length !== 2 || !a || !b) continue;
    const sa = mapping(a.record.spec) ?? {};
    const sb = mapping(b.record.spec) ?? {};
    if (vpcIpv4Namespace(sa) !== vpcIpv4Namespace(sb)) {
      context.warn(
        key,
        ['spec', 'permit'],
        `VPCs "${a.record.name}" and "${b.record.name}" are in different IPv4Namespaces (${vpcIpv4Namespace(sa)}, ${vpcIpv4Namespace(sb)})`,
      );
    }
    if (vpcVlanNamespace(sa) !== vpcVlanNamespace(sb)) {
      context.warn(
        key,
        ['spec', 'permit'],
        `VPCs "${a.record.name}" and "${b.record.name}" are in different VLANNamespaces (${vpcVlanNamespace(sa)}, ${vpcVlanNamespace(sb)})`,
      );
    }
  }
}

export const vpcPeering = defineKind({
  kind: 'VPCPeering',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  plural: 'vpcpeerings',
  shortNames: ['vpcpeer'],
  label: 'VPC peering',
  labelPlural: 'VPC peerings',
  specRequired: false,
  specSchema,
  checkSpec,
  columns: [
    { key: 'vpc1', label: 'VPC 1', value: (spec) => refsTo('VPC', [peeredVpcs(spec)[0]]), sortSql: VPC_SQL('min') },
    { key: 'vpc2', label: 'VPC 2', value: (spec) => refsTo('VPC', [peeredVpcs(spec)[1]]), sortSql: VPC_SQL('max') },
    {
      key: 'rules',
      label: 'Permit rules',
      value: (spec) => asList(spec.permit).length,
      sortSql: "CASE WHEN jsonb_typeof(spec->'permit') = 'array' THEN jsonb_array_length(spec->'permit') ELSE 0 END",
    },
  ],
  references,
  crossCheck,
  panels: (spec) => [
    {
      key: 'permit',
      title: 'Permit',
      columns: [
        { key: 'rule', label: 'Rule' },
        { key: 'vpc', label: 'VPC' },
        { key: 'subnets', label: 'Subnets' },
      ],
      rows: asList(spec.permit).flatMap((raw, index) =>
        Object.entries(mapping(raw) ?? {}).map(([vpcName, value]) => ({
          rule: index + 1,
          vpc: refsTo('VPC', [vpcName]),
          subnets: joined(asList(mapping(value)?.subnets).map(text)) ?? 'all',
        })),
      ),
    },
  ],
});
