// freePort (test/helpers/net.ts): test files run in parallel, and a port given to one of them is
// given to no other while it lives.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net';

describe('freePort', () => {
  it('gives free ports, never the same twice, each reserved for this process', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports)
      expect(await readFile(join(tmpdir(), 'hhfm-test-ports', String(port)), 'utf8')).toBe(String(process.pid));
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
