// A parse thread: reads, parses and validates its share of a checkout's files and posts each
// file's outcome back. Its heap is its own, bounded, and gone when the thread ends. It runs
// bundled into one script (parseThreadScript.ts) or, failing that, through parseThread.mjs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { readFileOutcome } from './fileOutcome';

async function postOutcomes(): Promise<void> {
  const { cloneRoot, paths } = workerData as { cloneRoot: string; paths: string[] };
  for (const path of paths) parentPort!.postMessage(readFileOutcome(path, await readFile(join(cloneRoot, path))));
}

// A rejection is uncaught in the thread, which ends it with an 'error' event: the caller parses in its own thread.
void postOutcomes();
