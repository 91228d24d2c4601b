import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { allowed, type Action, type Resource } from '../../auth/permissions';
import { findToken } from '../../auth/tokens';
import { Prisma, queryRows, type User } from '../../db';
import { Forbidden, HttpError, Unauthorized } from '../../errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the request is for the JSON API (errors as JSON, never a login page). */
export function isApi(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/** Sets req.user from a bearer token or the session. */
export async function authenticate(req: Request, _res: Response, next: NextFunction): Promise<void> {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match && (await findToken(match[1]!));
    if (!token) throw new Unauthorized('invalid, expired or revoked API token');
    req.user = token.user;
    req.token = token;
    return next();
  }
  const userId = req.session?.userId;
  if (userId) {
    const [user] = await queryRows<User>(Prisma.sql`SELECT * FROM "User" WHERE id = ${userId}`);
    if (user && !user.disabled) req.user = user;
    else delete req.session.userId;
  }
  next();
}

/** The session's CSRF token, created on first use. */
export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(24).toString('base64url');
  return req.session.csrfToken;
}

/**
 * CSRF protection for requests authenticated by the session cookie (and for the login form).
 * Bearer-token requests carry no ambient credentials, so they need none.
 */
export function csrf(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || req.token) return next();
  if (!req.session?.userId && req.path !== '/login') return next();
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
  const expected = req.session.csrfToken;
  const ok =
    typeof sent === 'string' &&
    !!expected &&
    sent.length === expected.length &&
    timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
  if (!ok) throw new HttpError(403, 'csrf_failed', 'missing or invalid CSRF token; reload the page and try again');
  next();
}

export type PermissionedHandler = RequestHandler & { permission: string };

/** Route guard: the signed-in user's role must allow `action` on `resource`. Every route declares one. */
export function can(action: Action, resource: Resource): PermissionedHandler {
  const guard = (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) {
      if (isApi(req) || req.method !== 'GET') throw new Unauthorized();
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!allowed(req.user.role, action, resource))
      throw new Forbidden(`your role (${req.user.role}) may not ${action} ${resource}s`);
    if (req.token && !req.token.writeEnabled && !SAFE_METHODS.has(req.method))
      throw new Forbidden('this API token is read-only');
    next();
  };
  return Object.assign(guard, { permission: `${resource}:${action}` });
}

/** Marks a route open to everyone (login, health, the OpenAPI document). */
export const open: PermissionedHandler = Object.assign((_req: Request, _res: Response, next: NextFunction) => next(), {
  permission: 'public',
});

/** Marks a route open to every signed-in user (their own profile, logout). */
export const signedIn: PermissionedHandler = Object.assign(
  (req: Request, res: Response, next: NextFunction) => {
    if (req.user) return next();
    if (isApi(req) || req.method !== 'GET') throw new Unauthorized();
    res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
  },
  { permission: 'signed-in' },
);

/** Marks a route authenticated by a signature over its body (push webhooks), not by a user. */
export const signed: PermissionedHandler = Object.assign(
  (_req: Request, _res: Response, next: NextFunction) => next(),
  { permission: 'signature' },
);
