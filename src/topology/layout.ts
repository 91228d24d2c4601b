// A deterministic tiered layout, like `hhfab diagram`: spines on top, leaves below them ordered by
// redundancy group, each rack of servers under its leaves (collapsed to one box with a count
// unless expanded), border leaves after the leaves, externals and gateways in a column at the
// side. No physics: the same topology always gives the same picture, in one pass over the nodes
// and links.

import type { Topology, TopologyGroup, TopologyLink, TopologyNode } from './model';

export const NODE_WIDTH = 112;
export const NODE_HEIGHT = 32;
const GAP = 16;
const GROUP_GAP = 40;
const ROW = { spine: 40, leaf: 240, server: 440 };
const SERVER_STEP = NODE_HEIGHT + 10;
const SIDE_STEP = NODE_HEIGHT + 16;
const MARGIN = 40;

export interface PlacedNode {
  node: TopologyNode;
  x: number;
  y: number;
}

/** A rack drawn as one box: its servers are hidden behind a count. */
export interface PlacedRack {
  group: TopologyGroup;
  x: number;
  y: number;
  width: number;
  expanded: boolean;
}

/** A line between two placed things: a link, or all the links of a collapsed rack to one switch. */
export interface PlacedLink {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  links: TopologyLink[];
  /** Set when the line stands for a collapsed rack's links to one of its switches. */
  rack?: TopologyGroup;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  racks: PlacedRack[];
  lines: PlacedLink[];
}

export interface LayoutOptions {
  /** Rack ids drawn with every server; `all` expands every rack. */
  expand: ReadonlySet<string> | 'all';
}

/** Places every node of the topology; servers of collapsed racks are not placed, their rack is. */
export function layoutTopology(topology: Topology, options: LayoutOptions): Layout {
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  const placed = new Map<string, { x: number; y: number }>();
  const out: PlacedNode[] = [];
  const place = (node: TopologyNode, x: number, y: number) => {
    placed.set(node.id, { x, y });
    out.push({ node, x, y });
  };

  // Leaves in groups: each redundancy group together, then the other leaves one by one.
  const leafBlocks: TopologyNode[][] = [];
  const inGroup = new Set<string>();
  for (const g of topology.groups) {
    if (g.type === 'rack') continue;
    const members = g.members.map((id) => byId.get(id)).filter((n): n is TopologyNode => n?.tier === 'leaf');
    if (!members.length) continue;
    leafBlocks.push(members);
    for (const m of members) inGroup.add(m.id);
  }
  const spines: TopologyNode[] = [];
  const borders: TopologyNode[] = [];
  const side: TopologyNode[] = [];
  for (const n of topology.nodes) {
    if (n.tier === 'spine') spines.push(n);
    else if (n.tier === 'leaf' && !inGroup.has(n.id)) leafBlocks.push([n]);
    else if (n.tier === 'border' || (n.tier === 'missing' && n.kind === 'Switch')) borders.push(n);
    else if (n.tier === 'external' || n.tier === 'gateway' || (n.tier === 'missing' && n.kind !== 'Server'))
      side.push(n);
  }
  if (borders.length) leafBlocks.push(borders);

  // Racks hang under the first leaf block they attach to.
  const racksOfBlock = new Map<number, TopologyGroup[]>();
  const blockOf = new Map<string, number>();
  leafBlocks.forEach((block, i) => block.forEach((n) => blockOf.set(n.id, i)));
  const loose: TopologyGroup[] = [];
  for (const g of topology.groups) {
    if (g.type !== 'rack') continue;
    const block = g.switches?.map((s) => blockOf.get(s)).find((b) => b !== undefined);
    if (block === undefined) loose.push(g);
    else {
      const list = racksOfBlock.get(block);
      if (list) list.push(g);
      else racksOfBlock.set(block, [g]);
    }
  }

  let x = MARGIN;
  const racks: PlacedRack[] = [];
  let bottom = ROW.server + NODE_HEIGHT;
  const placeRack = (g: TopologyGroup, rx: number, width: number) => {
    const expanded = options.expand === 'all' || options.expand.has(g.id);
    racks.push({ group: g, x: rx, y: ROW.server, width, expanded });
    if (!expanded) return;
    let y = ROW.server + NODE_HEIGHT + 12;
    for (const id of g.members) {
      const n = byId.get(id);
      if (!n) continue;
      place(n, rx + (width - NODE_WIDTH) / 2, y);
      y += SERVER_STEP;
    }
    bottom = Math.max(bottom, y);
  };
  leafBlocks.forEach((block, i) => {
    const blockRacks = racksOfBlock.get(i) ?? [];
    const leavesWidth = block.length * NODE_WIDTH + (block.length - 1) * GAP;
    const racksWidth = blockRacks.length * NODE_WIDTH + Math.max(0, blockRacks.length - 1) * GAP;
    const width = Math.max(leavesWidth, racksWidth);
    block.forEach((n, k) => place(n, x + (width - leavesWidth) / 2 + k * (NODE_WIDTH + GAP), ROW.leaf));
    blockRacks.forEach((g, k) => placeRack(g, x + (width - racksWidth) / 2 + k * (NODE_WIDTH + GAP), NODE_WIDTH));
    x += width + GROUP_GAP;
  });
  for (const g of loose) {
    placeRack(g, x, NODE_WIDTH);
    x += NODE_WIDTH + GROUP_GAP;
  }
  const mainWidth = Math.max(x - GROUP_GAP + MARGIN, MARGIN * 2 + NODE_WIDTH);

  // Spines centred over the leaves.
  const spinesWidth = spines.length * NODE_WIDTH + Math.max(0, spines.length - 1) * GAP * 2;
  const spineX = Math.max(MARGIN, (mainWidth - spinesWidth) / 2);
  spines.forEach((n, k) => place(n, spineX + k * (NODE_WIDTH + GAP * 2), ROW.spine));

  const sideX = Math.max(mainWidth, spineX + spinesWidth + MARGIN) + GROUP_GAP;
  side.forEach((n, k) => place(n, sideX, ROW.spine + k * SIDE_STEP));
  const width = side.length ? sideX + NODE_WIDTH + MARGIN : Math.max(mainWidth, spineX + spinesWidth + MARGIN);
  const height = Math.max(bottom, ROW.spine + side.length * SIDE_STEP) + MARGIN;

  return { width, height, nodes: out, racks, lines: placeLines(topology, placed, racks) };
}

/** Lines for the links whose two ends are placed, and one line per (collapsed rack, switch) for the rest. */
function placeLines(
  topology: Topology,
  placed: Map<string, { x: number; y: number }>,
  racks: PlacedRack[],
): PlacedLink[] {
  const rackOf = new Map<string, PlacedRack>();
  for (const r of racks) if (!r.expanded) for (const m of r.group.members) rackOf.set(m, r);
  const lines: PlacedLink[] = [];
  const rackLines = new Map<string, PlacedLink>();
  // Parallel links between the same two nodes are spread apart so that each can be clicked.
  const parallel = new Map<string, number>();
  for (const link of topology.links) {
    const a = placed.get(link.from);
    if (!a) continue;
    const b = placed.get(link.to);
    if (b) {
      const pair = `${link.from}|${link.to}`;
      const k = parallel.get(pair) ?? 0;
      parallel.set(pair, k + 1);
      const offset = (k % 2 ? -1 : 1) * Math.ceil(k / 2) * 6;
      if (link.from === link.to) {
        // A loopback: a small arc under the switch.
        lines.push({
          x1: a.x + 20 + k * 12,
          y1: a.y + NODE_HEIGHT,
          x2: a.x + 32 + k * 12,
          y2: a.y + NODE_HEIGHT,
          links: [link],
        });
        continue;
      }
      lines.push({
        x1: a.x + NODE_WIDTH / 2 + offset,
        y1: a.y + (b.y > a.y ? NODE_HEIGHT : b.y < a.y ? 0 : NODE_HEIGHT / 2),
        x2: b.x + (b.x === a.x ? NODE_WIDTH / 2 + offset : b.x > a.x ? 0 : NODE_WIDTH),
        y2: b.y + (b.y > a.y ? 0 : b.y < a.y ? NODE_HEIGHT : NODE_HEIGHT / 2),
        links: [link],
      });
      continue;
    }
    const rack = rackOf.get(link.to);
    if (!rack) continue;
    const key = `${rack.group.id}|${link.from}`;
    const line = rackLines.get(key);
    if (line) line.links.push(link);
    else {
      const created = {
        x1: a.x + NODE_WIDTH / 2,
        y1: a.y + NODE_HEIGHT,
        x2: rack.x + rack.width / 2,
        y2: rack.y,
        links: [link],
        rack: rack.group,
      };
      rackLines.set(key, created);
      lines.push(created);
    }
  }
  return lines;
}
