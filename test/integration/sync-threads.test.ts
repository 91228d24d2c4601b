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
});
