import { kindByName } from '../../crds';
import { isFabricatorDocument } from '../../crds/fabricConfig';
import { classify, validateDocument, type Issue as PathIssue } from '../../crds/validate';
import { expandDocuments, stripServerFields } from '../../gitops/documents';
import { streamYamlFile, type ParsedDocument } from '../../gitops/parse';
import { contentHash } from './hash';
import type { DesiredRecord, Issue } from '../plan';

// What one file yields on its own, apart from the cross-file step (readDesiredState.ts): parse
// threads run this module alone, so it imports nothing that a sync's other stages need.

/** What one file yields on its own: a pure function of its path and content, so it can be kept between syncs. */
export interface FileOutcome {
  path: string;
  documents: number;
  /** The file did not read or parse: none of it is applied and its records are kept. */
  failed: boolean;
  errors: Issue[];
  skipped: { line: number; kind: string; reason: string }[];
  /** Valid documents, before duplicates across files are looked for; `warnings` is empty here. */
  candidates: DesiredRecord[];
  /** Identities this file defines with errors: left as they are. */
  held: string[];
  skippedCount: number;
  invalidCount: number;
  /** `Fabricator` documents (the fabric's configuration): skipped, but read by the rules that depend on it. */
  fabricators: unknown[];
}

const identity = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]),
  );
}

function readDocument(doc: ParsedDocument, file: FileOutcome): void {
  const value = stripServerFields(doc.value);
  const c = classify(value);
  if (c.type === 'skip') {
    if (isFabricatorDocument(value)) file.fabricators.push(value);
    file.skippedCount++;
    const v = value as { kind?: unknown } | null;
    file.skipped.push({ line: doc.line, kind: typeof v?.kind === 'string' ? v.kind : '(no kind)', reason: c.reason });
    return;
  }
  const meta = (value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  const heldKey =
    typeof meta?.name === 'string' && c.type === 'kind'
      ? identity(
          c.kind.kind,
          typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default',
          meta.name,
        )
      : undefined;
  if (c.type === 'unserved') {
    file.invalidCount++;
    file.errors.push({ line: doc.line, message: c.message });
    const kind = kindByName(String((value as { kind?: unknown }).kind));
    if (kind && typeof meta?.name === 'string') file.held.push(identity(kind.kind, 'default', meta.name));
    return;
  }
  const check = validateDocument(value as Record<string, unknown>, c.kind);
  if (check.errors.length) {
    file.invalidCount++;
    for (const e of check.errors)
      file.errors.push({ line: doc.lineOf(e.path), message: describe(c.kind.kind, check.name, e) });
    if (heldKey) file.held.push(heldKey);
    return;
  }
  const record = value as { apiVersion: string; metadata: { labels?: unknown; annotations?: unknown } };
  const labels = stringMap(record.metadata.labels);
  const annotations = stringMap(record.metadata.annotations);
  const desired = {
    kind: c.kind.kind,
    apiVersion: record.apiVersion,
    namespace: check.namespace,
    name: check.name,
    spec: check.spec,
    labels,
    annotations,
  };
  const refs = [...new Set(c.kind.references(check.spec).map((r) => `${r.kind}/${r.name}`))];
  file.candidates.push({
    ...desired,
    key: identity(desired.kind, desired.namespace, desired.name),
    path: file.path,
    line: doc.line,
    contentHash: contentHash(desired),
    refs,
    warnings: [],
  });
}

/** Parses, classifies and validates one file on its own. */
export function readFileOutcome(path: string, content: Buffer): FileOutcome {
  const file: FileOutcome = {
    path,
    documents: 0,
    failed: false,
    errors: [],
    skipped: [],
    candidates: [],
    held: [],
    skippedCount: 0,
    invalidCount: 0,
    fabricators: [],
  };
  // Each document is validated as soon as it is parsed, so that its syntax tree goes before the
  // next one is built. What a later syntax error makes void is dropped below; an exception of
  // the validation counts only if the file parses, as when validation ran after parsing.
  let failure: { error: unknown } | undefined;
  const errors = streamYamlFile(content, (parsed) => {
    if (failure) return;
    try {
      for (const doc of expandDocuments([parsed])) {
        file.documents++;
        readDocument(doc, file);
      }
    } catch (error) {
      failure = { error };
    }
  });
  if (errors.length) {
    // A file that does not parse is applied not at all: its records stay as they were.
    return {
      path,
      documents: 0,
      failed: true,
      errors,
      skipped: [],
      candidates: [],
      held: [],
      skippedCount: 0,
      invalidCount: 0,
      fabricators: [],
    };
  }
  if (failure) throw failure.error;
  return file;
}

function describe(kind: string, name: string | undefined, issue: PathIssue): string {
  return `${kind}${name ? ` ${name}` : ''}: ${issue.message}`;
}
