import { kindByName } from '../../crds';
import { HEDGEHOG_DEFAULTS, resolveConfig, type ConfigSource, type FabricConfig } from '../../crds/fabricConfig';
import { crossValidate, effectiveSpec } from '../../crds/validate';
import { scanDirectory } from '../../gitops/scan';
import { NONE, type FileOutcome } from './fileOutcome';
import type { DesiredRecord, Issue } from '../plan';
import { readOutcomes } from './readOutcomes';

export { readFileOutcome, type FileOutcome } from './fileOutcome';

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
  /** Problems of the scan itself (limits); they make the run partial. */
  problems: string[];
  /** The gitops directory is not in the commit: the run fails, naming the directories nearest to it. */
  missingDirectory?: { directory: string; nearest: string[] };
  /** False when a limit stopped the scan: the files it did not reach must not be pruned. */
  complete: boolean;
  /** What each file yielded on its own, by path: a later sync reuses it for a file whose content did not change. */
  outcomes: Map<string, FileOutcome>;
  /** Where the fabric configuration the rules used came from: a Fabricator document, else the fabric's settings. */
  configSource: ConfigSource;
}

/**
 * Scan, parse, classify and validate every YAML file of a fabric's directory in a clone.
 * Files are read one at a time (per thread), so memory holds the records, not the YAML trees.
 */
export async function readDesiredState(props: {
  cloneRoot: string;
  gitopsDirectory: string;
  onFile?: (done: number, total: number) => void;
  /** The fabric's own settings, used when its directory holds no Fabricator document. */
  settings?: FabricConfig;
}): Promise<DesiredState> {
  const scan = await scanDirectory(props.cloneRoot, props.gitopsDirectory);
  const outcomes = await readOutcomes(props.cloneRoot, scan.files, props.onFile);
  const state = combineOutcomes(
    outcomes,
    { problems: [], failedFiles: scan.problems, complete: scan.complete },
    props.settings,
  );
  if (scan.directoryMissing) state.missingDirectory = { directory: props.gitopsDirectory || '/', nearest: [] };
  return state;
}

/**
 * The desired state of a fabric from the outcomes of its files (in path order): duplicates
 * across files, cross-object warnings and the per-file report. Outcomes are not modified, so
 * that a kept outcome can serve the next sync.
 */
export function combineOutcomes(
  outcomes: FileOutcome[],
  scan: { problems: string[]; failedFiles: { path: string; message: string }[]; complete: boolean },
  settings: FabricConfig = HEDGEHOG_DEFAULTS,
): DesiredState {
  // A Fabricator document in the directory says how the fabric is configured; the first one (in path order) wins.
  const { config, source: configSource } = resolveConfig(firstFabricator(outcomes), settings);
  const counts = { files: outcomes.length, documents: 0, skipped: 0, invalid: 0 };
  const files: FileResult[] = [];
  const heldKeys = new Set<string>();
  const failedPaths = new Set<string>();
  for (const p of scan.failedFiles) {
    files.push({
      path: p.path,
      documents: 0,
      status: 'failed',
      errors: [{ line: 0, message: p.message }],
      warnings: [],
      skipped: [],
    });
    failedPaths.add(p.path);
  }
  const fileByPath = new Map<string, FileResult>();
  // A file's lists start as its outcome's own (shared, never modified; most stay empty) and are
  // copied when the cross-file step first adds to them.
  const added = new Set<FileResult>();
  const addTo = (file: FileResult, list: 'errors' | 'warnings', issues: Issue[]) => {
    if (!added.has(file)) {
      added.add(file);
      file.errors = [...file.errors];
      file.warnings = [...file.warnings];
    }
    file[list].push(...issues);
  };
  // A key's one record as itself, a list only when it is defined again (its file is the record's path's).
  const byKey = new Map<string, DesiredRecord | DesiredRecord[]>();
  for (const o of outcomes) {
    const file: FileResult = {
      path: o.path,
      documents: o.documents,
      status: o.failed ? 'failed' : 'ok',
      errors: o.errors,
      warnings: NONE,
      skipped: o.skipped,
    };
    files.push(file);
    fileByPath.set(o.path, file);
    if (o.failed) failedPaths.add(o.path);
    counts.documents += o.documents;
    counts.skipped += o.skippedCount;
    counts.invalid += o.invalidCount;
    for (const key of o.held) heldKeys.add(key);
    for (const record of o.candidates) {
      const seen = byKey.get(record.key);
      if (!seen) byKey.set(record.key, record);
      else if (Array.isArray(seen)) seen.push(record);
      else byKey.set(record.key, [seen, record]);
    }
  }

  // An identity defined twice is an error naming both places, and none of its documents is applied.
  const desired: DesiredRecord[] = [];
  for (const [key, list] of byKey) {
    if (!Array.isArray(list)) {
      const record = list;
      const file = fileByPath.get(record.path)!;
      // Per-object rules that depend on the fabric's configuration: errors, like the rest of validateDocument.
      const configErrors = configIssues(record, config);
      if (configErrors.length > 0) {
        heldKeys.add(key);
        counts.invalid++;
        addTo(
          file,
          'errors',
          configErrors.map((message) => ({
            line: record.line,
            message: [record.kind, ' ', record.name, ': ', message].join(''),
          })),
        );
        continue;
      }
      // Shared with its file's outcome (a later sync may reuse it): never modified, copied below when it has warnings.
      desired.push(record);
      continue;
    }
    heldKeys.add(key);
    counts.invalid += list.length;
    const places = list.map((c) => `${c.path}:${c.line}`).join(' and ');
    for (const c of list)
      addTo(fileByPath.get(c.path)!, 'errors', [
        {
          line: c.line,
          message: `${c.kind} ${c.namespace}/${c.name} is defined more than once (${places}); none of them is applied`,
        },
      ]);
  }

  const warnings = crossValidate(desired, config);
  for (const [i, d] of desired.entries()) {
    const w = warnings.get(d.key);
    if (!w?.length) continue;
    desired[i] = { ...d, warnings: w.map((issue) => ({ line: d.line, message: issue.message })) };
    const file = fileByPath.get(d.path);
    // Joined, not a template: a template's cons string keeps its parts, and the run keeps these.
    if (file)
      addTo(
        file,
        'warnings',
        w.map((issue) => ({ line: d.line, message: [d.kind, ' ', d.name, ': ', issue.message].join('') })),
      );
  }
  for (const f of files)
    if (f.status === 'ok') f.status = f.errors.length ? 'errors' : f.warnings.length ? 'warnings' : 'ok';
  return {
    files,
    desired,
    heldKeys,
    failedPaths,
    counts,
    problems: scan.problems,
    complete: scan.complete,
    outcomes: new Map(outcomes.map((o) => [o.path, o])),
    configSource,
  };
}

/** The first Fabricator document, with its file and (when the file's skipped documents tell it) its line. */
function firstFabricator(outcomes: FileOutcome[]): { doc: unknown; path: string; line?: number } | undefined {
  const o = outcomes.find((x) => x.fabricators?.length);
  if (!o) return undefined;
  const lines = o.skipped.filter((s) => s.kind === 'Fabricator').map((s) => s.line);
  return { doc: o.fabricators[0], path: o.path, ...(lines.length === o.fabricators.length && { line: lines[0] }) };
}

function configIssues(record: DesiredRecord, config: FabricConfig): string[] {
  const kind = kindByName(record.kind);
  if (!kind?.checkConfig) return [];
  return kind
    .checkConfig(effectiveSpec(kind, record.spec), config, { name: record.name, annotations: record.annotations })
    .map((i) => i.message);
}
