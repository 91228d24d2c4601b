// Files are read on the worker's own thread. With the yaml library, parsing was most of a full
// sync's CPU and almost all of its garbage, and large checkouts were shared out over worker
// threads. With the fast path (src/gitops/fastYaml.ts) a 10,000-record fabric costs this thread
// ~0.3 s of CPU once warm (issue 16), while each thread starts cold: it evaluates the bundled
// code (zod schemas included) and warms its JIT on its own, and its outcomes are copied back.
// Two threads spent about twice the CPU of this thread for the same files, and took longer even on
// an idle machine, so threads are kept for checkouts far larger than any measured fabric (a
// 50,000-record one is ~15 MB). Any failure of a thread (out of memory on a giant file, a thread
// that cannot start) is answered by parsing everything in this thread, with the same outcomes.
//
// Files are read with readFileSync. One `await readFile` per file costs four round trips through
// libuv's thread pool (open, fstat, read, close), and with one file per record that was more CPU
// than the YAML: 10,000 files took 1.5–5.5 s of CPU one `await` at a time, 0.45–0.85 s with 16–64
// reads in flight, 0.17–0.23 s with readFileSync (issue 16, load 12–17). A fresh checkout is in
// the page cache, so a read takes microseconds; it is part of the 50 ms between yields below.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScannedFile } from '../../gitops/scan';
import { compactOutcome, completeOutcome, readFileOutcome, type FileOutcome } from './fileOutcome';
import { parseThreadScript } from './parseThreadScript';

const MAX_THREADS = 4;
// Below this, threads cost more than they save (see above).
const MIN_BYTES_FOR_THREADS = 64 * 1024 * 1024;
// This thread yields to the event loop at least this often while it parses (progress writes, the job's lock).
const YIELD_EVERY_MS = 50;
// A thread's heap is bounded, and V8 also sizes its growth by that bound (its heap controller
// lets a heap grow 1.3–2× between full collections below 2 GB, 4× from 2 GB on). Bounded at
// 192 MB, a thread ran a full mark-compact each time its few MB of live data grew by a third:
// ~10% of its CPU (10,000 records, multi-document: 3.13–3.38 s of CPU for two threads, 2.91–2.93 s
// at 2 GB; 1 GB was no better than 192 MB). A thread keeps only one file's syntax tree and
// outcome alive, so its heap stays far below the bound; the process's peak RSS while parsing
// grows by 10–15 MB at 10,000 records and 25–45 MB at 50,000 (docs/PERFORMANCE.md, issue 16).
const THREAD_HEAP_MB = 2048;

/**
 * A file to read: from `cloneRoot`, or its content when it is already in memory (blobs of a kept
 * clone); `previous` is its outcome at an earlier commit, whose unchanged documents are reused.
 */
export type FileToRead = ScannedFile & { content?: Buffer; previous?: FileOutcome };

/** The outcome of every file, in the order given. */
export async function readOutcomes(
  cloneRoot: string,
  files: FileToRead[],
  onFile?: (done: number, total: number) => void,
  opts: { minBytesForThreads?: number; script?: string | null; started?: Promise<StartedThreads | null> } = {},
): Promise<FileOutcome[]> {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const threads = Math.min(availableParallelism(), MAX_THREADS, files.length);
  if (threads >= 2 && bytes >= (opts.minBytesForThreads ?? MIN_BYTES_FOR_THREADS)) {
    const started = (await opts.started?.catch(() => null)) ?? undefined;
    const shared = await readInThreads(cloneRoot, files, threads, onFile, opts.script, started).catch(() => null);
    if (shared) return shared;
  }
  const outcomes: FileOutcome[] = [];
  let yielded = performance.now();
  for (const [i, f] of files.entries()) {
    onFile?.(i, files.length);
    const content = f.content ?? readFileSync(join(cloneRoot, f.path));
    outcomes.push(completeOutcome(readFileOutcome(f.path, content, f.previous?.parts?.hashes), f.previous));
    if (performance.now() - yielded > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      yielded = performance.now();
    }
  }
  onFile?.(files.length, files.length);
  return outcomes;
}

/** Parse threads started ahead of their work (while the clone runs), each waiting for its share. */
export interface StartedThreads {
  workers: { worker: Worker; failure: Error | null }[];
  /** Ends the threads that were not given work (or all of them); always call it. */
  terminate(): Promise<void>;
}

/**
 * Starts parse threads that wait for work: on two cores a thread takes 50–150 ms to start,
 * which the clone hides. Null on one core. `script` as for readInThreads.
 */
export async function startParseThreads(script?: string | null): Promise<StartedThreads | null> {
  const count = Math.min(availableParallelism(), MAX_THREADS);
  if (count < 2) return null;
  const code = script === undefined ? await parseThreadScript() : script;
  const workers = Array.from({ length: count }, () => {
    const started = { worker: newThread(code), failure: null as Error | null };
    // Until it is given work, a failure is only noted: the work then goes elsewhere.
    started.worker.on('error', (err) => (started.failure ??= err));
    started.worker.on(
      'exit',
      (exitCode) => (started.failure ??= new Error(`parse thread exited with ${exitCode} before it was given work`)),
    );
    return started;
  });
  return { workers, terminate: () => Promise.all(workers.map((w) => w.worker.terminate())).then(() => {}) };
}

function newThread(code: string | null, workerData?: unknown, transferList?: ArrayBuffer[]): Worker {
  const options = { workerData, transferList, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } };
  // The bundled script needs no loader: the process's own (tsx's `--import`) is not passed on.
  return code
    ? new Worker(code, { ...options, eval: true, execArgv: [] })
    : new Worker(new URL('./parseThread.mjs', import.meta.url), options);
}

/**
 * The outcomes computed on `threads` worker threads (on `started` ones when given); rejects when
 * any thread fails. `script` is the bundled thread code (by default the process's own; null
 * starts threads through tsx).
 */
export async function readInThreads(
  cloneRoot: string,
  files: FileToRead[],
  threads: number,
  onFile?: (done: number, total: number) => void,
  script?: string | null,
  started?: StartedThreads,
): Promise<FileOutcome[]> {
  const code = started ? null : script === undefined ? await parseThreadScript() : script;
  const count = started ? Math.min(threads, started.workers.length) : threads;
  // Largest files first, each to the least loaded thread.
  const shares = Array.from({ length: count }, () => ({
    bytes: 0,
    files: [] as { path: string; content?: Uint8Array; known?: string[] }[],
    transfer: [] as ArrayBuffer[],
  }));
  for (const f of [...files].sort((a, b) => b.size - a.size)) {
    const share = shares.reduce((min, s) => (s.bytes < min.bytes ? s : min));
    share.bytes += f.size;
    // A copy of its own: a view would carry its whole underlying buffer (all the blobs) to the thread.
    const content = f.content && new Uint8Array(f.content);
    // Only the hashes of its documents travel: what they yielded stays here (completeOutcome).
    const known = f.previous?.parts?.hashes;
    share.files.push({ path: f.path, ...(content ? { content } : {}), ...(known ? { known } : {}) });
    if (content) share.transfer.push(content.buffer);
  }
  const byPath = new Map<string, FileOutcome>();
  const previous = new Map(files.filter((f) => f.previous).map((f) => [f.path, f.previous]));
  const workers: Worker[] = [];
  try {
    await Promise.all(
      shares.map(
        (share, i) =>
          new Promise<void>((resolve, reject) => {
            const job = { cloneRoot, files: share.files };
            const waiting = started?.workers[i];
            if (waiting?.failure) return reject(waiting.failure);
            const worker = waiting ? waiting.worker : newThread(code, job, share.transfer);
            workers.push(worker);
            let received = 0;
            worker.on('message', (outcome: FileOutcome) => {
              // A copy from another thread: its empty lists are not the shared one.
              byPath.set(outcome.path, compactOutcome(completeOutcome(outcome, previous.get(outcome.path))));
              received++;
              onFile?.(byPath.size, files.length);
            });
            worker.on('error', reject);
            worker.on('exit', (exitCode) =>
              exitCode === 0 && received === share.files.length
                ? resolve()
                : reject(
                    new Error(`parse thread exited with ${exitCode} after ${received} of ${share.files.length} files`),
                  ),
            );
            if (waiting) worker.postMessage(job, share.transfer);
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return files.map((f) => byPath.get(f.path)!);
}
