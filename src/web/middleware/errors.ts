import type { NextFunction, Request, Response } from 'express';
import { log } from '../../log';
import { HttpError, NotFound } from '../../errors';
import { isApi } from './auth';

/** The last route: nothing matched. The path is not quoted: the caller knows what it asked for. */
export function notFound(req: Request): never {
  throw new NotFound(isApi(req) ? 'API route' : 'page');
}

/** Body-parser and other library errors carry a status; map them to clear HttpErrors. */
function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'bad_request', 'request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new HttpError(413, 'too_large', 'request body is too large');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  return undefined;
}

/**
 * One error middleware: JSON `{error: {code, message, details}}` for the API, an error page otherwise.
 *
 * Messages and details are shown as they were made, never passed through `redact`: they may
 * quote the request (a name, a URL, a path), and masking a quoted value that happens to equal a
 * registered secret would tell the caller that it is one. Text that can carry a secret (git's
 * output, a driver's error) is redacted where the application produces it (`GitError`), and an
 * unknown error shows only the request id.
 */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const known = toHttpError(err);
  const reqId = res.getHeader('X-Request-Id');
  if (!known) log.error('unhandled error', { err, method: req.method, path: req.path });
  const status = known?.status ?? 500;
  const message = known ? known.message : `internal error (request id ${reqId})`;
  const code = known?.code ?? 'internal_error';
  if (res.headersSent) return void res.end();
  if (status === 429 && known?.details)
    res.setHeader('Retry-After', String((known.details as { retryAfter: number }).retryAfter));
  if (isApi(req) || !req.accepts('html')) {
    res.status(status).json({ error: { code, message, details: known?.details ?? null } });
    return;
  }
  res.status(status).render('errors/error.njk', { status, message, code, reqId });
}
