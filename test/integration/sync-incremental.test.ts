import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDesiredState, type Fetched } from '../../src/sync/read/fetchDesiredState';
import { forgetFabric } from '../../src/sync/read/keptFabrics';
import { switchYaml } from '../helpers/fixtures';
import { commitFiles, createBareRepo } from '../helpers/gitServer';

const DIR = 'fabric/';
const FABRIC_ID = 990_001;

const server = (name: string) => `apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata:
  name: ${name}
spec:
  description: ${name}
`;
const vpc = (name: string, subnet: string) => `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: ${name}
spec:
  subnets:
    default:
      subnet: ${subnet}
      vlan: 1001
`;

let root: string;
let bare: string;

async function read(force: boolean, n: number): Promise<Fetched> {
  const workDir = join(root, `work-${n}-${force}`);
  const fetched = await fetchDesiredState({
    fabricId: FABRIC_ID,
    url: `file://${bare}`,
    auth: { type: 'none' },
    branch: 'main',
    gitopsDirectory: DIR,
    timeoutMs: 20_000,
    allowInsecure: true,
    workDir: await mkdtemp(`${workDir}-`),
    force,
    events: new EventEmitter(),
  });
  await fetched.settled;
  return fetched;
}

/** The state as the plan and the report see it. */
function comparable(f: Fetched) {
  const { outcomes: _outcomes, ...state } = f.state;
  return {
    commit: f.commit.sha,
    ...state,
    heldKeys: [...state.heldKeys].sort(),
    failedPaths: [...state.failedPaths].sort(),
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hhfm-incremental-'));
  bare = await createBareRepo(root, 'fabric');
});
afterAll(async () => {
  await forgetFabric(FABRIC_ID);
  await rm(root, { recursive: true, force: true });
});

describe('fetchDesiredState', () => {
  let step = 0;
  async function expectSameAsFullRead(expectIncremental: boolean) {
    step++;
    const quick = await read(false, step);
    const full = await read(true, step);
    expect(quick.incremental).toBe(expectIncremental);
    expect(comparable(quick)).toEqual(comparable(full));
    await full.keep();
    return quick;
  }

  it('reads a fabric in full the first time', async () => {
    await commitFiles(
      bare,
      {
        [`${DIR}switches.yaml`]: `${switchYaml('leaf-01')}---\n${switchYaml('leaf-02')}`,
        [`${DIR}servers/s1.yaml`]: server('server-01'),
        [`${DIR}vpcs.yaml`]: vpc('vpc-1', '10.0.1.0/24'),
        [`${DIR}broken.yaml`]: 'kind: [unclosed\n',
        [`${DIR}config.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
        [`${DIR}.hnp/manifest.yaml`]: '{}',
        'README.md': 'not yaml',
      },
      'v1',
      { branch: 'main' },
    );
    const first = await read(false, 0);
    expect(first.incremental).toBe(false);
    expect(first.state.counts).toEqual({ files: 5, documents: 5, skipped: 1, invalid: 0 });
    await first.keep();
  });

  it('parses only changed files and gives the state a full read gives: edits, additions, deletions, fixes', async () => {
    await commitFiles(
      bare,
      {
        [`${DIR}vpcs.yaml`]: `${vpc('vpc-1', '10.0.2.0/24')}---\n${vpc('vpc-2', '10.0.2.0/25')}`,
        [`${DIR}servers/s2.yaml`]: server('server-02'),
        [`${DIR}broken.yaml`]: switchYaml('leaf-03'),
        [`${DIR}config.yaml`]: null,
      },
      'v2',
      { branch: 'main' },
    );
    const quick = await expectSameAsFullRead(true);
    // The two VPCs overlap: a cross-file warning computed on the whole set.
    expect(quick.state.desired.filter((d) => d.kind === 'VPC' && d.warnings.length)).toHaveLength(2);
  });

  it('reads a changed multi-document file as a full read does, its unchanged documents moved with their lines', async () => {
    await commitFiles(
      bare,
      {
        // vpc-2's text is unchanged: reused, ten lines further down.
        [`${DIR}vpcs.yaml`]: `${vpc('vpc-0', '10.0.3.0/33')}---\n${vpc('vpc-1', '10.0.2.0/24')}---\n${vpc('vpc-2', '10.0.2.0/25')}`,
      },
      'v2b',
      { branch: 'main' },
    );
    const quick = await expectSameAsFullRead(true);
    expect(quick.state.desired.find((d) => d.name === 'vpc-2')?.line).toBe(21);
    expect(quick.state.desired.find((d) => d.name === 'vpc-2')?.warnings.length).toBeGreaterThan(0);
    expect(quick.state.files.find((f) => f.path === `${DIR}vpcs.yaml`)?.errors[0]?.line).toBe(8);
  });

  it('finds a duplicate between a changed file and an unchanged one', async () => {
    await commitFiles(bare, { [`${DIR}servers/copy.yaml`]: server('server-01') }, 'v3', { branch: 'main' });
    const quick = await expectSameAsFullRead(true);
    expect(quick.state.heldKeys.has('Server/default/server-01')).toBe(true);
    expect(quick.state.desired.some((d) => d.name === 'server-01')).toBe(false);
  });

  it('clones and scans a checkout when the tree has a symlink', async () => {
    await commitFiles(bare, { [`${DIR}linked.yaml`]: { symlink: 'servers/s2.yaml' } }, 'v4', { branch: 'main' });
    await expectSameAsFullRead(false);
  });

  it('goes back to parsing only changes once the symlink is gone', async () => {
    await commitFiles(
      bare,
      { [`${DIR}linked.yaml`]: null, [`${DIR}switches.yaml`]: switchYaml('leaf-01', '\n  description: moved') },
      'v5',
      { branch: 'main' },
    );
    await read(true, 50).then((f) => f.keep());
    await commitFiles(bare, { [`${DIR}servers/s3.yaml`]: server('server-03') }, 'v6', { branch: 'main' });
    await expectSameAsFullRead(true);
  });
});
