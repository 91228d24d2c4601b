// Values that name other records (RecordRef): built by the kinds' columns and panels, linked by
// the pages (src/records/resolveRefs.ts), written as text in exports.
import type { PanelValue, RecordRef } from './types';

/** The records of one kind with these names, without empty names or repeats, in order. */
export function refsTo(kind: string, names: readonly (string | null | undefined)[]): RecordRef[] {
  const seen = new Set<string>();
  const refs: RecordRef[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || name === '' || seen.has(name)) continue;
    seen.add(name);
    refs.push({ kind, name });
  }
  return refs;
}

/** Whether a column's or panel's value names records. */
export function isRefs(value: unknown): value is RecordRef[] {
  return Array.isArray(value);
}

/** A value as text (exports, the API): the shown names joined, or null for none. */
export function valueText(value: PanelValue | string | number | null | undefined): string | number | boolean | null {
  if (value === undefined) return null;
  if (!isRefs(value)) return value;
  return value.length ? value.map((r) => r.label ?? r.name).join(', ') : null;
}
