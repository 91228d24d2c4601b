// The topology as SVG markup, written as one string: every node and link is an <a> to its
// record, a collapsed rack is an <a> that expands it (a plain link, so it works without
// JavaScript). Colours come from classes (public/topology.css): the CSP allows no inline styles.

import { findKind } from '../crds';
import type { Layout, PlacedLink } from './layout';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { TopologyNode } from './model';

export interface SvgOptions {
  /** The page's own URL for a rack's expansion: given the rack ids to expand. */
  expandHref(racks: string[]): string;
  /** Racks expanded now (kept when another is expanded). */
  expanded: readonly string[];
  /** Node ids and connection names to highlight (a VPC's attachments), or null for no overlay. */
  highlight: { nodes: ReadonlySet<string>; connections: ReadonlySet<string> } | null;
  /** Node ids that match the search, or null. */
  matches: ReadonlySet<string> | null;
  /** Every rack is shown open and cannot be collapsed (a small fabric). */
  allOpen?: boolean;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const num = (n: number) => String(Math.round(n * 10) / 10);
const MAX_LABEL = 15;
const label = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

/** The record page of a node, or null when it has none (a missing or undefined gateway). */
export function nodeHref(node: TopologyNode): string | null {
  if (node.recordId === null) return null;
  const slug = findKind(node.kind)?.slug;
  return slug ? `/crds/${slug}/${node.recordId}` : null;
}

function nodeClass(node: TopologyNode, options: SvgOptions): string {
  let c = `node tier-${node.tier}`;
  if (node.validation.state !== 'valid') c += ` v-${node.validation.state}`;
  if (options.highlight?.nodes.has(node.id)) c += ' hl';
  if (options.matches?.has(node.id)) c += ' match';
  return c;
}

function linkTitle(line: PlacedLink): string {
  if (line.rack) return `${line.links.length} link${line.links.length === 1 ? '' : 's'} to ${line.rack.label}`;
  const l = line.links[0]!;
  const ports = l.ports.map((p) => `${p.node.slice(p.node.indexOf('/') + 1)}/${p.port}`).join(' – ');
  return `${l.connection} (${l.type}${l.role ? ` ${l.role}` : ''}): ${ports}`;
}

function renderLine(line: PlacedLink, options: SvgOptions): string {
  const l = line.links[0]!;
  let c = `link t-${l.type}`;
  if (line.links.some((x) => x.validation === 'warning')) c += ' v-warning';
  if (options.highlight && line.links.some((x) => options.highlight!.connections.has(x.connection))) c += ' hl';
  const loop = l.from === l.to && !line.rack;
  const [tag, geometry] = loop
    ? ['path', `d="M${num(line.x1)} ${num(line.y1)} a6 8 0 1 0 ${num(line.x2 - line.x1)} 0"`]
    : ['line', `x1="${num(line.x1)}" y1="${num(line.y1)}" x2="${num(line.x2)}" y2="${num(line.y2)}"`];
  const href = line.rack
    ? options.expandHref([...options.expanded, line.rack.id])
    : `/crds/connections/${l.connectionId}`;
  return `<a href="${esc(href)}" data-connection="${esc(l.connection)}"><${tag} class="${c}" ${geometry}><title>${esc(linkTitle(line))}</title></${tag}></a>`;
}

/** The SVG document of a laid-out topology. */
export function renderSvg(layout: Layout, options: SvgOptions): string {
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="topology${options.highlight ? ' overlay' : ''}${options.matches ? ' searching' : ''}" viewBox="0 0 ${num(layout.width)} ${num(layout.height)}" width="${num(layout.width)}" height="${num(layout.height)}" role="img" aria-label="Fabric topology" data-testid="topology-svg">`,
  );
  out.push('<g class="viewport"><g class="links">');
  for (const line of layout.lines) out.push(renderLine(line, options));
  out.push('</g><g class="racks">');
  for (const r of layout.racks) {
    const count = r.group.members.length;
    const carrying = options.highlight ? r.group.members.filter((m) => options.highlight!.nodes.has(m)).length : 0;
    const matching = options.matches ? r.group.members.filter((m) => options.matches!.has(m)).length : 0;
    let c = `rack${r.expanded ? ' expanded' : ''}`;
    if (carrying) c += ' hl';
    if (matching) c += ' match';
    const text = `${count} server${count === 1 ? '' : 's'}${carrying ? ` · ${carrying} in VPC` : ''}`;
    const href = r.expanded
      ? options.expandHref(options.expanded.filter((id) => id !== r.group.id))
      : options.expandHref([...options.expanded, r.group.id]);
    const body = `<rect x="${num(r.x)}" y="${num(r.y)}" width="${num(r.width)}" height="${NODE_HEIGHT}" rx="6"/><text x="${num(r.x + r.width / 2)}" y="${num(r.y + 20)}">${esc(options.allOpen ? text : r.expanded ? `▾ ${text}` : `▸ ${text}`)}</text><title>${esc(`${r.group.label}: ${text}${options.allOpen ? '' : `; ${r.expanded ? 'collapse' : 'expand'}`}`)}</title>`;
    const attrs = `class="${c}" data-rack="${esc(r.group.id)}" data-count="${count}"`;
    out.push(options.allOpen ? `<g ${attrs}>${body}</g>` : `<a href="${esc(href)}" ${attrs}>${body}</a>`);
  }
  out.push('</g><g class="nodes">');
  for (const p of layout.nodes) {
    const n = p.node;
    const href = nodeHref(n);
    const title = `${n.kind} ${n.name}${n.role ? ` (${n.role})` : ''}${n.validation.messages.length ? `\n${n.validation.messages.join('\n')}` : ''}`;
    const body = `<rect x="${num(p.x)}" y="${num(p.y)}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="4"/><text x="${num(p.x + NODE_WIDTH / 2)}" y="${num(p.y + 20)}">${esc(label(n.name))}</text><title>${esc(title)}</title>`;
    const attrs = `class="${nodeClass(n, options)}" data-id="${esc(n.id)}" data-name="${esc(n.name)}"`;
    out.push(href ? `<a href="${href}" ${attrs}>${body}</a>` : `<g ${attrs}>${body}</g>`);
  }
  out.push('</g></g></svg>');
  return out.join('');
}
