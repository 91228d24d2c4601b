// Issue 12: on a fresh clone, `npm ci` then `npm run bench:web` (or report:reliability, bench:sync)
// failed with "Cannot find module './generated/prisma/client'": the client is generated, never
// committed. Here a copy of the checkout's files as git has them (no src/generated), with the
// installed node_modules, gets what `npm ci` runs after installing (`postinstall`), and the
// code that needs the client then loads. test/unit/npm-scripts.test.ts checks that every script
// whose code loads the client also generates it first.
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
let clone: string | undefined;

afterAll(async () => {
  if (clone) await rm(clone, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('has the Prisma client after npm ci, and the code that needs it loads', { timeout: 180_000 }, async () => {
    clone = await mkdtemp(join(tmpdir(), 'hhfm-clone-'));
    // What a clone holds: the tracked files, and new ones not ignored (this checkout's work in progress).
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const files = stdout.split('\0').filter((f) => f && existsSync(join(ROOT, f)));
    expect(files.some((f) => f.startsWith('src/generated/'))).toBe(false);
    for (const f of files) {
      await mkdir(dirname(join(clone, f)), { recursive: true });
      await cp(join(ROOT, f), join(clone, f));
    }
    await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    expect(existsSync(join(clone, 'src/generated/prisma/client.ts'))).toBe(false);

    // `npm ci` runs the package's postinstall once the packages are in place.
    await run('npm', ['run', 'postinstall'], { cwd: clone, timeout: 150_000 });
    expect(existsSync(join(clone, 'src/generated/prisma/client.ts'))).toBe(true);
    const loaded = await run(
      process.execPath,
      ['--import', 'tsx', '-e', "const m = await import('./src/db.ts'); console.log(typeof m.db)"],
      { cwd: clone, timeout: 60_000 },
    );
    expect(loaded.stdout.trim()).toBe('function');

    // Generated again only when what it is generated from changed: every `npm start` runs it, and
    // rewriting the client in place would pull it from under a process loading it.
    const client = join(clone, 'src/generated/prisma/client.ts');
    const before = (await stat(client)).mtimeMs;
    await run('npm', ['run', 'db:generate'], { cwd: clone, timeout: 60_000 });
    expect((await stat(client)).mtimeMs).toBe(before);
    await appendFile(join(clone, 'prisma/schema.prisma'), '\n// changed\n');
    await run('npm', ['run', 'db:generate'], { cwd: clone, timeout: 150_000 });
    expect((await stat(client)).mtimeMs).toBeGreaterThan(before);
  });
});
