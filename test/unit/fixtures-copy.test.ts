import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, SHARED_FIXTURES } from '../helpers/fixtures';

/** Every file under `dir` (relative path → sha256), to compare two trees. */
function digestTree(dir: string, root = dir, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) digestTree(path, root, out);
    else out.set(relative(root, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return out;
}

describe('the fixtures kept in the repository', () => {
  it.runIf(existsSync(SHARED_FIXTURES) && !process.env.HHFM_FIXTURES)(
    'equal shared/fixtures beside the checkout (refresh: cp -r ../shared/fixtures/{corpus,seed-fabric-1,README.md} test/fixtures/hedgehog/)',
    () => {
      const kept = digestTree(FIXTURES);
      const shared = digestTree(SHARED_FIXTURES);
      for (const [path, digest] of kept) expect(shared.get(path), path).toBe(digest);
      const missing = [...shared.keys()]
        .filter((p) => /^(corpus|seed-fabric-1)\//.test(p) || p === 'README.md')
        .filter((p) => !kept.has(p));
      expect(missing).toEqual([]);
    },
  );
});
