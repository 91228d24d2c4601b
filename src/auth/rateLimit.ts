import { key, redis } from '../redis';

/** Fixed-window counter in Redis: allowed while at most `limit` hits in `windowSeconds`. */
export async function hit(
  name: string,
  id: string,
  limit: number,
  windowSeconds: number,
): Promise<{ allowed: boolean; retryAfter: number }> {
  const k = key('rl', name, id);
  const [[, count], [, ttl]] = (await redis().multi().incr(k).ttl(k).exec()) as [[null, number], [null, number]];
  if (ttl < 0) await redis().expire(k, windowSeconds);
  return { allowed: count <= limit, retryAfter: ttl > 0 ? ttl : windowSeconds };
}

/** Forgets the counter (a successful login clears its failures). */
export async function reset(name: string, id: string): Promise<void> {
  await redis().del(key('rl', name, id));
}

// Decrements an existing counter, never below zero, and never creates one (which would have no TTL).
const FORGIVE = `if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  return redis.call('DECR', KEYS[1]) end return 0`;

/** Takes one hit back (an attempt that turned out to be allowed, such as a successful login). */
export async function forgive(name: string, id: string): Promise<void> {
  await redis().eval(FORGIVE, 1, key('rl', name, id));
}
