import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseHostRules, setHostPolicy, type HostPolicy } from './gitops/hostPolicy';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** 32 random bytes, given as 64 hex characters or as base64. */
const key = z.string().transform((v, ctx) => {
  const buf = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (buf.length !== 32) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected 32 bytes as 64 hex characters or base64 (openssl rand -base64 32)',
    });
    return z.NEVER;
  }
  return buf;
});

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgresql:// URL' })
    .default('postgresql://postgres@127.0.0.1:5432/hhfm'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// URL' }).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, ".", "_" or "-"')
    .default('hhfm'),
  SECRET_KEY: key.optional(),
  SECRET_KEYS_PREVIOUS: z.string().default(''),
  SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  ADMIN_USERNAME: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: z.string().min(1).optional(),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  GIT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  REPOSITORY_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  ALLOW_INSECURE_GIT: bool.default(false),
  GIT_ALLOWED_HOSTS: z.string().default(''),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** The current key first; older keys are kept to decrypt what rotation has not reached yet. */
  secretKeys: Buffer[];
  sessionSecret: string;
  adminUsername: string;
  adminPassword: string | undefined;
  /** Web processes sharing the port (node:cluster); one serves on one core. */
  webConcurrency: number;
  workerConcurrency: number;
  gitTimeoutMs: number;
  /** Every repository's health check (ls-remote) runs this often while it succeeds. */
  repositoryCheckIntervalMs: number;
  allowInsecureGit: boolean;
  /** GIT_ALLOWED_HOSTS, parsed: the hosts repositories may use (src/gitops/hostPolicy.ts). */
  gitHosts: HostPolicy;
  trustProxy: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {}

/** Reads and checks the environment; every problem is named with what is expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, localDir = join(process.cwd(), '.local')): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const previous = c.SECRET_KEYS_PREVIOUS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const previousKeys = previous.map((value, i) => {
    const r = key.safeParse(value);
    if (!r.success)
      throw new ConfigError(`Invalid configuration:\n  SECRET_KEYS_PREVIOUS[${i}]: ${r.error.issues[0]?.message}`);
    return r.data;
  });

  // Production checks every repository at most every 10 s; tests and development may go down to 1 s.
  if (c.NODE_ENV === 'production' && c.REPOSITORY_CHECK_INTERVAL_SECONDS < 10)
    throw new ConfigError(
      'Invalid configuration:\n  REPOSITORY_CHECK_INTERVAL_SECONDS: at least 10 in production (every repository is checked this often)',
    );

  let hostRules;
  try {
    hostRules = parseHostRules(c.GIT_ALLOWED_HOSTS);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${(err as Error).message}`);
  }

  let secretKey = c.SECRET_KEY;
  let sessionSecret = c.SESSION_SECRET;
  if (!secretKey || !sessionSecret) {
    if (c.NODE_ENV === 'production') {
      const missing = [
        !secretKey && 'SECRET_KEY (openssl rand -base64 32)',
        !sessionSecret && 'SESSION_SECRET (openssl rand -base64 48)',
      ];
      throw new ConfigError(
        `Invalid configuration: production needs explicit secrets:\n${missing
          .filter(Boolean)
          .map((m) => `  ${m}: required`)
          .join('\n')}`,
      );
    }
    const local = localSecrets(localDir);
    secretKey ??= Buffer.from(local.secretKey, 'base64');
    sessionSecret ??= local.sessionSecret;
  }

  return {
    env: c.NODE_ENV,
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    redisPrefix: c.REDIS_PREFIX,
    secretKeys: [secretKey, ...previousKeys],
    sessionSecret,
    adminUsername: c.ADMIN_USERNAME,
    adminPassword: c.ADMIN_PASSWORD,
    webConcurrency: c.WEB_CONCURRENCY,
    workerConcurrency: c.WORKER_CONCURRENCY,
    gitTimeoutMs: c.GIT_TIMEOUT_SECONDS * 1000,
    repositoryCheckIntervalMs: c.REPOSITORY_CHECK_INTERVAL_SECONDS * 1000,
    allowInsecureGit: c.ALLOW_INSECURE_GIT,
    gitHosts: { rules: hostRules, production: c.NODE_ENV === 'production' },
    trustProxy: c.TRUST_PROXY,
    logLevel: c.LOG_LEVEL,
  };
}

/** Development secrets, generated on first run and kept in .local/ (git-ignored). */
function localSecrets(dir: string): { secretKey: string; sessionSecret: string } {
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = { secretKey: randomBytes(32).toString('base64'), sessionSecret: randomBytes(48).toString('base64') };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return secrets;
}

let current: Config | undefined;

/** The process-wide configuration, loaded on first use. */
export function config(): Config {
  if (current) return current;
  const loaded = loadConfig();
  setConfig(loaded);
  return loaded;
}

/** Replaces the process-wide configuration (tests and start-up). */
export function setConfig(c: Config): void {
  current = c;
  // git calls read the repository host policy from here, below the configuration.
  setHostPolicy(c.gitHosts);
}
