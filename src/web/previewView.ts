import { stringify } from 'yaml';
import type { PreviewPlan } from '../sync/previewPlan';

/** Entries of a preview rendered at most; the API has them all. */
const SHOWN = 1000;

const yamlOf = (value: unknown) => (value === null || value === undefined ? '' : stringify(value).trimEnd());

/** A dry run's plan grouped by kind for the run page, each field change as YAML before and after. */
export function previewByKind(preview: PreviewPlan) {
  const kinds = new Map<
    string,
    {
      kind: string;
      create: string[];
      update: { name: string; fields: { path: string; before: string; after: string }[] }[];
      delete: string[];
    }
  >();
  const group = (kind: string) => {
    if (!kinds.has(kind)) kinds.set(kind, { kind, create: [], update: [], delete: [] });
    return kinds.get(kind)!;
  };
  for (const r of preview.create.slice(0, SHOWN)) group(r.kind).create.push(r.name);
  for (const r of preview.update.slice(0, SHOWN))
    group(r.kind).update.push({
      name: r.name,
      fields: r.fields.map((f) => ({ path: f.path, before: yamlOf(f.before), after: yamlOf(f.after) })),
    });
  for (const r of preview.delete.slice(0, SHOWN)) group(r.kind).delete.push(r.name);
  return {
    counts: {
      create: preview.create.length,
      update: preview.update.length,
      delete: preview.delete.length,
      unchanged: preview.unchanged,
    },
    truncated: [preview.create, preview.update, preview.delete].some((l) => l.length > SHOWN),
    groups: [...kinds.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
  };
}
