import { Router, type Request, type Response } from 'express';
import { db } from '../../db';
import { log } from '../../log';
import { redis } from '../../redis';
import { open } from '../middleware/auth';

/** Probes for orchestrators: /healthz (the process is up), /readyz (Postgres and Redis answer). */
export const router = Router();

router.get('/healthz', open, showLiveness);
router.get('/readyz', open, showReadiness);

const PROBE_TIMEOUT_MS = 2000;

/** The dependencies a web process needs to serve, each with a cheap probe. */
const PROBES: [name: string, probe: () => Promise<unknown>][] = [
  ['postgres', () => db().$queryRaw`SELECT 1`],
  ['redis', () => redis().ping()],
];

/** The last failure logged per dependency: a probe every few seconds logs a change, not every answer. */
const lastLogged = new Map<string, string>();

/** The error of a dependency's probe, or null when it answered in time. */
async function probeError(name: string, probe: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    if (lastLogged.delete(name)) log.info('readiness: reachable again', { check: name });
    return null;
  } catch (err) {
    const error = (err as Error).message;
    if (lastLogged.get(name) !== error) log.warn('readiness: not reachable', { check: name, error });
    lastLogged.set(name, error);
    return error;
  } finally {
    clearTimeout(timer);
  }
}

function showLiveness(_req: Request, res: Response) {
  res.json({ status: 'ok' });
}

/**
 * 503 while Postgres or Redis does not answer. The answer names the dependency and says `down`:
 * anyone may ask, and a driver's message can tell hosts, ports and user names; the log has it.
 */
async function showReadiness(_req: Request, res: Response) {
  const checks = await Promise.all(
    PROBES.map(async ([name, probe]) => ({ name, ok: !(await probeError(name, probe)) })),
  );
  const down = checks.filter((c) => !c.ok);
  res.status(down.length ? 503 : 200).json({
    status: down.length ? 'unavailable' : 'ready',
    ...(down.length && { message: `not reachable: ${down.map((c) => c.name).join(', ')}` }),
    checks: Object.fromEntries(checks.map((c) => [c.name, c.ok ? 'ok' : 'down'])),
  });
}
