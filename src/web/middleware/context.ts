import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { log, logContext } from '../../log';

/** A request id (taken from X-Request-Id when sane) in every log line, and one access log line per request. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.get('x-request-id');
  const id = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (req.path === '/healthz' || req.path.startsWith('/static/')) return;
    log.info('request', {
      reqId: id,
      method: req.method,
      path: req.path,
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
      user: req.user?.username,
    });
  });
  logContext.run({ reqId: id }, next);
}
