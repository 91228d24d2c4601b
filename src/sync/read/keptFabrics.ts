// Kept between syncs, per fabric, in this worker process: the git directory of the last clone
// (so that the next sync fetches only the objects it lacks) and what each file yielded (so that
// only files whose blob changed are parsed again). It is a cache and nothing else: an entry
// that is missing, evicted or doubtful means a full clone and parse, which gives the same result.

import { rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { db } from '../../db';
import type { FileOutcome } from './fileOutcome';

export interface KeptFile {
  sha: string;
  outcome: FileOutcome;
}

export interface KeptFabric {
  fabricId: number;
  url: string;
  branch: string;
  gitDir: string;
  commit: string;
  files: Map<string, KeptFile>;
  records: number;
  usedAt: number;
}

// Parsed specs cost memory (about 2 KB a record): beyond this many records, the least recently
// synced fabrics go, and their next sync clones and parses in full.
const MAX_KEPT_RECORDS = 60_000;

const kept = new Map<number, KeptFabric>();
let root: string | undefined;

async function cacheRoot(): Promise<string> {
  if (!root) {
    const parent = join(tmpdir(), 'hhfm-kept');
    root = join(parent, `${process.pid}-${Date.now().toString(36)}`);
    const dir = root;
    // Clones kept by a process are of no use to the next one: removed at exit, and those of
    // processes that were killed are removed by the next process that keeps one.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    for (const name of await readdir(parent).catch(() => [] as string[])) {
      if (!isAlive(Number(name.split('-')[0]))) await rm(join(parent, name), { recursive: true, force: true });
    }
  }
  await mkdir(root, { recursive: true });
  return root;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The kept state of a fabric, if it was cloned from this URL. Any branch can be fetched into it:
 * file outcomes are keyed by blob id, so they hold whatever branch or commit the blob comes from.
 */
export function keptFabric(fabricId: number, url: string): KeptFabric | undefined {
  const entry = kept.get(fabricId);
  if (!entry || entry.url !== url) return undefined;
  entry.usedAt = Date.now();
  return entry;
}

/** Drops a fabric's kept state and its git directory. */
export async function forgetFabric(fabricId: number): Promise<void> {
  const entry = kept.get(fabricId);
  if (!entry) return;
  kept.delete(fabricId);
  await rm(entry.gitDir, { recursive: true, force: true });
}

/** Drops what is kept for fabrics that were deleted since, so that their memory goes before a large read. */
export async function forgetDeletedFabrics(): Promise<void> {
  if (!kept.size) return;
  const alive = await db().fabric.findMany({ where: { id: { in: [...kept.keys()] } }, select: { id: true } });
  const ids = new Set(alive.map((f) => f.id));
  for (const fabricId of [...kept.keys()]) if (!ids.has(fabricId)) await forgetFabric(fabricId);
}

/**
 * Keeps a fabric's state after a sync was applied. A `gitDir` outside the cache (a fresh clone's)
 * is moved in and replaces the previous one.
 */
export async function keepFabric(entry: Omit<KeptFabric, 'usedAt' | 'records'>): Promise<void> {
  const dir = await cacheRoot();
  const previous = kept.get(entry.fabricId);
  let gitDir = entry.gitDir;
  if (!gitDir.startsWith(dir)) {
    gitDir = join(dir, `fabric-${entry.fabricId}-${Date.now().toString(36)}`);
    await rename(entry.gitDir, gitDir);
  }
  if (previous && previous.gitDir !== gitDir) await rm(previous.gitDir, { recursive: true, force: true });
  let records = 0;
  for (const f of entry.files.values()) records += f.outcome.candidates.length;
  kept.set(entry.fabricId, { ...entry, gitDir, records, usedAt: Date.now() });
  let total = [...kept.values()].reduce((n, e) => n + e.records, 0);
  for (const e of [...kept.values()].sort((a, b) => a.usedAt - b.usedAt)) {
    if (total <= MAX_KEPT_RECORDS || e.fabricId === entry.fabricId) continue;
    total -= e.records;
    await forgetFabric(e.fabricId);
  }
}
