// npm run bench:sync [-- --sizes=1000,10000,50000 --layouts=file-per-record,multi-document --reps=3 --max-minutes=60]
//
// Syncs synthetic fabrics from local bare git repositories through the real path (startSync ->
// BullMQ -> a worker in a child process -> clone, parse, validate, plan, apply) and compares
// each case with the floor measured in the same run on the same repository: `git clone` +
// parsing the same files with the `yaml` package + COPY of the same rows into a table with the
// same indexes as the records table (the indexes are work any correct sync must do). Every
// figure is given as the min/median/max of its reps, with the load average before and after:
// other work on the same cores moves single figures. Prints one JSON object per line on stdout.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { kindByName } from '../src/crds';
import { db } from '../src/db';
import { DEFAULT_SCAN_LIMITS } from '../src/gitops/scan';
import { startSync } from '../src/sync/startSync';
import { changeRecords, generateFabric, layoutFiles, type GeneratedDoc, type Layout } from './fabricGen';
import {
  benchEnvironment,
  cpuOf,
  loadAverage,
  machine,
  median,
  note,
  option,
  ownCpu,
  resetPeakRss,
  round,
  rssOf,
  spread,
  startApp,
  stopApp,
} from './support';

const run = promisify(execFile);
const sizes = option('sizes', '1000,10000,50000').split(',').map(Number);
const layouts = option('layouts', 'file-per-record,multi-document').split(',') as Layout[];
const reps = Number(option('reps', '5'));
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
  /** CPU seconds of the worker process (all its threads) from the request until the run finished. */
  cpuSeconds: number;
  /** The same, by the stage the run was in when each 10 ms sample was taken (so within ~10 ms of the stage's edges). */
  cpuByStage: Record<string, number>;
  counts: Record<string, number>;
  status: string;
  /** The worker's resident set size once the sync is over and it has settled (1.5 s later). */
  rssAfterMB: number;
  /** The same after the worker sat idle for IDLE_MS more (only where the memory target applies, 50,000 records). */
  rssIdleAfterMB?: number;
  /** 1-minute load average when the sync was requested and when it had settled. */
  loadBefore: number;
  loadAfter: number;
}

// Lets the worker finish what follows a run (keeping its state, removing the checkout) and
// collect its garbage before its resident size is read.
const SETTLE_MS = 1500;
// Where issue 16's memory target applies (50,000 records), the worker's size is read again after
// it sat idle this much longer: whether memory it kept 1.5 s after a sync goes back by itself or
// stays. Not at every size: five more seconds per sync would add minutes to every run.
const IDLE_MS = 5000;
const IDLE_FROM_RECORDS = 50_000;

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
      // No background `gc --auto` after a commit of 50,000 loose objects: it was still writing
      // the work tree's .git/objects when the bench removed it (ENOTEMPTY, twice at load 8-10).
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'gc.auto',
      GIT_CONFIG_VALUE_0: '0',
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

/**
 * The floor: `git clone` + `yaml` parse of the same files + COPY of the same rows (references
 * included) into a table with the same indexes as CrdRecord.
 */
async function measureFloor(
  url: string,
  work: string,
  databaseUrl: string,
): Promise<{ seconds: number; clone: number; parse: number; parseCpu: number; copy: number; rows: number }> {
  const clone = join(work, 'floor-clone');
  await rm(clone, { recursive: true, force: true });
  let t = performance.now();
  await git(['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', '--branch', 'v1', url, clone]);
  const cloneS = (performance.now() - t) / 1000;

  t = performance.now();
  const cpuBefore = ownCpu();
  const parsed: { path: string; line: number; value: Record<string, any> }[] = [];
  for (const file of await listYaml(join(clone, GITOPS_DIR))) {
    // Read as the sync reads (synchronously): one await per file would make the floor slower
    // than the work it stands for, and with a file per record flatter the sync's ratio.
    const text = readFileSync(file, 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const value = doc.toJS() as Record<string, any> | null;
      if (value) parsed.push({ path: file.slice(clone.length + 1), line: 1, value });
    }
  }
  const parseS = (performance.now() - t) / 1000;
  const parseCpu = ownCpu() - cpuBefore;

  const csv = join(work, 'floor.csv');
  const now = new Date().toISOString();
  const lines = parsed.map(({ path, line, value }, i) => {
    const spec = JSON.stringify(value.spec ?? {});
    const labels = JSON.stringify(value.metadata?.labels ?? {});
    const hash = createHash('sha256').update(spec).digest('hex');
    const refs = [
      ...new Set(
        kindByName(value.kind)
          ?.references(value.spec ?? {})
          .map((r) => `${r.kind}/${r.name}`),
      ),
    ];
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
      `{${refs.map((r) => `"${r}"`).join(',')}}`,
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
    'DROP TABLE IF EXISTS bench_floor; CREATE TABLE bench_floor (LIKE "CrdRecord" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
  ]);
  t = performance.now();
  await run('psql', [databaseUrl, '-qc', `\\copy bench_floor (${FLOOR_COLUMNS}) FROM '${csv}' WITH (FORMAT csv)`]);
  const copyS = (performance.now() - t) / 1000;
  await rm(clone, { recursive: true, force: true });
  return { seconds: cloneS + parseS + copyS, clone: cloneS, parse: parseS, parseCpu, copy: copyS, rows: parsed.length };
}

/** One sync through the queue; seconds from the request until the finished run is visible. */
async function syncOnce(fabricId: number, workerPid: number, records: number): Promise<Sample> {
  const loadBefore = loadAverage()[0];
  resetPeakRss(workerPid);
  // The kernel's VmHWM missed short peaks (the C heap growing by 50 MB for half a second, seen
  // in /proc/<pid>/smaps every 0.5 s): the size is also read every 10 ms until the last reading.
  let sampledPeakMB = 0;
  const sampler = setInterval(() => (sampledPeakMB = Math.max(sampledPeakMB, rssOf(workerPid).currentMB)), 10);
  try {
    return await measureSync(fabricId, workerPid, records, loadBefore, () => sampledPeakMB);
  } finally {
    clearInterval(sampler);
  }
}

async function measureSync(
  fabricId: number,
  workerPid: number,
  records: number,
  loadBefore: number,
  sampledPeakMB: () => number,
): Promise<Sample> {
  const cpuBefore = cpuOf(workerPid);
  let cpuSeen = cpuBefore;
  const cpuByStage: Record<string, number> = {};
  const started = performance.now();
  const { run: queued } = await startSync({ fabricId, trigger: 'manual', user: null });
  const limit = Math.min(timeLeft('a sync'), 15 * 60_000);
  const rssByStage: Record<string, number> = {};
  for (;;) {
    const r = await db().syncRun.findUniqueOrThrow({ where: { id: queued.id } });
    rssByStage[r.stage] = Math.max(rssByStage[r.stage] ?? 0, rssOf(workerPid).currentMB);
    const cpuNow = cpuOf(workerPid);
    cpuByStage[r.stage] = (cpuByStage[r.stage] ?? 0) + cpuNow - cpuSeen;
    cpuSeen = cpuNow;
    if (r.status !== 'queued' && r.status !== 'running') {
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = cpuNow - cpuBefore;
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
      const peakRssMB = rssOf(workerPid).peakMB;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const rssAfterMB = rssOf(workerPid).currentMB;
      let rssIdleAfterMB: number | undefined;
      if (records >= IDLE_FROM_RECORDS) {
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
        rssIdleAfterMB = rssOf(workerPid).currentMB;
      }
      return {
        seconds,
        peakRssMB: Math.max(peakRssMB, rssOf(workerPid).peakMB, sampledPeakMB()),
        rssByStage,
        stages,
        cpuSeconds,
        cpuByStage,
        counts,
        status: r.status,
        rssAfterMB,
        rssIdleAfterMB,
        loadBefore,
        loadAfter: loadAverage()[0],
      };
    }
    if (performance.now() - started > limit)
      throw new Error(`sync run ${queued.id} still ${r.status} (${r.stage}) after ${Math.round(limit / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Floor {
  seconds: number;
  clone: number;
  parse: number;
  parseCpu: number;
  copy: number;
}

function summarise(base: Record<string, unknown>, name: CaseName, samples: Sample[], records: number, floor: Floor) {
  const stageNames = [...new Set(samples.flatMap((s) => Object.keys(s.stages)))];
  const stage = (k: string) => samples.map((s) => s.stages[k] ?? 0);
  return {
    ...base,
    case: name,
    records,
    seconds: spread(samples.map((s) => s.seconds)),
    recordsPerSecond: Math.round(records / median(samples.map((s) => s.seconds))),
    floorSeconds: round(floor.seconds),
    ratioToFloor: spread(
      samples.map((s) => s.seconds / floor.seconds),
      2,
    ),
    // The stages against their part of the floor: parsing (on threads) against the floor's
    // one-thread parse, applying (with change records and counts) against its COPY.
    parsingToFloorParse: samples.some((s) => s.stages.parsing)
      ? spread(
          stage('parsing').map((p) => p / floor.parse),
          2,
        )
      : undefined,
    applyingToFloorCopy: samples.some((s) => s.stages.applying)
      ? spread(
          stage('applying').map((a) => a / floor.copy),
          2,
        )
      : undefined,
    stages: Object.fromEntries(stageNames.map((k) => [k, spread(stage(k))])),
    // CPU of the worker (all threads), which other work on the machine barely moves: the
    // parsing stage's against the floor's one-thread parse (this process's CPU).
    cpuSeconds: spread(samples.map((s) => s.cpuSeconds)),
    cpuByStage: Object.fromEntries(
      [...new Set(samples.flatMap((s) => Object.keys(s.cpuByStage)))].map((k) => [
        k,
        spread(samples.map((s) => s.cpuByStage[k] ?? 0)),
      ]),
    ),
    parsingCpuToFloorParseCpu: samples.some((s) => s.cpuByStage.parsing)
      ? spread(
          samples.map((s) => (s.cpuByStage.parsing ?? 0) / floor.parseCpu),
          2,
        )
      : undefined,
    peakRssMB: spread(
      samples.map((s) => s.peakRssMB),
      0,
    ),
    rssAfterMB: spread(
      samples.map((s) => s.rssAfterMB),
      0,
    ),
    rssIdleAfterMB: samples.some((s) => s.rssIdleAfterMB !== undefined)
      ? spread(
          samples.map((s) => s.rssIdleAfterMB ?? 0),
          0,
        )
      : undefined,
    rssByStageMB: Object.fromEntries(
      [...new Set(samples.flatMap((s) => Object.keys(s.rssByStage)))].map((k) => [
        k,
        Math.max(...samples.map((s) => s.rssByStage[k] ?? 0)),
      ]),
    ),
    loadAverage1m: {
      before: spread(
        samples.map((s) => s.loadBefore),
        2,
      ),
      after: spread(
        samples.map((s) => s.loadAfter),
        2,
      ),
    },
    counts: samples[0]!.counts,
    status: samples[0]!.status,
    runs: samples.map((s) => round(s.seconds)),
    runsPeakRssMB: samples.map((s) => s.peakRssMB),
    runsRssAfterMB: samples.map((s) => s.rssAfterMB),
    runsRssIdleAfterMB: samples.some((s) => s.rssIdleAfterMB !== undefined)
      ? samples.map((s) => s.rssIdleAfterMB)
      : undefined,
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
    note: 'each figure is {min, median, max} of the reps; ratios are to the floor measured in the same run (its median); peakRssMB is the worker process (the larger of VmHWM, reset before each sync, and its VmRSS read every 10 ms until the last reading after the sync), rssAfterMB its VmRSS 1.5 s after the sync, rssIdleAfterMB (50,000 records) 5 s later still; loadAverage1m is /proc/loadavg before each sync and after it settled; one fresh worker process per fabric size and layout; cpuSeconds is the user+system CPU (all threads, /proc/<pid>/stat), cpuByStage the same by the stage seen at each 10 ms poll, parseCpu the parse CPU of the floor in this process',
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
      const floorLoad = loadAverage()[0];
      for (let i = 0; i < reps; i++) floors.push(await measureFloor(repoInfo.url, dir, env.databaseUrl));
      const floor: Floor = {
        seconds: median(floors.map((f) => f.seconds)),
        clone: median(floors.map((f) => f.clone)),
        parse: median(floors.map((f) => f.parse)),
        parseCpu: median(floors.map((f) => f.parseCpu)),
        copy: median(floors.map((f) => f.copy)),
      };
      emit({
        ...base,
        case: 'floor',
        records: floors[0]!.rows,
        files: repoInfo.files,
        seconds: spread(floors.map((f) => f.seconds)),
        clone: spread(floors.map((f) => f.clone)),
        parse: spread(floors.map((f) => f.parse)),
        parseCpu: spread(floors.map((f) => f.parseCpu)),
        copy: spread(floors.map((f) => f.copy)),
        copyInto: 'a table with the indexes of CrdRecord (LIKE "CrdRecord" INCLUDING INDEXES)',
        loadAverage1m: { before: floorLoad, after: loadAverage()[0] },
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
        samples.get('first sync')!.push(await syncOnce(fabric.id, pid, size));
        samples.get('resync, same commit')!.push(await syncOnce(fabric.id, pid, size));
        await db().fabric.update({ where: { id: fabric.id }, data: { branch: 'v2' } });
        samples.get('resync, 1% of records changed')!.push(await syncOnce(fabric.id, pid, size));
        if (layout === 'multi-document') {
          await db().fabric.update({ where: { id: fabric.id }, data: { branch: 'v2s' } });
          samples
            .get('resync, 1% of records changed, spread over every file')!
            .push(await syncOnce(fabric.id, pid, size));
        }
        await db().fabric.update({ where: { id: fabric.id }, data: { branch: 'v3' } });
        samples.get('resync, 10% of files deleted')!.push(await syncOnce(fabric.id, pid, size));
        await db().fabric.delete({ where: { id: fabric.id } });
      }
      for (const c of CASES)
        if (samples.get(c)!.length) emit(summarise({ ...base, workerIdleRssMB }, c, samples.get(c)!, size, floor));
      await db().gitRepository.delete({ where: { id: repository.id } });
      await rm(dir, { recursive: true, force: true });
    }
  }

  const rows = (c: CaseName, size?: number, layout?: Layout) =>
    results.filter(
      (r) => r.case === c && !r.skipped && (size === undefined || r.size === size) && (!layout || r.layout === layout),
    );
  const worst = (found: Record<string, any>[], value: (r: Record<string, any>) => number | undefined) => {
    const values = found.map(value).filter((v): v is number => v !== undefined);
    return values.length ? Math.max(...values) : null;
  };
  const at50k = results.filter((r) => r.size === 50000 && r.peakRssMB !== undefined);
  const targets = [
    ...[10000, 50000].map((size) => ({
      target: `first sync of ${size} records <= 1.5x the floor (median), both layouts`,
      value: worst(rows('first sync', size), (r) => r.ratioToFloor.median),
      limit: 1.5,
    })),
    {
      target: "parsing (two threads) <= 0.8x the floor's one-thread parse, multi-document first sync (median)",
      value: worst(rows('first sync', undefined, 'multi-document'), (r) => r.parsingToFloorParse?.median),
      limit: 0.8,
    },
    {
      target: "applying a first sync <= 3x the floor's COPY into an indexed table (median)",
      value: worst(rows('first sync'), (r) => r.applyingToFloorCopy?.median),
      limit: 3,
    },
    {
      target: '1% changed, spread over every file <= 1x the floor (median)',
      value: worst(rows('resync, 1% of records changed, spread over every file'), (r) => r.ratioToFloor.median),
      limit: 1,
    },
    {
      target: '50,000 records, five syncs in one worker: peak RSS <= 450 MB',
      value: worst(at50k, (r) => r.peakRssMB.max),
      limit: 450,
    },
    {
      target: '50,000 records: worker back within 50 MB of its idle size 1.5 s after each sync (MB above idle)',
      value: worst(at50k, (r) => r.rssAfterMB.max - r.workerIdleRssMB),
      limit: 50,
    },
    {
      target: '50,000 records: the same after the worker sat idle 5 s more (MB above idle)',
      value: worst(at50k, (r) => (r.rssIdleAfterMB ? r.rssIdleAfterMB.max - r.workerIdleRssMB : undefined)),
      limit: 50,
    },
    {
      target: 'resync of the same commit <= 0.5 s (median)',
      value: worst(rows('resync, same commit'), (r) => r.seconds.median),
      limit: 0.5,
    },
    {
      target: '1% changed of 10,000 <= 1 s (median)',
      value: worst(rows('resync, 1% of records changed', 10000), (r) => r.seconds.median),
      limit: 1,
    },
  ].map((t) => ({ ...t, met: t.value === null ? null : t.value <= t.limit }));
  emit({ bench: 'sync', targets, loadAverageAtEnd: loadAverage() });
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
