import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { specifiers } from '../helpers/imports';

// Layers point downward (docs/ARCHITECTURE.md): web and jobs call the domain; the domain calls
// gitops, crds, secrets and the database; crds and gitops know nothing of the database.
const SRC = path.resolve(__dirname, '../../src');
const DOMAIN = [
  'crds',
  'gitops',
  'secrets',
  'sync',
  'records',
  'fabrics',
  'repositories',
  'topology',
  'webhooks',
  'search',
  'auth',
];
const PURE = ['crds', 'gitops'];
const DATABASE = ['db.ts', 'generated', 'migrate.ts'];
const DATABASE_PACKAGES = /^(@prisma\/|pg$|prisma$)/;

type Rule = { from: string[]; forbidden: (target: string) => boolean; why: string };

const RULES: Rule[] = [
  {
    from: DOMAIN,
    forbidden: (t) => t.startsWith('src/web/') || t.startsWith('src/jobs/'),
    why: 'the domain does not import web/ or jobs/',
  },
  {
    from: PURE,
    forbidden: (t) => DATABASE.some((d) => t === `src/${d}` || t.startsWith(`src/${d}/`)) || DATABASE_PACKAGES.test(t),
    why: 'crds and gitops do not import the database',
  },
];

function resolve(fromFile: string, spec: string): string {
  if (!spec.startsWith('.')) return spec; // a package: kept as its name
  const base = path.resolve(path.dirname(path.join(SRC, '..', fromFile)), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.mjs`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && !candidate.endsWith(path.sep) && /\.(ts|mjs|js)$/.test(candidate)) {
      return path.relative(path.join(SRC, '..'), candidate).split(path.sep).join('/');
    }
  }
  return path.relative(path.join(SRC, '..'), base).split(path.sep).join('/');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(full);
    return /\.(ts|mjs)$/.test(e.name) ? [path.relative(path.join(SRC, '..'), full).split(path.sep).join('/')] : [];
  });
}

/** Every module each file reaches, directly or through other files of src/. */
function reach(graph: Map<string, string[]>, start: string): Map<string, string[]> {
  const via = new Map<string, string[]>([[start, [start]]]);
  const todo = [start];
  while (todo.length) {
    const file = todo.pop()!;
    for (const target of graph.get(file) ?? []) {
      if (via.has(target)) continue;
      via.set(target, [...via.get(file)!, target]);
      if (graph.has(target)) todo.push(target);
    }
  }
  return via;
}

/** The crossings of `rules` in an import graph: "a -> b -> c (why)". */
export function crossings(graph: Map<string, string[]>, rules: Rule[] = RULES): string[] {
  const found: string[] = [];
  for (const file of graph.keys()) {
    const area = file.split('/')[1];
    for (const rule of rules) {
      if (!rule.from.includes(area!)) continue;
      for (const [target, chain] of reach(graph, file)) {
        if (rule.forbidden(target)) found.push(`${chain.join(' -> ')} (${rule.why})`);
      }
    }
  }
  return found;
}

function importGraph(): Map<string, string[]> {
  return new Map(
    sourceFiles(SRC).map((file) => [
      file,
      specifiers(readFileSync(path.join(SRC, '..', file), 'utf8')).map((s) => resolve(file, s)),
    ]),
  );
}

describe('layers', () => {
  it('no domain module reaches web/ or jobs/, and crds and gitops never reach the database', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(crossings(graph)).toEqual([]);
  });

  it('names the chain of a crossing, direct or through another module', () => {
    const graph = new Map<string, string[]>([
      ['src/sync/startSync.ts', ['src/errors.ts', 'src/web/errors.ts']],
      ['src/crds/index.ts', ['src/crds/helper.ts']],
      ['src/crds/helper.ts', ['src/db.ts']],
      ['src/gitops/git.ts', ['@prisma/client', 'yaml']],
    ]);
    expect(crossings(graph)).toEqual([
      'src/sync/startSync.ts -> src/web/errors.ts (the domain does not import web/ or jobs/)',
      'src/crds/index.ts -> src/crds/helper.ts -> src/db.ts (crds and gitops do not import the database)',
      'src/crds/helper.ts -> src/db.ts (crds and gitops do not import the database)',
      'src/gitops/git.ts -> @prisma/client (crds and gitops do not import the database)',
    ]);
  });

  it('reads static, side-effect and dynamic imports', () => {
    expect(
      specifiers(`import { a } from '../web/x';\nimport '../jobs/y';\nconst z = await import('../db');\n`),
    ).toEqual(['../web/x', '../jobs/y', '../db']);
  });
});
