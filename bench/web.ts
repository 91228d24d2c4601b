// npm run bench:web [-- --records=100000 --seconds=10 --reps=3 --connections=32 --web-processes=<cores> --warm-up-seconds=30 --only=topology]
//
// Loads a synthetic fabric of 100,000 records into a dedicated database (set-based, through
// the sync's own applyPlan), starts the web process as a child, logs in once and measures
// pages and the API with wrk (apt-get install wrk) at 32 concurrent connections. Prints one
// JSON object per line on stdout: p50/p99 latency, requests/s and the web processes' and
// PostgreSQL's CPU ms per request per endpoint, medians of the reps.
// The lists' spec-text searches (an IP, a VLAN, a port, a MAC across every kind) are measured
// like the other pages, and their plans read (EXPLAIN ANALYZE): the total of each must come
// through the trigram index on the spec's text.

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findKind } from '../src/crds';
import { db, Prisma } from '../src/db';
import { recordListSql, type RecordQuery } from '../src/records/listRecords';
import { generateFabricOfSize } from './fabricGen';
import { loadFabric } from './fabricLoad';
import { readdirSync, readFileSync } from 'node:fs';
import { benchEnvironment, cpuOf, machine, median, note, option, round, startApp, stopApp } from './support';

const run = promisify(execFile);
const records = Number(option('records', '100000'));
const seconds = Number(option('seconds', '10'));
const reps = Number(option('reps', '3'));
const connections = Number(option('connections', '32'));
// As deployed on a dedicated web host: one web process per core (WEB_CONCURRENCY).
const webProcesses = Number(option('web-processes', String(availableParallelism())));
// `--only=topology` measures the topology page and API alone (on their own fabric).
const only = option('only', '');
// Seconds of wrk over every page in turn before any page is measured (see the warm-up below).
const warmUpSeconds = Number(option('warm-up-seconds', '30'));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Logs in through the form (CSRF token and all) and returns the session cookie. */
async function login(base: string, username: string, password: string): Promise<string> {
  // A session saved before the web process's Redis connection is up is lost: wait for readiness.
  for (let i = 0; (await fetch(`${base}/readyz`)).status !== 200; i++) {
    if (i > 100) throw new Error(`${base}/readyz did not answer 200 within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const page = await fetch(`${base}/login`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('login: no _csrf field on /login');
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, username, password }).toString(),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c?.startsWith('hhfm.sid='));
  if (res.status !== 302 || !session)
    throw new Error(
      `login as ${username} failed: ${res.status} ${(await res.text())
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 300)}`,
    );
  return session;
}

interface WrkResult {
  p50ms: number;
  p99ms: number;
  requestsPerSecond: number;
  requests: number;
  errors: number;
}

const toMs = (v: string) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v);
  if (!m) throw new Error(`wrk: cannot read the latency "${v}"`);
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
};

async function wrk(url: string, cookie: string, duration: number): Promise<WrkResult> {
  const { stdout } = await run(
    'wrk',
    [
      '-t',
      '1',
      '-c',
      String(connections),
      '-d',
      `${duration}s`,
      '--timeout',
      '10s',
      '--latency',
      '-H',
      `Cookie: ${cookie}`,
      url,
    ],
    { timeout: (duration + 30) * 1000 },
  );
  const pct = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(stdout)?.[1] ?? 'x');
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = non2xx + (socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  return {
    p50ms: pct('50'),
    p99ms: pct('99'),
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0),
    requests,
    errors,
  };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/**
 * The plans of a list search's two statements (its rows and its total), as PostgreSQL runs
 * them (EXPLAIN ANALYZE): which indexes they use, and whether the spec-text search goes through
 * its trigram index (prisma/beyond-schema.sql) rather than reading every spec.
 */
async function explainSearch(name: string, query: RecordQuery) {
  const sql = recordListSql(query);
  const plans: Record<string, unknown> = {};
  let usesSpecIndex = true;
  for (const [statement, text] of [
    ['rows', sql.rows],
    ['count', sql.count],
  ] as const) {
    const [row] = await db().$queryRaw<{ 'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number }[] }[]>(
      Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
    );
    const plan = row!['QUERY PLAN'][0]!;
    const nodes = planNodes(plan.Plan);
    const indexes = [...new Set(nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])))];
    const specIndex = indexes.includes(SPEC_TRGM_INDEX);
    // The rows of a page may come from walking the name order and stopping at 50 matches; the total cannot.
    if (statement === 'count') usesSpecIndex = specIndex;
    plans[statement] = {
      executionMs: round(plan['Execution Time'], 2),
      nodes: [...new Set(nodes.map((n) => n['Node Type']))],
      indexes,
      specTrigramIndex: specIndex,
    };
  }
  return { bench: 'web', explain: name, q: query.q, kind: query.kind ?? 'every kind', ...plans, usesSpecIndex };
}

const SPEC_TRGM_INDEX = 'CrdRecord_spec_text_trgm_idx';

/**
 * CPU seconds used so far by the web app: its process and the web processes it forked
 * (WEB_CONCURRENCY). Per request, far less moved by other work on the same cores than latency.
 */
function webCpu(pid: number): number {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // Not Linux, or the process is gone: the process's own figure only.
  }
  return [pid, ...children].reduce((sum, p) => {
    try {
      return sum + cpuOf(p);
    } catch {
      return sum;
    }
  }, 0);
}

/**
 * CPU seconds used so far by each PostgreSQL backend serving `database` (the web processes'
 * connections), by pid, when PostgreSQL runs on this machine (/proc); empty otherwise. The
 * database is the bench's own, so no one else's work is counted.
 */
function databaseCpu(database: string): Map<number, number> {
  const cpu = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return cpu;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `))
        cpu.set(Number(pid), cpuOf(Number(pid)));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return cpu;
}

/** CPU seconds the backends used between two readings (a backend that ended in between is not counted). */
function databaseCpuSince(before: Map<number, number>, database: string): number {
  let used = 0;
  for (const [pid, cpu] of databaseCpu(database)) used += cpu - (before.get(pid) ?? 0);
  return used;
}

/** Thrown to end the run early (`--only`), cleaning up like a finished one. */
class Done extends Error {}

/**
 * The topology page and API, one request at a time: the first request after the load (it
 * builds the topology and the picture, kept until the next sync), then after a warm-up of 10
 * (one per web process is enough) 50 more, with min, median, p99 and max of their server
 * time, and the size of the SVG.
 */
async function measureTopology(base: string, cookie: string, fabricId: number) {
  const out = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');
  const pages = [
    {
      name: 'topology page (500 switches, 10,000 servers, racks collapsed)',
      path: `/fabrics/${fabricId}/topology`,
      target: 300,
    },
    { name: 'topology page with a VPC overlay', path: `/fabrics/${fabricId}/topology?vpc=vpc-00100`, target: 300 },
    { name: 'topology page with one rack open', path: `/fabrics/${fabricId}/topology?expand=rack%2Feslag-100` },
    { name: 'topology API (JSON)', path: `/api/v1/fabrics/${fabricId}/topology` },
    { name: 'topology export (draw.io)', path: `/api/v1/fabrics/${fabricId}/topology?format=drawio` },
  ];
  for (const e of pages) {
    const times: number[] = [];
    let bytes = 0;
    let svgBytes: number | undefined;
    // The first request, then 10 that reach every web process (each keeps its own), then 50 timed.
    for (let i = 0; i < 61; i++) {
      const started = performance.now();
      const res = await fetch(base + e.path, { headers: { cookie } });
      const body = await res.text();
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`${e.path} answered ${res.status}: ${body.slice(0, 300)}`);
      bytes = Buffer.byteLength(body);
      const svg = /<svg[^]*<\/svg>/.exec(body)?.[0];
      if (svg) svgBytes = Buffer.byteLength(svg);
    }
    const first = times[0];
    const rest = times.slice(11).sort((a, b) => a - b);
    const p99 = rest[Math.min(rest.length - 1, Math.ceil(rest.length * 0.99) - 1)]!;
    out({
      bench: 'web',
      mode: 'one request at a time',
      endpoint: e.name,
      path: e.path,
      firstRequestMs: round(first!, 2),
      minMs: round(rest[0]!, 2),
      medianMs: round(median(rest), 2),
      p99ms: round(p99, 2),
      maxMs: round(rest[rest.length - 1]!, 2),
      bytes,
      ...(svgBytes !== undefined && { svgBytes, svgLimitBytes: 2 * 1024 * 1024, svgMet: svgBytes < 2 * 1024 * 1024 }),
      ...(e.target && { targetMs: e.target, met: p99 <= e.target }),
    });
  }
}

const env = await benchEnvironment('web');
const work = await mkdtemp(join(tmpdir(), 'hhfm-bench-web-'));
let web: Awaited<ReturnType<typeof startApp>> | undefined;
let interrupted = false;
const onSignal = () => {
  interrupted = true;
  note('interrupted; cleaning up');
  void stopApp(web).finally(() =>
    env.cleanup().finally(() => rm(work, { recursive: true, force: true }).finally(() => process.exit(130))),
  );
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

let exitCode = 0;
try {
  const out = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');
  out({
    bench: 'web',
    machine: await machine(),
    records,
    connections,
    webProcesses,
    seconds,
    reps,
    tool: (await run('wrk', ['-v']).catch((e) => e)).stdout?.split('\n')[0]?.trim() ?? 'wrk',
  });
  const t = performance.now();
  // Issue 15: the topology of a fabric of 500 switches and 10,000 servers.
  note('loading the topology fabric (500 switches, 10,000 servers)');
  const topology = await loadFabric(generateFabricOfSize(500, 10_000), 'bench-topology');
  note(`loading ${only === 'topology' ? 0 : records} records`);
  const { fabricId } = only === 'topology' ? { fabricId: 0 } : await loadFabric(records);
  note(`loaded in ${round((performance.now() - t) / 1000, 1)} s`);

  const database = new URL(env.databaseUrl).pathname.slice(1);
  const port = await freePort();
  web = await startApp(
    'web',
    { ...env.env, PORT: String(port), WEB_CONCURRENCY: String(webProcesses) },
    join(work, 'web.log'),
  );
  const base = `http://127.0.0.1:${port}`;
  const cookie = await login(base, env.env.ADMIN_USERNAME!, env.adminPassword);

  await measureTopology(base, cookie, topology.fabricId);
  if (only === 'topology') throw new Done();

  const middle = async (kind: string, prefix: string) => {
    const where = { fabricId, kind, name: { startsWith: prefix } };
    return db().crdRecord.findFirstOrThrow({
      where,
      orderBy: { name: 'asc' },
      skip: Math.floor((await db().crdRecord.count({ where })) / 2),
    });
  };
  const leaf = await middle('Switch', 'leaf-');
  // Ten servers share this prefix (server-0421 -> server-04210 .. server-04219).
  const serverPrefix = (await middle('Server', 'server-')).name.slice(0, -1);
  const vpc = await middle('VPC', 'vpc-');
  const connectionsTotal = await db().crdRecord.count({ where: { fabricId, kind: 'Connection' } });
  // Spec-text search (issue 12): an IP (a VPC's subnet), a VLAN (of the same VPC), a switch port
  // named in Connections' specs, and a MAC (a switch's boot MAC) looked for in every kind.
  const vpcSubnet = /\d+\.\d+\.\d+\./.exec(JSON.stringify(vpc.spec))?.[0] ?? '10.';
  const vlan = /"vlan":\s*(\d+)/.exec(JSON.stringify(vpc.spec))?.[1] ?? '1001';
  const connection = await db().crdRecord.findFirstOrThrow({ where: { fabricId, kind: 'Connection' }, skip: 100 });
  const switchPort = /"port":\s*"([^"]+)"/.exec(JSON.stringify(connection.spec))?.[1] ?? 'E1/1';
  const mac = /"mac":\s*"([^"]+)"/.exec(JSON.stringify(leaf.spec))?.[1] ?? '0c:20:12';
  // Each search as the page runs it (its RecordQuery): its plan is read below.
  const searches: { name: string; path: string; query: RecordQuery }[] = [
    {
      name: 'search spec text (VPCs by a subnet: an IP)',
      path: `/crds/vpcs?q=${encodeURIComponent(vpcSubnet)}`,
      query: { kind: 'VPC', q: vpcSubnet },
    },
    { name: 'search spec text (VPCs by a VLAN)', path: `/crds/vpcs?q=${vlan}`, query: { kind: 'VPC', q: vlan } },
    {
      name: 'search spec text (Connections by a switch port)',
      path: `/crds/connections?q=${encodeURIComponent(switchPort)}`,
      query: { kind: 'Connection', q: switchPort },
    },
    {
      name: `search spec text in every kind of the fabric (${records} records) for a MAC: the API list`,
      path: `/api/v1/crds?fabric=${fabricId}&q=${encodeURIComponent(mac)}`,
      query: { fabricId, q: mac },
    },
  ];
  const explained = [];
  for (const search of searches) {
    const e = await explainSearch(search.name, search.query);
    explained.push(e);
    out(e);
  }
  const endpoints: { name: string; path: string; target?: number }[] = [
    {
      name: `CRD list page (Connections, ${connectionsTotal} records, page 1)`,
      path: '/crds/connections',
      target: 100,
    },
    { name: 'CRD list page, page 200 (offset 9,950)', path: '/crds/connections?page=200', target: 100 },
    {
      name: 'filtered list (fabric + type eslag)',
      path: `/crds/connections?fabric=${fabricId}&type=eslag`,
      target: 100,
    },
    { name: 'search (servers by name)', path: `/crds/servers?q=${serverPrefix}`, target: 100 },
    { name: 'search (all Connections naming a leaf)', path: `/crds/connections?q=${leaf.name}`, target: 100 },
    ...searches.map(({ name, path }) => ({ name, path, target: 100 })),
    // The same search in the fabric page's records table: a page that shows more than its list.
    { name: 'fabric page, its records searched for a MAC', path: `/fabrics/${fabricId}?q=${encodeURIComponent(mac)}` },
    {
      name: 'global search (a MAC, every kind, fabric, repository and run)',
      path: `/search?q=${encodeURIComponent(mac)}`,
    },
    { name: 'record detail page (leaf Switch, ~50 connections)', path: `/crds/switches/${leaf.id}`, target: 50 },
    { name: 'record detail page (VPC)', path: `/crds/vpcs/${vpc.id}`, target: 50 },
    {
      name: 'API list (Connections of the fabric, 50 per page)',
      path: `/api/v1/crds?kind=Connection&fabric=${fabricId}`,
    },
  ];
  // The first request of each page after the load pays for what pages keep until the next
  // sync (totals, rows, the rendered record page): what the first user after a sync waits for.
  const firstMs = new Map<string, number>();
  for (const e of endpoints) {
    const started = performance.now();
    const res = await fetch(base + e.path, { headers: { cookie } });
    if (res.status !== 200)
      throw new Error(`${e.path} answered ${res.status}, not 200: ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
    firstMs.set(e.path, performance.now() - started);
  }

  // Server time, one request at a time: what a single user waits for. Issue 4 asks a list page
  // of a kind with about 10,000 records to render in under 300 ms of server time.
  const byKind = await db().crdRecord.groupBy({ by: ['kind'], where: { fabricId }, _count: { _all: true } });
  const tenK = byKind.sort((a, b) => Math.abs(a._count._all - 10_000) - Math.abs(b._count._all - 10_000))[0]!;
  const slug = findKind(tenK.kind)!.slug;
  const serial = [
    { name: `CRD list page (${tenK.kind}, ${tenK._count._all} records)`, path: `/crds/${slug}`, target: 300 },
    ...endpoints,
  ];
  for (const e of serial) {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      await (await fetch(base + e.path, { headers: { cookie } })).arrayBuffer();
      if (i >= 10) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)]!;
    const p99 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]!;
    const first = firstMs.get(e.path);
    out({
      bench: 'web',
      mode: 'one request at a time',
      endpoint: e.name,
      path: e.path,
      ...(first !== undefined && { firstRequestMs: round(first, 2) }),
      p50ms: round(p50, 2),
      p99ms: round(p99, 2),
      ...(e.target === 300 && { targetMs: 300, met: p99 <= 300 }),
    });
  }

  // Web processes that have only served requests one at a time spend more CPU per request for
  // their first tens of seconds under load: V8 compiles the request path's hot functions on
  // background threads and grows its heaps meanwhile. Measured straight away, the pages measured
  // first paid for it, whichever they were: the three Connections lists (measured first) cost
  // 1.2-1.3 ms of web CPU per request against 0.8 for the searches after them, and with a search
  // moved first it cost 1.13 and 1.26 ms in two runs against 0.74 and 0.91 for the same search
  // 20-30 s later (docs/PERFORMANCE.md, issue 12). So every page is under load for a while
  // first, and each page's figures are its own.
  note(`warming the web processes up: every page under wrk, ${warmUpSeconds} s in all`);
  for (const e of endpoints)
    await wrk(base + e.path, cookie, Math.max(1, Math.round(warmUpSeconds / endpoints.length)));

  const rows = [];
  for (const e of endpoints) {
    note(`${e.name}: warm-up, then ${reps} x ${seconds} s`);
    await wrk(base + e.path, cookie, 2);
    const samples: WrkResult[] = [];
    const cpuPerRequest: number[] = [];
    const pgCpuPerRequest: number[] = [];
    for (let i = 0; i < reps; i++) {
      const cpu = webCpu(web.pid!);
      const pg = databaseCpu(database);
      const sample = await wrk(base + e.path, cookie, seconds);
      cpuPerRequest.push(((webCpu(web.pid!) - cpu) * 1000) / Math.max(sample.requests, 1));
      pgCpuPerRequest.push((databaseCpuSince(pg, database) * 1000) / Math.max(sample.requests, 1));
      samples.push(sample);
    }
    const row = {
      bench: 'web',
      endpoint: e.name,
      path: e.path,
      p50ms: round(median(samples.map((s) => s.p50ms)), 2),
      p99ms: round(median(samples.map((s) => s.p99ms)), 2),
      requestsPerSecond: round(median(samples.map((s) => s.requestsPerSecond)), 1),
      // The web processes' CPU (user + system) per request: what a page costs the app.
      webCpuMsPerRequest: round(median(cpuPerRequest), 2),
      // PostgreSQL's (the backends of the bench's database), the other large share of the cores.
      pgCpuMsPerRequest: round(median(pgCpuPerRequest), 2),
      errors: samples.reduce((n, s) => n + s.errors, 0),
      // Per run, so that a figure still moving from run to run (a process warming up) shows.
      runs: samples.map((s, i) => ({
        p50ms: round(s.p50ms, 2),
        p99ms: round(s.p99ms, 2),
        rps: s.requestsPerSecond,
        webCpuMs: round(cpuPerRequest[i]!, 2),
        pgCpuMs: round(pgCpuPerRequest[i]!, 2),
      })),
      ...(e.target ? { targetP99ms: e.target, met: median(samples.map((s) => s.p99ms)) <= e.target } : {}),
    };
    rows.push(row);
    out(row);
  }
  out({
    bench: 'web',
    targets: [
      ...rows
        .filter((r) => r.targetP99ms)
        .map((r) => ({ endpoint: r.endpoint, p99ms: r.p99ms, limit: r.targetP99ms, met: r.met && r.errors === 0 })),
      ...explained.map((e) => ({
        endpoint: `${e.explain}: its total through the spec trigram index`,
        met: e.usesSpecIndex,
      })),
    ],
  });
} catch (err) {
  if (!interrupted && !(err instanceof Done)) {
    process.stderr.write(`bench:web failed: ${(err as Error).stack ?? err}\n`);
    exitCode = 1;
  }
} finally {
  if (!interrupted) {
    await stopApp(web);
    await env.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}
process.exit(exitCode);
