// npm run report:reliability — runs the security, hostile-input and fault suites with vitest's
// JSON reporter and writes reports/reliability.json and reports/reliability.md: every case
// tried, its outcome and its duration, grouped by the claim it proves. Exits 1 when a case failed.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'reports');

/** The claims of docs/SECURITY.md and the suites that prove them. */
export const AREAS: { area: string; files: string[] }[] = [
  { area: 'Authorization matrix', files: ['test/integration/routes.test.ts', 'test/integration/authz-matrix.test.ts'] },
  {
    area: 'Secret leak scan',
    files: ['test/integration/security-secrets.test.ts', 'test/integration/security-oracle.test.ts'],
  },
  { area: 'Web security', files: ['test/integration/auth.test.ts', 'test/integration/security-web.test.ts'] },
  { area: 'Git remotes: redirects, askpass, hosts', files: ['test/integration/security-git.test.ts'] },
  { area: 'Hostile input', files: ['test/integration/hostile-sync.test.ts', 'test/integration/hostile-api.test.ts'] },
  { area: 'Faults', files: ['test/integration/faults.test.ts', 'test/integration/faults-redis.test.ts'] },
  { area: 'Key rotation', files: ['test/integration/rotate-secrets.test.ts'] },
];

/**
 * AREAS, plus any security, hostile-input or fault suite not listed there yet (a file added as
 * test/integration/security-*.test.ts is in the report without anyone remembering this list).
 */
export function areasWithUnlisted(dir = join(ROOT, 'test/integration')): { area: string; files: string[] }[] {
  const listed = new Set(AREAS.flatMap((a) => a.files));
  const unlisted = readdirSync(dir)
    .filter((f) => /^(security|hostile|faults)-.*\.test\.ts$/.test(f))
    .map((f) => relative(ROOT, join(dir, f)))
    .filter((f) => !listed.has(f))
    .sort();
  return unlisted.length
    ? [...AREAS, { area: 'More security, hostile-input and fault suites', files: unlisted }]
    : AREAS;
}

interface Assertion {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  duration?: number | null;
  failureMessages?: string[];
}
interface VitestJson {
  success: boolean;
  startTime: number;
  testResults: {
    name: string;
    status: string;
    startTime?: number;
    endTime?: number;
    message?: string;
    assertionResults: Assertion[];
  }[];
}

export interface CaseResult {
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: string;
}

export interface Report {
  generatedAt: string;
  commit: string | null;
  success: boolean;
  durationMs: number;
  totals: { cases: number; passed: number; failed: number; skipped: number };
  areas: {
    area: string;
    files: { file: string; outcome: string; durationMs: number; error?: string; cases: CaseResult[] }[];
  }[];
}

/** Folds vitest's JSON output into the report's shape. */
export function buildReport(raw: VitestJson, commit: string | null, durationMs: number): Report {
  const byFile = new Map(raw.testResults.map((r) => [relative(ROOT, r.name), r]));
  const areas = areasWithUnlisted().map(({ area, files }) => ({
    area,
    files: files.map((file) => {
      const result = byFile.get(file);
      if (!result) return { file, outcome: 'missing', durationMs: 0, error: 'the suite did not run', cases: [] };
      const cases: CaseResult[] = result.assertionResults.map((a) => ({
        name: [...a.ancestorTitles, a.title].join(' > '),
        outcome: a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped',
        durationMs: Math.round(a.duration ?? 0),
        ...(a.status === 'failed' && { error: firstLine(a.failureMessages?.[0]) }),
      }));
      const failedFile = result.status === 'failed' && cases.every((c) => c.outcome !== 'failed');
      return {
        file,
        outcome: result.status,
        durationMs: Math.round((result.endTime ?? 0) - (result.startTime ?? 0)),
        ...(failedFile && { error: firstLine(result.message) }),
        cases,
      };
    }),
  }));
  const all = areas.flatMap((a) => a.files.flatMap((f) => f.cases));
  const count = (o: CaseResult['outcome']) => all.filter((c) => c.outcome === o).length;
  const filesOk = areas.every((a) => a.files.every((f) => f.outcome === 'passed'));
  return {
    generatedAt: new Date().toISOString(),
    commit,
    success: filesOk && count('failed') === 0,
    durationMs,
    totals: { cases: all.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
    areas,
  };
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? 'failed')
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .find((l) => l.trim())
      ?.trim()
      .slice(0, 300) ?? 'failed'
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as Markdown: a summary, then one table of cases per area. */
export function toMarkdown(r: Report): string {
  const lines = [
    '# Reliability report',
    '',
    `${r.success ? 'All cases passed' : '**Some cases failed**'}: ${r.totals.passed} passed, ${r.totals.failed} failed, ${r.totals.skipped} skipped of ${r.totals.cases} cases, in ${seconds(r.durationMs)}.`,
    '',
    `Generated ${r.generatedAt}${r.commit ? ` at commit \`${r.commit.slice(0, 12)}\`` : ''}. What each area proves: docs/SECURITY.md.`,
    '',
    '| area | suite | cases | passed | failed | duration |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const a of r.areas) {
    for (const f of a.files) {
      lines.push(
        `| ${a.area} | \`${f.file}\` | ${f.cases.length} | ${f.cases.filter((c) => c.outcome === 'passed').length} | ${f.cases.filter((c) => c.outcome === 'failed').length}${f.outcome === 'missing' ? ' (did not run)' : ''} | ${seconds(f.durationMs)} |`,
      );
    }
  }
  for (const a of r.areas) {
    lines.push('', `## ${a.area}`);
    for (const f of a.files) {
      lines.push('', `### \`${f.file}\``, '');
      if (f.error) lines.push(`Suite error: ${cell(f.error)}`, '');
      if (!f.cases.length) continue;
      lines.push('| case | outcome | duration |', '|---|---|---:|');
      for (const c of f.cases)
        lines.push(
          `| ${cell(c.name)} | ${c.outcome === 'passed' ? 'passed' : c.outcome === 'failed' ? `**failed**: ${cell(c.error ?? '')}` : 'skipped'} | ${c.durationMs} ms |`,
        );
    }
  }
  return lines.join('\n') + '\n';
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const rawFile = join(OUT, 'vitest-reliability.json');
  const files = areasWithUnlisted().flatMap((a) => a.files);
  const started = Date.now();
  const run = spawnSync(
    'npx',
    ['vitest', 'run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${rawFile}`],
    { cwd: ROOT, stdio: 'inherit' },
  );
  const durationMs = Date.now() - started;
  let raw: VitestJson;
  try {
    raw = JSON.parse(readFileSync(rawFile, 'utf8')) as VitestJson;
  } catch {
    process.stderr.write(`report:reliability: vitest wrote no JSON results to ${rawFile} (exit ${run.status})\n`);
    process.exit(1);
  }
  let commit: string | null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    commit = null;
  }
  const report = buildReport(raw, commit, durationMs);
  writeFileSync(join(OUT, 'reliability.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(OUT, 'reliability.md'), toMarkdown(report));
  process.stdout.write(
    `\nreports/reliability.md: ${report.totals.passed}/${report.totals.cases} cases passed${report.success ? '' : ' — FAILURES'}\n`,
  );
  process.exit(report.success ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) main();
