// The fabric form checks its directory against the head of the branch (git ls-tree of a
// tree-only clone, through the git layer) and warns, naming directories that exist.
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs, unique } from '../helpers/factories';
import { commitDirectory } from '../helpers/gitServer';
import { SEED, useSyncHarness } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app, { worker: false });

describe('the fabric form', async () => {
  const admin = await signInAs(app, 'admin');
  const repo = await h.repository();
  await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');

  async function save(gitopsDirectory: string) {
    const name = unique('fabric');
    const res = await admin.agent
      .post('/fabrics')
      .type('form')
      .send({ _csrf: admin.csrf, name, repositoryId: repo.id, gitopsDirectory, prune: 'on', enabled: 'on' });
    expect(res.status).toBe(302);
    return (await admin.agent.get(res.headers.location!)).text;
  }

  it('warns when the directory is not at the head of the branch, naming the nearest that are', async () => {
    const page = await save('gitops/hedgehog/fabric-9');
    expect(page).toMatch(
      /class="alert alert-warning" role="alert">Directory gitops\/hedgehog\/fabric-9\/ does not exist at the head of main \([0-9a-f]{8}\): directories there include gitops\/hedgehog\/fabric-1\//,
    );
    // The fabric is saved all the same: the directory may come with the next commit.
    expect(await db().fabric.count({ where: { gitopsDirectory: 'gitops/hedgehog/fabric-9/' } })).toBe(1);
  });

  it('says nothing when the directory exists', async () => {
    const page = await save('gitops/hedgehog/fabric-1');
    expect(page).not.toContain('does not exist at the head');
    expect(page).not.toContain('alert-warning');
  });
});
