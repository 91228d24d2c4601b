import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanDirectory, type ScanResult } from '../../src/gitops/scan';
import { readInThreads, readOutcomes, startParseThreads } from '../../src/sync/read/readOutcomes';
import { CORPUS } from '../helpers/sync';

describe('readOutcomes', () => {
  // The corpus scanned and parsed in this thread once: every case compares another way of
  // reading against these outcomes (parsing is a pure function of the files).
  let scan: ScanResult;
  let here: Awaited<ReturnType<typeof readOutcomes>>;
  beforeAll(async () => {
    scan = await scanDirectory(CORPUS, '');
    here = await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: Number.POSITIVE_INFINITY });
  });

  it('gives on worker threads exactly what parsing in this thread gives, for the whole corpus', async () => {
    expect(scan.files.length).toBeGreaterThan(100);
    const progress: number[] = [];
    const threaded = await readInThreads(CORPUS, scan.files, 2, (done) => progress.push(done));
    expect(threaded).toEqual(here);
    expect(await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: 0 })).toEqual(here);
    expect(threaded.map((o) => o.path)).toEqual(scan.files.map((f) => f.path));
    expect(progress.at(-1)).toBe(scan.files.length);
  });

  it('gives the same outcomes when threads start through tsx instead of the bundled script', async () => {
    expect(await readInThreads(CORPUS, scan.files, 2, undefined, null)).toEqual(here);
  });

  it('parses in this thread, with the same outcomes, when the threads fail', async () => {
    const broken = 'throw new Error("this thread cannot start")';
    await expect(readInThreads(CORPUS, scan.files, 2, undefined, broken)).rejects.toThrow('cannot start');
    expect(await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: 0, script: broken })).toEqual(here);
  });

  it('reads contents given in memory (the blobs of a kept clone) as it reads files, on threads and here', async () => {
    // Views into one buffer, as git cat-file's output is.
    const all = Buffer.concat(await Promise.all(scan.files.map((f) => readFile(join(CORPUS, f.path)))));
    let at = 0;
    const inMemory = scan.files.map((f) => ({ ...f, content: all.subarray(at, (at += f.size)) }));
    expect(await readInThreads('/nowhere', inMemory, 2)).toEqual(here);
    expect(
      await readOutcomes('/nowhere', inMemory, undefined, { minBytesForThreads: Number.POSITIVE_INFINITY }),
    ).toEqual(here);
    expect(all.subarray(0, 16).length).toBe(16);
  });

  it('gives the same outcomes on threads started ahead of their work (while a clone runs), files or contents', async () => {
    const started = (await startParseThreads())!;
    expect(started.workers.length).toBeGreaterThanOrEqual(2);
    expect(await readInThreads(CORPUS, scan.files, 2, undefined, undefined, started)).toEqual(here);
    await started.terminate();
    const withContents = await Promise.all(
      scan.files.map(async (f) => ({ ...f, content: await readFile(join(CORPUS, f.path)) })),
    );
    const again = startParseThreads();
    expect(await readOutcomes('/nowhere', withContents, undefined, { minBytesForThreads: 0, started: again })).toEqual(
      here,
    );
    await (await again)?.terminate();
  });

  it('parses in this thread, with the same outcomes, when threads started ahead failed', async () => {
    const broken = startParseThreads('throw new Error("this thread cannot start")');
    // Let them fail before they are given work.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(readInThreads(CORPUS, scan.files, 2, undefined, undefined, (await broken)!)).rejects.toThrow(
      'cannot start',
    );
    const failing = startParseThreads('throw new Error("this thread cannot start")');
    expect(await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: 0, started: failing })).toEqual(
      here,
    );
    await (await failing)?.terminate();
  });
});
