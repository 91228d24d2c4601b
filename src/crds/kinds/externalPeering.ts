import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { vpcIpv4Namespace } from './vpc';
import { list, obj, opt, str } from '../schema';
import { issueAt, joined, list as asList, mapping, text } from '../spec';
import type { CrossContext, Indexed, Issue, Reference, Spec } from '../types';

const vpcOf = (spec: Spec) => mapping(mapping(spec.permit)?.vpc);
const externalOf = (spec: Spec) => mapping(mapping(spec.permit)?.external);

const specSchema = obj({
  permit: obj({
    vpc: obj({ name: str, subnets: opt(list(str)) }),
    // The fabric does not parse the prefixes; it only requires them to be non-empty.
    external: obj({ name: str, prefixes: opt(list(obj({ prefix: str }))) }),
  }),
});

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  if (!text(vpcOf(spec)?.name))
    issues.push(issueAt(['spec', 'permit', 'vpc', 'name'], 'is required (a VPC name), got nothing'));
  if (!text(externalOf(spec)?.name))
    issues.push(issueAt(['spec', 'permit', 'external', 'name'], 'is required (an External name), got nothing'));
  asList(externalOf(spec)?.prefixes).forEach((raw, index) => {
    if (!text(mapping(raw)?.prefix))
      issues.push(
        issueAt(
          ['spec', 'permit', 'external', 'prefixes', index, 'prefix'],
          'is required (a prefix such as 0.0.0.0/0; the fabric does not parse it), got nothing',
        ),
      );
  });
  return issues;
}

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [];
  const vpcName = text(vpcOf(spec)?.name);
  if (vpcName) {
    refs.push({ kind: 'VPC', name: vpcName, field: 'spec.permit.vpc.name' });
    for (const subnet of asList(vpcOf(spec)?.subnets).map(text)) {
      if (subnet) refs.push({ kind: 'VPC', name: vpcName, field: 'spec.permit.vpc.subnets', subnet });
    }
  }
  const externalName = text(externalOf(spec)?.name);
  if (externalName) refs.push({ kind: 'External', name: externalName, field: 'spec.permit.external.name' });
  return refs;
}

/** The peered VPC and External must share an IPv4Namespace. */
function crossCheck(peerings: Indexed[], context: CrossContext): void {
  for (const { key, record: r } of peerings) {
    const permit = mapping(mapping(r.spec)?.permit);
    const vpc = context.find('VPC', r.namespace, text(mapping(permit?.vpc)?.name) ?? '');
    const ext = context.find('External', r.namespace, text(mapping(permit?.external)?.name) ?? '');
    if (!vpc || !ext) continue;
    const vpcNs = vpcIpv4Namespace(mapping(vpc.record.spec) ?? {});
    const extNs = text(mapping(ext.record.spec)?.ipv4Namespace) ?? 'default';
    if (vpcNs !== extNs)
      context.warn(
        key,
        ['spec', 'permit'],
        `VPC "${vpc.record.name}" (IPv4Namespace ${vpcNs}) and External "${ext.record.name}" (IPv4Namespace ${extNs}) must share an IPv4Namespace`,
      );
  }
}

export const externalPeering = defineKind({
  kind: 'ExternalPeering',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  plural: 'externalpeerings',
  shortNames: ['extpeering', 'extpeer'],
  label: 'External peering',
  labelPlural: 'External peerings',
  specRequired: false,
  specSchema,
  checkSpec,
  columns: [
    {
      key: 'vpc',
      label: 'VPC',
      value: (spec) => refsTo('VPC', [text(vpcOf(spec)?.name)]),
      sortSql: "spec#>>'{permit,vpc,name}'",
      filter: {},
    },
    { key: 'subnets', label: 'Subnets', value: (spec) => joined(asList(vpcOf(spec)?.subnets).map(text)) },
    {
      key: 'external',
      label: 'External',
      value: (spec) => refsTo('External', [text(externalOf(spec)?.name)]),
      sortSql: "spec#>>'{permit,external,name}'",
      filter: {},
    },
    {
      key: 'prefixes',
      label: 'Prefixes',
      value: (spec) => joined(asList(externalOf(spec)?.prefixes).map((p) => text(mapping(p)?.prefix))),
    },
  ],
  references,
  crossCheck,
});
