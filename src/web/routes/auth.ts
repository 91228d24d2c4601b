import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { loginAllowed, loginSucceeded } from '../../auth/loginLimit';
import { authenticate } from '../../auth/users';
import { db } from '../../db';
import { log } from '../../log';
import { TooManyRequests } from '../../errors';
import { clearLoginCsrf, csrfToken, loginCsrf, loginCsrfToken, open, signedIn } from '../middleware/auth';

/** Signing in and out with a password (the login form is limited per address and username). */
export const router = Router();

router.get('/login', open, loginPage);
router.post('/login', open, loginCsrf, logIn);
router.post('/logout', signedIn, logOut);

const LoginInput = z.object({
  username: z.string().trim().min(1).max(150),
  password: z.string().min(1).max(1024),
  next: z.string().optional(),
});

/** Only local paths: an open redirect after login would be a phishing aid. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

function loginPage(req: Request, res: Response) {
  if (req.user) return res.redirect(safeNext(req.query.next));
  res.render('auth/login.njk', { csrfToken: loginCsrfToken(req, res), next: safeNext(req.query.next) });
}

/**
 * Not `validate`: whatever was typed, the attempt counts against the limit, and a malformed
 * form is told what a wrong password is told.
 */
async function logIn(req: Request, res: Response) {
  const input = LoginInput.safeParse(req.body);
  const username = input.success ? input.data.username : '';
  const next = safeNext((req.body as { next?: string } | undefined)?.next);
  const form = { csrfToken: loginCsrfToken(req, res), next, username };
  try {
    await loginAllowed(req.ip ?? '', username);
  } catch (err) {
    if (!(err instanceof TooManyRequests)) throw err;
    res.status(429).setHeader('Retry-After', String(err.retryAfter));
    return res.render('auth/login.njk', { ...form, error: err.message });
  }
  const user = input.success ? await authenticate(username, input.data.password) : null;
  if (!user) {
    log.warn('login failed', { username, ip: req.ip });
    res.status(401);
    return res.render('auth/login.njk', { ...form, error: 'Wrong username or password, or the account is disabled.' });
  }
  await loginSucceeded(req.ip ?? '', username);
  // A new session id at login: a session fixed by an attacker before login is worthless after it.
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  req.session.userId = user.id;
  req.session.epoch = user.sessionEpoch;
  csrfToken(req);
  clearLoginCsrf(res);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  log.info('login', { username: user.username });
  res.redirect(next);
}

async function logOut(req: Request, res: Response) {
  await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  res.clearCookie('hhfm.sid');
  res.redirect('/login');
}
