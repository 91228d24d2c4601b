// Issue 12: `npm run report:reliability`, `bench:sync` and `bench:web` failed after `npm ci` on a
// fresh clone ("Cannot find module './generated/prisma/client'"): the client is generated, not
// committed. `postinstall` generates it, and every script whose code reaches the client
// generates it first (a clone installed with --ignore-scripts, or a schema changed since).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerLaunch } from '../../bench/support';
import { specifiers } from '../helpers/imports';

const ROOT = path.resolve(import.meta.dirname, '../..');
const scripts = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const GENERATE = 'npm run db:generate --silent && ';

/** The TypeScript files a script runs: `tsx [watch] <file>` and `node --import tsx <file>`. */
function entries(command: string): string[] {
  return [...command.matchAll(/(?:\btsx(?: watch)?|--import tsx)\s+(\S+\.ts)\b/g)].map((m) => m[1]!);
}

/** Whether the file, through its relative imports, loads the generated Prisma client. */
function reachesClient(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  for (const spec of specifiers(readFileSync(path.join(ROOT, file), 'utf8'))) {
    if (!spec.startsWith('.')) continue;
    const target = path
      .relative(ROOT, path.resolve(ROOT, path.dirname(file), spec))
      .split(path.sep)
      .join('/');
    if (target.startsWith('src/generated/')) return true;
    const resolved = [`${target}.ts`, target, `${target}/index.ts`].find(
      (f) => f.endsWith('.ts') && existsSync(path.join(ROOT, f)),
    );
    if (resolved && reachesClient(resolved, seen)) return true;
  }
  return false;
}

describe('npm scripts on a fresh clone', () => {
  it('generate the Prisma client on install', () => {
    expect(scripts.postinstall).toBe('npm run db:generate --silent');
  });

  it('generate it first wherever their code loads it', () => {
    // The tests load the client too: a script that runs vitest, itself or through its code, needs it.
    const runsTests = (command: string) =>
      /\bvitest\b/.test(command) ||
      entries(command).some((f) => /['"]vitest['"]/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    const needing = Object.entries(scripts).filter(
      ([, command]) => entries(command).some((f) => reachesClient(f)) || runsTests(command),
    );
    // The reliability report, the benches, start, the tests and secret rotation at least.
    expect(needing.map(([name]) => name)).toEqual(
      expect.arrayContaining(['report:reliability', 'bench:sync', 'bench:web', 'start', 'test', 'secrets:rotate']),
    );
    for (const [name, command] of needing)
      expect(command.startsWith(GENERATE), `npm run ${name}: ${command}`).toBe(true);
  });

  it('run the worker with its memory settings, the way the benchmark measures it', () => {
    // glibc raises its mmap and trim thresholds after freeing a large block (up to 32 and 64 MB):
    // a sync's large buffers then came from the main heap and stayed there; and a young
    // generation grown to V8's default 2 x 16 MB stayed so after a sync (issue 16, bench:sync).
    const launch = (command: string) =>
      /\bGLIBC_TUNABLES=(\S+) exec node (.*) --import tsx src\/main\.ts \w+$/.exec(command)?.slice(1);
    expect(launch(scripts.start!)).toEqual([
      'glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=131072',
      '--max-semi-space-size=4',
    ]);
    expect(launch(scripts['start:worker']!)).toEqual(launch(scripts.start!));
    const [tunables, nodeArgs] = launch(scripts.start!)!;
    expect(workerLaunch()).toEqual({ tunables: { GLIBC_TUNABLES: tunables }, nodeArgs: [nodeArgs] });
  });
});
