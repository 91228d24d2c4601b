import { Router } from 'express';
import { db } from '../../db';
import { redis } from '../../redis';
import { open } from '../middleware/auth';

export const router = Router();

async function check(
  name: string,
  probe: () => Promise<unknown>,
): Promise<{ name: string; ok: boolean; error?: string }> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000)),
    ]);
    return { name, ok: true };
  } catch (err) {
    return { name, ok: false, error: (err as Error).message };
  }
}

router.get('/healthz', open, (_req, res) => {
  res.json({ status: 'ok' });
});

router.get('/readyz', open, async (_req, res) => {
  const checks = await Promise.all([
    check('postgres', () => db().$queryRaw`SELECT 1`),
    check('redis', () => redis().ping()),
  ]);
  const down = checks.filter((c) => !c.ok);
  res.status(down.length ? 503 : 200).json({
    status: down.length ? 'unavailable' : 'ready',
    ...(down.length && { message: `not reachable: ${down.map((c) => c.name).join(', ')}` }),
    checks: Object.fromEntries(checks.map((c) => [c.name, c.ok ? 'ok' : c.error])),
  });
});
