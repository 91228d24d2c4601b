import { Router } from 'express';
import { z } from 'zod';
import { forgive, hit, reset } from '../../auth/rateLimit';
import { authenticate } from '../../auth/users';
import { db } from '../../db';
import { log } from '../../log';
import { TooManyRequests } from '../../errors';
import { clearLoginCsrf, csrfToken, loginCsrf, loginCsrfToken, open, signedIn } from '../middleware/auth';

export const router = Router();

const LoginInput = z.object({
  username: z.string().trim().min(1).max(150),
  password: z.string().min(1).max(1024),
  next: z.string().optional(),
});

/** Only local paths: an open redirect after login would be a phishing aid. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

/**
 * Failed logins are limited per (address, username) and per address. Every attempt is counted
 * up front (so that parallel guesses cannot slip past the limit) and a success is taken back
 * (`loginSucceeded`): only failures count, and people behind one NAT do not lock each other out.
 */
export async function loginAllowed(ip: string, username: string): Promise<void> {
  const [pair, addr] = await Promise.all([
    hit('login', `${ip}|${username.toLowerCase()}`, 10, 900),
    hit('login-ip', ip, 50, 900),
  ]);
  if (!pair.allowed || !addr.allowed)
    throw new TooManyRequests(Math.max(pair.allowed ? 0 : pair.retryAfter, addr.allowed ? 0 : addr.retryAfter));
}

/** Takes back the attempt a successful login counted: it clears the username's failures and is not one itself. */
export async function loginSucceeded(ip: string, username: string): Promise<void> {
  await Promise.all([reset('login', `${ip}|${username.toLowerCase()}`), forgive('login-ip', ip)]);
}

router.get('/login', open, (req, res) => {
  if (req.user) return res.redirect(safeNext(req.query.next));
  res.render('auth/login.njk', { csrfToken: loginCsrfToken(req, res), next: safeNext(req.query.next) });
});

router.post('/login', open, loginCsrf, async (req, res) => {
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
});

router.post('/logout', signedIn, async (req, res) => {
  await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  res.clearCookie('hhfm.sid');
  res.redirect('/login');
});
