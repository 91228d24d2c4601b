import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

const dir = () => mkdtempSync(join(tmpdir(), 'hhfm-config-'));

describe('loadConfig', () => {
  it('works with no variable set in development, generating local secrets once', () => {
    const d = dir();
    const a = loadConfig({}, d);
    const b = loadConfig({}, d);
    expect(a.port).toBe(3000);
    expect(a.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/hhfm');
    expect(a.secretKeys[0]!.length).toBe(32);
    expect(b.secretKeys[0]!.equals(a.secretKeys[0]!)).toBe(true);
    expect(b.sessionSecret).toBe(a.sessionSecret);
    expect(statSync(join(d, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(d, 'secrets.json'), 'utf8')).secretKey).toBeTruthy();
  });

  it('names every bad variable with what is expected', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short', LOG_LEVEL: 'loud' }, dir());
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/DATABASE_URL: expected a postgresql:\/\/ URL/);
    expect(message).toMatch(/SECRET_KEY: expected 32 bytes/);
    expect(message).toMatch(/LOG_LEVEL: /);
  });

  it('checks repositories every 300 s by default, at least every 10 s in production and 1 s otherwise', () => {
    expect(loadConfig({}, dir()).repositoryCheckIntervalMs).toBe(300_000);
    expect(loadConfig({ REPOSITORY_CHECK_INTERVAL_SECONDS: '1' }, dir()).repositoryCheckIntervalMs).toBe(1000);
    expect(() => loadConfig({ REPOSITORY_CHECK_INTERVAL_SECONDS: '0' }, dir())).toThrow(
      /REPOSITORY_CHECK_INTERVAL_SECONDS: /,
    );
    const secrets = { SECRET_KEY: Buffer.alloc(32, 1).toString('base64'), SESSION_SECRET: 'x'.repeat(40) };
    expect(() =>
      loadConfig({ NODE_ENV: 'production', REPOSITORY_CHECK_INTERVAL_SECONDS: '5', ...secrets }, dir()),
    ).toThrow(/REPOSITORY_CHECK_INTERVAL_SECONDS: at least 10 in production/);
    expect(
      loadConfig({ NODE_ENV: 'production', REPOSITORY_CHECK_INTERVAL_SECONDS: '10', ...secrets }, dir())
        .repositoryCheckIntervalMs,
    ).toBe(10_000);
  });

  it('refuses to start in production without explicit secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }, dir())).toThrow(
      /SECRET_KEY .*required[\s\S]*SESSION_SECRET .*required/,
    );
  });

  it('accepts explicit secrets and older keys for decryption', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const old = Buffer.alloc(32, 2).toString('hex');
    const c = loadConfig(
      {
        NODE_ENV: 'production',
        SECRET_KEY: key,
        SECRET_KEYS_PREVIOUS: old,
        SESSION_SECRET: 'x'.repeat(40),
        ALLOW_INSECURE_GIT: 'true',
      },
      dir(),
    );
    expect(c.secretKeys.map((k) => k[0])).toEqual([1, 2]);
    expect(c.allowInsecureGit).toBe(true);
  });
});
