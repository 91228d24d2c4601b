// The fabric as a graph, computed from its records: what the topology page draws, the API
// returns and the exports list. Pure and linear in the records: one pass builds the nodes, one
// pass over the Connections builds the links, one pass over the servers builds the racks.
// Nothing is sorted here; the records arrive in a stable order (the loader orders them by name).

import { connectionEndpoints, connectionType, type ConnectionType, type Endpoint, type Spec } from '../crds';
import { mapping, text } from '../crds/spec';

export const TIERS = ['spine', 'leaf', 'border', 'server', 'external', 'gateway', 'missing'] as const;
export type Tier = (typeof TIERS)[number];

/** One stored record, as the topology needs it. */
export interface TopologyRecord {
  id: number;
  kind: string;
  name: string;
  spec: Spec;
  validationState: string;
  messages: string[];
}

export interface NodeValidation {
  /** `valid` and `warning` as stored; `missing` for a name that something references but no record defines. */
  state: 'valid' | 'warning' | 'missing';
  messages: string[];
}

export interface TopologyNode {
  /** `Kind/name`, e.g. `Switch/leaf-01`. */
  id: string;
  kind: string;
  name: string;
  tier: Tier;
  /** A switch's redundancy group, a server's rack. */
  group?: string;
  /** The Switch's role as written (spine, server-leaf, border-leaf, …). */
  role?: string;
  /** The record's id (its page is /crds/<slug>/<recordId>); null when there is no record. */
  recordId: number | null;
  validation: NodeValidation;
}

export interface LinkPort {
  node: string;
  port: string;
}

export interface TopologyLink {
  from: string;
  to: string;
  connection: string;
  connectionId: number;
  type: ConnectionType;
  /** mclagDomain links are either `peer` or `session` links. */
  role?: 'peer' | 'session';
  /** The link's place in its connection's list (0 for single-link types). */
  index: number;
  ports: LinkPort[];
  validation: 'valid' | 'warning';
}

export interface TopologyGroup {
  /** `SwitchGroup/<name>` for redundancy groups, `rack/<key>` for racks. */
  id: string;
  type: 'eslag' | 'mclag' | 'rack';
  /** Node ids: the switches of a redundancy group, the servers of a rack. */
  members: string[];
  /** A rack's switches: the leaves (or the redundancy group's leaves) its servers attach to. */
  switches?: string[];
  label: string;
}

export interface Topology {
  nodes: TopologyNode[];
  links: TopologyLink[];
  groups: TopologyGroup[];
}

const ROLE_TIER: Record<string, Tier> = {
  spine: 'spine',
  'server-leaf': 'leaf',
  'mixed-leaf': 'leaf',
  'border-leaf': 'border',
  'virtual-edge': 'border',
};

const KIND_TIER: Record<string, Tier> = { Server: 'server', External: 'external', Gateway: 'gateway' };
const SIDE_KIND = { switch: 'Switch', server: 'Server', gateway: 'Gateway' } as const;
const UNATTACHED_RACK = 'rack/unattached';

/** The node id of a record: `Kind/name`. */
export const nodeId = (kind: string, name: string) => `${kind}/${name}`;

function validationOf(r: TopologyRecord): NodeValidation {
  return { state: r.validationState === 'warning' ? 'warning' : 'valid', messages: r.messages };
}

/** The link an endpoint belongs to: its field without the side and port (`spec.bundled.links[1]`). */
function linkKey(e: Endpoint): string {
  const withoutPort = e.field.slice(0, -'.port'.length);
  return withoutPort.slice(0, withoutPort.lastIndexOf('.'));
}

/** The topology of a fabric's records (Switch, Server, Connection, External, ExternalAttachment; others are ignored). */
export function buildTopology(records: Iterable<TopologyRecord>): Topology {
  const nodes = new Map<string, TopologyNode>();
  const connections: TopologyRecord[] = [];
  const externalOf = new Map<string, string>(); // connection -> the first External attached to it
  const redundancy = new Map<string, { type: 'eslag' | 'mclag'; members: string[] }>();

  for (const r of records) {
    if (r.kind === 'Connection') connections.push(r);
    else if (r.kind === 'ExternalAttachment') {
      const conn = text(r.spec.connection);
      const ext = text(r.spec.external);
      if (conn && ext && !externalOf.has(conn)) externalOf.set(conn, ext);
    } else if (r.kind === 'Switch') {
      const role = text(r.spec.role) ?? undefined;
      const red = mapping(r.spec.redundancy);
      const group = text(red?.group) ?? undefined;
      const type = text(red?.type);
      const id = nodeId('Switch', r.name);
      nodes.set(id, {
        id,
        kind: 'Switch',
        name: r.name,
        tier: ROLE_TIER[role ?? ''] ?? 'leaf',
        ...(group ? { group } : {}),
        ...(role ? { role } : {}),
        recordId: r.id,
        validation: validationOf(r),
      });
      if (group && (type === 'eslag' || type === 'mclag')) {
        const g = redundancy.get(group);
        if (g) g.members.push(id);
        else redundancy.set(group, { type, members: [id] });
      }
    } else if (KIND_TIER[r.kind]) {
      const id = nodeId(r.kind, r.name);
      nodes.set(id, {
        id,
        kind: r.kind,
        name: r.name,
        tier: KIND_TIER[r.kind]!,
        recordId: r.id,
        validation: validationOf(r),
      });
    }
  }

  const node = (kind: string, name: string, referrer: string): string => {
    const id = nodeId(kind, name);
    if (!nodes.has(id)) {
      // The fabric does not check the gateway side of a gateway link, so an undefined Gateway is not missing.
      const gateway = kind === 'Gateway';
      nodes.set(id, {
        id,
        kind,
        name,
        tier: gateway ? 'gateway' : 'missing',
        recordId: null,
        validation: gateway
          ? { state: 'valid', messages: [] }
          : { state: 'missing', messages: [`${kind} ${name} is referenced by Connection ${referrer} but not defined`] },
      });
    }
    return id;
  };

  const links: TopologyLink[] = [];
  // Switches each server attaches to, in the order found.
  const serverSwitches = new Map<string, Set<string>>();
  for (const c of connections) {
    const type = connectionType(c.spec);
    if (!type) continue;
    const byLink = new Map<string, Endpoint[]>();
    for (const e of connectionEndpoints(c.spec)) {
      const key = linkKey(e);
      const list = byLink.get(key);
      if (list) list.push(e);
      else byLink.set(key, [e]);
    }
    const validation = c.validationState === 'warning' ? 'warning' : 'valid';
    for (const [key, ends] of byLink) {
      const ports = ends.map((e) => ({ node: node(SIDE_KIND[e.side], e.device, c.name), port: e.port }));
      // Switches first, then servers and gateways: links point down the picture (spine -> leaf -> server).
      ports.sort((a, b) => Number(!a.node.startsWith('Switch/')) - Number(!b.node.startsWith('Switch/')));
      let to: string;
      if (ports.length >= 2) to = ports[1]!.node;
      else if (type === 'external' || type === 'staticExternal') to = uplinkNode(nodes, c, externalOf.get(c.name));
      else continue;
      const from = ports[0]!.node;
      const role = type === 'mclagDomain' ? (key.includes('.peerLinks[') ? 'peer' : 'session') : undefined;
      links.push({
        from,
        to,
        connection: c.name,
        connectionId: c.id,
        type,
        ...(role ? { role } : {}),
        index: ends[0]!.link,
        ports,
        validation,
      });
      if (to.startsWith('Server/')) {
        const set = serverSwitches.get(to);
        if (set) set.add(from);
        else serverSwitches.set(to, new Set([from]));
      }
    }
  }

  const groups: TopologyGroup[] = [...redundancy].map(([name, g]) => ({
    id: nodeId('SwitchGroup', name),
    type: g.type,
    members: g.members,
    label: name,
  }));
  const racks = new Map<string, TopologyGroup>();
  for (const n of nodes.values()) {
    if (n.kind !== 'Server') continue;
    const switches = serverSwitches.get(n.id);
    const rack = switches
      ? rackOf(nodes, redundancy, switches)
      : { key: UNATTACHED_RACK, label: 'not connected', switches: [] };
    n.group = rack.key;
    const g = racks.get(rack.key);
    if (g) g.members.push(n.id);
    else
      racks.set(rack.key, { id: rack.key, type: 'rack', members: [n.id], switches: rack.switches, label: rack.label });
  }
  groups.push(...racks.values());
  return { nodes: [...nodes.values()], links, groups };
}

/** The far end of an external link: the External attached to the connection, else the connection itself as an uplink. */
function uplinkNode(nodes: Map<string, TopologyNode>, c: TopologyRecord, external: string | undefined): string {
  if (external) {
    const id = nodeId('External', external);
    if (!nodes.has(id))
      nodes.set(id, {
        id,
        kind: 'External',
        name: external,
        tier: 'missing',
        recordId: null,
        validation: {
          state: 'missing',
          messages: [`External ${external} is attached to Connection ${c.name} but not defined`],
        },
      });
    return id;
  }
  const id = nodeId('Connection', c.name);
  if (!nodes.has(id))
    nodes.set(id, {
      id,
      kind: 'Connection',
      name: c.name,
      tier: 'external',
      recordId: c.id,
      validation: validationOf(c),
    });
  return id;
}

/**
 * A server's rack: the redundancy group its switches share, else its one switch, else its
 * switches together (a server cabled to two unrelated leaves).
 */
function rackOf(
  nodes: Map<string, TopologyNode>,
  redundancy: Map<string, { members: string[] }>,
  switches: Set<string>,
): { key: string; label: string; switches: string[] } {
  const list = [...switches];
  const groups = new Set(list.map((s) => nodes.get(s)?.group ?? `=${s}`));
  if (groups.size === 1) {
    const only = [...groups][0]!;
    const members = redundancy.get(only)?.members;
    if (members) return { key: `rack/${only}`, label: only, switches: members };
  }
  const names = list.map((s) => s.slice('Switch/'.length));
  return { key: `rack/${names.join('+')}`, label: names.join(' + '), switches: list };
}
