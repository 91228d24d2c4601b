import { defineKind } from '../defineKind';
import { parsePrefix, prefixesOverlap, type Prefix } from '../netip';
import { reservedOverlapping, type FabricConfig } from '../fabricConfig';
import { ipPrefix, list, obj, opt } from '../schema';
import { issueAt, joined, list as asList, text } from '../spec';
import type { Issue, Spec } from '../types';

/**
 * The namespace's subnets, parsed as the fabric parses them (netip.ParsePrefix: IPv6 too, host bits
 * allowed, masked when compared); unparsable entries are left out.
 */
export function namespaceSubnets(spec: Spec): Prefix[] {
  return asList(spec.subnets).flatMap((s) => {
    const c = typeof s === 'string' ? parsePrefix(s) : null;
    return c ? [c] : [];
  });
}

/** The fabric's limit (MaxIPv4NamespaceSubnets): one ACL per pair of subnets must fit the switch. */
export const MAX_IPV4_NAMESPACE_SUBNETS = 10;

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const subnets = asList(spec.subnets);
  if (subnets.length > MAX_IPV4_NAMESPACE_SUBNETS)
    issues.push(
      issueAt(
        ['spec', 'subnets'],
        `${subnets.length} subnets; the fabric allows at most ${MAX_IPV4_NAMESPACE_SUBNETS} in an IPv4Namespace`,
      ),
    );
  const seen: { c: Prefix; raw: string }[] = [];
  subnets.forEach((raw, index) => {
    const c = parsePrefix(String(raw));
    if (!c) return;
    const other = seen.find((o) => prefixesOverlap(o.c, c));
    if (other)
      issues.push(
        issueAt(
          ['spec', 'subnets', index],
          `${String(raw)} overlaps ${other.raw} of this namespace; expected subnets that do not overlap`,
        ),
      );
    seen.push({ c, raw: String(raw) });
  });
  return issues;
}

function checkConfig(spec: Spec, config: FabricConfig): Issue[] {
  const issues: Issue[] = [];
  asList(spec.subnets).forEach((raw, index) => {
    const c = parsePrefix(String(raw));
    const reserved = c ? reservedOverlapping(config, c) : undefined;
    if (reserved)
      issues.push(
        issueAt(
          ['spec', 'subnets', index],
          `${String(raw)} overlaps the fabric's ${reserved.name} ${reserved.text}; expected a subnet outside the reserved ones`,
        ),
      );
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
  // The CRD bounds the list (1-20) only when it is present.
  specSchema: obj({ subnets: opt(list(ipPrefix, 1, 20)) }),
  checkSpec,
  checkConfig,
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
