import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatBytes, scanDirectory } from '../../src/gitops/scan';

let clone: string;
let outside: string;

async function put(path: string, content = 'kind: X\n'): Promise<void> {
  await mkdir(dirname(join(clone, path)), { recursive: true });
  await writeFile(join(clone, path), content);
}

beforeEach(async () => {
  clone = await mkdtemp(join(tmpdir(), 'hhfm-scan-'));
  outside = await mkdtemp(join(tmpdir(), 'hhfm-outside-'));
  await writeFile(join(outside, 'secret.yaml'), 'password: hunter2\n');
});

afterEach(async () => {
  await rm(clone, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('scanDirectory', () => {
  it('lists *.yaml and *.yml files recursively, sorted, skipping dot-files, dot-directories and other files', async () => {
    await put('gitops/fab/b.yaml');
    await put('gitops/fab/a.yml');
    await put('gitops/fab/raw/z.YAML');
    await put('gitops/fab/raw/deeper/c.yaml');
    await put('gitops/fab/README.md');
    await put('gitops/fab/.hidden.yaml');
    await put('gitops/fab/.hnp/manifest.yaml');
    await put('gitops/fab/raw/.gitkeep', '');
    await put('gitops/other/x.yaml');
    await put('.git/config.yaml');

    const result = await scanDirectory(clone, 'gitops/fab/');
    expect(result.files.map((f) => f.path)).toEqual([
      'gitops/fab/a.yml',
      'gitops/fab/b.yaml',
      'gitops/fab/raw/deeper/c.yaml',
      'gitops/fab/raw/z.YAML',
    ]);
    expect(result.files[0]?.size).toBe(8);
    expect(result).toMatchObject({ problems: [], directoryMissing: false, complete: true });
  });

  it('scans the whole repository for the root directory, but not .git', async () => {
    await put('a.yaml');
    await put('.git/HEAD.yaml');
    const result = await scanDirectory(clone, '');
    expect(result.files.map((f) => f.path)).toEqual(['a.yaml']);
  });

  it('reports a missing directory', async () => {
    await put('gitops/fab/a.yaml');
    expect(await scanDirectory(clone, 'gitops/nope/')).toEqual({
      files: [],
      problems: [],
      directoryMissing: true,
      complete: true,
    });
  });

  it('does not follow a symlink that points outside the repository', async () => {
    await put('gitops/fab/a.yaml');
    await symlink(join(outside, 'secret.yaml'), join(clone, 'gitops/fab/evil.yaml'));
    await symlink(outside, join(clone, 'gitops/fab/evil-dir'));
    await symlink('../../../../../../../../etc/passwd', join(clone, 'gitops/fab/passwd.yaml'));
    const result = await scanDirectory(clone, 'gitops/fab/');
    expect(result.files.map((f) => f.path)).toEqual(['gitops/fab/a.yaml']);
    expect(result.problems).toEqual([
      { path: 'gitops/fab/evil-dir', message: 'symlink points outside the repository' },
      { path: 'gitops/fab/evil.yaml', message: 'symlink points outside the repository' },
      { path: 'gitops/fab/passwd.yaml', message: 'symlink points outside the repository' },
    ]);
  });

  it('refuses a gitops directory that is itself a symlink out of the repository', async () => {
    await mkdir(join(clone, 'gitops'));
    await symlink(outside, join(clone, 'gitops/fab'));
    const result = await scanDirectory(clone, 'gitops/fab/');
    expect(result.files).toEqual([]);
    expect(result.directoryMissing).toBe(true);
    expect(result.problems).toEqual([
      { path: 'gitops/fab', message: 'the gitops directory resolves outside the repository' },
    ]);
  });

  it('refuses symlinks into .git', async () => {
    await put('.git/config', '[core]\n');
    await symlink('.git/config', join(clone, 'gitops-config.yaml'));
    const result = await scanDirectory(clone, '');
    expect(result.problems).toEqual([{ path: 'gitops-config.yaml', message: 'symlink points into .git' }]);
  });

  it('follows symlinks that stay inside the repository, once, even in a loop', async () => {
    await put('shared/common.yaml');
    await mkdir(join(clone, 'gitops/fab'), { recursive: true });
    await symlink('../../shared/common.yaml', join(clone, 'gitops/fab/common.yaml'));
    await symlink('..', join(clone, 'gitops/fab/loop'));
    const result = await scanDirectory(clone, 'gitops/fab/');
    expect(result.files.map((f) => f.path)).toEqual(['gitops/fab/common.yaml']);
    expect(result.problems).toEqual([]);
  });

  it('reports a dangling YAML symlink', async () => {
    await mkdir(join(clone, 'fab'));
    await symlink('missing.yaml', join(clone, 'fab/dangling.yaml'));
    const result = await scanDirectory(clone, 'fab/');
    expect(result.problems).toEqual([{ path: 'fab/dangling.yaml', message: 'symlink target does not exist' }]);
  });

  it('skips files over the size limit with a problem naming both sizes', async () => {
    await put('fab/small.yaml', 'a: 1\n');
    await put('fab/big.yaml', 'x'.repeat(3 * 1024 * 1024));
    const result = await scanDirectory(clone, 'fab/', { maxFileBytes: 1024 * 1024 });
    expect(result.files.map((f) => f.path)).toEqual(['fab/small.yaml']);
    expect(result.problems).toEqual([{ path: 'fab/big.yaml', message: 'file is 3 MB, over the 1 MB limit' }]);
    expect(result.complete).toBe(true);
  });

  it('stops at the file count limit and says the list is incomplete', async () => {
    for (let i = 0; i < 5; i++) await put(`fab/f${i}.yaml`);
    const result = await scanDirectory(clone, 'fab/', { maxFiles: 3 });
    expect(result.files).toHaveLength(3);
    expect(result.complete).toBe(false);
    expect(result.problems).toEqual([
      { path: 'fab', message: 'more than 3 YAML files under the directory; the scan stopped there' },
    ]);
  });

  it('stops at the total size limit', async () => {
    for (let i = 0; i < 4; i++) await put(`fab/f${i}.yaml`, 'x'.repeat(1000));
    const result = await scanDirectory(clone, 'fab/', { maxTotalBytes: 2500 });
    expect(result.files).toHaveLength(2);
    expect(result.complete).toBe(false);
    expect(result.problems[0]?.message).toMatch(/exceed 2.4 KB in total/);
  });
});

describe('formatBytes', () => {
  it.each([
    [900, '900 bytes'],
    [1536, '1.5 KB'],
    [52 * 1024 * 1024 + 1000, '52 MB'],
    [10 * 1024 * 1024, '10 MB'],
  ])('formats %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
