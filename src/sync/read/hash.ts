import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content always gives equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What makes a record "changed": apiVersion, spec, labels and annotations (not where it lives in git). */
export function contentHash(r: { apiVersion: string; spec: unknown; labels: unknown; annotations: unknown }): string {
  return createHash('sha256')
    .update(canonicalJson({ apiVersion: r.apiVersion, spec: r.spec, labels: r.labels, annotations: r.annotations }))
    .digest('hex');
}
