import { CHANGE_ACTION, VALIDATION_STATE } from '../choices';
import { isRefs, kindByName, type BuiltinEntry, type KindDef } from '../crds';
import type { builtinUsedBy } from '../records/builtinEntries';
import type { RecordDetail, ShownValue } from '../records/loadRecordDetail';
import { manifestYaml } from '../records/manifest';
import { switchPortMap } from '../topology/portMap';
import { highlightYaml } from './highlightYaml';
import type { Cell } from './listView';

/** A panel's value as a cell (views render it with the `cell` filter, as list cells): names of records link. */
function panelCell(v: ShownValue | undefined): Cell {
  if (Array.isArray(v)) return { text: v.map((r) => r.label).join(', ') || null, refs: v };
  if (v === null || v === undefined || v === '') return { text: null };
  if (typeof v === 'boolean') return { text: v ? 'Yes' : 'No' };
  return { text: v };
}

/** A Switch's port map with links to the Connections on its ports; null when its profile is unknown. */
function presentPortMap(d: RecordDetail) {
  const map = switchPortMap(d.spec, d.portConnections ?? []);
  if (!map) return null;
  const href = (u: { connectionSlug: string; connectionId: number }) => `/crds/${u.connectionSlug}/${u.connectionId}`;
  return {
    ...map,
    ports: map.ports.map((p) => ({
      ...p,
      uses: p.uses.map((u) => ({ ...u, href: href(u) })),
      lanes: p.lanes.map((l) => ({ ...l, uses: l.uses.map((u) => ({ ...u, href: href(u) })) })),
    })),
    unknown: map.unknown.map((u) => ({ ...u, href: href(u) })),
  };
}

/** A spec value as the page writes it: text as it is, anything else as JSON; absent is null. */
const shown = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);

type ShownPanel = { columns: { key: string }[]; rows: Record<string, ShownValue>[] };

/** Panels as rows of cells, in their columns' order. */
function presentPanels<P extends ShownPanel>(panels: P[]) {
  return panels.map((p) => ({ ...p, rows: p.rows.map((row) => p.columns.map((c) => panelCell(row[c.key]))) }));
}

/**
 * A built-in entry's page (a SwitchProfile of the fabric's catalogue) in the record page's
 * context: its panels and YAML, the records of every fabric that name it; no fabric, source,
 * validation or history, which it does not have.
 */
export function presentBuiltinDetail(
  kind: KindDef,
  entry: BuiltinEntry,
  usedBy: Awaited<ReturnType<typeof builtinUsedBy>>,
) {
  const record = { kind: kind.kind, apiVersion: kind.apiVersion, name: entry.name, namespace: 'default' };
  const yaml = manifestYaml({ ...record, spec: entry.spec, labels: {}, annotations: entry.annotations });
  return {
    record,
    builtin: { availability: entry.availability },
    fabric: null,
    messages: [],
    labels: [],
    annotations: Object.entries(entry.annotations),
    // No fabric to look names of records up in: they are shown as text.
    panels: presentPanels(
      (kind.panels?.(entry.spec) ?? []).map((p) => ({
        ...p,
        rows: p.rows.map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([k, v]) => [k, isRefs(v) ? v.map((r) => r.label ?? r.name).join(', ') : v]),
          ),
        ),
      })),
    ),
    yaml,
    yamlHtml: highlightYaml(yaml),
    referencesOut: [],
    referencesIn: usedBy.rows.map((r) => {
      const k = kindByName(r.kind);
      const fields = k?.references(r.spec).filter((x) => x.kind === kind.kind && x.name === entry.name) ?? [];
      return {
        kind: r.kind,
        name: r.name,
        fabric: { id: r.fabricId, name: r.fabricName },
        fields: [...new Set(fields.map((f) => f.field))],
        href: `/crds/${k?.slug ?? encodeURIComponent(r.kind)}/${r.id}`,
      };
    }),
    referencesInTotal: usedBy.total,
    portConnections: null,
    portMap: null,
    history: [],
    historyTotal: 0,
    source: null,
  };
}

/** The record page's context (views/crds/detail.njk): links, badges and the highlighted YAML worked out here, not in the template. */
export function presentRecordDetail(d: RecordDetail) {
  const yaml = manifestYaml({ ...d.record, spec: d.spec });
  return {
    record: d.record,
    fabric: { id: d.record.fabric.id, name: d.record.fabric.name },
    validation: VALIDATION_STATE[d.record.validationState],
    messages: d.messages,
    labels: d.labels,
    annotations: d.annotations,
    appliedDefaults: d.appliedDefaults?.map((a) => ({ path: a.path, value: shown(a.value), stored: shown(a.stored) })),
    panels: presentPanels(d.panels),
    yaml,
    // Safe to print unescaped: highlightYaml escapes every piece of text it wraps.
    yamlHtml: highlightYaml(yaml),
    referencesOut: d.referencesOut,
    referencesIn: d.referencesIn.map((r) => ({ ...r, href: `/crds/${r.slug}/${r.id}` })),
    referencesInTotal: d.referencesInTotal,
    portConnections:
      d.portConnections?.map((p) => ({ ...p, href: `/crds/${p.connectionSlug}/${p.connectionId}` })) ?? null,
    portMap: d.record.kind === 'Switch' ? presentPortMap(d) : null,
    history: d.history.map((c) => ({ ...c, href: `/changes/${c.id}`, badge: CHANGE_ACTION[c.action] })),
    historyTotal: d.historyTotal,
    source: d.source,
  };
}
