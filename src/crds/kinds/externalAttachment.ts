import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { externalMode, MODE_SQL } from './external';
import { connectionType } from './connection';
import {
  bool,
  dict,
  intIn,
  ipAddr,
  list,
  netCidr,
  netCidrOrAny,
  netIP,
  obj,
  oneOf,
  opt,
  str,
  uint32,
  vlanOrZero,
} from '../schema';
import { issueAt, list as asList, mapping, num, text } from '../spec';
import { listOthers } from '../crossCheck';
import type { CrossContext, Indexed, Issue, Panel, Reference, Spec } from '../types';

export const ACL_ACTIONS = ['permit', 'deny', 'discard', 'transit'] as const;
export const ACL_PROTOCOLS = ['ip', 'tcp', 'udp', 'icmp'] as const;

const statement = obj({
  seq: intIn(0, 65535, 'a sequence number'),
  action: oneOf(ACL_ACTIONS),
  protocol: oneOf(ACL_PROTOCOLS),
  // net.ParseCIDR, as every address of this kind (IPv6 too): no CRD pattern restricts them.
  srcPrefix: netCidrOrAny,
  dstPrefix: netCidrOrAny,
  portRangeBegin: opt(intIn(0, 65535, 'a port')),
  portRangeEnd: opt(intIn(0, 65535, 'a port')),
  icmpType: opt(intIn(0, 255)),
  icmpCode: opt(intIn(0, 255)),
  tcpFilters: opt(dict(bool)),
});

const specSchema = obj({
  external: str,
  connection: str,
  // The CRD requires both, even on a static attachment (where they stay empty: {}).
  switch: obj({ vlan: opt(vlanOrZero), ip: opt(netCidr) }),
  neighbor: obj({ asn: opt(uint32), ip: opt(netIP) }),
  // remoteIP is read with netip.ParseAddr (a zone allowed), the others with net.ParseCIDR / ParseIP.
  static: opt(obj({ remoteIP: ipAddr, vlan: opt(vlanOrZero), ip: opt(netCidr), proxy: opt(bool) })),
  inboundACL: opt(obj({ statements: opt(list(statement)) })),
});

/** 'static' when the attachment has a static block, else 'bgp'. */
export function attachmentMode(spec: Spec): 'static' | 'bgp' {
  return mapping(spec.static) ? 'static' : 'bgp';
}

/** The VLAN used on the connection (0 = untagged). */
export function attachmentVlan(spec: Spec): number {
  return num(mapping(attachmentMode(spec) === 'static' ? spec.static : spec.switch)?.vlan) ?? 0;
}

const TCP_FLAGS = ['ack', 'fin', 'syn', 'rst', 'psh', 'urg'] as const;
const flagOn = (filters: Record<string, unknown>, key: string) =>
  Object.entries(filters).some(([k, v]) => k.toLowerCase() === key && v === true);

function checkAcl(spec: Spec, issues: Issue[]): void {
  const seqs = new Set<number>();
  asList(mapping(spec.inboundACL)?.statements).forEach((raw, index) => {
    const s = mapping(raw);
    if (!s) return;
    const base = ['spec', 'inboundACL', 'statements', index];
    const seq = num(s.seq);
    if (seq !== null && seq < 10)
      issues.push(issueAt([...base, 'seq'], `${seq} is reserved for the fabric's security rules; expected 10 or more`));
    else if (seq !== null && seqs.has(seq))
      issues.push(issueAt([...base, 'seq'], `${seq} is used by another statement; expected unique sequence numbers`));
    if (seq !== null) seqs.add(seq);
    const filters = mapping(s.tcpFilters);
    if (filters && s.protocol !== 'tcp')
      issues.push(issueAt([...base, 'tcpFilters'], `set with protocol ${String(s.protocol)}; expected protocol tcp`));
    if (filters) {
      const flags = TCP_FLAGS.flatMap((f) => [f, `not${f}`]).filter((f) => flagOn(filters, f));
      if (flagOn(filters, 'established') && flags.length > 0)
        issues.push(
          issueAt([...base, 'tcpFilters'], `established is set with ${flags.join(', ')}; expected established alone`),
        );
      for (const f of TCP_FLAGS) {
        if (flagOn(filters, f) && flagOn(filters, `not${f}`))
          issues.push(issueAt([...base, 'tcpFilters'], `both ${f} and its negation are set; expected one of them`));
      }
    }
    if ((s.icmpType != null || s.icmpCode != null) && s.protocol !== 'icmp')
      issues.push(issueAt(base, `icmpType/icmpCode set with protocol ${String(s.protocol)}; expected protocol icmp`));
    const begin = num(s.portRangeBegin) ?? 0;
    const end = num(s.portRangeEnd) ?? 0;
    if (begin > 0 || end > 0) {
      if (s.protocol !== 'tcp' && s.protocol !== 'udp')
        issues.push(issueAt(base, `a port range with protocol ${String(s.protocol)}; expected protocol tcp or udp`));
      else if (begin === 0) issues.push(issueAt([...base, 'portRangeBegin'], 'is 0; expected 1 or more'));
      else if (begin > end)
        issues.push(issueAt(base, `portRangeBegin ${begin} is above portRangeEnd ${end}; expected begin <= end`));
    }
  });
}

function checkSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const sw = mapping(spec.switch) ?? {};
  const neighbor = mapping(spec.neighbor) ?? {};
  if (!text(spec.external)) issues.push(issueAt(['spec', 'external'], 'is required (an External name), got nothing'));
  if (!text(spec.connection))
    issues.push(issueAt(['spec', 'connection'], 'is required (a Connection name), got nothing'));
  if (attachmentMode(spec) === 'static') {
    const st = mapping(spec.static)!;
    if (text(sw.ip) || num(sw.vlan))
      issues.push(
        issueAt(
          ['spec', 'switch'],
          'has ip or vlan on a static attachment; expected them empty (use static.ip and static.vlan)',
        ),
      );
    if (num(neighbor.asn) || text(neighbor.ip))
      issues.push(issueAt(['spec', 'neighbor'], 'has asn or ip on a static attachment; expected them empty'));
    const hasIp = text(st.ip) !== null;
    if (hasIp === (st.proxy === true))
      issues.push(
        issueAt(
          ['spec', 'static'],
          hasIp
            ? 'has both ip and proxy: true; expected exactly one of them'
            : 'has neither ip nor proxy: true; expected exactly one of them',
        ),
      );
  } else {
    if (!text(sw.ip))
      issues.push(
        issueAt(
          ['spec', 'switch', 'ip'],
          'is required for a BGP attachment (an IP address with its prefix length), got nothing',
        ),
      );
    if (!num(neighbor.asn))
      issues.push(
        issueAt(
          ['spec', 'neighbor', 'asn'],
          `is required for a BGP attachment (a non-zero ASN), got ${describe(neighbor.asn)}`,
        ),
      );
    if (!text(neighbor.ip))
      issues.push(issueAt(['spec', 'neighbor', 'ip'], 'is required for a BGP attachment (an IP address), got nothing'));
  }
  checkAcl(spec, issues);
  return issues;
}

const describe = (v: unknown) => (v === undefined || v === null ? 'nothing' : String(v));

function references(spec: Spec): Reference[] {
  const refs: Reference[] = [];
  const ext = text(spec.external);
  if (ext) refs.push({ kind: 'External', name: ext, field: 'spec.external' });
  const conn = text(spec.connection);
  if (conn) refs.push({ kind: 'Connection', name: conn, field: 'spec.connection' });
  return refs;
}

function panels(spec: Spec): Panel[] {
  const sw = mapping(spec.switch);
  const neighbor = mapping(spec.neighbor);
  const st = mapping(spec.static);
  const out: Panel[] = [
    {
      key: 'summary',
      title: 'Attachment',
      columns: [
        { key: 'field', label: 'Field' },
        { key: 'value', label: 'Value' },
      ],
      rows: [
        { field: 'External', value: refsTo('External', [text(spec.external)]) },
        { field: 'Connection', value: refsTo('Connection', [text(spec.connection)]) },
        { field: 'Mode', value: attachmentMode(spec) },
        { field: 'VLAN', value: attachmentVlan(spec) || 'untagged' },
        { field: 'Switch IP', value: text(st ? st.ip : sw?.ip) },
        { field: 'Neighbor ASN', value: num(neighbor?.asn) },
        { field: 'Neighbor IP', value: text(neighbor?.ip) },
        { field: 'Remote IP', value: text(st?.remoteIP) },
        { field: 'Proxy ARP', value: st ? st.proxy === true : null },
      ],
    },
  ];
  const statements = asList(mapping(spec.inboundACL)?.statements);
  if (statements.length > 0) {
    out.push({
      key: 'acl',
      title: 'Inbound ACL',
      columns: ['seq', 'action', 'protocol', 'srcPrefix', 'dstPrefix'].map((key) => ({ key, label: key })),
      rows: statements.map((raw) => {
        const s = mapping(raw);
        return {
          seq: num(s?.seq),
          action: text(s?.action),
          protocol: text(s?.protocol),
          srcPrefix: text(s?.srcPrefix),
          dstPrefix: text(s?.dstPrefix),
        };
      }),
    });
  }
  return out;
}

/** An External attaches only to external connections, one VLAN once per connection, in the External's mode. */
function crossCheck(attachments: Indexed[], context: CrossContext): void {
  const vlans = new Map<string, { key: string; name: string }[]>();
  for (const { key, record: r } of attachments) {
    const spec = mapping(r.spec) ?? {};
    const connName = text(spec.connection);
    const extName = text(spec.external);
    const ext = extName ? context.find('External', r.namespace, extName) : undefined;
    if (ext) {
      const want = externalMode(mapping(ext.record.spec) ?? {});
      const have = attachmentMode(spec);
      if (want !== have)
        context.warn(
          key,
          ['spec'],
          `External "${extName}" is ${want} but this attachment is ${have}; expected the same mode`,
        );
    }
    if (!connName) continue;
    const conn = context.find('Connection', r.namespace, connName);
    const type = conn ? connectionType(mapping(conn.record.spec) ?? {}) : null;
    if (conn && mapping(mapping(conn.record.spec)?.external) === null)
      context.warn(
        key,
        ['spec', 'connection'],
        `Connection "${connName}" is of type ${type ?? 'unknown'}; an External attaches only to external connections`,
      );
    const id = `${r.namespace}/${connName}/${attachmentVlan(spec)}`;
    const list = vlans.get(id);
    if (list) list.push({ key, name: r.name });
    else vlans.set(id, [{ key, name: r.name }]);
  }
  for (const [id, list] of vlans) {
    if (list.length < 2) continue;
    const vlan = Number(id.slice(id.lastIndexOf('/') + 1));
    const connName = id.slice(id.indexOf('/') + 1, id.lastIndexOf('/'));
    for (const a of list)
      context.warn(
        a.key,
        ['spec'],
        `VLAN ${vlan || '0 (untagged)'} on Connection "${connName}" is also used by ExternalAttachment ${listOthers(list.filter((o) => o !== a).map((o) => o.name))}; expected one attachment per VLAN and connection`,
      );
  }
}

export const externalAttachment = defineKind({
  kind: 'ExternalAttachment',
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  plural: 'externalattachments',
  shortNames: ['extattach'],
  label: 'External attachment',
  labelPlural: 'External attachments',
  specRequired: true,
  specSchema,
  checkSpec,
  columns: [
    {
      key: 'external',
      label: 'External',
      value: (spec) => refsTo('External', [text(spec.external)]),
      sortSql: "spec->>'external'",
      filter: {},
    },
    {
      key: 'connection',
      label: 'Connection',
      value: (spec) => refsTo('Connection', [text(spec.connection)]),
      sortSql: "spec->>'connection'",
    },
    { key: 'mode', label: 'Mode', value: attachmentMode, sortSql: MODE_SQL, filter: { choices: ['bgp', 'static'] } },
    {
      key: 'vlan',
      label: 'VLAN',
      value: attachmentVlan,
      sortSql: `coalesce((CASE WHEN jsonb_typeof(spec->'static') = 'object' THEN spec#>>'{static,vlan}' ELSE spec#>>'{switch,vlan}' END)::int, 0)`,
    },
    {
      key: 'neighbor',
      label: 'Neighbor',
      value: (spec) => text(mapping(spec.neighbor)?.ip) ?? text(mapping(spec.static)?.remoteIP),
    },
  ],
  references,
  crossCheck,
  panels,
});
