import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';
import { manyDocuments } from '../fixtures/hostile';
import { randomBytes } from 'node:crypto';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

describe('scratch', () => {
  it('times', async () => {
    const repo = await h.repository();
    const files: Record<string, string | Buffer> = {};
    for (let f = 0; f < 100; f++) files[`big/f${f}.yaml`] = manyDocuments(200, `sg-${f}`);
    files['blob.bin'] = randomBytes(30 * 1024 * 1024);
    let t = Date.now();
    await commitFiles(repo.bare, files, 'big');
    console.log('commit', Date.now() - t);
    const fabric = await h.fabric(repo.id, 'big/');
    t = Date.now();
    const res = await h.api.post(`/fabrics/${fabric.id}/sync`, {});
    let last = '';
    for (;;) {
      const run = await db().syncRun.findUniqueOrThrow({ where: { id: res.body.syncRunId } });
      if (run.stage !== last) { console.log(Date.now() - t, run.stage, run.status); last = run.stage; }
      if (run.status !== 'queued' && run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log('total', Date.now() - t);
    expect(await db().crdRecord.count({ where: { fabricId: fabric.id } })).toBe(20000);
  }, 120_000);
});
