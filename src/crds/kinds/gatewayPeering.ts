import { defineKind } from '../defineKind';
import { listOthers } from '../crossCheck';
import { refsTo } from '../refs';
import { formatPrefix, isSubset, parsePrefix, prefixesOverlap } from '../netip';
import { bool, dict, list, obj, oneOf, opt, str } from '../schema';
import { dotted, issueAt, joined, list as asList, mapping, text } from '../spec';
import type { CrossContext, Indexed, Issue, Panel, RecordRef, Reference, Spec } from '../types';
import { gatewayDisabled } from './gateway';

/** A peering side named `ext.<name>` is an External; any other key is a VPC. */
export const EXTERNAL_PREFIX = 'ext.';
const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Go duration (time.ParseDuration), e.g. 2m, 90s, 1h30m. */
const DURATION_RE = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
const NAT_KINDS = ['masquerade', 'portForward', 'static'] as const;
const STATEFUL = new Set(['masquerade', 'portForward']);

const cidrEntry = obj({ cidr: opt(str), not: opt(str), vpcSubnet: opt(str) });
const duration = str.refine((v) => DURATION_RE.test(v), { error: 'expected a duration such as 2m or 90s' });
// The CRD types the NAT section; its ports are strings ("80", "8000-8080").
const nat = obj({
  masquerade: opt(obj({ idleTimeout: opt(duration) })),
  portForward: opt(
    obj({
      idleTimeout: opt(duration),
      ports: opt(list(obj({ proto: opt(oneOf(['tcp', 'udp', ''])), port: opt(str), as: opt(str) }))),
    }),
  ),
  static: opt(obj({})),
});
const expose = obj({
  ips: opt(list(cidrEntry)),
  as: opt(list(obj({ cidr: opt(str), not: opt(str) }))),
  nat: opt(nat),
  default: opt(bool),
});
const aclEndpoint = obj({ cidr: opt(str), vpcSubnet: opt(str), ports: opt(list(str)) });

const specSchema = obj({
  gatewayGroup: opt(str),
  peering: opt(dict(opt(obj({ expose: opt(list(expose)) })))),
  // The CRD requires acl.default and every rule's action.
  acl: opt(
    obj({
      default: oneOf(['deny', 'deny-unless-exposed', '']),
      rules: opt(
        list(
          obj({
            name: opt(str),
            from: opt(str),
            to: opt(str),
            action: oneOf(['allow', 'deny']),
            match: opt(obj({ src: opt(list(aclEndpoint)), dst: opt(list(aclEndpoint)), proto: opt(str) })),
            scope: opt(oneOf(['flow', 'packet', ''])),
            log: opt(bool),
          }),
        ),
      ),
    }),
  ),
});

const sides = (spec: Spec) => Object.entries(mapping(spec.peering) ?? {});

/**
 * The fabric's Default(), which only runs with exactly two sides: NAT idle timeouts of 2m, the
 * group "default", the ACL's default action deny-unless-exposed and each rule's scope flow.
 */
function defaults(spec: Spec): Spec {
  const peering = mapping(spec.peering);
  if (!peering || Object.keys(peering).length !== 2) return spec;
  const withTimeout = (n: unknown) => {
    const m = mapping(n);
    return m && !text(m.idleTimeout) ? { ...m, idleTimeout: '2m' } : n;
  };
  const defaultedPeering = Object.fromEntries(
    Object.entries(peering).map(([name, raw]) => {
      const side = mapping(raw);
      if (!side || !Array.isArray(side.expose)) return [name, raw];
      return [
        name,
        {
          ...side,
          expose: side.expose.map((e) => {
            const x = mapping(e);
            const n = mapping(x?.nat);
            if (!x || !n) return e;
            return {
              ...x,
              nat: {
                ...n,
                ...(n.masquerade != null ? { masquerade: withTimeout(n.masquerade) } : {}),
                ...(n.portForward != null ? { portForward: withTimeout(n.portForward) } : {}),
              },
            };
          }),
        },
      ];
    }),
  );
  const acl = mapping(spec.acl);
  return {
    ...spec,
    peering: defaultedPeering,
    gatewayGroup: text(spec.gatewayGroup) ?? 'default',
    ...(acl
      ? {
          acl: {
            ...acl,
            default: text(acl.default) ?? 'deny-unless-exposed',
            ...(Array.isArray(acl.rules)
              ? {
                  rules: acl.rules.map((r) => {
                    const rule = mapping(r);
                    return rule && !text(rule.scope) ? { ...rule, scope: 'flow' } : r;
                  }),
                }
              : {}),
          },
        }
      : {}),
  };
}

const exactlyOne = (m: Record<string, unknown>, keys: string[]) => keys.filter((k) => text(m[k]) !== null);
/** The NAT kinds an expose sets (a key with a null value is not set, as in Go). */
const natKind = (expose: Record<string, unknown>) => {
  const n = mapping(expose.nat);
  return n ? NAT_KINDS.filter((k) => n[k] !== undefined && n[k] !== null) : [];
};

/** What is wrong with a port or port range ("80", "8000-8080") as the fabric parses it, or null. */
export function portProblem(value: string): string | null {
  if (value.trim() !== value) return 'has leading or trailing spaces';
  if (value.includes(',')) return 'is a list; expected a single port or range';
  if (value === '') return 'is empty';
  const atoi = (v: string) => (/^[+-]?\d+$/.test(v) ? Number(v) : null);
  const inRange = (n: number | null) => n !== null && n >= 1 && n <= 65535;
  if (!value.includes('-')) return inRange(atoi(value)) ? null : 'is not a port 1-65535';
  const parts = value.split('-').map((p) => p.trim());
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return 'is not a range start-end';
  const [start, end] = parts.map(atoi) as [number | null, number | null];
  if (!inRange(start) || !inRange(end)) return 'has a port outside 1-65535';
  return start! > end! ? 'starts above its end' : null;
}

function checkPort(value: unknown, path: (string | number)[], issues: Issue[]): void {
  const v = typeof value === 'string' ? value : '';
  const problem = portProblem(v);
  if (problem) issues.push(issueAt(path, `${JSON.stringify(v)} ${problem}; expected N or A-B within 1-65535`));
}

function checkExpose(path: (string | number)[], external: boolean, e: Record<string, unknown>, issues: Issue[]): void {
  const at = (rel: (string | number)[], message: string) => issues.push(issueAt([...path, ...rel], message));
  const ips = asList(e.ips);
  const as = asList(e.as);
  const n = mapping(e.nat);
  if (e.default === true) {
    if (ips.length > 0 || as.length > 0 || n)
      at(['default'], 'is true with ips, as or nat; expected a default expose to stand alone');
    return;
  }
  if (ips.length === 0) at(['ips'], 'is empty; expected at least one entry (or default: true)');
  ips.forEach((raw, i) => {
    const entry = mapping(raw) ?? {};
    for (const k of ['cidr', 'not'] as const) {
      const v = text(entry[k]);
      if (v && !parsePrefix(v))
        at(
          ['ips', i, k],
          `${JSON.stringify(v)} is not a valid CIDR; expected one such as 10.0.1.0/24 or 2001:db8::/32`,
        );
    }
    if (external && text(entry.vpcSubnet))
      at(['ips', i, 'vpcSubnet'], 'is set on an External side; expected cidr or not there');
    const set = exactlyOne(entry, ['cidr', 'not', 'vpcSubnet']);
    if (set.length !== 1)
      at(
        ['ips', i],
        `sets ${set.length === 0 ? 'none' : set.join(' and ')}; expected exactly one of cidr, not, vpcSubnet`,
      );
  });
  as.forEach((raw, i) => {
    const entry = mapping(raw) ?? {};
    for (const k of ['cidr', 'not'] as const) {
      const v = text(entry[k]);
      if (v && !parsePrefix(v))
        at(['as', i, k], `${JSON.stringify(v)} is not a valid CIDR; expected one such as 10.0.1.0/24 or 2001:db8::/32`);
    }
    const set = exactlyOne(entry, ['cidr', 'not']);
    if (set.length !== 1)
      at(['as', i], `sets ${set.length === 0 ? 'none' : set.join(' and ')}; expected exactly one of cidr, not`);
  });
  if (as.length > 0 !== (n !== null))
    at(
      [],
      as.length > 0 ? 'has as without nat; expected both or neither' : 'has nat without as; expected both or neither',
    );
  if (n) {
    const kinds = natKind(e);
    if (kinds.length !== 1)
      at(
        ['nat'],
        `sets ${kinds.length === 0 ? 'no kind' : kinds.join(' and ')}; expected exactly one of masquerade, portForward, static`,
      );
    const pf = mapping(n.portForward);
    if (pf) {
      const ports = asList(pf.ports);
      if (ports.length === 0) at(['nat', 'portForward', 'ports'], 'is empty; expected at least one rule');
      ports.forEach((raw, i) => {
        const rule = mapping(raw) ?? {};
        for (const k of ['port', 'as'] as const)
          checkPort(rule[k], [...path, 'nat', 'portForward', 'ports', i, k], issues);
      });
    }
  }
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const peering = sides(spec);
  if (!text(spec.gatewayGroup))
    issues.push(
      issueAt(
        ['spec', 'gatewayGroup'],
        // The fabric's Default() names the group "default" only for a peering of exactly two sides.
        `is required (a GatewayGroup name), got nothing; the fabric fills in "default" only when spec.peering has exactly 2 sides, and it has ${peering.length}`,
      ),
    );
  if (peering.length !== 2)
    issues.push(
      issueAt(['spec', 'peering'], `names ${peering.length} side(s); expected exactly 2 (VPCs or ext.<External>)`),
    );
  const stateful: string[] = [];
  const statics: string[] = [];
  for (const [name, raw] of peering) {
    const side = mapping(raw) ?? {};
    const external = name.startsWith(EXTERNAL_PREFIX);
    asList(side.expose).forEach((e, i) => {
      const exposeObj = mapping(e) ?? {};
      checkExpose(['spec', 'peering', name, 'expose', i], external, exposeObj, issues);
      for (const k of natKind(exposeObj)) {
        if (STATEFUL.has(k) && !stateful.includes(name)) stateful.push(name);
        if (k === 'static' && !statics.includes(name)) statics.push(name);
      }
    });
  }
  if (peering.length === 2 && stateful.length > 1)
    issues.push(
      issueAt(
        ['spec', 'peering'],
        `${stateful.join(' and ')} both use stateful NAT; expected at most one side with masquerade or portForward`,
      ),
    );
  else if (peering.length === 2 && stateful.length === 1 && statics.some((s) => s !== stateful[0]))
    issues.push(
      issueAt(
        ['spec', 'peering'],
        `static NAT on ${statics.filter((s) => s !== stateful[0]).join(', ')} faces stateful NAT on ${stateful[0]}; expected them not to face each other`,
      ),
    );
  const keys = new Set(peering.map(([k]) => k));
  const acl = mapping(spec.acl);
  if (acl && acl.default !== 'deny' && acl.default !== 'deny-unless-exposed')
    issues.push(
      issueAt(['spec', 'acl', 'default'], `${JSON.stringify(acl.default ?? '')}; expected deny or deny-unless-exposed`),
    );
  asList(acl?.rules).forEach((raw, i) => {
    const rule = mapping(raw) ?? {};
    const at = (rel: (string | number)[], message: string) =>
      issues.push(issueAt(['spec', 'acl', 'rules', i, ...rel], message));
    const name = text(rule.name);
    if (name && (name.length > 64 || !NAME_RE.test(name)))
      at(
        ['name'],
        `${JSON.stringify(name)} is not a valid rule name; expected an RFC 1123 name of at most 64 characters`,
      );
    const from = text(rule.from);
    const to = text(rule.to);
    if (!from && !to) at([], 'has neither from nor to; expected at least one of the two sides');
    for (const [k, v] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (v && !keys.has(v))
        at([k], `"${v}" is not a side of this peering; expected one of ${[...keys].join(', ') || 'its two sides'}`);
    }
    const match = mapping(rule.match) ?? {};
    for (const dir of ['src', 'dst'] as const) {
      asList(match[dir]).forEach((ep, j) => {
        const e = mapping(ep) ?? {};
        if (text(e.cidr) && text(e.vpcSubnet))
          at(['match', dir, j], 'sets both cidr and vpcSubnet; expected at most one');
        const c = text(e.cidr);
        if (c && !parsePrefix(c))
          at(
            ['match', dir, j, 'cidr'],
            `${JSON.stringify(c)} is not a valid CIDR; expected one such as 10.0.1.0/24 or 2001:db8::/32`,
          );
        asList(e.ports).forEach((port, k) =>
          checkPort(port, ['spec', 'acl', 'rules', i, 'match', dir, j, 'ports', k], issues),
        );
      });
    }
    const proto = match.proto ?? '';
    if (proto !== '' && proto !== 'tcp' && proto !== 'udp' && !/^[+-]?\d+$/.test(String(proto)))
      at(['match', 'proto'], `${JSON.stringify(proto)}; expected tcp, udp, a protocol number or empty`);
  });
  return issues;
}

/** What a side exposes toward the other, as the fabric collects it (a `not` or `vpcSubnet` entry gives ""). */
function exposedCidrs(side: unknown): string[] {
  const out: string[] = [];
  for (const raw of asList(mapping(side)?.expose)) {
    const e = mapping(raw) ?? {};
    if (e.default === true) continue;
    const entries = asList(e.as).length === 0 ? asList(e.ips) : asList(e.as);
    for (const entry of entries) out.push(text(mapping(entry)?.cidr) ?? '');
  }
  return out;
}

/**
 * What the fabric checks against other objects: each exposed CIDR of a VPC side lies in one of the
 * VPC's subnets; ACL vpcSubnets exist in the VPC on their side; and what two peerings expose toward
 * one VPC does not overlap (a `not` or `vpcSubnet` entry cannot be compared, so the fabric refuses
 * such a peering as soon as another peering exposes toward the same VPC).
 */
function crossCheck(peerings: Indexed[], context: CrossContext): void {
  const byTarget = new Map<string, Indexed[]>();
  const twoSided = peerings.filter((p) => Object.keys(mapping(mapping(p.record.spec)?.peering) ?? {}).length === 2);
  for (const p of twoSided)
    for (const name of Object.keys(mapping(mapping(p.record.spec)?.peering) ?? {})) {
      const list = byTarget.get(name);
      if (list) list.push(p);
      else byTarget.set(name, [p]);
    }
  for (const p of twoSided) {
    const { key, record } = p;
    const spec = mapping(record.spec) ?? {};
    const peering = mapping(spec.peering) ?? {};
    const names = Object.keys(peering);
    for (const origin of names) {
      const target = names.find((n) => n !== origin)!;
      const ours = exposedCidrs(peering[origin]);
      if (ours.length === 0) continue;
      const existing: { cidr: string; by: string }[] = [];
      for (const other of byTarget.get(target) ?? []) {
        if (other === p) continue;
        const otherPeering = mapping(mapping(other.record.spec)?.peering) ?? {};
        for (const [side, entry] of Object.entries(otherPeering))
          if (side !== target) for (const cidr of exposedCidrs(entry)) existing.push({ cidr, by: other.record.name });
      }
      if (existing.length === 0) continue;
      const path = ['spec', 'peering', origin, 'expose'];
      const unparsable = [...existing.filter((x) => !parsePrefix(x.cidr)).map((x) => x.by)];
      if (ours.some((c) => !parsePrefix(c)) || unparsable.length > 0) {
        const who = [...new Set(ours.some((c) => !parsePrefix(c)) ? existing.map((x) => x.by) : unparsable)];
        context.warn(
          key,
          path,
          `a not or vpcSubnet entry, here or in GatewayPeering ${listOthers(who)}, cannot be compared with what the other peering exposes toward "${target}"; the fabric refuses the peering ("failed to parse exposed CIDR"); expected plain CIDRs when several peerings expose toward one side`,
        );
        continue;
      }
      const clashes = new Set<string>();
      for (const c of ours) {
        const a = parsePrefix(c)!;
        for (const x of existing)
          if (prefixesOverlap(a, parsePrefix(x.cidr)!))
            clashes.add(`${c} overlaps ${x.cidr} of GatewayPeering "${x.by}"`);
      }
      for (const clash of clashes)
        context.warn(
          key,
          path,
          `exposes toward "${target}" what another peering exposes toward it: ${clash}; expected no overlap`,
        );
    }
    // Exposed CIDRs inside the VPC's subnets; ACL vpcSubnets in the VPC on their side.
    const vpcs = new Map<string, Record<string, unknown>>();
    for (const name of names) {
      if (name.startsWith(EXTERNAL_PREFIX)) continue;
      const vpc = context.find('VPC', record.namespace, name);
      if (!vpc) continue;
      const subnets = mapping(mapping(vpc.record.spec)?.subnets) ?? {};
      vpcs.set(name, subnets);
      const nets = Object.values(subnets).flatMap((s) => {
        const c = parsePrefix(text(mapping(s)?.subnet) ?? '');
        return c ? [c] : [];
      });
      asList(mapping(peering[name])?.expose).forEach((raw, i) => {
        const e = mapping(raw) ?? {};
        if (e.default === true) return;
        asList(e.ips).forEach((ip, j) => {
          const cidr = text(mapping(ip)?.cidr);
          const c = cidr ? parsePrefix(cidr) : null;
          if (c && !nets.some((n) => isSubset(c, n)))
            context.warn(
              key,
              ['spec', 'peering', name, 'expose', i, 'ips', j, 'cidr'],
              `${cidr} is not part of VPC "${name}" (its subnets: ${nets.map(formatPrefix).join(', ') || 'none'}); expected a CIDR inside one of them`,
            );
        });
      });
    }
    asList(mapping(spec.acl)?.rules).forEach((raw, i) => {
      const rule = mapping(raw) ?? {};
      let from = text(rule.from) ?? '';
      let to = text(rule.to) ?? '';
      if (!from) from = names[0] === to ? names[1]! : names[0]!;
      else if (!to) to = names[0] === from ? names[1]! : names[0]!;
      const match = mapping(rule.match) ?? {};
      for (const [dir, side, word] of [
        ['src', from, 'source'],
        ['dst', to, 'destination'],
      ] as const) {
        asList(match[dir]).forEach((ep, j) => {
          const subnet = text(mapping(ep)?.vpcSubnet);
          if (!subnet) return;
          const path = ['spec', 'acl', 'rules', i, 'match', dir, j, 'vpcSubnet'];
          if (side.startsWith(EXTERNAL_PREFIX))
            context.warn(
              key,
              path,
              `"${subnet}" is a ${word} VPC subnet, but the rule's ${word} side "${side}" is an External; expected a cidr there`,
            );
          else if (vpcs.has(side) && !(subnet in vpcs.get(side)!))
            context.warn(
              key,
              path,
              `VPC "${side}" has no subnet "${subnet}" (the rule's ${word} side); expected one of ${Object.keys(vpcs.get(side)!).join(', ')}`,
            );
        });
      }
    });
  }
}

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [];
  const group = text(spec.gatewayGroup);
  refs.push({
    kind: 'GatewayGroup',
    name: group ?? 'default',
    field: 'spec.gatewayGroup',
    ...(group ? {} : { defaulted: true }),
  });
  for (const [name, raw] of sides(spec)) {
    const field = dotted(['spec', 'peering', name]);
    if (name.startsWith(EXTERNAL_PREFIX)) {
      refs.push({ kind: 'External', name: name.slice(EXTERNAL_PREFIX.length), field });
      continue;
    }
    refs.push({ kind: 'VPC', name, field });
    asList(mapping(raw)?.expose).forEach((e, i) => {
      asList(mapping(e)?.ips).forEach((ip, j) => {
        const subnet = text(mapping(ip)?.vpcSubnet);
        if (subnet)
          refs.push({
            kind: 'VPC',
            name,
            subnet,
            field: dotted(['spec', 'peering', name, 'expose', i, 'ips', j, 'vpcSubnet']),
          });
      });
    });
  }
  return refs;
}

function panels(spec: Spec): Panel[] {
  return [
    {
      key: 'expose',
      title: 'Exposed',
      columns: [
        { key: 'side', label: 'Side' },
        { key: 'ips', label: 'IPs' },
        { key: 'as', label: 'As' },
        { key: 'nat', label: 'NAT' },
      ],
      rows: sides(spec).flatMap(([name, raw]) =>
        asList(mapping(raw)?.expose).map((e) => {
          const x = mapping(e) ?? {};
          const entries = (list: unknown) =>
            joined(
              asList(list).map((v) => {
                const m = mapping(v) ?? {};
                return text(m.cidr) ?? (text(m.not) ? `not ${String(m.not)}` : text(m.vpcSubnet));
              }),
            );
          return {
            side: [sideTarget(name)],
            ips: x.default === true ? 'default' : entries(x.ips),
            as: entries(x.as),
            nat: joined(natKind(x)),
          };
        }),
      ),
    },
  ];
}

/** The record a side of the peering names: a VPC, or an External (`ext.<name>`). */
function sideTarget(side: string): RecordRef {
  return side.startsWith(EXTERNAL_PREFIX)
    ? { kind: 'External', name: side.slice(EXTERNAL_PREFIX.length), label: side }
    : { kind: 'VPC', name: side };
}

/** The peering's first or second side, in name order. */
function sideRef(spec: Spec, index: number): RecordRef[] {
  const side = sides(spec)
    .map(([k]) => k)
    .sort()[index];
  return side ? [sideTarget(side)] : [];
}

export const gatewayPeering = defineKind({
  kind: 'GatewayPeering',
  group: 'gateway.githedgehog.com',
  version: 'v1alpha1',
  plural: 'gatewaypeerings',
  shortNames: ['gwpeer'],
  label: 'Gateway peering',
  labelPlural: 'Gateway peerings',
  specRequired: false,
  specSchema,
  defaults,
  checkSpec,
  checkConfig: gatewayDisabled,
  crossCheck,
  columns: [
    { key: 'side1', label: 'Side 1', value: (spec) => sideRef(spec, 0) },
    { key: 'side2', label: 'Side 2', value: (spec) => sideRef(spec, 1) },
    {
      key: 'gatewayGroup',
      label: 'Gateway group',
      value: (spec) => refsTo('GatewayGroup', [text(spec.gatewayGroup) ?? 'default']),
      sortSql: "coalesce(nullif(spec->>'gatewayGroup', ''), 'default')",
      filter: {},
    },
  ],
  references,
  panels,
});
