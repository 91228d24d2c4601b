import { fieldChanges, type FieldChange } from '../records/fieldChanges';
import type { DesiredRecord, Plan } from './plan';

export type { FieldChange };

// What a dry run shows: the plan as names and field-level changes, never applied.

export interface PreviewPlan {
  create: { kind: string; namespace: string; name: string }[];
  update: { kind: string; namespace: string; name: string; fields: FieldChange[] }[];
  delete: { kind: string; namespace: string; name: string }[];
  unchanged: number;
}

/** The stored content a record is compared on. */
export interface StoredContent {
  apiVersion: string;
  spec: unknown;
  labels: unknown;
  annotations: unknown;
}

function comparable(r: StoredContent | DesiredRecord) {
  return { apiVersion: r.apiVersion, metadata: { labels: r.labels, annotations: r.annotations }, spec: r.spec };
}

const keyParts = (key: string) => {
  const [kind = '', namespace = '', ...name] = key.split('/');
  return { kind, namespace, name: name.join('/') };
};

/** The plan as a preview, with each update's field changes against the stored content (by record id). */
export function previewOf(thePlan: Plan, stored: Map<number, StoredContent>): PreviewPlan {
  const named = (d: DesiredRecord) => ({ kind: d.kind, namespace: d.namespace, name: d.name });
  return {
    create: thePlan.create.map(named),
    update: thePlan.update.map(({ desired, stored: s }) => {
      const before = stored.get(s.id);
      return {
        ...named(desired),
        fields: before ? fieldChanges(comparable(before), comparable(desired)) : [],
      };
    }),
    delete: thePlan.delete.map((s) => keyParts(s.key)),
    unchanged: thePlan.unchanged.length,
  };
}
