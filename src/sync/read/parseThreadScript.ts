// A parse thread started from the TypeScript sources must register tsx's loader (which starts
// a loader thread of its own) and compile every module it imports: about half a second a
// thread on two cores, which ate the threads' gain on a 10,000-record fabric. Instead, the
// thread's code is bundled once per process into one CommonJS script, by the esbuild that tsx
// itself runs on, and a thread evaluates it directly (~40 ms). The bundle is made from the same
// sources the process runs; if it cannot be made, threads start the slow way.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { log } from '../../log';

/** The part of esbuild's API used here (esbuild is tsx's dependency, not the app's). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}

let bundled: Promise<string | null> | undefined;

/** The parse thread's code as one script, or null when it could not be bundled; made once per process. */
export function parseThreadScript(): Promise<string | null> {
  bundled ??= bundleParseThread().catch((err: unknown) => {
    log.warn('could not bundle the parse thread; parse threads will load tsx (slower to start)', {
      error: (err as Error).message,
    });
    return null;
  });
  return bundled;
}

async function bundleParseThread(): Promise<string> {
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  const esbuild = fromTsx('esbuild') as Esbuild;
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./parseThreadMain.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (!script) throw new Error('esbuild gave no output for parseThreadMain.ts');
  return script;
}
