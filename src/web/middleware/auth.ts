import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { allowed, type Action, type Resource } from '../../auth/permissions';
import { findToken } from '../../auth/tokens';
import { config } from '../../config';
import { Prisma, queryRows, type User } from '../../db';
import { Forbidden, HttpError, Unauthorized } from '../../errors';
import { FABRIC_ROWS, fabricsAndVersionOf, type FabricRow } from '../../records/recordsVersion';

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
    // One rule for every state-changing request, whatever guard its route has (can, signedIn,
    // open) and whoever adds the route later: a token changes nothing unless it may write.
    if (!token.writeEnabled && !SAFE_METHODS.has(req.method)) throw new Forbidden('this API token is read-only');
    req.user = token.user;
    req.token = token;
    return next();
  }
  const userId = req.session?.userId;
  if (userId) {
    // The user's row is read on every request, so that a disabled user, a changed role or a
    // reset password takes effect on the next one. The fabrics and the records' version come in
    // the same statement: the list pages need both, and a second round trip per request cost
    // more (web process and PostgreSQL) than anything else such a page does once it is kept.
    const [row] = await queryRows<User & { rowVersion: string; fabrics: FabricRow[] }>(
      Prisma.sql`SELECT u.*, u.xmin::text AS "rowVersion", ${FABRIC_ROWS} AS fabrics FROM "User" u WHERE u.id = ${userId}`,
    );
    if (row) {
      const { rowVersion, fabrics, ...user } = row;
      req.fabrics = fabricsAndVersionOf(fabrics);
      // A password changed or reset since this session signed in ends it (sessionEpoch moved on).
      if (!user.disabled && (req.session.epoch ?? 0) === user.sessionEpoch) {
        req.user = user;
        req.userVersion = rowVersion;
      }
    }
    if (!req.user) delete req.session.userId;
  }
  next();
}

/** The session's CSRF token, created on first use. */
export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(24).toString('base64url');
  return req.session.csrfToken;
}

/** Constant-time equality of a submitted token and the expected one. */
function sameToken(sent: unknown, expected: string | undefined): boolean {
  return (
    typeof sent === 'string' &&
    !!expected &&
    sent.length === expected.length &&
    timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
  );
}

function submittedToken(req: Request): unknown {
  return (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
}

const CSRF_FAILED = 'missing or invalid CSRF token; reload the page and try again';

/**
 * CSRF protection for requests authenticated by the session cookie. Bearer-token requests carry
 * no ambient credentials, and anonymous requests no identity to abuse, so they need none; the
 * login form, the one anonymous form that matters, checks its own token (`loginCsrf`).
 */
export function csrf(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || req.token || !req.session?.userId) return next();
  checkCsrfToken(req);
  next();
}

/**
 * The submitted token must be this browser's: its session's, or the login form's (whose cookie
 * a signed-in user may still have, say in a stale login tab).
 */
function checkCsrfToken(req: Request): void {
  const sent = submittedToken(req);
  if (!sameToken(sent, req.session?.csrfToken) && !sameToken(sent, loginToken(req)))
    throw new HttpError(403, 'csrf_failed', CSRF_FAILED);
}

// The login form's CSRF token lives in a cookie, not in a session: a visitor who has not signed
// in costs no Redis key. The cookie holds a random nonce; the form carries its HMAC under the
// session secret, so a token is good only beside the cookie it was made for.
const LOGIN_COOKIE = 'hhfm.login';
const LOGIN_COOKIE_SECONDS = 30 * 60;

function loginTokenFor(nonce: string): string {
  return createHmac('sha256', config().sessionSecret).update(`login-csrf:${nonce}`).digest('base64url');
}

function loginNonce(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === LOGIN_COOKIE && value && /^[\w-]{32}$/.test(value)) return value;
  }
  return undefined;
}

/** The login form's CSRF token, setting its cookie when the visitor has none yet. */
export function loginCsrfToken(req: Request, res: Response): string {
  let nonce = loginNonce(req);
  if (!nonce) {
    nonce = randomBytes(24).toString('base64url');
    res.cookie(LOGIN_COOKIE, nonce, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: LOGIN_COOKIE_SECONDS * 1000,
    });
  }
  return loginTokenFor(nonce);
}

/** Forgets the login form's cookie (after a successful login). */
export function clearLoginCsrf(res: Response): void {
  res.clearCookie(LOGIN_COOKIE, { path: '/' });
}

/**
 * The login route's own CSRF check, part of the route: whatever spelling of the path the router
 * matched (`/login/`, `/LOGIN`), the check runs, so no one can sign a victim in as someone else.
 */
export function loginCsrf(req: Request, _res: Response, next: NextFunction): void {
  checkCsrfToken(req);
  next();
}

/** The login token this browser's cookie stands for, if it has the cookie. */
function loginToken(req: Request): string | undefined {
  const nonce = loginNonce(req);
  return nonce && loginTokenFor(nonce);
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
