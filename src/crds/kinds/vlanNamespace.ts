import { defineKind } from '../defineKind';
import { intIn, list, obj, opt } from '../schema';
import { issueAt, joined, list as asList, mapping, num } from '../spec';
import type { Issue, Spec } from '../types';

export interface VlanRange {
  from: number;
  to: number;
}

/** The namespace's ranges with `to: 0` (or absent) read as `from`, as the fabric normalises them. */
export function vlanRanges(spec: Spec): VlanRange[] {
  return asList(spec.ranges).flatMap((raw) => {
    const r = mapping(raw);
    const from = num(r?.from);
    if (from === null) return [];
    const to = num(r?.to);
    return [{ from, to: to === null || to === 0 ? from : to }];
  });
}

const specSchema = obj({
  ranges: list(obj({ from: intIn(1, 4094, 'a VLAN'), to: opt(intIn(0, 4094, 'a VLAN')) }), 1, 20),
});

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  asList(spec.ranges).forEach((raw, index) => {
    const r = mapping(raw);
    const from = num(r?.from);
    const to = num(r?.to);
    if (from !== null && to !== null && to !== 0 && to < from) {
      issues.push(issueAt(['spec', 'ranges', index], `expected from <= to, got ${from}-${to}`));
    }
  });
  return issues;
}

function lint(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const ranges = vlanRanges(spec)
    .map((r, index) => ({ ...r, index }))
    .sort((a, b) => a.from - b.from);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1]!;
    const cur = ranges[i]!;
    if (cur.from <= prev.to)
      issues.push(issueAt(['spec', 'ranges', cur.index], `${cur.from}-${cur.to} overlaps ${prev.from}-${prev.to}`));
  }
  for (const r of ranges) {
    // The fabric reserves 3000-3899 for VPC IRB VLANs and 3900-3999 for the TH5 workaround (defaults).
    if (r.from <= 3999 && r.to >= 3000) {
      issues.push(
        issueAt(
          ['spec', 'ranges', r.index],
          `${r.from}-${r.to} overlaps the fabric's reserved VLANs 3000-3999 (default settings)`,
        ),
      );
    }
  }
  return issues;
}

const rangeText = (spec: Spec) =>
  joined(vlanRanges(spec).map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)));

export const vlanNamespace = defineKind({
  kind: 'VLANNamespace',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  plural: 'vlannamespaces',
  shortNames: ['vlanns'],
  label: 'VLAN namespace',
  labelPlural: 'VLAN namespaces',
  specRequired: false,
  fabricDefault: 'default',
  specSchema,
  checkSpec,
  lint,
  columns: [
    { key: 'ranges', label: 'Ranges', value: rangeText, sortSql: "(spec#>>'{ranges,0,from}')::int" },
    {
      key: 'size',
      label: 'VLANs',
      value: (spec) => vlanRanges(spec).reduce((n, r) => n + r.to - r.from + 1, 0),
    },
  ],
  references: () => [],
  panels: (spec) => [
    {
      key: 'ranges',
      title: 'Ranges',
      columns: [
        { key: 'from', label: 'From' },
        { key: 'to', label: 'To' },
      ],
      rows: vlanRanges(spec).map((r) => ({ from: r.from, to: r.to })),
    },
  ],
});
