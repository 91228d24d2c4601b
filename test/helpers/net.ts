import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on when returned: for a server to start, or a closed port to fail on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
