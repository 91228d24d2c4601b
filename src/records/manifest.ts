import { stringify } from 'yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

type ManifestSource = Pick<Manifest, 'apiVersion' | 'kind' | 'spec'> & {
  name: string;
  namespace: string;
  labels: unknown;
  annotations: unknown;
};

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return undefined;
  return value as Record<string, string>;
}

/** The record as a `kubectl apply`-ready object: apiVersion, kind, metadata (name, namespace, labels, annotations), spec. */
function toManifest(r: ManifestSource): Manifest {
  const labels = stringMap(r.labels);
  const annotations = stringMap(r.annotations);
  return {
    apiVersion: r.apiVersion,
    kind: r.kind,
    metadata: { name: r.name, namespace: r.namespace, ...(labels && { labels }), ...(annotations && { annotations }) },
    spec: r.spec,
  };
}

/**
 * One manifest as a YAML document. Written with YAML 1.1 quoting so that kubectl's YAML 1.1
 * parser reads strings such as MAC addresses, "on" or "0755" back as strings; the text is still
 * plain YAML 1.2.
 */
export function manifestYaml(r: ManifestSource): string {
  return stringify(toManifest(r), { version: '1.1', lineWidth: 0 });
}
