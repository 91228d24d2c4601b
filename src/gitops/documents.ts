// From parsed YAML documents to desired state: `kind: List` wrappers (what `kubectl get -o yaml`
// writes) are opened, and fields that a cluster fills in are dropped so that an exported
// object and its hand-written twin compare equal.

import type { ParsedDocument } from './parse';

type Obj = Record<string, unknown>;

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];
// Labels the fabric's webhook derives from the spec (connection type, vpc, subnet, …).
const DERIVED_LABEL = 'fabric.githedgehog.com/';

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for `kind: List` (apiVersion v1) and typed lists such as `kind: VPCList`, when they carry `items`. */
function isListDocument(value: unknown): value is Obj & { items: unknown[] } {
  if (!isObject(value) || !Array.isArray(value.items) || typeof value.kind !== 'string') return false;
  if (value.kind === 'List') return value.apiVersion === 'v1';
  return value.kind.length > 4 && value.kind.endsWith('List') && typeof value.apiVersion === 'string';
}

/** Replaces each List document by one document per item; lines and lineOf point into the item. */
export function expandDocuments(docs: ParsedDocument[]): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  for (const doc of docs) {
    if (!isListDocument(doc.value)) {
      out.push(doc);
      continue;
    }
    const list = doc.value;
    // Items of a typed list may leave out what the list already says.
    const itemKind = list.kind === 'List' ? undefined : (list.kind as string).slice(0, -'List'.length);
    list.items.forEach((item, i) => {
      if (item === null || item === undefined) return;
      const value = itemKind && isObject(item) ? { apiVersion: list.apiVersion, kind: itemKind, ...item } : item;
      out.push({
        index: doc.index,
        listItem: i,
        line: doc.lineOf(['items', i]),
        value,
        lineOf: (path) => doc.lineOf(['items', i, ...path]),
      });
    });
  }
  return out;
}

/**
 * A Kubernetes object without status, server-set metadata and derived labels: a copy when
 * any is there, the object itself when none is (most documents in git; the copies were a
 * sync's garbage). Non-objects pass through.
 */
export function stripServerFields<T>(value: T): T {
  if (!isObject(value)) return value;
  if (!Object.hasOwn(value, 'status') && !hasServerMetadata(value.metadata)) return value;
  const { status: _status, ...rest } = value;
  if (!isObject(rest.metadata)) return rest as T;

  const metadata: Obj = { ...rest.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  if (isObject(metadata.annotations)) {
    const annotations = { ...metadata.annotations };
    for (const key of SERVER_ANNOTATIONS) delete annotations[key];
    setOrDrop(metadata, 'annotations', annotations, metadata.annotations);
  }
  if (isObject(metadata.labels)) {
    const labels = Object.fromEntries(Object.entries(metadata.labels).filter(([key]) => !key.includes(DERIVED_LABEL)));
    setOrDrop(metadata, 'labels', labels, metadata.labels);
  }
  return { ...rest, metadata } as T;
}

/** Whether stripServerFields has anything to remove from this metadata. */
function hasServerMetadata(metadata: unknown): boolean {
  if (!isObject(metadata)) return false;
  for (const field of SERVER_METADATA) if (Object.hasOwn(metadata, field)) return true;
  const { annotations, labels } = metadata;
  if (isObject(annotations)) for (const key of SERVER_ANNOTATIONS) if (Object.hasOwn(annotations, key)) return true;
  if (isObject(labels)) for (const key of Object.keys(labels)) if (key.includes(DERIVED_LABEL)) return true;
  return false;
}

// A map emptied by stripping disappears, so that it compares equal to one that never had it.
function setOrDrop(target: Obj, key: string, next: Obj, before: Obj): void {
  if (Object.keys(next).length === 0 && Object.keys(before).length > 0) delete target[key];
  else target[key] = next;
}
