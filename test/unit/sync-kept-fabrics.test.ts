// What a worker keeps of a fabric between syncs is on disk, not in its heap: the outcomes it
// reads back must be the ones it wrote (typed arrays, an own `__proto__` label, lines), and a
// damaged file must be an error (the sync then reads the fabric in full), never a partial state.
import { mkdtemp, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileOutcome } from '../../src/sync/read/fileOutcome';
import { forgetFabric, keepFabric, keptFabric, readKeptFiles, type KeptFile } from '../../src/sync/read/keptFabrics';

const server = (name: string) =>
  `---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: ${name}\n  labels:\n    __proto__: x\n    rack: r1\nspec:\n  description: ${name}\n`;

describe('kept fabrics', () => {
  const FABRIC = 987_654;
  const URL = 'file:///nowhere.git';
  afterAll(() => forgetFabric(FABRIC));

  it('reads back what it kept, file by file', async () => {
    const files = new Map<string, KeptFile>();
    // Enough records for several frames.
    for (let i = 0; i < 400; i++) {
      const path = `racks/rack-${i}.yaml`;
      // Files of different lengths: each file's typed arrays (its documents' lines and counts)
      // differ, so an outcome read back from another file's bytes would not pass for its own.
      const text = Array.from({ length: 1 + (i % 23) }, (_, j) => server(`s-${i}-${j}`)).join('# banner\n');
      files.set(path, { sha: `sha-${i}`, outcome: readFileOutcome(path, Buffer.from(text)) });
    }
    const gitDir = await mkdtemp(join(tmpdir(), 'hhfm-kept-test-'));
    await keepFabric(
      { fabricId: FABRIC, url: URL, branch: 'main', gitDir, commit: 'c1', files },
      { onDiskFromRecords: 0 },
    );
    const entry = keptFabric(FABRIC, URL)!;
    expect(entry.records).toBe([...files.values()].reduce((n, f) => n + f.outcome.candidates.length, 0));
    expect(entry.files).toBeUndefined();
    expect((await stat(entry.outcomesFile!)).size).toBeGreaterThan(1 << 20);
    const back = await readKeptFiles(entry);
    expect([...back.keys()]).toEqual([...files.keys()]);
    expect(back).toEqual(files);
    const labels = back.get('racks/rack-7.yaml')!.outcome.candidates[0]!.labels;
    expect(Object.getOwnPropertyNames(labels)).toEqual(['__proto__', 'rack']);
    expect(back.get('racks/rack-7.yaml')!.outcome.parts!.counts).toBeInstanceOf(Int32Array);
  });

  it('keeps a small fabric in memory, and hands out a copy', async () => {
    const files = new Map<string, KeptFile>([
      ['a.yaml', { sha: 'a', outcome: readFileOutcome('a.yaml', Buffer.from(server('s1'))) }],
    ]);
    const gitDir = await mkdtemp(join(tmpdir(), 'hhfm-kept-test-'));
    await keepFabric({ fabricId: FABRIC + 1, url: URL, branch: 'main', gitDir, commit: 'c1', files });
    const entry = keptFabric(FABRIC + 1, URL)!;
    expect(entry.outcomesFile).toBeUndefined();
    const back = await readKeptFiles(entry);
    back.clear();
    expect(await readKeptFiles(entry)).toEqual(files);
    await forgetFabric(FABRIC + 1);
  });

  it('refuses a damaged file', async () => {
    const entry = keptFabric(FABRIC, URL)!;
    await truncate(entry.outcomesFile!, (await stat(entry.outcomesFile!)).size - 10);
    await expect(readKeptFiles(entry)).rejects.toThrow(/ends in the middle/);
  });
});
