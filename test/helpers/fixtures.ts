import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The shared fixtures: `../shared/fixtures` beside the checkout (CI lays shared/ out the same way). */
export const FIXTURES = process.env.HHFM_FIXTURES ?? resolve(import.meta.dirname, '../../../shared/fixtures');

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
