import { TooManyRequests } from '../errors';
import { forgive, hit, reset } from './rateLimit';

/**
 * Failed logins are limited per (address, username) and per address, at the login form and at
 * token provisioning alike. Every attempt is counted up front (so that parallel guesses cannot
 * slip past the limit) and a success is taken back (`loginSucceeded`): only failures count, and
 * people behind one NAT do not lock each other out.
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
