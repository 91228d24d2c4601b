import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { isProcessAlive } from '../../src/isProcessAlive';

// Test files run in parallel (and beside other checkouts' suites): a port the kernel said was
// free is free for anyone until its user binds it, so two files could start servers on the same
// port, or one could connect to another's sshd. Each port handed out is reserved by a file named
// after it, created exclusively and holding the reserving process's pid, until that process ends.
const RESERVED = join(tmpdir(), 'hhfm-test-ports');
const mine: string[] = [];
// Given back after the test file (a test file's process is ended without an 'exit' event); one
// killed before that leaves its files, which are taken back once its pid is gone.
afterAll(() => {
  for (const file of mine.splice(0)) rmSync(file, { force: true });
});

/** A port the kernel would give a listener now. */
async function unboundPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Claims `port` for this process; false when a live process holds it. */
async function reserve(port: number): Promise<boolean> {
  const file = join(RESERVED, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      mine.push(file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(file, 'utf8').catch(() => ''));
      if (holder === 0 || isProcessAlive(holder)) return false; // held, or being written this instant
      await rm(file, { force: true }); // left by a process that was killed
    }
  }
  return false;
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on when returned and that no other test process
 * is given while this one lives: for a server to start, or a closed port to fail on.
 */
export async function freePort(): Promise<number> {
  await mkdir(RESERVED, { recursive: true });
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await unboundPort();
    if (await reserve(port)) return port;
  }
  throw new Error(`no free port found that another test process does not hold (${RESERVED})`);
}
