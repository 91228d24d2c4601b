// A real OpenSSH server for tests: /usr/sbin/sshd on a random loopback port, serving bare
// repositories through git-shell to the holders of the authorized keys.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

export interface SshKey {
  privateKey: string;
  publicKey: string;
}

/** A new ed25519 key pair, optionally protected by a passphrase. */
export async function sshKey(passphrase = ''): Promise<SshKey> {
  const dir = await mkdtemp(join(tmpdir(), 'hhfm-test-key-'));
  try {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'test', '-f', join(dir, 'key')]);
    return {
      privateKey: await readFile(join(dir, 'key'), 'utf8'),
      publicKey: (await readFile(join(dir, 'key.pub'), 'utf8')).trim(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SshServer {
  port: number;
  root: string;
  /** The server's host key as a known_hosts line for this port. */
  knownHosts: string;
  /** ssh:// URL of a bare repository under root. */
  url(repo: string): string;
  close(): Promise<void>;
}

/** Starts sshd on 127.0.0.1 accepting `authorizedKeys` (public key lines) and running git-shell only. */
export async function startSshServer(authorizedKeys: string[]): Promise<SshServer> {
  const root = await mkdtemp(join(tmpdir(), 'hhfm-sshd-'));
  const port = await freePort();
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'host_key')]);
  await writeFile(join(root, 'authorized_keys'), `${authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  await writeFile(
    join(root, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(root, 'host_key')}`,
      `PidFile ${join(root, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'LogLevel ERROR',
      // Whatever the client asks, only git's transport commands run.
      'ForceCommand git-shell -c "$SSH_ORIGINAL_COMMAND"',
    ].join('\n') + '\n',
  );
  // sshd started as root wants its privilege separation directory.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(root, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, () => stderr, child);
  const hostPub = (await readFile(join(root, 'host_key.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  return {
    port,
    root,
    knownHosts: `[127.0.0.1]:${port} ${hostPub}`,
    url: (repo) => `ssh://${userInfo().username}@127.0.0.1:${port}${join(root, `${repo}.git`)}`,
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, stderr: () => string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
