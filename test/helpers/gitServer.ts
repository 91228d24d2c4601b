// A real smart-HTTP git server for tests: `git http-backend` (CGI) behind a Node HTTP server
// with Basic auth, plus helpers that create bare repositories and commit into them.

import { execFile, spawn } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitServer {
  baseUrl: string;
  /** http://127.0.0.1:PORT/<repo>.git */
  url(repo: string): string;
  root: string;
  close(): Promise<void>;
  /** Changes the password the server accepts from now on. */
  setPassword(password: string): void;
  port: number;
  requests: { method: string; path: string; authorization?: string }[];
}

export type FileContent = string | Buffer | null | { symlink: string };

/** Starts a git smart-HTTP server on 127.0.0.1 serving the bare repositories under `root`. */
export async function startGitServer(opts: {
  username: string;
  password: string;
  root?: string;
  hang?: boolean;
  /** Listen on this port (to start a stopped server again at the same URL). */
  port?: number;
  /** Serve https with this certificate and key (PEM) instead of http. */
  tls?: { cert: string; key: string };
}): Promise<GitServer> {
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'hhfm-gitserver-')));
  const ownsRoot = opts.root === undefined;
  let expected = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  const requests: GitServer['requests'] = [];
  const sockets = new Set<Socket>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorization: req.headers.authorization });
    if (opts.hang) return;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test git"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    serveCgi(root, opts.username, req, res);
  };
  const server = opts.tls
    ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('git test server has no TCP address');
  const baseUrl = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    root,
    requests,
    port: address.port,
    setPassword(password) {
      expected = `Basic ${Buffer.from(`${opts.username}:${password}`).toString('base64')}`;
    },
    url: (repo) => `${baseUrl}/${repo}.git`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

function serveCgi(root: string, user: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const child = spawn(HTTP_BACKEND, [], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      REMOTE_USER: user,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    },
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);

  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!headersSent) res.writeHead(500).end('git http-backend produced no headers\n');
    else res.end();
  });
}

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
const IDENTITY = [
  '-c',
  'user.name=Test Author',
  '-c',
  'user.email=author@example.com',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'init.defaultBranch=main',
];

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', [...IDENTITY, ...args], { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Creates `<root>/<name>.git`, a bare repository whose default branch is main; returns its path. */
export async function createBareRepo(root: string, name: string): Promise<string> {
  const path = join(root, `${name}.git`);
  await mkdir(dirname(path), { recursive: true });
  await git(['init', '--quiet', '--bare', '--initial-branch=main', path]);
  return path;
}

/** Commits files into a bare repository through a temporary work tree; null deletes a file. Returns the new sha. */
export async function commitFiles(
  bareRepoPath: string,
  files: Record<string, FileContent>,
  message: string,
  opts: { replaceAll?: boolean; branch?: string } = {},
): Promise<string> {
  return withWorkTree(bareRepoPath, message, opts.branch, async (work) => {
    if (opts.replaceAll) await clearWorkTree(work, '');
    for (const [path, content] of Object.entries(files)) await writeEntry(join(work, path), content);
  });
}

/** Copies the fixture directory `srcDir` to `destPrefix` in the repository and commits it; returns the sha. */
export async function commitDirectory(
  bareRepoPath: string,
  srcDir: string,
  destPrefix: string,
  message: string,
  opts: { replaceAll?: boolean; branch?: string } = {},
): Promise<string> {
  return withWorkTree(bareRepoPath, message, opts.branch, async (work) => {
    const dest = join(work, destPrefix);
    if (opts.replaceAll) await clearWorkTree(work, destPrefix);
    await mkdir(dest, { recursive: true });
    await cp(srcDir, dest, { recursive: true, verbatimSymlinks: true });
  });
}

async function withWorkTree(
  bareRepoPath: string,
  message: string,
  branch: string | undefined,
  change: (work: string) => Promise<void>,
): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'hhfm-worktree-'));
  try {
    await git(['clone', '--quiet', bareRepoPath, work]);
    const current = await git(['symbolic-ref', '--short', '--quiet', 'HEAD'], work).then(
      (out) => out.trim(),
      () => '',
    );
    const target = branch ?? current;
    // The clone has every branch of the repository as origin/<name>: asking the local ref spares
    // an ls-remote (git and upload-pack) per commit, and the clone is already on its HEAD's branch.
    const verify = (ref: string) =>
      git(['rev-parse', '--verify', '--quiet', ref], work).then(
        () => true,
        () => false,
      );
    const exists = await verify(`refs/remotes/origin/${target}`);
    const hasCommits = await verify('HEAD');
    if (exists && !(target === current && hasCommits)) await git(['checkout', '--quiet', target], work);
    else if (!exists && hasCommits) await git(['checkout', '--quiet', '-B', target], work);
    else if (!exists) await git(['symbolic-ref', 'HEAD', `refs/heads/${target}`], work);
    await change(work);
    await git(['add', '--all', '.'], work);
    await git(['commit', '--quiet', '--allow-empty', '-m', message], work);
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${target}`], work);
    return (await git(['rev-parse', 'HEAD'], work)).trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function clearWorkTree(work: string, prefix: string): Promise<void> {
  const dir = join(work, prefix);
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (prefix === '' && entry === '.git') continue;
    await rm(join(dir, entry), { recursive: true, force: true });
  }
}

async function writeEntry(path: string, content: FileContent): Promise<void> {
  await rm(path, { recursive: true, force: true });
  if (content === null) return;
  await mkdir(dirname(path), { recursive: true });
  if (typeof content === 'object' && !Buffer.isBuffer(content)) {
    await symlink(content.symlink, path);
    return;
  }
  await writeFile(path, content);
}

/** True when `path` exists (files, directories and dangling symlinks alike). */
export async function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Points a tag (annotated unless `lightweight`) at a commit of a bare repository, moving it if it exists. */
export async function tagCommit(
  bareRepoPath: string,
  tag: string,
  sha: string,
  opts: { lightweight?: boolean } = {},
): Promise<void> {
  await git(['tag', '-f', ...(opts.lightweight ? [] : ['-a', '-m', `release ${tag}`]), tag, sha], bareRepoPath);
}

/** A private CA (self-signed, openssl) and a server certificate for 127.0.0.1 issued by it, all PEM. */
export async function privateCa(): Promise<{ caCert: string; cert: string; key: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hhfm-test-ca-'));
  const at = (f: string) => join(dir, f);
  const openssl = (args: string[]) => run('openssl', args, { cwd: dir });
  try {
    await openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=HHFM Test Private CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
      '-subj',
      '/CN=127.0.0.1',
    ]);
    await writeFile(
      at('ext.cnf'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
    );
    await openssl([
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('server.pem'),
      '-days',
      '2',
      '-extfile',
      at('ext.cnf'),
    ]);
    const { readFile } = await import('node:fs/promises');
    return {
      caCert: await readFile(at('ca.pem'), 'utf8'),
      cert: await readFile(at('server.pem'), 'utf8'),
      key: await readFile(at('server.key'), 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
