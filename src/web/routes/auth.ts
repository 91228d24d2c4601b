import { Router } from 'express';
import { z } from 'zod';
import { hit, reset } from '../../auth/rateLimit';
import { authenticate } from '../../auth/users';
import { db } from '../../db';
import { log } from '../../log';
import { TooManyRequests } from '../../errors';
import { csrfToken, open, signedIn } from '../middleware/auth';

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

/** Failed logins are limited per (address, username) and per address. */
export async function loginAllowed(ip: string, username: string): Promise<void> {
  const [pair, addr] = await Promise.all([
    hit('login', `${ip}|${username.toLowerCase()}`, 10, 900),
    hit('login-ip', ip, 50, 900),
  ]);
  if (!pair.allowed || !addr.allowed)
    throw new TooManyRequests(Math.max(pair.allowed ? 0 : pair.retryAfter, addr.allowed ? 0 : addr.retryAfter));
}

router.get('/login', open, (req, res) => {
  if (req.user) return res.redirect(safeNext(req.query.next));
  res.render('auth/login.njk', { csrfToken: csrfToken(req), next: safeNext(req.query.next) });
});

router.post('/login', open, async (req, res) => {
  const input = LoginInput.safeParse(req.body);
  const username = input.success ? input.data.username : '';
  const next = safeNext((req.body as { next?: string } | undefined)?.next);
  try {
    await loginAllowed(req.ip ?? '', username);
  } catch (err) {
    res.status(429);
    return res.render('auth/login.njk', { csrfToken: csrfToken(req), next, username, error: (err as Error).message });
  }
  const user = input.success ? await authenticate(username, input.data.password) : null;
  if (!user) {
    log.warn('login failed', { username, ip: req.ip });
    res.status(401);
    return res.render('auth/login.njk', {
      csrfToken: csrfToken(req),
      next,
      username,
      error: 'Wrong username or password, or the account is disabled.',
    });
  }
  await reset('login', `${req.ip}|${username.toLowerCase()}`);
  // A new session id at login: a session fixed by an attacker before login is worthless after it.
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  req.session.userId = user.id;
  csrfToken(req);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  log.info('login', { username: user.username });
  res.redirect(next);
});

router.post('/logout', signedIn, async (req, res) => {
  await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  res.clearCookie('hhfm.sid');
  res.redirect('/login');
});
