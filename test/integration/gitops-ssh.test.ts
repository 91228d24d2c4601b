import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { lsRemote } from '../../src/gitops/git';
import { createApp } from '../../src/web/app';
import { logLines, useTestEnvironment } from '../helpers/env';
import { commitFiles, createBareRepo } from '../helpers/gitServer';
import { SSHD, sshKey, startSshServer, type SshKey, type SshServer } from '../helpers/sshServer';
import { useSyncHarness } from '../helpers/sync';

// Against a real OpenSSH sshd on a random loopback port, serving bare repositories through git-shell.

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

const PASSPHRASE = 'correct-passphrase-7f3a';
let deploy: SshKey;
let locked: SshKey;
let stranger: SshKey;
let server: SshServer;

beforeAll(async () => {
  expect(existsSync(SSHD), 'openssh-server is installed (.ci/run installs it)').toBe(true);
  [deploy, locked, stranger] = await Promise.all([sshKey(), sshKey(PASSPHRASE), sshKey()]);
  server = await startSshServer([deploy.publicKey, locked.publicKey]);
});
afterAll(() => server?.close());

const group = (name: string) =>
  `apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: ${name}\nspec: {}\n`;

async function sshRepository(props: { key: SshKey; passphrase?: string; knownHosts?: string }) {
  const name = `ssh-${Math.random().toString(16).slice(2, 8)}`;
  const bare = await createBareRepo(server.root, name);
  await commitFiles(bare, { 'f/groups.yaml': group('over-ssh') }, 'first');
  const res = await h.api.post('/repositories', {
    name,
    url: server.url(name),
    authType: 'ssh_key',
    secret: props.key.privateKey,
    passphrase: props.passphrase,
    knownHosts: props.knownHosts ?? server.knownHosts,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; name: string };
}

/** Every trace of a key a test can read: its body lines and the passphrase. */
function secretsOf(key: SshKey, passphrase?: string): string[] {
  const lines = key.privateKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
  return [...lines, ...(passphrase ? [passphrase] : [])];
}

describe('SSH deploy keys against a real sshd', () => {
  it('connects and syncs with an ed25519 deploy key and a pinned host key', async () => {
    const repo = await sshRepository({ key: deploy });
    const test = await h.api.post(`/repositories/${repo.id}/test`);
    expect(test.body).toMatchObject({ connectionStatus: 'connected', validationError: null });
    const fabric = await h.fabric(repo.id, 'f/');
    const run = await h.sync(fabric.id);
    expect(run.status).toBe('succeeded');
    expect(await db().crdRecord.count({ where: { fabricId: fabric.id, name: 'over-ssh' } })).toBe(1);
  });

  it('opens a passphrase-protected key with its passphrase, and fails without it', async () => {
    const repo = await sshRepository({ key: locked, passphrase: PASSPHRASE });
    expect((await h.api.get(`/repositories/${repo.id}`)).body).toMatchObject({
      hasCredentials: true,
      hasPassphrase: true,
    });
    expect((await h.api.post(`/repositories/${repo.id}/test`)).body.connectionStatus).toBe('connected');
    const fabric = await h.fabric(repo.id, 'f/');
    expect((await h.sync(fabric.id)).status).toBe('succeeded');

    const without = await sshRepository({ key: locked });
    const failed = (await h.api.post(`/repositories/${without.id}/test`)).body;
    expect(failed.connectionStatus).toBe('failed');
    expect(failed.validationError).toMatch(/authentication failed/);
  });

  it('refuses a key the server does not know with an authentication error', async () => {
    const repo = await sshRepository({ key: stranger });
    const res = (await h.api.post(`/repositories/${repo.id}/test`)).body;
    expect(res.connectionStatus).toBe('failed');
    expect(res.validationError).toMatch(/^authentication failed for ssh:\/\//);
  });

  it('refuses a server whose host key does not match the pinned known hosts, saying so', async () => {
    const impostor = (await sshKey()).publicKey.split(' ').slice(0, 2).join(' ');
    const repo = await sshRepository({ key: deploy, knownHosts: `[127.0.0.1]:${server.port} ${impostor}` });
    const res = (await h.api.post(`/repositories/${repo.id}/test`)).body;
    expect(res.connectionStatus).toBe('failed');
    expect(res.validationError).toMatch(/host key of 127\.0\.0\.1:\d+ does not match the pinned known hosts/);
  });

  it('leaves no key material in logs, errors, answers or files', async () => {
    const privateDir = await mkdtemp(join(tmpdir(), 'hhfm-ssh-leftovers-'));
    try {
      const name = `leftover-${Math.random().toString(16).slice(2, 8)}`;
      const bare = await createBareRepo(server.root, name);
      await commitFiles(bare, { 'x.yaml': group('x') }, 'x');
      const ok = await lsRemote({
        url: server.url(name),
        auth: { type: 'ssh_key', privateKey: locked.privateKey, passphrase: PASSPHRASE, knownHosts: server.knownHosts },
        timeoutMs: 20_000,
        tmpDir: privateDir,
      });
      expect(ok.head).toMatch(/^[0-9a-f]{40}$/);
      const wrong = await lsRemote({
        url: server.url(name),
        auth: { type: 'ssh_key', privateKey: stranger.privateKey, knownHosts: server.knownHosts },
        timeoutMs: 20_000,
        tmpDir: privateDir,
      }).catch((e: Error) => e);
      expect(wrong).toBeInstanceOf(Error);
      for (const s of secretsOf(stranger)) expect((wrong as Error).message).not.toContain(s);
      // The per-call directory with the key file and askpass script is gone after each call.
      expect(await readdir(privateDir)).toEqual([]);
    } finally {
      await rm(privateDir, { recursive: true, force: true });
    }
    const everything = [
      logLines.join('\n'),
      JSON.stringify(await db().gitRepository.findMany({ select: { validationError: true } })),
      JSON.stringify(await db().syncRun.findMany({ select: { error: true } })),
      JSON.stringify((await h.api.get('/repositories?perPage=100')).body),
      JSON.stringify(await db().changeRecord.findMany({ select: { before: true, after: true } })),
    ].join('\n');
    for (const key of [deploy, stranger]) for (const s of secretsOf(key)) expect(everything).not.toContain(s);
    for (const s of secretsOf(locked, PASSPHRASE)) expect(everything).not.toContain(s);
  });
});
