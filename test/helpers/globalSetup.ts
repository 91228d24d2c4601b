import { createHash } from 'node:crypto';
import pg from 'pg';
import { migrate, readMigrations } from '../../src/migrate';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** One migrated template database per migration set; test files clone it (CREATE DATABASE … TEMPLATE). */
export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }): Promise<void> {
  const hash = createHash('sha256')
    .update(
      readMigrations()
        .map((m) => m.name + m.checksum)
        .join(),
    )
    .digest('hex')
    .slice(0, 10);
  const template = `hhfm_test_template_${hash}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!rowCount) {
      const building = `${template}_build_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${building}`;
      await migrate(url.toString());
      // Renamed only when complete, so a crashed setup never leaves a half-made template.
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`).catch(async (err) => {
        if ((err as { code?: string }).code !== '42P04') throw err;
        await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      });
    }
  } finally {
    await admin.end();
  }
  provide('templateDatabase', template);
  provide('adminDatabaseUrl', ADMIN_URL);
  provide('redisPrefix', `hhfm_test_${Date.now().toString(36)}_${process.pid}`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    adminDatabaseUrl: string;
    redisPrefix: string;
  }
}
