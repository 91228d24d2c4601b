import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kindByName } from '../crds';
import { classify, crossValidate, validateDocument, type Issue as PathIssue } from '../crds/validate';
import { expandDocuments, stripServerFields } from '../gitops/documents';
import { parseYamlFile, type ParsedDocument } from '../gitops/parse';
import { scanDirectory } from '../gitops/scan';
import { contentHash } from './hash';
import type { DesiredRecord, Issue } from './plan';

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
}

type Candidate = DesiredRecord & { file: FileResult };

const identity = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
}

function readDocument(doc: ParsedDocument, file: FileResult, candidates: Candidate[], held: Set<string>, counts: DesiredState['counts']): void {
  const value = stripServerFields(doc.value);
  const c = classify(value);
  if (c.type === 'skip') {
    counts.skipped++;
    const v = value as { kind?: unknown } | null;
    file.skipped.push({ line: doc.line, kind: typeof v?.kind === 'string' ? v.kind : '(no kind)', reason: c.reason });
    return;
  }
  const meta = (value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  const heldKey = typeof meta?.name === 'string' && c.type === 'kind' ? identity(c.kind.kind, typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default', meta.name) : undefined;
  if (c.type === 'unserved') {
    counts.invalid++;
    file.errors.push({ line: doc.line, message: c.message });
    const kind = kindByName(String((value as { kind?: unknown }).kind));
    if (kind && typeof meta?.name === 'string') held.add(identity(kind.kind, 'default', meta.name));
    return;
  }
  const check = validateDocument(value as Record<string, unknown>, c.kind);
  if (check.errors.length) {
    counts.invalid++;
    for (const e of check.errors) file.errors.push({ line: doc.lineOf(e.path), message: describe(c.kind.kind, check.name, e) });
    if (heldKey) held.add(heldKey);
    return;
  }
  const record = value as { apiVersion: string; metadata: { labels?: unknown; annotations?: unknown } };
  const labels = stringMap(record.metadata.labels);
  const annotations = stringMap(record.metadata.annotations);
  const desired = { kind: c.kind.kind, apiVersion: record.apiVersion, namespace: check.namespace, name: check.name, spec: check.spec, labels, annotations };
  const refs = [...new Set(c.kind.references(check.spec).map((r) => `${r.kind}/${r.name}`))];
  candidates.push({ ...desired, key: identity(desired.kind, desired.namespace, desired.name), path: file.path, line: doc.line, contentHash: contentHash(desired), refs, warnings: [], file });
}

function describe(kind: string, name: string | undefined, issue: PathIssue): string {
  return `${kind}${name ? ` ${name}` : ''}: ${issue.message}`;
}

/**
 * Scan, parse, classify and validate every YAML file of a fabric's directory in a clone.
 * Files are read one at a time, so memory holds the records, not the YAML trees.
 */
export async function readDesiredState(props: { cloneRoot: string; gitopsDirectory: string; onFile?: (done: number, total: number) => void }): Promise<DesiredState> {
  const scan = await scanDirectory(props.cloneRoot, props.gitopsDirectory);
  const counts = { files: scan.files.length, documents: 0, skipped: 0, invalid: 0 };
  const files: FileResult[] = [];
  const candidates: Candidate[] = [];
  const heldKeys = new Set<string>();
  const failedPaths = new Set<string>();
  const problems: string[] = [];
  if (scan.directoryMissing) problems.push(`directory "${props.gitopsDirectory || '/'}" does not exist in the repository at this commit`);
  for (const p of scan.problems) {
    files.push({ path: p.path, documents: 0, status: 'failed', errors: [{ line: 0, message: p.message }], warnings: [], skipped: [] });
    failedPaths.add(p.path);
  }

  for (const [i, entry] of scan.files.entries()) {
    const file: FileResult = { path: entry.path, documents: 0, status: 'ok', errors: [], warnings: [], skipped: [] };
    files.push(file);
    props.onFile?.(i, scan.files.length);
    const parsed = parseYamlFile(await readFile(join(props.cloneRoot, entry.path)));
    if (parsed.errors.length) {
      // A file that does not parse is applied not at all: its records stay as they were.
      file.status = 'failed';
      file.errors.push(...parsed.errors);
      failedPaths.add(entry.path);
      continue;
    }
    const docs = expandDocuments(parsed.documents);
    file.documents = docs.length;
    counts.documents += docs.length;
    for (const doc of docs) readDocument(doc, file, candidates, heldKeys, counts);
  }
  props.onFile?.(scan.files.length, scan.files.length);

  // An identity defined twice is an error naming both places, and none of its documents is applied.
  const byKey = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byKey.get(c.key);
    if (list) list.push(c);
    else byKey.set(c.key, [c]);
  }
  const desired: DesiredRecord[] = [];
  for (const [key, list] of byKey) {
    if (list.length === 1) {
      const { file: _file, ...record } = list[0]!;
      desired.push(record);
      continue;
    }
    heldKeys.add(key);
    counts.invalid += list.length;
    const places = list.map((c) => `${c.path}:${c.line}`).join(' and ');
    for (const c of list) c.file.errors.push({ line: c.line, message: `${c.kind} ${c.namespace}/${c.name} is defined more than once (${places}); none of them is applied` });
  }

  const warnings = crossValidate(desired);
  const fileByPath = new Map(files.map((f) => [f.path, f]));
  for (const d of desired) {
    const w = warnings.get(d.key);
    if (!w?.length) continue;
    d.warnings = w.map((issue) => ({ line: d.line, message: issue.message }));
    fileByPath.get(d.path)?.warnings.push(...w.map((issue) => ({ line: d.line, message: `${d.kind} ${d.name}: ${issue.message}` })));
  }
  for (const f of files) if (f.status === 'ok') f.status = f.errors.length ? 'errors' : f.warnings.length ? 'warnings' : 'ok';
  return { files, desired, heldKeys, failedPaths, counts, problems, complete: scan.complete };
}
