import { FIXTURES } from '../helpers/fixtures';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandDocuments } from '../../src/gitops/documents';
import { shallowClone } from '../../src/gitops/git';
import { parseYamlFile } from '../../src/gitops/parse';
import { scanDirectory } from '../../src/gitops/scan';
import { commitDirectory, commitFiles, createBareRepo } from '../helpers/gitServer';

const SEED = `${FIXTURES}/seed-fabric-1`;
const FABRIC_DIR = 'gitops/hedgehog/fabric-1/';

let root: string;
let bare: string;

async function cloneAndScan(gitopsDirectory = FABRIC_DIR) {
  const dir = join(root, `clone-${Math.random().toString(36).slice(2)}`);
  const commit = await shallowClone({
    url: `file://${bare}`,
    auth: { type: 'none' },
    dir,
    timeoutMs: 15_000,
    allowInsecure: true,
  });
  const scan = await scanDirectory(dir, gitopsDirectory);
  const documents = [];
  for (const file of scan.files) {
    const parsed = parseYamlFile(await readFile(join(dir, file.path)));
    expect(parsed.errors).toEqual([]);
    documents.push(
      ...expandDocuments(parsed.documents).map((d) => ({ file: file.path, line: d.line, value: d.value })),
    );
  }
  return { commit, scan, documents };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hhfm-seed-'));
  bare = await createBareRepo(root, 'seed');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('clone, scan and parse of the seed fabric', () => {
  it('finds the 3 YAML files and 48 documents of v1', async () => {
    const sha = await commitDirectory(bare, join(SEED, 'v1-735989ad', FABRIC_DIR), FABRIC_DIR, 'v1');
    const { commit, scan, documents } = await cloneAndScan();
    expect(commit.sha).toBe(sha);
    expect(scan.files.map((f) => f.path)).toEqual([
      `${FABRIC_DIR}prepop.yaml`,
      `${FABRIC_DIR}test-vpc-2.yaml`,
      `${FABRIC_DIR}test-vpc.yaml`,
    ]);
    expect(documents).toHaveLength(48);
    expect(documents.filter((d) => (d.value as { kind: string }).kind === 'VPC').map((d) => d.file)).toEqual([
      `${FABRIC_DIR}test-vpc-2.yaml`,
      `${FABRIC_DIR}test-vpc.yaml`,
    ]);
  });

  it('finds the moved files of v2 under raw/, after replacing the directory', async () => {
    await commitDirectory(bare, join(SEED, 'v2-e40d5442', FABRIC_DIR), FABRIC_DIR, 'v2', { replaceAll: true });
    const { scan, documents } = await cloneAndScan();
    expect(scan.files.map((f) => f.path)).toEqual([
      `${FABRIC_DIR}raw/prepop.yaml`,
      `${FABRIC_DIR}raw/test-vpc-2.yaml`,
      `${FABRIC_DIR}raw/test-vpc.yaml`,
    ]);
    expect(documents).toHaveLength(48);
  });

  it('reports a committed symlink that points outside the clone, and reads the rest', async () => {
    await commitFiles(
      bare,
      { [`${FABRIC_DIR}passwd.yaml`]: { symlink: '/etc/passwd' }, [`${FABRIC_DIR}raw/test-vpc.yaml`]: null },
      'hostile',
    );
    const { scan, documents } = await cloneAndScan();
    expect(scan.problems).toEqual([
      { path: `${FABRIC_DIR}passwd.yaml`, message: 'symlink points outside the repository' },
    ]);
    expect(scan.files.map((f) => f.path)).toEqual([`${FABRIC_DIR}raw/prepop.yaml`, `${FABRIC_DIR}raw/test-vpc-2.yaml`]);
    expect(documents).toHaveLength(47);
  });

  it('reports a missing gitops directory', async () => {
    const { scan } = await cloneAndScan('gitops/hedgehog/fabric-9/');
    expect(scan.directoryMissing).toBe(true);
  });
});
