// Prisma's schema engine, loaded from its wasm build: the CLI would download a native engine,
// which this project must do without. Only datamodel-to-datamodel diffs are used: the engine
// opens a connection at start-up but reads and writes nothing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';

const require = createRequire(import.meta.url);

/** Loads the engine once; returns an object with `diff(params)`. */
export async function loadSchemaEngine(
  databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
) {
  const pkgDir = require.resolve('@prisma/schema-engine-wasm').replace(/schema_engine\.js$/, '');
  const bg = await import(`${pkgDir}schema_engine_bg.js`);
  const { instance } = await WebAssembly.instantiate(readFileSync(`${pkgDir}schema_engine_bg.wasm`), {
    './schema_engine_bg.js': bg,
  });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  return bg.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
}

/** SQL that takes a database from datamodel `from` (or empty) to datamodel `to`. */
export async function diffDatamodels(engine, from, to) {
  const target = (content) =>
    content === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content }] };
  const result = await engine.diff({
    from: target(from),
    to: target(to),
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  return result.stdout ?? '';
}
