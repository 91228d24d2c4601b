import { Router } from 'express';
import { db } from '../../db';
import { can } from '../middleware/auth';

export const router = Router();

/** Prometheus text format; scrape with a read-only API token. */
router.get('/metrics', can('view', 'dashboard'), async (_req, res) => {
  const [fabrics, runs, records] = await Promise.all([
    db().fabric.groupBy({ by: ['syncStatus'], _count: { _all: true } }),
    db().syncRun.groupBy({ by: ['status'], _count: { _all: true } }),
    db().crdRecord.groupBy({ by: ['kind'], _count: { _all: true } }),
  ]);
  const lines = [
    '# HELP hhfm_fabrics Fabrics by sync status.',
    '# TYPE hhfm_fabrics gauge',
    ...fabrics.map((f) => `hhfm_fabrics{sync_status="${f.syncStatus}"} ${f._count._all}`),
    '# HELP hhfm_sync_runs Sync runs by status.',
    '# TYPE hhfm_sync_runs gauge',
    ...runs.map((r) => `hhfm_sync_runs{status="${r.status}"} ${r._count._all}`),
    '# HELP hhfm_records CRD records by kind.',
    '# TYPE hhfm_records gauge',
    ...records.map((r) => `hhfm_records{kind="${r.kind}"} ${r._count._all}`),
  ];
  res.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
});
