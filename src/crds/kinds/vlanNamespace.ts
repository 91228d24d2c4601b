import { defineKind } from '../defineKind';
import { formatRanges, overlappingRange, type FabricConfig } from '../fabricConfig';
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

// The CRD bounds the list (1-20) only when it is present; spec and ranges are optional.
const specSchema = obj({
  ranges: opt(list(obj({ from: intIn(1, 4094, 'a VLAN'), to: opt(intIn(0, 4094, 'a VLAN')) }), 1, 20)),
});

const show = (r: VlanRange) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`);

/**
 * The fabric's Default(): a range's `to` 0 (or absent) means `from`. (It also sorts the ranges;
 * left as written here, so that messages point at the range in the file. When a range is invalid,
 * its Default() drops every range, an apparent bug: the range stays an error here.)
 */
function defaults(spec: Spec): Spec {
  if (!Array.isArray(spec.ranges)) return spec;
  return {
    ...spec,
    ranges: spec.ranges.map((raw) => {
      const r = mapping(raw);
      const from = num(r?.from);
      return r && from !== null && !num(r.to) ? { ...r, to: from } : raw;
    }),
  };
}

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
  if (issues.length > 0) return issues;
  // The webhook checks the namespace's ranges together with the fabric's reserved ones, so two
  // ranges of the namespace that overlap are refused as well.
  const ranges = vlanRanges(spec)
    .map((r, index) => ({ ...r, index }))
    .sort((a, b) => a.from - b.from);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1]!;
    const cur = ranges[i]!;
    if (cur.from <= prev.to)
      issues.push(
        issueAt(
          ['spec', 'ranges', cur.index],
          `${show(cur)} overlaps range ${show(prev)} of this namespace; expected ranges that do not overlap`,
        ),
      );
  }
  return issues;
}

function checkConfig(spec: Spec, config: FabricConfig): Issue[] {
  const issues: Issue[] = [];
  vlanRanges(spec).forEach((r, index) => {
    const irb = overlappingRange(r, config.vpcIRBVLANs);
    const th5 = overlappingRange(r, config.th5WorkaroundVLANs);
    if (irb)
      issues.push(
        issueAt(
          ['spec', 'ranges', index],
          `${show(r)} overlaps the fabric's VPC IRB VLANs ${formatRanges(config.vpcIRBVLANs)}; expected VLANs outside them`,
        ),
      );
    else if (th5)
      issues.push(
        issueAt(
          ['spec', 'ranges', index],
          `${show(r)} overlaps the VLANs ${formatRanges(config.th5WorkaroundVLANs)} reserved for the TH5 workaround; expected VLANs outside them`,
        ),
      );
  });
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
  defaults,
  checkSpec,
  checkConfig,
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
