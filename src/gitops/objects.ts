// Reading a commit straight from a local repository's object store, without a work tree: the
// list of files with their blob ids (`git ls-tree`) and the blobs themselves (`git cat-file
// --batch`, one process for any number of blobs). These calls are local: no remote, no credentials.

import { spawn } from 'node:child_process';

export interface TreeEntry {
  /** Git file mode: 100644 / 100755 (file), 120000 (symlink), 160000 (submodule). */
  mode: string;
  type: string;
  sha: string;
  size: number;
  /** Relative to the repository root, '/'-separated. */
  path: string;
}

const ENV = {
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: '/nonexistent',
  LANG: 'C',
  LC_ALL: 'C',
};

function runGit(gitDir: string, args: string[], timeoutMs: number, input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, ...args], {
      env: ENV,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      signal: AbortSignal.timeout(timeoutMs),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new Error(`git ${args[0]} in ${gitDir} failed: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new Error(
            `git ${args[0]} in ${gitDir} exited with ${code}: ${Buffer.concat(err).toString().trim().slice(0, 500)}`,
          ),
        );
    });
    if (input !== undefined) {
      // git exiting early (a bad id) closes the pipe; its exit code tells what went wrong.
      child.stdin!.on('error', () => {});
      child.stdin!.end(input);
    }
  });
}

/** Writes the work tree of a clone made without one (shallowClone's `checkout: false`) at its HEAD. */
export async function checkoutTree(gitDir: string, workTree: string, timeoutMs: number): Promise<void> {
  await runGit(gitDir, ['--work-tree', workTree, 'reset', '--hard', '--quiet'], timeoutMs);
}

/** Every entry under `path` (a directory ending in '/', or '' for the whole tree) of a commit, recursively. */
export async function listTree(gitDir: string, rev: string, path: string, timeoutMs: number): Promise<TreeEntry[]> {
  const out = await runGit(
    gitDir,
    ['ls-tree', '-r', '-l', '-z', '--full-tree', rev, '--', ...(path ? [path] : [])],
    timeoutMs,
  );
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (!record) continue;
    // "<mode> <type> <sha> <size padded>\t<path>"
    const tab = record.indexOf('\t');
    const [mode = '', type = '', sha = '', size = ''] = record.slice(0, tab).split(/ +/);
    entries.push({ mode, type, sha, size: Number(size) || 0, path: record.slice(tab + 1) });
  }
  return entries;
}

/** The contents of these blobs, by id. */
export async function readBlobs(gitDir: string, shas: string[], timeoutMs: number): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  if (!shas.length) return blobs;
  const out = await runGit(gitDir, ['cat-file', '--batch'], timeoutMs, shas.join('\n') + '\n');
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString();
    const [sha = '', type = '', size = ''] = header.split(' ');
    if (type !== 'blob') throw new Error(`git cat-file in ${gitDir}: expected a blob, got "${header}"`);
    const start = eol + 1;
    blobs.set(sha, out.subarray(start, start + Number(size)));
    at = start + Number(size) + 1;
  }
  return blobs;
}

/** Marks a kept clone's git directory as bare, so that git never looks for its (deleted) work tree. */
export async function markBare(gitDir: string, timeoutMs: number): Promise<void> {
  await runGit(gitDir, ['config', 'core.bare', 'true'], timeoutMs);
}

/** Every directory of a commit ('/'-terminated, relative to the root), sorted. */
export async function listDirectories(gitDir: string, rev: string, timeoutMs: number): Promise<string[]> {
  const out = await runGit(gitDir, ['ls-tree', '-r', '-d', '-z', '--name-only', '--full-tree', rev], timeoutMs);
  return out
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((d) => `${d}/`)
    .sort();
}
