// The topology page's picture, kept per version of the fabric's records and per view (racks
// expanded, VPC overlay, search): laying out and writing the SVG of a large fabric costs more
// than anything else the request does, and the same few views are asked for again and again.

import { LruCache } from '../cache';
import { layoutTopology } from '../topology/layout';
import { loadTopology, type FabricTopology } from '../topology/loadTopology';
import { searchNodes, vpcOverlay } from '../topology/overlay';
import { renderSvg } from '../topology/svg';
import type { TopologyView } from './topologyQuery';

// Small fabrics are drawn with every server; larger ones start with their racks collapsed.
export const EXPAND_ALL_UP_TO = 200;
// A search opens at most this many racks holding a match.
const MAX_SEARCH_RACKS = 20;

export interface TopologyPicture {
  svg: string;
  expanded: string[];
  matches: number;
}

const pictures = new LruCache<TopologyPicture>(64 * 1024 * 1024, (p) => p.svg.length);

/** The query string of a view (what a link to it carries). */
export function viewQuery(view: TopologyView, expand: readonly string[]): string {
  const params = new URLSearchParams();
  for (const r of expand) params.append('expand', r);
  if (view.vpc) params.set('vpc', view.vpc);
  if (view.q) params.set('q', view.q);
  if (view.validation) params.set('validation', 'on');
  const s = params.toString();
  return s ? `?${s}` : '?';
}

/** The SVG of the fabric's topology in this view. */
export function topologyPicture(fabric: { id: number }, data: FabricTopology, view: TopologyView): TopologyPicture {
  const key = `${fabric.id}|${data.version}|${JSON.stringify(view)}`;
  const cached = pictures.get(key);
  if (cached) return cached;
  const { topology } = data;
  const servers = topology.nodes.reduce((n, node) => n + (node.kind === 'Server' ? 1 : 0), 0);
  const matches = view.q ? searchNodes(topology, view.q) : null;
  const expanded = new Set(view.expand);
  if (matches)
    for (const g of topology.groups) {
      if (expanded.size >= MAX_SEARCH_RACKS) break;
      if (g.type === 'rack' && g.members.some((m) => matches.has(m))) expanded.add(g.id);
    }
  const expandedList = [...expanded];
  const all = view.expand.includes('all') || servers <= EXPAND_ALL_UP_TO;
  const layout = layoutTopology(topology, { expand: all ? 'all' : expanded });
  const highlight = view.vpc ? vpcOverlay(topology, data.vpcConnections.get(view.vpc) ?? []) : null;
  const svg = renderSvg(layout, {
    expandHref: (racks) => viewQuery(view, racks),
    expanded: all ? [] : view.expand,
    highlight,
    matches,
    allOpen: all,
  });
  const picture = { svg, expanded: expandedList, matches: matches?.size ?? 0 };
  pictures.set(key, picture);
  return picture;
}

export { loadTopology };
