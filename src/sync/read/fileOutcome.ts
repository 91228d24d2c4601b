import { hash } from 'node:crypto';
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
  /** Per document of the file, what it yielded, so that a later parse of the file reuses it (see DocumentParts). */
  parts?: DocumentParts;
}

/**
 * What each document of a file added to its outcome, in file order, so that when the file
 * changes only its changed documents are composed and validated again (a change spread over
 * every file of a fabric touches a few documents of each): a document is recognised by the
 * hash of its source text, and what it yielded is the same but for its lines, which move with
 * it. Absent for a file that failed, whose documents depend on their surroundings (YAML
 * directives, document-end markers), or that holds one document.
 */
export interface DocumentParts {
  /** SHA-256 (base64) of each document's source text. */
  hashes: string[];
  /** PART_FIELDS numbers per document: the line it starts on, then how many of each list it added. */
  counts: Int32Array;
  /** Only in what a parse hands back before completeOutcome: the index of the previous part reused, or -1. */
  from?: Int32Array;
}

// line, documents, errors, skipped, candidates, held, skippedCount, invalidCount, fabricators
const PART_FIELDS = 9;

// Joined rather than a template literal: a template gives a cons string (a node pointing at its
// parts, flattened into a third string when first hashed), and these keys live as long as the sync.
const identity = (kind: string, namespace: string, name: string) => [kind, namespace, name].join('/');

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const text = typeof x === 'string' ? x : JSON.stringify(x);
    // An own `__proto__` key (the yaml library makes one) stays a key, as Object.fromEntries keeps it.
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: text, writable: true, enumerable: true, configurable: true });
    else out[k] = text;
  }
  return out;
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
  const kind = c.kind.kind;
  const refs = [...new Set(c.kind.references(check.spec).map((r) => [r.kind, r.name].join('/')))];
  file.candidates.push({
    kind,
    apiVersion: record.apiVersion,
    namespace: check.namespace,
    name: check.name,
    spec: check.spec,
    labels,
    annotations,
    key: identity(kind, check.namespace, check.name),
    path: file.path,
    line: doc.line,
    contentHash: contentHash({ apiVersion: record.apiVersion, spec: check.spec, labels, annotations }),
    refs,
    warnings: [],
  });
}

// Most of a file's lists are empty (one file per record: all but one), and a list grown by
// push keeps room for 16 more items: a sync holds every file's outcome, so each list is
// trimmed to its items, and an empty one is this one shared, frozen list (issue 16: 50,000
// one-record files held ~30 MB of empty and half-empty lists).
export const NONE: never[] = Object.freeze([]) as never[];
const trimmed = <T>(list: T[]): T[] => (list.length === 0 ? NONE : list.slice());

/**
 * The outcome with its lists trimmed (see NONE) and its typed array a copy of its own (one that
 * v8.deserialize gives back is a view into the buffer it read); outcomes are never modified
 * once made.
 */
export function compactOutcome(o: FileOutcome): FileOutcome {
  o.errors = trimmed(o.errors);
  o.skipped = trimmed(o.skipped);
  o.candidates = trimmed(o.candidates);
  o.held = trimmed(o.held);
  o.fabricators = trimmed(o.fabricators);
  if (o.parts) {
    o.parts.hashes = o.parts.hashes.slice();
    o.parts.counts = o.parts.counts.slice();
  }
  return o;
}

/** A file's outcome before any of its documents is read. */
function emptyOutcome(path: string): FileOutcome {
  return {
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
}

/**
 * Parses, classifies and validates one file on its own. `known` are the document hashes of the
 * file's previous outcome: documents with one of them are skipped, and completeOutcome fills in
 * what they yielded from that outcome.
 */
export function readFileOutcome(path: string, content: Buffer, known?: readonly string[]): FileOutcome {
  const file = emptyOutcome(path);
  const previousPart = new Map<string, number>();
  known?.forEach((hash, i) => (previousPart.has(hash) ? undefined : previousPart.set(hash, i)));
  const hashes: string[] = [];
  const counts: number[] = [];
  const from: number[] = [];
  const partAt = new Map<number, number>();
  const before = new Int32Array(PART_FIELDS - 1);
  const after = new Int32Array(PART_FIELDS - 1);
  let reused = false;
  const documentText = (text: string, line: number, offset: number): boolean => {
    const textHash = hash('sha256', text, 'base64');
    const previous = previousPart.get(textHash) ?? -1;
    partAt.set(offset, hashes.length);
    hashes.push(textHash);
    counts.push(line, 0, 0, 0, 0, 0, 0, 0, 0);
    from.push(previous);
    if (previous >= 0) reused = true;
    return previous >= 0;
  };
  // Each document is validated as soon as it is parsed, so that its syntax tree goes before the
  // next one is built. What a later syntax error makes void is dropped below; an exception of
  // the validation counts only if the file parses, as when validation ran after parsing.
  let failure: { error: unknown } | undefined;
  const errors = streamYamlFile(
    content,
    (parsed, offset) => {
      if (failure) return;
      lengths(file, before);
      try {
        for (const doc of expandDocuments([parsed])) {
          file.documents++;
          readDocument(doc, file);
        }
      } catch (error) {
        failure = { error };
      }
      const part = partAt.get(offset);
      if (part === undefined) return;
      lengths(file, after);
      for (let k = 1; k < PART_FIELDS; k++) counts[part * PART_FIELDS + k]! += after[k - 1]! - before[k - 1]!;
    },
    { documentText },
  );
  if (errors.length) {
    // Skipped documents gave no errors before, and give none now; the errors of the whole file
    // are still those of a full parse, made sure of by parsing it in full.
    if (reused) return readFileOutcome(path, content);
    // A file that does not parse is applied not at all: its records stay as they were.
    return compactOutcome({
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
    });
  }
  if (failure) throw failure.error;
  // A file of one document changes only with it: nothing of it could be reused, and at one
  // file per record the parts were ~20 MB at 50,000 records (issue 16). A reused one still needs
  // them, until completeOutcome.
  if (hashes.length > 1 || reused)
    file.parts = {
      hashes,
      counts: Int32Array.from(counts),
      ...(reused ? { from: Int32Array.from(from) } : {}),
    };
  return compactOutcome(file);
}

/** The outcome's lengths, in PART_FIELDS order after the line, into `out`. */
function lengths(f: FileOutcome, out: Int32Array): void {
  out[0] = f.documents;
  out[1] = f.errors.length;
  out[2] = f.skipped.length;
  out[3] = f.candidates.length;
  out[4] = f.held.length;
  out[5] = f.skippedCount;
  out[6] = f.invalidCount;
  out[7] = f.fabricators.length;
}

/**
 * The whole outcome of a file parsed with `known` hashes of its `previous` outcome: what each
 * skipped document yielded is taken from `previous`, its lines moved by as much as the document
 * moved. The result is what a full parse of the file gives.
 */
export function completeOutcome(outcome: FileOutcome, previous: FileOutcome | undefined): FileOutcome {
  const parts = outcome.parts;
  if (!parts?.from) return outcome;
  const old = previous?.parts;
  if (!previous || !old) throw new Error(`the previous outcome of ${outcome.path} is needed to complete it`);
  // Where each previous part's items start in each list.
  const starts = new Int32Array(old.hashes.length * PART_FIELDS);
  for (let i = 1; i < old.hashes.length; i++)
    for (let k = 1; k < PART_FIELDS; k++)
      starts[i * PART_FIELDS + k] = starts[(i - 1) * PART_FIELDS + k]! + old.counts[(i - 1) * PART_FIELDS + k]!;
  const done: FileOutcome = {
    ...emptyOutcome(outcome.path),
    parts: { hashes: parts.hashes, counts: parts.counts.slice() },
  };
  const taken = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < parts.hashes.length; i++) {
    const row = i * PART_FIELDS;
    const j = parts.from[i]!;
    if (j < 0) {
      const n = (k: number) => parts.counts[row + k]!;
      const take = <T>(list: T[], k: number): T[] => list.slice(taken[k], (taken[k]! += n(k)));
      done.errors.push(...take(outcome.errors, 2));
      done.skipped.push(...take(outcome.skipped, 3));
      done.candidates.push(...take(outcome.candidates, 4));
      done.held.push(...take(outcome.held, 5));
      done.fabricators.push(...take(outcome.fabricators, 8));
      done.documents += n(1);
      done.skippedCount += n(6);
      done.invalidCount += n(7);
      continue;
    }
    const oldRow = j * PART_FIELDS;
    const shift = parts.counts[row]! - old.counts[oldRow]!;
    const n = (k: number) => old.counts[oldRow + k]!;
    const slice = <T>(list: T[], k: number): T[] => list.slice(starts[oldRow + k], starts[oldRow + k]! + n(k));
    const moved = <T extends { line: number }>(items: T[]): T[] =>
      shift ? items.map((item) => ({ ...item, line: item.line + shift })) : items;
    done.errors.push(...moved(slice(previous.errors, 2)));
    done.skipped.push(...moved(slice(previous.skipped, 3)));
    done.candidates.push(...moved(slice(previous.candidates, 4)));
    done.held.push(...slice(previous.held, 5));
    done.fabricators.push(...slice(previous.fabricators, 8));
    done.documents += n(1);
    done.skippedCount += n(6);
    done.invalidCount += n(7);
    for (let k = 1; k < PART_FIELDS; k++) done.parts!.counts[row + k] = n(k);
  }
  if (parts.hashes.length < 2) delete done.parts;
  return compactOutcome(done);
}

function describe(kind: string, name: string | undefined, issue: PathIssue): string {
  return `${kind}${name ? ` ${name}` : ''}: ${issue.message}`;
}
