// Kept between syncs, per fabric, by this worker process: the git directory of the last clone
// (so that the next sync fetches only the objects it lacks) and what each file yielded (so that
// only files whose blob changed are parsed again). It is a cache and nothing else: an entry
// that is missing, evicted or doubtful means a full clone and parse, which gives the same result.
//
// What each file yielded by a large fabric is written to a file beside the kept clone
// (v8.serialize) and read back by the next sync of the fabric, not held in the heap between
// syncs: at 50,000 records the outcomes held ~74 MB of heap for as long as the worker lived
// (issue 16). Writing and reading them back costs CPU (50,000 records: ~0.4-0.9 s to write after
// the run, ~0.5-0.7 s to read back at the next sync, load 8-11), so a smaller fabric's stay in
// memory, where its resyncs are fastest.

import { rmSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { db } from '../../db';
import { isProcessAlive } from '../../isProcessAlive';
import { compactOutcome, type FileOutcome } from './fileOutcome';

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
  /** What each file yielded, by path, when held in memory (a small fabric)… */
  files?: Map<string, KeptFile>;
  /** …or where it was written (readKeptFiles). */
  outcomesFile?: string;
  records: number;
  usedAt: number;
}

// Parsed specs cost disk and, while a sync of the fabric reads them back, memory (about 1 KB a
// record): beyond this many records, the least recently synced fabrics go, and their next sync
// clones and parses in full.
const MAX_KEPT_RECORDS = 60_000;
// From this many records, a fabric's outcomes are on disk between syncs (~15 MB of heap held).
const ON_DISK_FROM_RECORDS = 20_000;

const kept = new Map<number, KeptFabric>();
let root: string | undefined;
let written = 0;

async function cacheRoot(): Promise<string> {
  if (!root) {
    const parent = join(tmpdir(), 'hhfm-kept');
    root = join(parent, `${process.pid}-${Date.now().toString(36)}`);
    const dir = root;
    // Clones kept by a process are of no use to the next one: removed at exit, and those of
    // processes that were killed are removed by the next process that keeps one.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    for (const name of await readdir(parent).catch(() => [] as string[])) {
      if (!isProcessAlive(Number(name.split('-')[0]))) await rm(join(parent, name), { recursive: true, force: true });
    }
  }
  await mkdir(root, { recursive: true });
  return root;
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
  if (entry.outcomesFile) await rm(entry.outcomesFile, { force: true });
  await rm(entry.gitDir, { recursive: true, force: true });
}

// The outcomes file is a sequence of frames, each a 4-byte length and then v8.serialize of the
// rows of several files, about a thousand records' worth (~0.5-1 MB). Serialising 50,000 records
// in one piece took a 30 MB buffer and as much again in the serialiser's own; one frame per file
// (50,000 with one file per record) left the C heap, where each serialised buffer is allocated,
// ~140 MB larger for as long as the worker lived, in holes it could not give back (issue 16,
// /proc/self/smaps after a collection).
type Row = [path: string, sha: string, outcome: FileOutcome];
const FRAME_RECORDS = 1000;

async function writeRows(file: string, rows: Row[]): Promise<void> {
  const handle = await open(file, 'w');
  const write = async (frame: Row[]) => {
    const body = serialize(frame);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32LE(body.length);
    await handle.writev([head, body]);
  };
  try {
    let frame: Row[] = [];
    let records = 0;
    for (const row of rows) {
      frame.push(row);
      // A file counts as one record at least, so that a frame of empty files stays bounded too.
      records += Math.max(1, row[2].candidates.length);
      if (records < FRAME_RECORDS) continue;
      await write(frame);
      frame = [];
      records = 0;
    }
    if (frame.length) await write(frame);
  } finally {
    await handle.close();
  }
}

/** What each file of the kept commit yielded, by path; throws when the file is missing or damaged. */
export async function readKeptFiles(entry: KeptFabric): Promise<Map<string, KeptFile>> {
  // A copy: the caller may empty what it is given.
  if (entry.files) return new Map(entry.files);
  if (!entry.outcomesFile) throw new Error(`nothing is kept of fabric ${entry.fabricId}`);
  const files = new Map<string, KeptFile>();
  const handle = await open(entry.outcomesFile, 'r');
  const damaged = () => new Error(`${entry.outcomesFile} ends in the middle of a frame of outcomes`);
  try {
    const head = Buffer.alloc(4);
    // One buffer for every frame: the typed arrays deserialize gives back are views into it, and
    // compactOutcome copies them out before the next frame is read. A buffer per frame left
    // ~30 MB of them to the next collection at 50,000 records (issue 16).
    let body = Buffer.allocUnsafeSlow(0);
    for (;;) {
      const { bytesRead } = await handle.read(head, 0, 4, null);
      if (bytesRead === 0) break;
      if (bytesRead < 4) throw damaged();
      const length = head.readUInt32LE(0);
      if (length > body.length) body = Buffer.allocUnsafeSlow(length);
      if ((await handle.read(body, 0, length, null)).bytesRead < length) throw damaged();
      for (const [path, sha, outcome] of deserialize(body.subarray(0, length)) as Row[])
        files.set(path, { sha, outcome: compactOutcome(outcome) });
    }
  } finally {
    await handle.close();
  }
  return files;
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
export async function keepFabric(
  entry: Omit<KeptFabric, 'usedAt' | 'records' | 'outcomesFile' | 'files'> & { files: Map<string, KeptFile> },
  opts: { onDiskFromRecords?: number } = {},
): Promise<void> {
  const dir = await cacheRoot();
  const previous = kept.get(entry.fabricId);
  const stamp = `${Date.now().toString(36)}-${(++written).toString(36)}`;
  let gitDir = entry.gitDir;
  if (!gitDir.startsWith(dir)) {
    gitDir = join(dir, `fabric-${entry.fabricId}-${stamp}`);
    await rename(entry.gitDir, gitDir);
  }
  // The entry is dropped while its files change: a failure below leaves nothing half-written in use.
  kept.delete(entry.fabricId);
  if (previous && previous.gitDir !== gitDir) await rm(previous.gitDir, { recursive: true, force: true });
  if (previous?.outcomesFile) await rm(previous.outcomesFile, { force: true });
  let records = 0;
  const rows: Row[] = [];
  for (const [path, f] of entry.files) {
    records += f.outcome.candidates.length;
    rows.push([path, f.sha, f.outcome]);
  }
  const { fabricId, url, branch, commit } = entry;
  const base = { fabricId, url, branch, commit, gitDir, records, usedAt: Date.now() };
  if (records < (opts.onDiskFromRecords ?? ON_DISK_FROM_RECORDS)) {
    kept.set(fabricId, { ...base, files: entry.files });
  } else {
    const outcomesFile = join(dir, `outcomes-${fabricId}-${stamp}.v8`);
    try {
      await writeRows(outcomesFile, rows);
    } catch (err) {
      await rm(outcomesFile, { force: true });
      await rm(gitDir, { recursive: true, force: true });
      throw err;
    }
    kept.set(fabricId, { ...base, outcomesFile });
  }
  let total = [...kept.values()].reduce((n, e) => n + e.records, 0);
  for (const e of [...kept.values()].sort((a, b) => a.usedAt - b.usedAt)) {
    if (total <= MAX_KEPT_RECORDS || e.fabricId === entry.fabricId) continue;
    total -= e.records;
    await forgetFabric(e.fabricId);
  }
}
