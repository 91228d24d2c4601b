// Parsing YAML is most of a full sync's CPU time and almost all of its garbage. A large checkout
// is shared out over worker threads: the cores work together, and the parsers' garbage lives in
// the threads' own bounded heaps, which go when they end, instead of growing the worker's.
// Any failure of a thread (out of memory on a giant file, a thread that cannot start) is
// answered by parsing everything in this thread, which gives the same outcomes.

import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScannedFile } from '../gitops/scan';
import { readFileOutcome, type FileOutcome } from './fileOutcome';
import { parseThreadScript } from './parseThreadScript';

const MAX_THREADS = 4;
// Below this, starting threads costs more than it saves.
const MIN_BYTES_FOR_THREADS = 2 * 1024 * 1024;
const THREAD_HEAP_MB = 192;

/** A file to read: from `cloneRoot`, or its content when it is already in memory (blobs of a kept clone). */
export type FileToRead = ScannedFile & { content?: Buffer };

/** The outcome of every file, in the order given. */
export async function readOutcomes(
  cloneRoot: string,
  files: FileToRead[],
  onFile?: (done: number, total: number) => void,
  opts: { minBytesForThreads?: number; script?: string | null } = {},
): Promise<FileOutcome[]> {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const threads = Math.min(availableParallelism(), MAX_THREADS, files.length);
  if (threads >= 2 && bytes >= (opts.minBytesForThreads ?? MIN_BYTES_FOR_THREADS)) {
    const shared = await readInThreads(cloneRoot, files, threads, onFile, opts.script).catch(() => null);
    if (shared) return shared;
  }
  const outcomes: FileOutcome[] = [];
  for (const [i, f] of files.entries()) {
    onFile?.(i, files.length);
    outcomes.push(readFileOutcome(f.path, f.content ?? (await readFile(join(cloneRoot, f.path)))));
  }
  onFile?.(files.length, files.length);
  return outcomes;
}

/**
 * The outcomes computed on `threads` worker threads; rejects when any thread fails. `script` is
 * the bundled thread code (by default the process's own; null starts threads through tsx).
 */
export async function readInThreads(
  cloneRoot: string,
  files: FileToRead[],
  threads: number,
  onFile?: (done: number, total: number) => void,
  script?: string | null,
): Promise<FileOutcome[]> {
  const code = script === undefined ? await parseThreadScript() : script;
  // Largest files first, each to the least loaded thread.
  const shares = Array.from({ length: threads }, () => ({ bytes: 0, files: [] as { path: string; content?: Uint8Array }[], transfer: [] as ArrayBuffer[] }));
  for (const f of [...files].sort((a, b) => b.size - a.size)) {
    const share = shares.reduce((min, s) => (s.bytes < min.bytes ? s : min));
    share.bytes += f.size;
    // A copy of its own: a view would carry its whole underlying buffer (all the blobs) to the thread.
    const content = f.content && new Uint8Array(f.content);
    share.files.push(content ? { path: f.path, content } : { path: f.path });
    if (content) share.transfer.push(content.buffer);
  }
  const byPath = new Map<string, FileOutcome>();
  const workers: Worker[] = [];
  try {
    await Promise.all(
      shares.map(
        (share) =>
          new Promise<void>((resolve, reject) => {
            const options = { workerData: { cloneRoot, files: share.files }, transferList: share.transfer, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } };
            // The bundled script needs no loader: the process's own (tsx's `--import`) is not passed on.
            const worker = code ? new Worker(code, { ...options, eval: true, execArgv: [] }) : new Worker(new URL('./parseThread.mjs', import.meta.url), options);
            workers.push(worker);
            let received = 0;
            worker.on('message', (outcome: FileOutcome) => {
              byPath.set(outcome.path, outcome);
              received++;
              onFile?.(byPath.size, files.length);
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (code === 0 && received === share.files.length ? resolve() : reject(new Error(`parse thread exited with ${code} after ${received} of ${share.files.length} files`))));
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return files.map((f) => byPath.get(f.path)!);
}
