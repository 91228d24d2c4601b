// A parse thread: reads, parses and validates its share of a checkout's files and posts each
// file's outcome back. Its heap is its own, bounded, and gone when the thread ends. It runs
// bundled into one script (parseThreadScript.ts) or, failing that, through parseThread.mjs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { readFileOutcome } from './fileOutcome';

async function postOutcomes(): Promise<void> {
  const { cloneRoot, files } = workerData as { cloneRoot: string; files: { path: string; content?: Uint8Array }[] };
  for (const { path, content } of files) {
    const bytes = content ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : await readFile(join(cloneRoot, path));
    parentPort!.postMessage(readFileOutcome(path, bytes));
  }
}

// A rejection is uncaught in the thread, which ends it with an 'error' event: the caller parses in its own thread.
void postOutcomes();
