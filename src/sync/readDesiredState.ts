import { kindByName } from '../crds';
import { classify, crossValidate, validateDocument, type Issue as PathIssue } from '../crds/validate';
import { expandDocuments, stripServerFields } from '../gitops/documents';
import { parseYamlFile, type ParsedDocument } from '../gitops/parse';
import { scanDirectory } from '../gitops/scan';
import { contentHash } from './hash';
import type { DesiredRecord, Issue } from './plan';
import { readOutcomes } from './readOutcomes';

export interface FileResult {
  path: string;
  documents: number;
  status: 'ok' | 'warnings' | 'errors' | 'failed';
  errors: Issue[];
  warnings: Issue[];
  skipped: { line: number; kind: string; reason: string }[];
}

export interface DesiredState {
  files: FileResult[];
  desired: DesiredRecord[];
  heldKeys: Set<string>;
  failedPaths: Set<string>;
  counts: { files: number; documents: number; skipped: number; invalid: number };
  /** Problems of the scan itself (missing directory, limits); they make the run partial. */
  problems: string[];
  /** False when a limit stopped the scan: the files it did not reach must not be pruned. */
  complete: boolean;
  /** What each file yielded on its own, by path: a later sync reuses it for a file whose content did not change. */
  outcomes: Map<string, FileOutcome>;
}

/** What one file yields on its own: a pure function of its path and content, so it can be kept between syncs. */
export interface FileOutcome {
  path: string;
  documents: number;
  /** The file did not read or parse: none of it is applied and its records are kept. */
  failed: boolean;
  errors: Issue[];
  skipped: FileResult['skipped'];
  /** Valid documents, before duplicates across files are looked for; `warnings` is empty here. */
  candidates: DesiredRecord[];
  /** Identities this file defines with errors: left as they are. */
  held: string[];
  skippedCount: number;
  invalidCount: number;
}

const identity = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
}

function readDocument(doc: ParsedDocument, file: FileOutcome): void {
  const value = stripServerFields(doc.value);
  const c = classify(value);
  if (c.type === 'skip') {
    file.skippedCount++;
    const v = value as { kind?: unknown } | null;
    file.skipped.push({ line: doc.line, kind: typeof v?.kind === 'string' ? v.kind : '(no kind)', reason: c.reason });
    return;
  }
  const meta = (value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  const heldKey = typeof meta?.name === 'string' && c.type === 'kind' ? identity(c.kind.kind, typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default', meta.name) : undefined;
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
    for (const e of check.errors) file.errors.push({ line: doc.lineOf(e.path), message: describe(c.kind.kind, check.name, e) });
    if (heldKey) file.held.push(heldKey);
    return;
  }
  const record = value as { apiVersion: string; metadata: { labels?: unknown; annotations?: unknown } };
  const labels = stringMap(record.metadata.labels);
  const annotations = stringMap(record.metadata.annotations);
  const desired = { kind: c.kind.kind, apiVersion: record.apiVersion, namespace: check.namespace, name: check.name, spec: check.spec, labels, annotations };
  const refs = [...new Set(c.kind.references(check.spec).map((r) => `${r.kind}/${r.name}`))];
  file.candidates.push({ ...desired, key: identity(desired.kind, desired.namespace, desired.name), path: file.path, line: doc.line, contentHash: contentHash(desired), refs, warnings: [] });
}

/** Parses, classifies and validates one file on its own. */
export function readFileOutcome(path: string, content: Buffer): FileOutcome {
  const file: FileOutcome = { path, documents: 0, failed: false, errors: [], skipped: [], candidates: [], held: [], skippedCount: 0, invalidCount: 0 };
  const parsed = parseYamlFile(content);
  if (parsed.errors.length) {
    // A file that does not parse is applied not at all: its records stay as they were.
    file.failed = true;
    file.errors.push(...parsed.errors);
    return file;
  }
  const docs = expandDocuments(parsed.documents);
  file.documents = docs.length;
  for (const doc of docs) readDocument(doc, file);
  return file;
}

function describe(kind: string, name: string | undefined, issue: PathIssue): string {
  return `${kind}${name ? ` ${name}` : ''}: ${issue.message}`;
}

/**
 * Scan, parse, classify and validate every YAML file of a fabric's directory in a clone.
 * Files are read one at a time (per thread), so memory holds the records, not the YAML trees.
 */
export async function readDesiredState(props: { cloneRoot: string; gitopsDirectory: string; onFile?: (done: number, total: number) => void }): Promise<DesiredState> {
  const scan = await scanDirectory(props.cloneRoot, props.gitopsDirectory);
  const outcomes = await readOutcomes(props.cloneRoot, scan.files, props.onFile);
  const problems: string[] = [];
  if (scan.directoryMissing) problems.push(`directory "${props.gitopsDirectory || '/'}" does not exist in the repository at this commit`);
  return combineOutcomes(outcomes, { problems, failedFiles: scan.problems, complete: scan.complete });
}

/**
 * The desired state of a fabric from the outcomes of its files (in path order): duplicates
 * across files, cross-object warnings and the per-file report. Outcomes are not modified, so
 * that a kept outcome can serve the next sync.
 */
export function combineOutcomes(
  outcomes: FileOutcome[],
  scan: { problems: string[]; failedFiles: { path: string; message: string }[]; complete: boolean },
): DesiredState {
  const counts = { files: outcomes.length, documents: 0, skipped: 0, invalid: 0 };
  const files: FileResult[] = [];
  const heldKeys = new Set<string>();
  const failedPaths = new Set<string>();
  for (const p of scan.failedFiles) {
    files.push({ path: p.path, documents: 0, status: 'failed', errors: [{ line: 0, message: p.message }], warnings: [], skipped: [] });
    failedPaths.add(p.path);
  }
  const fileByPath = new Map<string, FileResult>();
  const byKey = new Map<string, { record: DesiredRecord; file: FileResult }[]>();
  for (const o of outcomes) {
    const file: FileResult = { path: o.path, documents: o.documents, status: o.failed ? 'failed' : 'ok', errors: [...o.errors], warnings: [], skipped: [...o.skipped] };
    files.push(file);
    fileByPath.set(o.path, file);
    if (o.failed) failedPaths.add(o.path);
    counts.documents += o.documents;
    counts.skipped += o.skippedCount;
    counts.invalid += o.invalidCount;
    for (const key of o.held) heldKeys.add(key);
    for (const record of o.candidates) {
      const list = byKey.get(record.key);
      if (list) list.push({ record, file });
      else byKey.set(record.key, [{ record, file }]);
    }
  }

  // An identity defined twice is an error naming both places, and none of its documents is applied.
  const desired: DesiredRecord[] = [];
  for (const [key, list] of byKey) {
    if (list.length === 1) {
      desired.push({ ...list[0]!.record });
      continue;
    }
    heldKeys.add(key);
    counts.invalid += list.length;
    const places = list.map((c) => `${c.record.path}:${c.record.line}`).join(' and ');
    for (const { record: c, file } of list) file.errors.push({ line: c.line, message: `${c.kind} ${c.namespace}/${c.name} is defined more than once (${places}); none of them is applied` });
  }

  const warnings = crossValidate(desired);
  for (const d of desired) {
    const w = warnings.get(d.key);
    if (!w?.length) continue;
    d.warnings = w.map((issue) => ({ line: d.line, message: issue.message }));
    fileByPath.get(d.path)?.warnings.push(...w.map((issue) => ({ line: d.line, message: `${d.kind} ${d.name}: ${issue.message}` })));
  }
  for (const f of files) if (f.status === 'ok') f.status = f.errors.length ? 'errors' : f.warnings.length ? 'warnings' : 'ok';
  return { files, desired, heldKeys, failedPaths, counts, problems: scan.problems, complete: scan.complete, outcomes: new Map(outcomes.map((o) => [o.path, o])) };
}
