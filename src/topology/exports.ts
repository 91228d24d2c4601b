// The topology in the formats `hhfab diagram` writes: Mermaid, Graphviz dot and draw.io. Each
// lists every node (servers of every rack, not collapsed) and every physical link with its ports.

import { layoutTopology, NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { Topology, TopologyLink, TopologyNode } from './model';

export const EXPORT_FORMATS = ['mermaid', 'dot', 'drawio'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_TYPES: Record<ExportFormat, { contentType: string; extension: string }> = {
  mermaid: { contentType: 'text/vnd.mermaid; charset=utf-8', extension: 'mmd' },
  dot: { contentType: 'text/vnd.graphviz; charset=utf-8', extension: 'dot' },
  drawio: { contentType: 'application/vnd.jgraph.mxfile; charset=utf-8', extension: 'drawio' },
};

const portLabel = (l: TopologyLink) => l.ports.map((p) => p.port).join(' – ');

/** Mermaid flowchart ids allow letters, digits and underscores only. */
function mermaidIds(nodes: TopologyNode[]): Map<string, string> {
  return new Map(nodes.map((n, i) => [n.id, `n${i}`]));
}

const mermaidText = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;

function mermaid(t: Topology): string {
  const ids = mermaidIds(t.nodes);
  const lines = ['flowchart TB'];
  const byTier = new Map<string, TopologyNode[]>();
  for (const n of t.nodes) {
    const list = byTier.get(n.tier);
    if (list) list.push(n);
    else byTier.set(n.tier, [n]);
  }
  for (const [tier, nodes] of byTier) {
    lines.push(`  subgraph tier_${tier} [${tier}]`);
    for (const n of nodes) lines.push(`    ${ids.get(n.id)}[${mermaidText(`${n.kind} ${n.name}`)}]`);
    lines.push('  end');
  }
  for (const l of t.links)
    lines.push(`  ${ids.get(l.from)} ---|${mermaidText(`${l.connection}: ${portLabel(l)}`)}| ${ids.get(l.to)}`);
  const missing = (byTier.get('missing') ?? []).map((n) => ids.get(n.id));
  if (missing.length)
    lines.push('  classDef missing stroke:#d63939,stroke-dasharray:4', `  class ${missing.join(',')} missing`);
  return lines.join('\n') + '\n';
}

const dotText = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function dot(t: Topology): string {
  const lines = ['graph fabric {', '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  const ranks = new Map<string, string[]>();
  for (const n of t.nodes) {
    const attrs = [`label=${dotText(n.name)}`, `tooltip=${dotText(`${n.kind} ${n.name}`)}`];
    if (n.tier === 'missing') attrs.push('color=red', 'style="rounded,dashed"');
    lines.push(`  ${dotText(n.id)} [${attrs.join(', ')}];`);
    const list = ranks.get(n.tier);
    if (list) list.push(n.id);
    else ranks.set(n.tier, [n.id]);
  }
  for (const tier of ['spine', 'leaf', 'server'])
    if (ranks.has(tier)) lines.push(`  { rank=same; ${ranks.get(tier)!.map(dotText).join('; ')}; }`);
  for (const l of t.links)
    lines.push(
      `  ${dotText(l.from)} -- ${dotText(l.to)} [label=${dotText(portLabel(l))}, tooltip=${dotText(l.connection)}];`,
    );
  lines.push('}');
  return lines.join('\n') + '\n';
}

const xml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const DRAWIO_STYLE: Record<string, string> = {
  spine: 'fillColor=#dae8fc;strokeColor=#6c8ebf;',
  leaf: 'fillColor=#d5e8d4;strokeColor=#82b366;',
  border: 'fillColor=#fff2cc;strokeColor=#d6b656;',
  server: 'fillColor=#f5f5f5;strokeColor=#666666;',
  external: 'fillColor=#e1d5e7;strokeColor=#9673a6;',
  gateway: 'fillColor=#e1d5e7;strokeColor=#9673a6;',
  missing: 'fillColor=#f8cecc;strokeColor=#b85450;dashed=1;',
};

function drawio(t: Topology): string {
  // The same tiered layout as the page, every rack expanded.
  const layout = layoutTopology(t, { expand: 'all' });
  const position = new Map(layout.nodes.map((p) => [p.node.id, p]));
  const cells: string[] = ['<mxCell id="0"/>', '<mxCell id="1" parent="0"/>'];
  const ids = new Map<string, string>();
  t.nodes.forEach((n, i) => {
    const id = `n${i}`;
    ids.set(n.id, id);
    const p = position.get(n.id);
    cells.push(
      `<mxCell id="${id}" value="${xml(n.name)}" tooltip="${xml(`${n.kind} ${n.name}`)}" style="rounded=1;whiteSpace=wrap;html=1;${DRAWIO_STYLE[n.tier]}" vertex="1" parent="1"><mxGeometry x="${p?.x ?? 0}" y="${p?.y ?? 0}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" as="geometry"/></mxCell>`,
    );
  });
  t.links.forEach((l, i) =>
    cells.push(
      `<mxCell id="l${i}" value="${xml(portLabel(l))}" tooltip="${xml(l.connection)}" style="endArrow=none;html=1;fontSize=8;" edge="1" parent="1" source="${ids.get(l.from)}" target="${ids.get(l.to)}"><mxGeometry relative="1" as="geometry"/></mxCell>`,
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<mxfile host="hedgehog-fabric-manager"><diagram name="fabric" id="fabric"><mxGraphModel dx="${layout.width}" dy="${layout.height}" grid="1" gridSize="10" page="0"><root>${cells.join('\n')}</root></mxGraphModel></diagram></mxfile>\n`;
}

/** The topology in one of the export formats. */
export function exportTopology(t: Topology, format: ExportFormat): string {
  return format === 'mermaid' ? mermaid(t) : format === 'dot' ? dot(t) : drawio(t);
}
