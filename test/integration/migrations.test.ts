import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/migrate';
// @ts-expect-error: a plain .mjs script without types
import { diffDatamodels, loadSchemaEngine } from '../../scripts/prisma-schema-engine.mjs';

const admin = inject('adminDatabaseUrl');
const created: string[] = [];

async function freshDatabase(name: string): Promise<string> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}"`);
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  created.push(name);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The schema as pg_dump prints it, without the migrations table and comments; lines sorted and
 * trailing commas dropped, because column order is not a difference (as for Prisma's own drift check).
 */
function schemaOf(url: string): string {
  const dump = execFileSync(
    'pg_dump',
    ['--schema-only', '--no-owner', '--no-privileges', '--exclude-table=_prisma_migrations', url],
    { encoding: 'utf8' },
  );
  return dump
    .split('\n')
    .filter(
      (l) => l && !l.startsWith('--') && !l.startsWith('SET ') && !l.includes('set_config') && !l.startsWith('\\'),
    )
    .map((l) => l.replace(/,$/, ''))
    .sort()
    .join('\n');
}

afterAll(async () => {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
});

describe('prisma/migrations', () => {
  it('build exactly the schema that schema.prisma describes', async () => {
    const fromMigrations = await freshDatabase(`hhfm_drift_a_${process.pid}`);
    const fromSchema = await freshDatabase(`hhfm_drift_b_${process.pid}`);
    await migrate(fromMigrations);

    const engine = await loadSchemaEngine(admin);
    const sql: string = await diffDatamodels(engine, null, readFileSync('prisma/schema.prisma', 'utf8'));
    const c = new pg.Client({ connectionString: fromSchema });
    await c.connect();
    await c.query(sql);
    // What schema.prisma cannot say (expression indexes), kept beside it.
    await c.query(readFileSync('prisma/beyond-schema.sql', 'utf8'));
    await c.end();

    expect(schemaOf(fromMigrations)).toBe(schemaOf(fromSchema));
  });

  it('apply once: a second run applies nothing', async () => {
    const url = await freshDatabase(`hhfm_drift_c_${process.pid}`);
    expect((await migrate(url)).length).toBeGreaterThan(0);
    expect(await migrate(url)).toEqual([]);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"');
    await c.end();
    expect(rows.every((r) => r.finished_at && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });
});
