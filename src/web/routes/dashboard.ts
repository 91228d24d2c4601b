import { Router, type Response } from 'express';
import { kinds } from '../../crds';
import { db } from '../../db';
import { can } from '../middleware/auth';
import { authed, type Req } from '../validate';

/** The dashboard: fabrics, repositories, records per kind, the last sync runs. */
export const pages = Router();

pages.get('/', can('view', 'dashboard'), authed(dashboardPage));

async function dashboardPage(_req: Req, res: Response) {
  const [fabrics, repositories, byKind, runs] = await Promise.all([
    db().fabric.findMany({
      orderBy: { name: 'asc' },
      take: 50,
      include: { repository: { select: { id: true, name: true } } },
    }),
    db().gitRepository.findMany({ orderBy: { name: 'asc' }, take: 50 }),
    db().crdRecord.groupBy({ by: ['kind'], _count: { _all: true } }),
    db().syncRun.findMany({
      orderBy: { queuedAt: 'desc' },
      take: 10,
      include: { fabric: { select: { id: true, name: true } } },
    }),
  ]);
  const failed = repositories.filter((r) => r.connectionStatus === 'failed');
  const failing = {
    count: failed.length,
    since: failed.reduce<Date | null>(
      (min, r) => (r.failingSince && (!min || r.failingSince < min) ? r.failingSince : min),
      null,
    ),
  };
  const counts = new Map(byKind.map((k) => [k.kind, k._count._all]));
  const kindCounts = kinds.map((k) => ({ kind: k, count: counts.get(k.kind) ?? 0 }));
  res.render('dashboard.njk', {
    fabrics,
    repositories,
    failing,
    kindCounts,
    runs,
    totalRecords: byKind.reduce((n, k) => n + k._count._all, 0),
  });
}
