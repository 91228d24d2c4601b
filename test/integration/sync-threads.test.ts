import { describe, expect, it } from 'vitest';
import { scanDirectory } from '../../src/gitops/scan';
import { readInThreads, readOutcomes } from '../../src/sync/readOutcomes';
import { CORPUS } from '../helpers/sync';

describe('readOutcomes', () => {
  it('gives on worker threads exactly what parsing in this thread gives, for the whole corpus', async () => {
    const scan = await scanDirectory(CORPUS, '');
    expect(scan.files.length).toBeGreaterThan(100);
    const here = await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: Number.POSITIVE_INFINITY });
    const progress: number[] = [];
    const threaded = await readInThreads(CORPUS, scan.files, 2, (done) => progress.push(done));
    expect(threaded).toEqual(here);
    expect(await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: 0 })).toEqual(here);
    expect(threaded.map((o) => o.path)).toEqual(scan.files.map((f) => f.path));
    expect(progress.at(-1)).toBe(scan.files.length);
  });

  it('gives the same outcomes when threads start through tsx instead of the bundled script', async () => {
    const scan = await scanDirectory(CORPUS, '');
    const here = await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: Number.POSITIVE_INFINITY });
    expect(await readInThreads(CORPUS, scan.files, 2, undefined, null)).toEqual(here);
  });

  it('parses in this thread, with the same outcomes, when the threads fail', async () => {
    const scan = await scanDirectory(CORPUS, '');
    const here = await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: Number.POSITIVE_INFINITY });
    const broken = 'throw new Error("this thread cannot start")';
    await expect(readInThreads(CORPUS, scan.files, 2, undefined, broken)).rejects.toThrow('cannot start');
    expect(await readOutcomes(CORPUS, scan.files, undefined, { minBytesForThreads: 0, script: broken })).toEqual(here);
  });
});
