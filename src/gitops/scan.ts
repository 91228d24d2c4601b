// Finds the YAML files of a fabric inside a clone. The clone is hostile input: symlinks may
// point anywhere, files may be huge, and the tree may be enormous, so every path is resolved
// and checked against the clone before it is read, and sizes and counts are bounded.

import { statSync, type Dirent, type Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface ScanLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export interface ScannedFile {
  /** Relative to the clone root, '/'-separated. */
  path: string;
  size: number;
}

export interface ScanProblem {
  path: string;
  message: string;
}

export interface ScanResult {
  files: ScannedFile[];
  /** Files or directories that were not read, and why; a problem path keeps its records. */
  problems: ScanProblem[];
  directoryMissing: boolean;
  /** False when a count or size limit cut the scan short: the file list is partial, so nothing may be pruned. */
  complete: boolean;
}

// A fabric kept one file per record (as the NetBox plugin wrote it) reaches 50,000 files at
// 50,000 records; the byte limits are what guard memory.
export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxFiles: 100_000,
  maxFileBytes: 10 * 1024 * 1024,
  maxTotalBytes: 200 * 1024 * 1024,
};

const YAML_FILE = /\.ya?ml$/i;
const YIELD_EVERY_MS = 50;

/** Lists every *.yaml / *.yml under `gitopsDirectory` (normalised, relative) of the clone, sorted by path. */
export async function scanDirectory(
  cloneRoot: string,
  gitopsDirectory: string,
  limits: Partial<ScanLimits> = {},
): Promise<ScanResult> {
  const max = { ...DEFAULT_SCAN_LIMITS, ...limits };
  const root = await realpath(cloneRoot);
  const problems: ScanProblem[] = [];
  const files: ScannedFile[] = [];
  const shownDir = gitopsDirectory === '' ? '.' : gitopsDirectory.replace(/\/$/, '');
  const result = (directoryMissing: boolean, complete: boolean): ScanResult => ({
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    problems: problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    directoryMissing,
    complete,
  });

  let start: string;
  try {
    start = await realpath(join(root, gitopsDirectory));
  } catch {
    return result(true, true);
  }
  const where = locate(root, start);
  if (where !== 'inside') {
    problems.push({
      path: shownDir,
      message:
        where === 'git'
          ? 'the gitops directory points into .git'
          : 'the gitops directory resolves outside the repository',
    });
    return result(true, true);
  }
  if (!(await stat(start)).isDirectory()) {
    problems.push({ path: shownDir, message: 'the gitops directory is a file, not a directory' });
    return result(true, true);
  }

  let totalBytes = 0;
  let complete = true;
  const visited = new Set<string>([start]);
  // Iterative walk: a deep tree must not exhaust the stack.
  const pending: { real: string; shown: string }[] = [{ real: start, shown: gitopsDirectory.replace(/\/$/, '') }];
  let yielded = performance.now();
  walk: while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir.real, { withFileTypes: true });
    } catch (error) {
      problems.push({
        path: dir.shown || '.',
        message: `cannot read directory: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      });
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      // Joined, not a template: a sync keeps every path, and a template's cons string keeps its parts too.
      const shown = dir.shown ? [dir.shown, entry.name].join('/') : entry.name;
      const looksYaml = YAML_FILE.test(entry.name);
      let real = join(dir.real, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await realpath(real).catch(() => null);
        if (target === null) {
          if (looksYaml) problems.push({ path: shown, message: 'symlink target does not exist' });
          continue;
        }
        const targetStat = await stat(target).catch(() => null);
        if (!targetStat || (!targetStat.isDirectory() && !looksYaml)) continue;
        const place = locate(root, target);
        if (place !== 'inside') {
          problems.push({
            path: shown,
            message: place === 'git' ? 'symlink points into .git' : 'symlink points outside the repository',
          });
          continue;
        }
        real = target;
      } else if (!entry.isDirectory() && !entry.isFile()) {
        continue;
      }

      // The stats are synchronous (statOrNull): let the event loop run now and then in a large directory.
      if (performance.now() - yielded > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
      const info = statOrNull(real);
      if (!info) continue;
      if (info.isDirectory()) {
        if (!visited.has(real)) {
          visited.add(real);
          pending.push({ real, shown });
        }
        continue;
      }
      if (!info.isFile() || !looksYaml) continue;
      if (info.size > max.maxFileBytes) {
        problems.push({
          path: shown,
          message: `file is ${formatBytes(info.size)}, over the ${formatBytes(max.maxFileBytes)} limit`,
        });
        continue;
      }
      if (files.length >= max.maxFiles) {
        problems.push({
          path: shownDir,
          message: `more than ${max.maxFiles} YAML files under the directory; the scan stopped there`,
        });
        complete = false;
        break walk;
      }
      if (totalBytes + info.size > max.maxTotalBytes) {
        problems.push({
          path: shownDir,
          message: `the YAML files under the directory exceed ${formatBytes(max.maxTotalBytes)} in total; the scan stopped there`,
        });
        complete = false;
        break walk;
      }
      totalBytes += info.size;
      files.push({ path: shown, size: info.size });
    }
  }
  return result(false, complete);
}

/**
 * A file's or directory's stat, or null. Synchronous: one `await stat` per file went through
 * libuv's thread pool and cost ~0.4–2 s of CPU for 10,000 files on a busy machine, statSync
 * 0.05–0.08 s (issue 16); a checkout's metadata is in memory, so each call takes microseconds.
 */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

/**
 * The files scanDirectory would find, taken from a commit's tree listing (`git ls-tree -r` of the
 * gitops directory) instead of a checkout; each file keeps its blob id. Returns null whenever
 * the listing cannot be sure to match the checkout's scan: a symlink or submodule anywhere under
 * the directory, a missing directory, or any limit reached. The caller then scans a checkout.
 */
export function scanTree(
  entries: readonly { mode: string; path: string; size: number; sha: string }[],
  gitopsDirectory: string,
  limits: Partial<ScanLimits> = {},
): (ScannedFile & { sha: string })[] | null {
  const max = { ...DEFAULT_SCAN_LIMITS, ...limits };
  if (entries.length === 0) return null;
  const files: (ScannedFile & { sha: string })[] = [];
  let totalBytes = 0;
  for (const e of entries) {
    if (e.mode !== '100644' && e.mode !== '100755') return null;
    if (!e.path.startsWith(gitopsDirectory)) return null;
    const below = e.path.slice(gitopsDirectory.length).split('/');
    if (below.some((part) => part.startsWith('.'))) continue;
    if (!YAML_FILE.test(below[below.length - 1]!)) continue;
    if (e.size > max.maxFileBytes) return null;
    totalBytes += e.size;
    files.push({ path: e.path, size: e.size, sha: e.sha });
  }
  if (files.length > max.maxFiles || totalBytes > max.maxTotalBytes) return null;
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function locate(root: string, target: string): 'inside' | 'outside' | 'git' {
  const rel = relative(root, target);
  if (rel === '') return 'inside';
  if (rel.startsWith(`..${sep}`) || rel === '..' || rel.startsWith(sep)) return 'outside';
  const first = rel.split(sep)[0] ?? '';
  return first === '.git' ? 'git' : 'inside';
}

/** "52 MB", "1.5 KB", "900 bytes": sizes as people read them (1 MB = 1024 × 1024 bytes). */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
