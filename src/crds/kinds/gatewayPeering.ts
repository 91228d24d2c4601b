import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { parseCidr } from '../net';
import { bool, dict, list, obj, oneOf, opt, str } from '../schema';
import { dotted, issueAt, joined, list as asList, mapping, text } from '../spec';
import type { Issue, Panel, RecordRef, Reference, Spec } from '../types';
import { gatewayDisabled } from './gateway';

/** A peering side named `ext.<name>` is an External; any other key is a VPC. */
export const EXTERNAL_PREFIX = 'ext.';
const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT_RE = /^(\d+)(?:-(\d+))?$/;

const cidrEntry = obj({ cidr: opt(str), not: opt(str), vpcSubnet: opt(str) });
const expose = obj({
  ips: opt(list(cidrEntry)),
  as: opt(list(obj({ cidr: opt(str), not: opt(str) }))),
  nat: opt(obj({})),
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

/** The fabric's Default(), which only runs with exactly two sides: the group "default", ACL defaults. */
function defaults(spec: Spec): Spec {
  if (sides(spec).length !== 2) return spec;
  const acl = mapping(spec.acl);
  return {
    ...spec,
    gatewayGroup: text(spec.gatewayGroup) ?? 'default',
    ...(acl ? { acl: { ...acl, default: text(acl.default) ?? 'deny-unless-exposed' } } : {}),
  };
}

const exactlyOne = (m: Record<string, unknown>, keys: string[]) => keys.filter((k) => text(m[k]) !== null);
const natKind = (expose: Record<string, unknown>) => Object.keys(mapping(expose.nat) ?? {});
const STATEFUL = new Set(['masquerade', 'portForward']);

function checkExpose(path: (string | number)[], external: boolean, e: Record<string, unknown>, issues: Issue[]): void {
  const at = (rel: (string | number)[], message: string) => issues.push(issueAt([...path, ...rel], message));
  const ips = asList(e.ips);
  const as = asList(e.as);
  const nat = mapping(e.nat);
  if (e.default === true) {
    if (ips.length > 0 || as.length > 0 || nat)
      at(['default'], 'is true with ips, as or nat; expected a default expose to stand alone');
    return;
  }
  if (ips.length === 0) at(['ips'], 'is empty; expected at least one entry (or default: true)');
  ips.forEach((raw, i) => {
    const entry = mapping(raw) ?? {};
    const set = exactlyOne(entry, ['cidr', 'not', 'vpcSubnet']);
    if (set.length !== 1)
      at(
        ['ips', i],
        `sets ${set.length === 0 ? 'none' : set.join(' and ')}; expected exactly one of cidr, not, vpcSubnet`,
      );
    for (const k of ['cidr', 'not'] as const) {
      const v = text(entry[k]);
      if (v && !parseCidr(v)) at(['ips', i, k], `${JSON.stringify(v)} is not a valid CIDR`);
    }
    if (external && text(entry.vpcSubnet))
      at(['ips', i, 'vpcSubnet'], 'is set on an External side; expected cidr or not there');
  });
  as.forEach((raw, i) => {
    const entry = mapping(raw) ?? {};
    const set = exactlyOne(entry, ['cidr', 'not']);
    if (set.length !== 1)
      at(['as', i], `sets ${set.length === 0 ? 'none' : set.join(' and ')}; expected exactly one of cidr, not`);
    for (const k of ['cidr', 'not'] as const) {
      const v = text(entry[k]);
      if (v && !parseCidr(v)) at(['as', i, k], `${JSON.stringify(v)} is not a valid CIDR`);
    }
  });
  if (as.length > 0 !== (nat !== null))
    at(
      [],
      as.length > 0 ? 'has as without nat; expected both or neither' : 'has nat without as; expected both or neither',
    );
  if (nat) {
    const kinds = natKind(e);
    if (kinds.length !== 1)
      at(
        ['nat'],
        `sets ${kinds.length === 0 ? 'no kind' : kinds.join(' and ')}; expected exactly one of masquerade, portForward, static`,
      );
    const pf = mapping(nat.portForward);
    if (pf) {
      const ports = asList(pf.ports);
      if (ports.length === 0) at(['nat', 'portForward', 'ports'], 'is empty; expected at least one rule');
      ports.forEach((raw, i) => {
        const rule = mapping(raw) ?? {};
        const proto = rule.proto ?? '';
        if (proto !== '' && proto !== 'tcp' && proto !== 'udp')
          at(['nat', 'portForward', 'ports', i, 'proto'], `${JSON.stringify(proto)}; expected tcp, udp or empty (any)`);
        for (const k of ['port', 'as'] as const) {
          const v = rule[k] === undefined || rule[k] === null ? '' : String(rule[k]);
          const m = PORT_RE.exec(v);
          const ok =
            m &&
            Number(m[1]) >= 1 &&
            Number(m[1]) <= 65535 &&
            (!m[2] || (Number(m[2]) <= 65535 && Number(m[2]) >= Number(m[1])));
          if (!ok)
            at(
              ['nat', 'portForward', 'ports', i, k],
              `${JSON.stringify(v)} is not a port; expected N or A-B within 1-65535`,
            );
        }
      });
    }
  }
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const peering = sides(spec);
  if (!text(spec.gatewayGroup))
    issues.push(issueAt(['spec', 'gatewayGroup'], 'is required (a GatewayGroup name), got nothing'));
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
  if (stateful.length > 1)
    issues.push(
      issueAt(
        ['spec', 'peering'],
        `${stateful.join(' and ')} both use stateful NAT; expected at most one side with masquerade or portForward`,
      ),
    );
  else if (stateful.length === 1 && statics.some((s) => s !== stateful[0]))
    issues.push(
      issueAt(
        ['spec', 'peering'],
        `static NAT on ${statics.join(', ')} faces stateful NAT on ${stateful[0]}; expected them not to face each other`,
      ),
    );
  const keys = new Set(peering.map(([k]) => k));
  asList(mapping(spec.acl)?.rules).forEach((raw, i) => {
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
        if (c && !parseCidr(c)) at(['match', dir, j, 'cidr'], `${JSON.stringify(c)} is not a valid CIDR`);
      });
    }
    const proto = match.proto ?? '';
    if (proto !== '' && proto !== 'tcp' && proto !== 'udp' && !/^\d+$/.test(String(proto)))
      at(['match', 'proto'], `${JSON.stringify(proto)}; expected tcp, udp, a protocol number or empty`);
  });
  return issues;
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
