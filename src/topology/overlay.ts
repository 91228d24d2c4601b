// What the VPC overlay and the search highlight: pure functions of the topology.

import type { Topology } from './model';

/** The nodes that carry a VPC: both ends of every link of the connections it is attached to. */
export function vpcOverlay(
  topology: Topology,
  connections: readonly string[],
): { nodes: Set<string>; connections: Set<string> } {
  const attached = new Set(connections);
  const nodes = new Set<string>();
  for (const l of topology.links) {
    if (!attached.has(l.connection)) continue;
    nodes.add(l.from);
    nodes.add(l.to);
  }
  return { nodes, connections: attached };
}

/** Nodes whose name contains the text (case-insensitive). */
export function searchNodes(topology: Topology, q: string): Set<string> {
  const needle = q.trim().toLowerCase();
  return new Set(needle ? topology.nodes.filter((n) => n.name.toLowerCase().includes(needle)).map((n) => n.id) : []);
}
