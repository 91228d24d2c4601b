import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { loadConfig, setConfig, type Config } from '../../src/config';
import { closeDb } from '../../src/db';
import { closeQueues } from '../../src/queues';
import { setLogSink } from '../../src/log';
import { closeRedis, redis } from '../../src/redis';

export const TEST_SECRET_KEY = randomBytes(32).toString('base64');

/** Every log line written during this test file, to search for secrets. */
export const logLines: string[] = [];

/**
 * Gives this test file its own database (a clone of the migrated template), its own Redis key
 * prefix and a configuration pointing at both. Cleans up after the file.
 */
export async function useTestEnvironment(overrides: Record<string, string> = {}): Promise<Config> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `hhfm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('templateDatabase')}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const cfg = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: url.toString(),
      REDIS_PREFIX: `${inject('redisPrefix')}_${randomBytes(3).toString('hex')}`,
      SECRET_KEY: TEST_SECRET_KEY,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      ALLOW_INSECURE_GIT: 'true',
      GIT_TIMEOUT_SECONDS: '20',
      LOG_LEVEL: 'debug',
      ...overrides,
    },
    '/nonexistent',
  );
  setConfig(cfg);
  setLogSink((line) => logLines.push(line));

  afterAll(async () => {
    const keys = await redis()
      .keys(`${cfg.redisPrefix}:*`)
      .catch(() => []);
    if (keys.length)
      await redis()
        .del(...keys)
        .catch(() => {});
    await closeQueues();
    await closeRedis();
    await closeDb();
    const drop = new pg.Client({ connectionString: adminUrl });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await drop.end();
  });
  return cfg;
}
