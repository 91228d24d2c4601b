import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitError, lsRemote, shallowClone, type GitAuth } from '../../src/gitops/git';
import { checkoutTree, listTree } from '../../src/gitops/objects';
import { commitFiles, createBareRepo, startGitServer, type GitServer } from '../helpers/gitServer';
import { freePort } from '../helpers/net';

const USERNAME = 'fabric-bot';
const PASSWORD = 'S3cr3t-p@ss/word+with=odd&chars';
const WRONG = 'Wr0ng-passw0rd-that-must-not-leak';

let server: GitServer;
let bare: string;
let firstSha: string;
let headSha: string;
let work: string;
let privateParent: string;

const good: GitAuth = { type: 'basic', username: USERNAME, password: PASSWORD };

async function caught(promise: Promise<unknown>): Promise<GitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitError);
  return error as GitError;
}

beforeAll(async () => {
  server = await startGitServer({ username: USERNAME, password: PASSWORD });
  bare = await createBareRepo(server.root, 'hedgehog/gitops');
  firstSha = await commitFiles(bare, { 'gitops/hedgehog/fabric-1/vpc.yaml': 'kind: VPC\n' }, 'Add fabric-1');
  headSha = await commitFiles(
    bare,
    { 'gitops/hedgehog/fabric-1/vpc-2.yaml': 'kind: VPC\n' },
    'Add a second VPC\n\nWith a body.',
  );
  await commitFiles(bare, { 'only-on-dev.yaml': 'a: 1\n' }, 'Dev work', { branch: 'dev' });
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'hhfm-gittest-'));
  privateParent = join(work, 'private');
  await mkdir(privateParent);
});

afterEach(async () => {
  // No helper script, key or HOME may survive a call, whatever its outcome.
  expect(await readdir(privateParent)).toEqual([]);
  await rm(work, { recursive: true, force: true });
});

const base = () => ({
  url: server.url('hedgehog/gitops'),
  timeoutMs: 15_000,
  allowInsecure: true,
  tmpDir: privateParent,
});

describe('shallowClone', () => {
  it('clones the default branch over authenticated smart HTTP and reports the commit', async () => {
    const dir = join(work, 'clone');
    const result = await shallowClone({ ...base(), auth: good, dir });
    expect(result).toEqual({
      sha: headSha,
      message: 'Add a second VPC\n\nWith a body.',
      author: 'Test Author <author@example.com>',
      date: expect.any(Date),
      branch: 'main',
    });
    expect(Math.abs(result.date.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    expect(await readFile(join(dir, 'gitops/hedgehog/fabric-1/vpc-2.yaml'), 'utf8')).toBe('kind: VPC\n');

    const sent = server.requests.filter((r) => r.authorization).map((r) => r.authorization);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set([`Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`]));
  });

  it('is shallow and carries only the requested branch', async () => {
    const dir = join(work, 'clone');
    const result = await shallowClone({ ...base(), auth: good, dir, branch: 'dev' });
    expect(result.branch).toBe('dev');
    expect(result.message).toBe('Dev work');
    expect(await readFile(join(dir, '.git/shallow'), 'utf8')).toBe(`${result.sha}\n`);
    expect(await readFile(join(dir, 'only-on-dev.yaml'), 'utf8')).toBe('a: 1\n');
  });

  it('clones without writing the files when asked, and checkoutTree writes them at the commit', async () => {
    const dir = join(work, 'clone');
    const result = await shallowClone({ ...base(), auth: good, dir, branch: 'dev', checkout: false });
    expect(result.message).toBe('Dev work');
    expect(await readdir(dir)).toEqual(['.git']);
    const entries = await listTree(join(dir, '.git'), result.sha, '', 15_000);
    expect(entries.map((e) => e.path)).toContain('only-on-dev.yaml');
    await checkoutTree(join(dir, '.git'), dir, 15_000);
    expect(await readFile(join(dir, 'only-on-dev.yaml'), 'utf8')).toBe('a: 1\n');
  });

  it('uses x-access-token as the default username for tokens', async () => {
    const tokenServer = await startGitServer({ username: 'x-access-token', password: PASSWORD, root: server.root });
    try {
      const result = await shallowClone({
        ...base(),
        url: tokenServer.url('hedgehog/gitops'),
        auth: { type: 'token', token: PASSWORD },
        dir: join(work, 'clone'),
      });
      expect(result.sha).toBe(headSha);
    } finally {
      await tokenServer.close();
    }
  });

  it('fails with kind auth on a wrong password, and the password appears nowhere in the error', async () => {
    const error = await caught(
      shallowClone({
        ...base(),
        auth: { type: 'basic', username: USERNAME, password: WRONG },
        dir: join(work, 'clone'),
      }),
    );
    expect(error.kind).toBe('auth');
    expect(error.transient).toBe(false);
    expect(error.message).toBe(
      `authentication failed for ${server.url('hedgehog/gitops')} (check the username and secret)`,
    );
    const everything = `${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${String(error.cause ?? '')}`;
    for (const form of [WRONG, encodeURIComponent(WRONG), Buffer.from(`${USERNAME}:${WRONG}`).toString('base64')]) {
      expect(everything).not.toContain(form);
    }
  });

  it('fails with kind auth when credentials are missing, without prompting', async () => {
    const error = await caught(shallowClone({ ...base(), auth: { type: 'none' }, dir: join(work, 'clone') }));
    expect(error.kind).toBe('auth');
  });

  it('fails with kind not_found for an unknown repository', async () => {
    const error = await caught(
      shallowClone({ ...base(), url: server.url('no/such-repo'), auth: good, dir: join(work, 'clone') }),
    );
    expect(error.kind).toBe('not_found');
    expect(error.message).toMatch(/^repository not found at http:\/\/127\.0\.0\.1:\d+\/no\/such-repo\.git/);
  });

  it('fails with kind branch_not_found for an unknown branch', async () => {
    const error = await caught(shallowClone({ ...base(), auth: good, branch: 'nope', dir: join(work, 'clone') }));
    expect(error.kind).toBe('branch_not_found');
    expect(error.message).toContain('branch "nope" not found');
  });

  it('fails with kind unreachable, transient, when nothing listens', async () => {
    const port = await freePort();
    const error = await caught(
      shallowClone({ ...base(), url: `http://127.0.0.1:${port}/x.git`, auth: good, dir: join(work, 'clone') }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(
      new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port}: .*(Failed to connect|Couldn't connect)`),
    );
    // curl's elapsed time would make two identical failures differ (the oracle test compares them).
    expect(error.message).not.toMatch(/after \d+ ms/);
  });

  it('fails with kind timeout within the given time when the server never answers', async () => {
    const hanging = await startGitServer({ username: USERNAME, password: PASSWORD, hang: true });
    try {
      const started = Date.now();
      const error = await caught(
        shallowClone({ ...base(), url: hanging.url('x'), auth: good, timeoutMs: 1500, dir: join(work, 'clone') }),
      );
      const elapsed = Date.now() - started;
      expect(error.kind).toBe('timeout');
      expect(error.transient).toBe(true);
      expect(error.message).toBe(`git clone of ${hanging.url('x')} timed out after 1.5 s`);
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(elapsed).toBeLessThan(5000);
      expect(hanging.requests.length).toBeGreaterThan(0);
    } finally {
      await hanging.close();
    }
  });

  it('clones a local bare repository through file:// when insecure URLs are allowed', async () => {
    const result = await shallowClone({
      ...base(),
      url: `file://${bare}`,
      auth: { type: 'none' },
      dir: join(work, 'clone'),
    });
    expect(result.sha).toBe(headSha);
  });

  it('refuses file:// and http:// unless insecure URLs are allowed', async () => {
    for (const url of [`file://${bare}`, server.url('hedgehog/gitops')]) {
      const error = await caught(
        shallowClone({ ...base(), url, allowInsecure: false, auth: { type: 'none' }, dir: join(work, 'clone') }),
      );
      expect(error.message).toMatch(/^invalid repository URL: .*not allowed/);
    }
  });

  it('refuses credentials in the URL and option-like branches before running git', async () => {
    const withCredentials = server.url('hedgehog/gitops').replace('http://', `http://${USERNAME}:${PASSWORD}@`);
    const error = await caught(
      shallowClone({ ...base(), url: withCredentials, auth: { type: 'none' }, dir: join(work, 'clone') }),
    );
    expect(error.message).toMatch(/must not contain credentials/);
    expect(error.message).not.toContain(PASSWORD);
    const injected = await caught(
      shallowClone({ ...base(), auth: good, branch: '--upload-pack=touch /tmp/pwned', dir: join(work, 'clone') }),
    );
    expect(injected.message).toMatch(/invalid branch/);
  });
});

describe('lsRemote', () => {
  it('returns the head of the default branch and its name', async () => {
    expect(await lsRemote({ ...base(), auth: good })).toEqual({ head: headSha, branch: 'main' });
  });

  it('returns the head of a named branch', async () => {
    const dev = await lsRemote({ ...base(), auth: good, branch: 'dev' });
    expect(dev.branch).toBe('dev');
    expect(dev.head).toMatch(/^[0-9a-f]{40}$/);
    expect(dev.head).not.toBe(firstSha);
  });

  it('fails with kind branch_not_found for a missing branch', async () => {
    expect((await caught(lsRemote({ ...base(), auth: good, branch: 'missing' }))).kind).toBe('branch_not_found');
  });

  it('fails with kind tls when the server does not speak TLS', async () => {
    const url = server.url('hedgehog/gitops').replace(/^http:/, 'https:');
    const error = await caught(lsRemote({ ...base(), url, auth: good }));
    expect(error.kind).toBe('tls');
    expect(error.message).toMatch(/^TLS/);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('fails with kind branch_not_found on an empty repository', async () => {
    await createBareRepo(server.root, 'empty');
    const error = await caught(lsRemote({ ...base(), url: server.url('empty'), auth: good }));
    expect(error.kind).toBe('branch_not_found');
    expect(error.message).toMatch(/no default branch/);
  });

  it('fails with kind auth on a wrong password without leaking it', async () => {
    const error = await caught(lsRemote({ ...base(), auth: { type: 'token', username: USERNAME, token: WRONG } }));
    expect(error.kind).toBe('auth');
    expect(`${error.message}${error.stack}`).not.toContain(WRONG);
  });

  it('never puts the secret on the command line or in the askpass script', async () => {
    // A `git` wrapper first on PATH records each invocation's argv and askpass script, then runs the real git.
    const bin = join(work, 'bin');
    const log = join(work, 'argv.log');
    await mkdir(bin);
    const realGit = (await import('node:child_process')).execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    await writeFile(
      join(bin, 'git'),
      `#!/bin/sh\nprintf 'ARGV %s\\n' "$*" >> '${log}'\n[ -n "$GIT_ASKPASS" ] && { printf 'ASKPASS '; cat "$GIT_ASKPASS"; } >> '${log}'\nexec '${realGit}' "$@"\n`,
    );
    await chmod(join(bin, 'git'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      await lsRemote({ ...base(), auth: good });
      await shallowClone({ ...base(), auth: good, dir: join(work, 'clone') });
    } finally {
      process.env.PATH = savedPath;
    }
    const recorded = await readFile(log, 'utf8');
    expect(recorded).toContain('ARGV -c credential.helper=');
    expect(recorded).toContain('ls-remote');
    expect(recorded).toContain('HHFM_GIT_PASSWORD');
    for (const form of [
      PASSWORD,
      encodeURIComponent(PASSWORD),
      Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64'),
    ]) {
      expect(recorded).not.toContain(form);
    }
  });
});

describe('ssh_key auth', () => {
  const key = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    '-----END OPENSSH PRIVATE KEY-----',
  ].join('\r\n');

  it('removes the key file afterwards and keeps the key out of the error', async () => {
    const port = await freePort();
    const error = await caught(
      lsRemote({
        ...base(),
        url: `ssh://git@127.0.0.1:${port}/org/repo.git`,
        auth: { type: 'ssh_key', privateKey: key, passphrase: 'key-passphrase-123' },
      }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/Connection refused/);
    expect(error.message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(error.message).not.toContain('key-passphrase-123');
  });
});
