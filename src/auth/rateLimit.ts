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
