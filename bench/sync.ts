// npm run bench:sync [-- --sizes=1000,10000,50000 --layouts=file-per-record,multi-document --reps=3 --max-minutes=60]
//
// Syncs synthetic fabrics from local bare git repositories through the real path (startSync ->
// BullMQ -> a worker in a child process -> clone, parse, validate, plan, apply) and compares
// each case with the floor measured in the same run on the same repository: `git clone` +
// parsing the same files with the `yaml` package + COPY of the same rows into an unindexed
// table. Prints one JSON object per line on stdout.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { db } from '../src/db';
import { DEFAULT_SCAN_LIMITS } from '../src/gitops/scan';
import { startSync } from '../src/sync/startSync';
import { changeRecords, generateFabric, layoutFiles, type GeneratedDoc, type Layout } from './fabricGen';
import {
  benchEnvironment,
  machine,
  median,
  note,
  option,
  resetPeakRss,
  round,
  rssOf,
  startApp,
  stopApp,
} from './support';

const run = promisify(execFile);
const sizes = option('sizes', '1000,10000,50000').split(',').map(Number);
const layouts = option('layouts', 'file-per-record,multi-document').split(',') as Layout[];
const reps = Number(option('reps', '3'));
const deadline = Date.now() + Number(option('max-minutes', '60')) * 60_000;
const GITOPS_DIR = 'fabric/';

const CASES = [
  'first sync',
  'resync, same commit',
  'resync, 1% of records changed',
  'resync, 1% of records changed, spread over every file',
  'resync, 10% of files deleted',
] as const;
type CaseName = (typeof CASES)[number];

interface Sample {
  seconds: number;
  peakRssMB: number;
  /** The worker's resident set size seen while the run was in each stage (sampled every 10 ms). */
  rssByStage: Record<string, number>;
  stages: Record<string, number>;
  counts: Record<string, number>;
  status: string;
}

function timeLeft(what: string): number {
  const left = deadline - Date.now();
  if (left <= 0) throw new Error(`the benchmark ran out of its time budget (--max-minutes) before ${what}`);
  return left;
}

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
    },
  });
  return stdout;
}

async function writeTree(root: string, files: Map<string, string>): Promise<void> {
  await rm(root, { recursive: true, force: true });
  const dirs = new Set([...files.keys()].map((p) => dirname(join(root, p))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  const entries = [...files];
  for (let i = 0; i < entries.length; i += 256) {
    await Promise.all(entries.slice(i, i + 256).map(([p, text]) => writeFile(join(root, p), text)));
  }
}

/**
 * A bare repository with branches v1 (the fabric), v2 (1% of the records changed together),
 * v2s (another 1% changed, spread over every file; multi-document layout only) and v3 (the
 * previous branch minus 10% of its files).
 */
async function buildRepository(
  dir: string,
  docs: GeneratedDoc[],
  layout: Layout,
): Promise<{ url: string; files: number }> {
  const bare = join(dir, 'repo.git');
  const work = join(dir, 'work');
  await git(['init', '--quiet', '--bare', '--initial-branch=v1', bare]);
  await git(['init', '--quiet', '--initial-branch=v1', work]);
  const commit = async (files: Map<string, string>, branch: string, message: string) => {
    await writeTree(join(work, GITOPS_DIR), files);
    await git(['add', '-A'], work);
    await git(['commit', '--quiet', '-m', message], work);
    await git(['push', '--quiet', bare, `HEAD:refs/heads/${branch}`], work);
  };
  const v1 = layoutFiles(docs, layout);
  await commit(v1, 'v1', `fabric of ${docs.length} records`);
  let current = changeRecords(docs, 0.01, 'together', '2');
  let files = layoutFiles(current, layout);
  await commit(files, 'v2', '1% of the records changed, in neighbouring records');
  if (layout === 'multi-document') {
    current = changeRecords(current, 0.01, 'spread', '3');
    files = layoutFiles(current, layout);
    await commit(files, 'v2s', '1% of the records changed, spread over every file');
  }
  await commit(new Map([...files].filter((_, i) => i % 10 !== 9)), 'v3', '10% of the files deleted');
  await rm(work, { recursive: true, force: true });
  return { url: `file://${bare}`, files: v1.size };
}

async function listYaml(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

const FLOOR_COLUMNS =
  'id, "fabricId", kind, "apiVersion", namespace, name, spec, labels, annotations, "sourcePath", "sourceLine", "sourceCommit", "contentHash", "validationState", "validationMessages", refs, "createdAt", "updatedAt", "syncedAt"';
const csvField = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`);

/** The floor: `git clone` + `yaml` parse of the same files + COPY of the same rows into an unindexed table. */
async function measureFloor(
  url: string,
  work: string,
  databaseUrl: string,
): Promise<{ seconds: number; clone: number; parse: number; copy: number; rows: number }> {
  const clone = join(work, 'floor-clone');
  await rm(clone, { recursive: true, force: true });
  let t = performance.now();
  await git(['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', '--branch', 'v1', url, clone]);
  const cloneS = (performance.now() - t) / 1000;

  t = performance.now();
  const parsed: { path: string; line: number; value: Record<string, any> }[] = [];
  for (const file of await listYaml(join(clone, GITOPS_DIR))) {
    const text = await readFile(file, 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS() as Record<string, any> | null;
      if (value) parsed.push({ path: file.slice(clone.length + 1), line: 1, value });
    }
  }
  const parseS = (performance.now() - t) / 1000;

  const csv = join(work, 'floor.csv');
  const now = new Date().toISOString();
  const lines = parsed.map(({ path, line, value }, i) => {
    const spec = JSON.stringify(value.spec ?? {});
    const labels = JSON.stringify(value.metadata?.labels ?? {});
    const hash = createHash('sha256').update(spec).digest('hex');
    return [
      i + 1,
      1,
      value.kind,
      value.apiVersion,
      'default',
      value.metadata.name,
      spec,
      labels,
      '{}',
      path,
      line,
      'floor',
      hash,
      'valid',
      '[]',
      '{}',
      now,
      now,
      now,
    ]
      .map(csvField)
      .join(',');
  });
  await writeFile(csv, lines.join('\n') + '\n');
  await run('psql', [
    databaseUrl,
    '-qc',
    'DROP TABLE IF EXISTS bench_floor; CREATE TABLE bench_floor (LIKE "CrdRecord")',
  ]);
  t = performance.now();
  await run('psql', [databaseUrl, '-qc', `\\copy bench_floor (${FLOOR_COLUMNS}) FROM '${csv}' WITH (FORMAT csv)`]);
  const copyS = (performance.now() - t) / 1000;
  await rm(clone, { recursive: true, force: true });
  return { seconds: cloneS + parseS + copyS, clone: cloneS, parse: parseS, copy: copyS, rows: parsed.length };
}

/** One sync through the queue; seconds from the request until the finished run is visible. */
async function syncOnce(fabricId: number, workerPid: number): Promise<Sample> {
  resetPeakRss(workerPid);
  const started = performance.now();
  const { run: queued } = await startSync({ fabricId, trigger: 'manual', user: null });
  const limit = Math.min(timeLeft('a sync'), 15 * 60_000);
  const rssByStage: Record<string, number> = {};
  for (;;) {
    const r = await db().syncRun.findUniqueOrThrow({ where: { id: queued.id } });
    rssByStage[r.stage] = Math.max(rssByStage[r.stage] ?? 0, rssOf(workerPid).currentMB);
    if (r.status !== 'queued' && r.status !== 'running') {
      const seconds = (performance.now() - started) / 1000;
      if (r.status === 'failed') throw new Error(`sync run ${r.id} failed: ${r.error}`);
      const stages: Record<string, number> = {
        queue: round(((r.startedAt?.getTime() ?? 0) - r.queuedAt.getTime()) / 1000),
      };
      for (const s of r.stages as { stage: string; ms: number }[]) stages[s.stage] = round(s.ms / 1000);
      const counts = {
        files: r.filesCount,
        documents: r.documentsCount,
        created: r.createdCount,
        updated: r.updatedCount,
        unchanged: r.unchangedCount,
        deleted: r.deletedCount,
        invalid: r.invalidCount,
      };
      return { seconds, peakRssMB: rssOf(workerPid).peakMB, rssByStage, stages, counts, status: r.status };
    }
    if (performance.now() - started > limit)
      throw new Error(`sync run ${queued.id} still ${r.status} (${r.stage}) after ${Math.round(limit / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function summarise(
  base: Record<string, unknown>,
  name: CaseName,
  samples: Sample[],
  records: number,
  floorSeconds: number,
) {
  const seconds = median(samples.map((s) => s.seconds));
  const stageNames = [...new Set(samples.flatMap((s) => Object.keys(s.stages)))];
  return {
    ...base,
    case: name,
    records,
    seconds: round(seconds),
    recordsPerSecond: Math.round(records / seconds),
    floorSeconds: round(floorSeconds),
    ratioToFloor: round(seconds / floorSeconds, 2),
    peakRssMB: Math.max(...samples.map((s) => s.peakRssMB)),
    rssByStageMB: Object.fromEntries(
      [...new Set(samples.flatMap((s) => Object.keys(s.rssByStage)))].map((k) => [
        k,
        Math.max(...samples.map((s) => s.rssByStage[k] ?? 0)),
      ]),
    ),
    stages: Object.fromEntries(stageNames.map((k) => [k, round(median(samples.map((s) => s.stages[k] ?? 0)))])),
    counts: samples[0]!.counts,
    status: samples[0]!.status,
    runs: samples.map((s) => round(s.seconds)),
    runsPeakRssMB: samples.map((s) => s.peakRssMB),
  };
}

const results: Record<string, any>[] = [];
function emit(result: Record<string, unknown>): void {
  results.push(result);
  process.stdout.write(JSON.stringify(result) + '\n');
}

const env = await benchEnvironment('sync');
const work = await mkdtemp(join(tmpdir(), 'hhfm-bench-sync-'));
let worker: Awaited<ReturnType<typeof startApp>> | undefined;
let interrupted = false;
const onSignal = () => {
  interrupted = true;
  note('interrupted; cleaning up');
  void stopApp(worker).finally(() =>
    env.cleanup().finally(() => rm(work, { recursive: true, force: true }).finally(() => process.exit(130))),
  );
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

let exitCode = 0;
try {
  const about = await machine();
  emit({
    bench: 'sync',
    machine: about,
    reps,
    note: 'seconds are medians of the reps; peakRssMB is the worker process (VmHWM, reset before each sync), the highest of the reps; one fresh worker process per fabric size and layout',
  });
  for (const size of sizes) {
    const docs = generateFabric(size);
    for (const layout of layouts) {
      const base = { bench: 'sync', size, layout };
      if (layout === 'file-per-record' && size > DEFAULT_SCAN_LIMITS.maxFiles) {
        emit({
          ...base,
          skipped: `${size} files are over the scan limit of ${DEFAULT_SCAN_LIMITS.maxFiles} YAML files per fabric (src/gitops/scan.ts); the sync would stop there and refuse to prune`,
        });
        continue;
      }
      timeLeft(`the ${size}/${layout} fabric`);
      const dir = join(work, `${size}-${layout}`);
      await mkdir(dir, { recursive: true });
      note(`${size} records, ${layout}: building the repository`);
      const repoInfo = await buildRepository(dir, docs, layout);

      const floors = [];
      for (let i = 0; i < reps; i++) floors.push(await measureFloor(repoInfo.url, dir, env.databaseUrl));
      const floor = median(floors.map((f) => f.seconds));
      emit({
        ...base,
        case: 'floor',
        records: floors[0]!.rows,
        files: repoInfo.files,
        seconds: round(floor),
        clone: round(median(floors.map((f) => f.clone))),
        parse: round(median(floors.map((f) => f.parse))),
        copy: round(median(floors.map((f) => f.copy))),
        runs: floors.map((f) => round(f.seconds)),
      });

      // A fresh worker per fabric: its memory figures are this fabric's, not the previous one's.
      await stopApp(worker);
      worker = await startApp('worker', env.env, join(work, `worker-${size}-${layout}.log`));
      const pid = worker.pid!;
      const workerIdleRssMB = rssOf(pid).currentMB;
      const repository = await db().gitRepository.create({
        data: {
          name: `bench-${size}-${layout}`,
          url: repoInfo.url,
          authType: 'none',
          defaultBranch: 'v1',
          timeoutSeconds: 600,
        },
      });
      const samples = new Map<CaseName, Sample[]>(CASES.map((c) => [c, []]));
      for (let rep = 0; rep < reps; rep++) {
        const fabric = await db().fabric.create({
          data: {
            name: `bench-${size}-${layout}-${rep}`,
            repositoryId: repository.id,
            gitopsDirectory: GITOPS_DIR,
            branch: 'v1',
          },
        });
        note(`${size} records, ${layout}: rep ${rep + 1}/${reps}`);
        samples.get('first sync')!.push(await syncOnce(fabric.id, pid));
        samples.get('resync, same commit')!.push(await syncOnce(fabric.id, pid));
        await db().fabric.update({ where: { id: fabric.id }, data: { branch: 'v2' } });
        samples.get('resync, 1% of records changed')!.push(await syncOnce(fabric.id, pid));
        if (layout === 'multi-document') {
          await db().fabric.update({ where: { id: fabric.id }, data: { branch: 'v2s' } });
          samples.get('resync, 1% of records changed, spread over every file')!.push(await syncOnce(fabric.id, pid));
        }
        await db().fabric.update({ where: { id: fabric.id }, data: { branch: 'v3' } });
        samples.get('resync, 10% of files deleted')!.push(await syncOnce(fabric.id, pid));
        await db().fabric.delete({ where: { id: fabric.id } });
      }
      for (const c of CASES)
        if (samples.get(c)!.length) emit(summarise({ ...base, workerIdleRssMB }, c, samples.get(c)!, size, floor));
      await db().gitRepository.delete({ where: { id: repository.id } });
      await rm(dir, { recursive: true, force: true });
    }
  }

  const find = (size: number, c: CaseName) => results.filter((r) => r.size === size && r.case === c && !r.skipped);
  const worst = (rows: Record<string, any>[], key: string) =>
    rows.length ? Math.max(...rows.map((r) => r[key] as number)) : null;
  const targets = [
    {
      target: 'first sync of 10,000 records <= 2x the floor',
      value: worst(find(10000, 'first sync'), 'ratioToFloor'),
      limit: 2,
    },
    {
      target: '50,000 records: peak RSS <= 500 MB',
      value: worst(
        results.filter((r) => r.size === 50000 && r.peakRssMB !== undefined),
        'peakRssMB',
      ),
      limit: 500,
    },
    {
      target: 'resync of the same commit <= 0.5 s',
      value: worst(
        results.filter((r) => r.case === 'resync, same commit'),
        'seconds',
      ),
      limit: 0.5,
    },
    {
      target: '1% changed of 10,000 <= 1 s',
      value: worst(find(10000, 'resync, 1% of records changed'), 'seconds'),
      limit: 1,
    },
  ].map((t) => ({ ...t, met: t.value === null ? null : t.value <= t.limit }));
  emit({ bench: 'sync', targets });
} catch (err) {
  if (!interrupted) {
    process.stderr.write(`bench:sync failed: ${(err as Error).stack ?? err}\n`);
    exitCode = 1;
  }
} finally {
  if (!interrupted) {
    await stopApp(worker);
    await env.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}
process.exit(exitCode);
