/**
 * Severity follows the fabric (DESIGN §4).
 * validateDocument: what the fabric rejects on the object alone (the CRD schema, then `Default()`
 * and `Validate()` without other objects) is an error; the document is not applied. Rules that
 * also need the fabric's configuration run once it is known (checkConfig, in the sync).
 * crossValidate (./warnings): what the fabric checks against other objects, deprecations and the
 * fields hhfab fills in; warnings on applied records.
 */
import type { z } from 'zod';
import { kindByName } from './index';
import { dotted, mapping } from './spec';
import type { Issue, KindDef, Spec } from './types';

export type { Issue } from './types';
export { crossValidate, identityKey } from './warnings';
export type { CrossRecord } from './warnings';

export interface DocumentCheck {
  kind: KindDef;
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
  errors: Issue[];
}

export type Classification =
  { type: 'kind'; kind: KindDef } | { type: 'unserved'; message: string } | { type: 'skip'; reason: string };

// Kinds the fabric's controllers write from the user's objects (status-like): never applied from git.
// Fabricator, ControlNode, FabNode: what hhfab installs from, kept beside the wiring in many repositories.
const INSTALLER_GROUP = 'fabricator.githedgehog.com';
const CONTROLLER_KINDS: ReadonlySet<string> = new Set(['Agent', 'Catalog', 'DHCPSubnet', 'VPCInfo', 'GatewayAgent']);

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME_LENGTH = 253;
// One broken document should not bury the rest of a sync report.
const MAX_SPEC_ERRORS = 20;

/** A short rendering of a value for messages: `"abc"`, `5000`, `null`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `a timestamp (${value.toISOString()})`;
  return 'a mapping';
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Decides whether a parsed document is of a kind in the catalogue, a retired or misplaced one (unserved), or not ours (skip). */
export function classify(doc: unknown): Classification {
  const m = mapping(doc);
  if (!m) return { type: 'skip', reason: `the document is ${describeValue(doc)}, not a Kubernetes object` };
  const kindName = typeof m.kind === 'string' ? m.kind : null;
  const apiVersion = typeof m.apiVersion === 'string' ? m.apiVersion : null;
  if (!kindName) {
    return {
      type: 'skip',
      reason: apiVersion
        ? `the document has apiVersion ${apiVersion} but no kind`
        : 'the document has no apiVersion or kind (not a Kubernetes object)',
    };
  }
  const known = kindByName(kindName);
  // A document of a catalogued kind without apiVersion is still ours; validateDocument reports the missing field.
  if (known && apiVersion === null) return { type: 'kind', kind: known };
  const { group, version } = splitApiVersion(apiVersion ?? '');
  const isHedgehog = group === 'githedgehog.com' || group.endsWith('.githedgehog.com');
  if (known && isHedgehog) {
    if (group === known.group && version === known.version) return { type: 'kind', kind: known };
    if (group === known.group) {
      return {
        type: 'unserved',
        message: `${kindName} ${apiVersion} is no longer served by the fabric; use apiVersion: ${known.apiVersion}`,
      };
    }
    return {
      type: 'unserved',
      message: `${kindName} belongs to ${known.group}, not ${group}; use apiVersion: ${known.apiVersion}`,
    };
  }
  if (isHedgehog && CONTROLLER_KINDS.has(kindName))
    return {
      type: 'skip',
      reason: `${kindName} (${apiVersion}) is written by the fabric's controllers, not kept in git`,
    };
  if (group === INSTALLER_GROUP)
    return {
      type: 'skip',
      reason:
        kindName === 'Fabricator'
          ? `${kindName} (${apiVersion}) is the installer's configuration (hhfab), not a fabric object; the fabric's rules read their settings from it`
          : `${kindName} (${apiVersion}) is the installer's configuration (hhfab), not a fabric object`,
    };
  if (isHedgehog) return { type: 'skip', reason: `${kindName} (${apiVersion}) is not one of the managed kinds` };
  return { type: 'skip', reason: `${kindName} (${apiVersion ?? 'no apiVersion'}) is not a Hedgehog fabric kind` };
}

function zodIssues(error: z.ZodError, spec: Spec): Issue[] {
  return error.issues.slice(0, MAX_SPEC_ERRORS).map((iss) => {
    const rel = iss.path.filter((p): p is string | number => typeof p !== 'symbol');
    const path = ['spec', ...rel];
    let value: unknown = spec;
    for (const p of rel) value = (value as Record<string | number, unknown> | null | undefined)?.[p];
    if (value === undefined) return { path, message: `${dotted(path)} is required` };
    if (value === null && iss.code === 'invalid_type')
      return { path, message: `${dotted(path)} is required, got null (an empty value)` };
    return { path, message: `${dotted(path)}: ${iss.message}, got ${describeValue(value)}` };
  });
}

function checkStringMap(meta: Record<string, unknown>, key: 'labels' | 'annotations', errors: Issue[]): void {
  const value = meta[key];
  if (value === undefined || value === null) return;
  const m = mapping(value);
  if (!m) {
    errors.push({
      path: ['metadata', key],
      message: `metadata.${key}: expected a mapping of strings, got ${describeValue(value)}`,
    });
    return;
  }
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string') {
      const path = ['metadata', key, k];
      errors.push({ path, message: `${dotted(path)}: expected a string (quote it), got ${describeValue(v)}` });
    }
  }
}

function checkEnvelope(
  doc: Record<string, unknown>,
  kind: KindDef,
  errors: Issue[],
): { namespace: string; name: string } {
  if (doc.apiVersion === undefined || doc.apiVersion === null)
    errors.push({ path: ['apiVersion'], message: 'apiVersion is required' });
  else if (doc.apiVersion !== kind.apiVersion) {
    errors.push({
      path: ['apiVersion'],
      message: `apiVersion: expected ${kind.apiVersion}, got ${describeValue(doc.apiVersion)}`,
    });
  }
  if (doc.kind === undefined || doc.kind === null) errors.push({ path: ['kind'], message: 'kind is required' });
  else if (doc.kind !== kind.kind)
    errors.push({ path: ['kind'], message: `kind: expected ${kind.kind}, got ${describeValue(doc.kind)}` });

  const meta = mapping(doc.metadata);
  if (!meta) {
    errors.push(
      doc.metadata === undefined || doc.metadata === null
        ? { path: ['metadata'], message: 'metadata is required (with at least metadata.name)' }
        : { path: ['metadata'], message: `metadata: expected a mapping, got ${describeValue(doc.metadata)}` },
    );
    return { namespace: 'default', name: '' };
  }
  const rawName = meta.name;
  let name = '';
  if (rawName === undefined || rawName === null || rawName === '') {
    errors.push({ path: ['metadata', 'name'], message: 'metadata.name is required' });
  } else if (typeof rawName !== 'string') {
    errors.push({
      path: ['metadata', 'name'],
      message: `metadata.name: expected a string, got ${describeValue(rawName)}`,
    });
  } else {
    name = rawName;
    if (rawName.length > MAX_NAME_LENGTH) {
      errors.push({
        path: ['metadata', 'name'],
        message: `metadata.name: expected at most ${MAX_NAME_LENGTH} characters, got ${rawName.length}`,
      });
    } else if (!NAME_RE.test(rawName)) {
      errors.push({
        path: ['metadata', 'name'],
        message: `metadata.name: ${describeValue(rawName)} is not a valid name; expected lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (RFC 1123 subdomain)`,
      });
    }
  }
  const rawNamespace = meta.namespace;
  let namespace = 'default';
  if (rawNamespace !== undefined && rawNamespace !== null && rawNamespace !== '') {
    if (typeof rawNamespace !== 'string') {
      errors.push({
        path: ['metadata', 'namespace'],
        message: `metadata.namespace: expected a string, got ${describeValue(rawNamespace)}`,
      });
    } else if (rawNamespace !== 'default') {
      namespace = rawNamespace;
      errors.push({
        path: ['metadata', 'namespace'],
        message: `metadata.namespace: only the "default" namespace is supported by the fabric, got ${describeValue(rawNamespace)}`,
      });
    }
  }
  checkStringMap(meta, 'labels', errors);
  checkStringMap(meta, 'annotations', errors);
  return { namespace, name };
}

/** The spec as the fabric sees it after its mutating webhook (`Default()`); `spec` itself is not changed. */
export function effectiveSpec(kind: KindDef, spec: Spec): Spec {
  return kind.defaults ? kind.defaults(spec) : spec;
}

/** Per-object checks of one document already classified as `kind`: the errors that keep it from being applied. */
export function validateDocument(doc: Record<string, unknown>, kind: KindDef): DocumentCheck {
  const errors: Issue[] = [];
  const root = mapping(doc);
  if (!root) {
    return {
      kind,
      namespace: 'default',
      name: '',
      spec: {},
      errors: [{ path: [], message: `document: expected a mapping, got ${describeValue(doc)}` }],
    };
  }
  const { namespace, name } = checkEnvelope(root, kind, errors);

  let spec: Spec = {};
  const rawSpec = root.spec;
  if ((rawSpec === undefined || rawSpec === null) && kind.specRequired) {
    errors.push({ path: ['spec'], message: 'spec is required' });
    return { kind, namespace, name, spec, errors };
  }
  if (rawSpec !== undefined && rawSpec !== null) {
    if (!mapping(rawSpec)) {
      errors.push({ path: ['spec'], message: `spec: expected a mapping, got ${describeValue(rawSpec)}` });
      return { kind, namespace, name, spec, errors };
    }
    spec = rawSpec as Spec;
  }
  // The fabric caps names that become VRF names (VPC, IPv4Namespace, External) at 11 characters.
  if (kind.maxNameLength && name.length > kind.maxNameLength) {
    errors.push({
      path: ['metadata', 'name'],
      message: `metadata.name: "${name}" is ${name.length} characters; the fabric allows at most ${kind.maxNameLength} for ${/^[AEIOU]/.test(kind.kind) ? 'an' : 'a'} ${kind.kind} (it becomes a VRF name)`,
    });
  }
  // An absent spec still has to satisfy the schema (a Switch needs a role, a Connection a type).
  const result = kind.specSchema.safeParse(spec);
  if (!result.success) errors.push(...zodIssues(result.error, spec));
  else if (kind.checkSpec) {
    const annotations = mapping(mapping(root.metadata)?.annotations) ?? {};
    errors.push(...kind.checkSpec(effectiveSpec(kind, spec), { name, annotations }));
  }
  return { kind, namespace, name, spec, errors };
}
