import { Router, type Response } from 'express';
import { db } from '../../db';
import { maintenance, queue, repositoryChecks } from '../../queues';
import { can } from '../middleware/auth';
import { authed, type Req } from '../validate';

/** Prometheus metrics at /metrics. */
export const router = Router();

router.get('/metrics', can('view', 'dashboard'), authed(showMetrics));

/** A label value in Prometheus' text format: backslash, quote and newline escaped. */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function gauge(name: string, help: string, samples: [labels: Record<string, string>, value: number][]): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...samples.map(([labels, value]) => {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${label(v)}"`)
        .join(',');
      return `${name}${l ? `{${l}}` : ''} ${value}`;
    }),
  ];
}

/** Prometheus text format; scrape with a read-only API token. */
async function showMetrics(_req: Req, res: Response) {
  const now = Date.now();
  const [fabrics, runs, records, repositories, lastChecks, depths] = await Promise.all([
    db().fabric.findMany({
      select: { name: true, syncStatus: true, health: true, lastSyncedAt: true, invalidCount: true },
    }),
    db().syncRun.groupBy({ by: ['status'], _count: { _all: true } }),
    db().crdRecord.groupBy({ by: ['kind'], _count: { _all: true } }),
    db().gitRepository.findMany({
      select: { id: true, name: true, connectionStatus: true, consecutiveFailures: true, lastCheckedAt: true },
    }),
    db().$queryRaw<{ repositoryId: number; durationMs: number }[]>`
      SELECT DISTINCT ON ("repositoryId") "repositoryId", "durationMs" FROM "RepositoryCheck" ORDER BY "repositoryId", id DESC`,
    Promise.all(
      [queue(), maintenance(), repositoryChecks()].map(async (q) => ({
        name: q.name,
        counts: await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
      })),
    ).catch(() => []),
  ]);
  const latency = new Map(lastChecks.map((c) => [c.repositoryId, c.durationMs / 1000]));
  const byStatus = (key: 'syncStatus' | 'health') => {
    const counts = new Map<string, number>();
    for (const f of fabrics) counts.set(f[key], (counts.get(f[key]) ?? 0) + 1);
    return [...counts];
  };
  const lines = [
    ...gauge(
      'hhfm_fabrics',
      'Fabrics by sync status.',
      byStatus('syncStatus').map(([s, n]) => [{ sync_status: s }, n]),
    ),
    ...gauge(
      'hhfm_fabrics_by_health',
      'Fabrics by health.',
      byStatus('health').map(([s, n]) => [{ health: s }, n]),
    ),
    ...gauge(
      'hhfm_fabric_last_successful_sync_age_seconds',
      'Seconds since the fabric last synced successfully (absent: never).',
      fabrics
        .filter((f) => f.lastSyncedAt)
        .map((f) => [{ fabric: f.name }, Math.round((now - f.lastSyncedAt!.getTime()) / 1000)]),
    ),
    ...gauge(
      'hhfm_fabric_invalid_documents',
      'Invalid documents and files of the last applied sync.',
      fabrics.map((f) => [{ fabric: f.name }, f.invalidCount]),
    ),
    ...gauge(
      'hhfm_sync_runs',
      'Sync runs by status.',
      runs.map((r) => [{ status: r.status }, r._count._all]),
    ),
    ...gauge(
      'hhfm_repository_up',
      'Whether the last health check of the repository reached it (1) or not (0).',
      repositories
        .filter((r) => r.lastCheckedAt || r.connectionStatus !== 'pending')
        .map((r) => [{ repository: r.name }, r.connectionStatus === 'connected' ? 1 : 0]),
    ),
    ...gauge(
      'hhfm_repository_consecutive_failures',
      'Failed health checks in a row.',
      repositories.map((r) => [{ repository: r.name }, r.consecutiveFailures]),
    ),
    ...gauge(
      'hhfm_repository_check_duration_seconds',
      'Duration of the last health check (git ls-remote).',
      repositories.filter((r) => latency.has(r.id)).map((r) => [{ repository: r.name }, latency.get(r.id)!]),
    ),
    ...gauge(
      'hhfm_queue_jobs',
      'Jobs per queue and state.',
      depths.flatMap((q) =>
        Object.entries(q.counts).map(([state, n]): [Record<string, string>, number] => [{ queue: q.name, state }, n]),
      ),
    ),
    ...gauge(
      'hhfm_records',
      'CRD records by kind.',
      records.map((r) => [{ kind: r.kind }, r._count._all]),
    ),
  ];
  res.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
}
