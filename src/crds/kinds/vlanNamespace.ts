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

// The CRD types from/to as plain integers and the webhook decodes them as uint16; the VLAN bounds
// are Default()'s business (below). minItems applies to the list as written; maxItems only after
// Default(), so it is checked on the effective spec.
const vlanField = opt(intIn(0, 65535, 'an integer'));
const specSchema = obj({
  ranges: opt(list(obj({ from: vlanField, to: vlanField }), 1)),
});

const show = (r: VlanRange) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`);

interface BrokenRange {
  index: number;
  path: (string | number)[];
  why: string;
}

/**
 * The ranges the fabric's NormalizedVLANRanges refuses, in its order of checks (`to` 0 read as
 * `from`, then from <= to, then both 1-4094). It stops at the first; every one is listed here so
 * that the warning names them all.
 */
function brokenRanges(spec: Spec): BrokenRange[] {
  return asList(spec.ranges).flatMap((raw, index): BrokenRange[] => {
    const r = mapping(raw);
    const from = num(r?.from) ?? 0;
    const to = num(r?.to) || from;
    const at = ['spec', 'ranges', index];
    if (from > to) return [{ index, path: at, why: `from ${from} is above to ${to}; expected from <= to` }];
    if (from < 1 || from > 4094)
      return [{ index, path: [...at, 'from'], why: `${from} is not a VLAN; expected 1-4094` }];
    if (to > 4094) return [{ index, path: [...at, 'to'], why: `${to} is not a VLAN; expected 1-4094 (or 0: from)` }];
    return [];
  });
}

/**
 * The fabric's Default(): a range's `to` 0 (or absent) means `from`. When any range is broken,
 * its Default() replaces the ranges with the failed normalisation's nil, so the API server stores
 * the namespace without ranges (and accepts it): the effective spec has none, and `lint` says why.
 * (On success it also sorts the ranges; left as written here, so that messages point at the range
 * in the file.)
 */
function defaults(spec: Spec): Spec {
  if (!Array.isArray(spec.ranges)) return spec;
  if (brokenRanges(spec).length > 0) {
    const { ranges: _dropped, ...rest } = spec;
    return rest;
  }
  return {
    ...spec,
    ranges: spec.ranges.map((raw) => {
      const r = mapping(raw);
      const from = num(r?.from);
      return r && from !== null && !num(r.to) ? { ...r, to: from } : raw;
    }),
  };
}

/** A broken range is no error (the fabric accepts the namespace, emptied): a warning naming it. */
function lint(spec: Spec): Issue[] {
  return brokenRanges(spec).map((b) =>
    issueAt(
      b.path,
      `${b.why}; the fabric's Default() drops every range of a namespace with a broken one, so it stores this VLANNamespace without ranges (no VLAN fits it)`,
    ),
  );
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const count = asList(spec.ranges).length;
  if (count > 20) issues.push(issueAt(['spec', 'ranges'], `has ${count} ranges; expected at most 20`));
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

/** The ranges the fabric holds for this namespace: those of its effective spec (none when Default() dropped them). */
export function effectiveVlanRanges(spec: Spec): VlanRange[] {
  return vlanRanges(defaults(spec));
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
  lint,
  columns: [
    { key: 'ranges', label: 'Ranges', value: rangeText, sortSql: "(spec#>>'{ranges,0,from}')::int" },
    {
      // What the fabric holds: none when its Default() dropped the ranges.
      key: 'size',
      label: 'VLANs',
      value: (spec) => effectiveVlanRanges(spec).reduce((n, r) => n + r.to - r.from + 1, 0),
    },
  ],
  references: () => [],
  panels: (spec) => [
    {
      key: 'ranges',
      title: brokenRanges(spec).length ? 'Ranges in git (the fabric drops them: see the warning)' : 'Ranges',
      columns: [
        { key: 'from', label: 'From' },
        { key: 'to', label: 'To' },
      ],
      rows: vlanRanges(spec).map((r) => ({ from: r.from, to: r.to })),
    },
  ],
});
