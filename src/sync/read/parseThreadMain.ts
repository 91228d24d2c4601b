// A parse thread: reads, parses and validates its share of a checkout's files and posts each
// file's outcome back. Its heap is its own, bounded, and gone when the thread ends. It runs
// bundled into one script (parseThreadScript.ts) or, failing that, through parseThread.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { readFileOutcome } from './fileOutcome';

interface Job {
  cloneRoot: string;
  files: { path: string; content?: Uint8Array; known?: string[] }[];
}

// Read synchronously, as readOutcomes.ts does (one `await readFile` per file cost more CPU than its YAML).
function postOutcomes({ cloneRoot, files }: Job): void {
  for (const { path, content, known } of files) {
    const bytes = content
      ? Buffer.from(content.buffer, content.byteOffset, content.byteLength)
      : readFileSync(join(cloneRoot, path));
    parentPort!.postMessage(readFileOutcome(path, bytes, known));
  }
}

// The work comes with the thread, or later in one message (a thread started while the clone runs).
// An exception is uncaught in the thread, which ends it with an 'error' event: the caller parses in its own thread.
if (workerData) postOutcomes(workerData as Job);
else parentPort!.once('message', (job: Job) => postOutcomes(job));
