// `npm run db:generate`: generates the Prisma client into src/generated/prisma, unless the client
// there was generated from the same schema, config and Prisma version (a stamp beside it says
// which). Every script that loads the client runs this first; regenerating rewrites every file
// of the client in place (~3 s of CPU), so that a process importing it meanwhile (a test file
// beside `npm start` in the suite) could read a half-written file. `--force` regenerates anyway.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const OUTPUT = 'src/generated/prisma';
const STAMP = join(OUTPUT, '.generated-from');
const require = createRequire(import.meta.url);

const inputs = createHash('sha256');
for (const file of ['prisma/schema.prisma', 'prisma.config.ts']) inputs.update(`${file}\0${readFileSync(file)}\0`);
for (const pkg of ['prisma', '@prisma/client']) inputs.update(`${pkg}@${require(`${pkg}/package.json`).version}\0`);
const stamp = inputs.digest('hex');

const upToDate =
  !process.argv.includes('--force') &&
  existsSync(join(OUTPUT, 'client.ts')) &&
  existsSync(STAMP) &&
  readFileSync(STAMP, 'utf8').trim() === stamp;
if (!upToDate) {
  // Gone first: a generation that fails halfway leaves no stamp that vouches for it.
  rmSync(STAMP, { force: true });
  // generate does not use the schema engine, but the CLI wants one to exist (it cannot download it).
  execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', '--no-hints'], {
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: 'package.json' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(STAMP, `${stamp}\n`);
}
