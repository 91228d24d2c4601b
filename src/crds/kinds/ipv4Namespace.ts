import { defineKind } from '../defineKind';
import { cidrsOverlap, isCanonicalCidr, parseCidr, type Cidr } from '../net';
import { cidr, list, obj } from '../schema';
import { issueAt, joined, list as asList, text } from '../spec';
import type { Issue, Spec } from '../types';

/** The namespace's subnets, parsed; unparsable entries are left out. */
export function namespaceSubnets(spec: Spec): Cidr[] {
  return asList(spec.subnets).flatMap((s) => {
    const c = typeof s === 'string' ? parseCidr(s) : null;
    return c ? [c] : [];
  });
}

function lint(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const subnets = asList(spec.subnets);
  if (subnets.length > 10)
    issues.push(issueAt(['spec', 'subnets'], `the fabric allows at most 10 subnets, found ${subnets.length}`));
  const seen: Cidr[] = [];
  subnets.forEach((raw, index) => {
    const c = parseCidr(String(raw));
    if (!c) return;
    if (!isCanonicalCidr(c))
      issues.push(
        issueAt(['spec', 'subnets', index], `${String(raw)} has host bits set; the fabric expects a canonical prefix`),
      );
    if (seen.some((other) => cidrsOverlap(other, c)))
      issues.push(issueAt(['spec', 'subnets', index], `${String(raw)} overlaps another subnet of this namespace`));
    seen.push(c);
  });
  return issues;
}

export const ipv4Namespace = defineKind({
  kind: 'IPv4Namespace',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  plural: 'ipv4namespaces',
  shortNames: ['ipns'],
  label: 'IPv4 namespace',
  labelPlural: 'IPv4 namespaces',
  specRequired: false,
  fabricDefault: 'default',
  maxNameLength: 11,
  specSchema: obj({ subnets: list(cidr, 1, 20) }),
  lint,
  columns: [
    {
      key: 'subnets',
      label: 'Subnets',
      value: (spec) => joined(asList(spec.subnets).map(text)),
      sortSql: "spec#>>'{subnets,0}'",
    },
  ],
  references: () => [],
  panels: (spec) => [
    {
      key: 'subnets',
      title: 'Subnets',
      columns: [{ key: 'subnet', label: 'Subnet' }],
      rows: asList(spec.subnets).map((s) => ({ subnet: text(s) })),
    },
  ],
});
