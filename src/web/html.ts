// HTML built in code where a template would be slow (list cells) or cannot reach (highlighted
// YAML). Every piece of text is escaped here, so the results are safe to mark as such.
import type { ResolvedRef } from '../records/resolveRefs';
import type { Cell, ListRow } from './listView';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text (the same five characters Nunjucks escapes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** `2026-11-26 07:15:55 UTC`, or a dash. */
export function datetime(d: Date | string | null | undefined): string {
  return d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—';
}

/** "10:42 UTC" today, else "2026-11-26 10:42 UTC": when something began ("failing since …"). */
export function since(d: Date | string | null | undefined, now = new Date()): string {
  if (!d) return '—';
  const iso = new Date(d).toISOString();
  const day = iso.slice(0, 10);
  return `${day === now.toISOString().slice(0, 10) ? '' : `${day} `}${iso.slice(11, 16)} UTC`;
}

/** `3 min ago`, or `never`. */
export function ago(d: Date | string | null | undefined): string {
  if (!d) return 'never';
  const s = Math.round((Date.now() - new Date(d).getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

const DASH = '<span class="text-secondary">—</span>';

const NOTES: Record<NonNullable<ResolvedRef['note']>, string> = {
  'not tracked': 'not a record of this fabric (built in, or never looked up)',
  'fabric default': 'the fabric creates it by itself',
  'built in': 'built into the fabric',
};

/**
 * Names of other records, the same in every list cell and panel: a link to the record, or the
 * name with a "missing" badge when the fabric has no such record (never a broken link), or the
 * name alone when the fabric does without one.
 */
export function refsHtml(refs: readonly ResolvedRef[]): string {
  return refs
    .map((r) => {
      const label = escapeHtml(r.label);
      if (r.href) return `<a href="${escapeHtml(r.href)}">${label}</a>`;
      if (r.missing)
        return `${label} <span class="badge bg-yellow-lt" title="${escapeHtml(r.title ?? '')}">missing</span>`;
      return r.note ? `<span title="${escapeHtml(`${r.kind} ${r.name}: ${NOTES[r.note]}`)}">${label}</span>` : label;
    })
    .join(', ');
}

/**
 * One list cell: a dash when empty, else a badge, a time, a link, code or text. A time is
 * written as such (public/app.js shows it as "5 min ago"), so that the HTML stays true for as
 * long as the row it shows.
 */
export function cellHtml(c: Cell | undefined): string {
  if (c?.refs) return c.refs.length ? refsHtml(c.refs) : DASH;
  if (!c || (c.text === null && !c.badge)) return DASH;
  const text = escapeHtml(String(c.text ?? ''));
  if (c.badge) return `<span class="badge bg-${escapeHtml(c.badge.color)}-lt">${escapeHtml(c.badge.label)}</span>`;
  if (c.time) return `<time datetime="${text}" data-relative>${datetime(c.time)}</time>`;
  if (c.href) return `<a href="${escapeHtml(c.href)}">${text}</a>`;
  if (c.mono) return `<code>${text}</code>`;
  return text;
}

const renderedRows = new WeakMap<ListRow[], Map<string, string>>();

/**
 * The table rows of a list, for the columns shown. Remembered per rows array: lists that keep
 * their rows between requests (records) render each page once per choice of columns.
 */
export function tableRowsHtml(rows: ListRow[], columns: { key: string }[]): string {
  const keys = columns.map((c) => c.key);
  let byColumns = renderedRows.get(rows);
  if (!byColumns) renderedRows.set(rows, (byColumns = new Map()));
  let html = byColumns.get(keys.join());
  if (html === undefined) {
    html = rows.map((row) => `<tr>${keys.map((k) => `<td>${cellHtml(row.cells[k])}</td>`).join('')}</tr>`).join('\n');
    byColumns.set(keys.join(), html);
  }
  return html;
}
