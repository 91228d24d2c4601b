import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The Hedgehog fixtures (seed fabric, corpus, expected figures): a copy of `shared/fixtures` kept in
 * the repository, so a clone runs its tests on its own; `fixtures-copy.test.ts` checks it still
 * equals `../shared/fixtures` wherever that is beside the checkout. `HHFM_FIXTURES` points elsewhere.
 */
export const FIXTURES = process.env.HHFM_FIXTURES ?? resolve(import.meta.dirname, '../fixtures/hedgehog');

/** `shared/fixtures` beside the checkout, when it is there. */
export const SHARED_FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures');

/** Every *.yaml / *.yml file under `dir`, recursively, in a stable order. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(f) ? [p] : [];
    });
}

/** A valid Switch manifest; `extra` adds lines to its spec (each starting with "\n  "). */
export const switchYaml = (name: string, extra = '') => `apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: ${name}
spec:
  role: server-leaf
  profile: vs
  asn: ${65100 + name.length}${extra}
`;
