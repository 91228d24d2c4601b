import type { KindDef, KindSource } from './types';

/** The label of an API group: its first DNS label, an acronym when short (`vpc.githedgehog.com` → `VPC API`). */
export function apiGroupLabel(group: string): string {
  const first = group.split('.')[0] ?? group;
  return `${first.length <= 3 ? first.toUpperCase() : first.charAt(0).toUpperCase() + first.slice(1)} API`;
}

/** A kind of the catalogue from its file's declaration: apiVersion, slug and category are derived, never written. */
export function defineKind(source: KindSource): KindDef {
  return {
    ...source,
    apiVersion: `${source.group}/${source.version}`,
    slug: source.plural,
    category: apiGroupLabel(source.group),
  };
}
