import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { parsePrefix, prefixesOverlap, type Prefix } from '../netip';
import { community, ipPrefix, list, obj, opt, str } from '../schema';
import { issueAt, joined, list as asList, mapping, text } from '../spec';
import type { Issue, Reference, Spec } from '../types';

/** 'static' when the External lists static prefixes, else 'bgp'. */
export function externalMode(spec: Spec): 'static' | 'bgp' {
  return mapping(spec.static) ? 'static' : 'bgp';
}

/** The IPv4Namespace the External uses ("default" when unset). */
export function externalIpv4Namespace(spec: Spec): string {
  return text(spec.ipv4Namespace) ?? 'default';
}

const specSchema = obj({
  ipv4Namespace: opt(str),
  inboundCommunity: opt(community),
  outboundCommunity: opt(community),
  // netip.ParsePrefix: IPv6 prefixes too, host bits allowed.
  static: opt(obj({ prefixes: opt(list(ipPrefix)) })),
});

/** The fabric's Default(): the IPv4Namespace "default" when unset. */
function defaults(spec: Spec): Spec {
  return { ...spec, ipv4Namespace: externalIpv4Namespace(spec) };
}

function checkSpec(spec: Spec): Issue[] {
  if (externalMode(spec) !== 'static') return [];
  const issues: Issue[] = [];
  const prefixes = asList(mapping(spec.static)?.prefixes);
  if (prefixes.length === 0)
    issues.push(issueAt(['spec', 'static', 'prefixes'], 'is empty; a static External needs at least one prefix'));
  for (const key of ['inboundCommunity', 'outboundCommunity'] as const) {
    if (text(spec[key]))
      issues.push(
        issueAt(['spec', key], `${JSON.stringify(spec[key])} is set on a static External; expected it empty`),
      );
  }
  const seen: { c: Prefix; raw: string }[] = [];
  prefixes.forEach((raw, index) => {
    const c = parsePrefix(String(raw));
    if (!c) return;
    const other = seen.find((o) => prefixesOverlap(o.c, c));
    if (other)
      issues.push(
        issueAt(
          ['spec', 'static', 'prefixes', index],
          `${String(raw)} overlaps ${other.raw}; expected prefixes that do not overlap`,
        ),
      );
    seen.push({ c, raw: String(raw) });
  });
  return issues;
}

function references(spec: Spec): Reference[] {
  return [
    {
      kind: 'IPv4Namespace',
      name: externalIpv4Namespace(spec),
      field: 'spec.ipv4Namespace',
      ...(text(spec.ipv4Namespace) ? {} : { defaulted: true }),
    },
  ];
}

/** Static or BGP, in SQL (an External and an ExternalAttachment are static when they have `static`). */
export const MODE_SQL = "CASE WHEN jsonb_typeof(spec->'static') = 'object' THEN 'static' ELSE 'bgp' END";
const IPNS_SQL = "coalesce(nullif(spec->>'ipv4Namespace', ''), 'default')";

export const external = defineKind({
  kind: 'External',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  plural: 'externals',
  shortNames: ['ext'],
  label: 'External',
  labelPlural: 'Externals',
  specRequired: false,
  maxNameLength: 11,
  specSchema,
  defaults,
  checkSpec,
  columns: [
    { key: 'mode', label: 'Mode', value: externalMode, sortSql: MODE_SQL, filter: { choices: ['bgp', 'static'] } },
    {
      key: 'ipv4Namespace',
      label: 'IPv4 namespace',
      value: (spec) => refsTo('IPv4Namespace', [externalIpv4Namespace(spec)]),
      sortSql: IPNS_SQL,
      filter: {},
    },
    {
      key: 'inboundCommunity',
      label: 'Inbound community',
      value: (spec) => text(spec.inboundCommunity),
      sortSql: "spec->>'inboundCommunity'",
    },
    {
      key: 'outboundCommunity',
      label: 'Outbound community',
      value: (spec) => text(spec.outboundCommunity),
      sortSql: "spec->>'outboundCommunity'",
    },
    {
      key: 'prefixes',
      label: 'Static prefixes',
      value: (spec) => joined(asList(mapping(spec.static)?.prefixes).map(text)),
    },
  ],
  references,
});
