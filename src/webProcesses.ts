// Several web processes on one port (node:cluster): the primary forks them, the kernel shares
// out the connections, and a process that dies is replaced. Sessions live in Redis and every
// cache a web process keeps is checked against the database per request, so any process can
// answer any request.

import cluster, { type Worker } from 'node:cluster';
import { log } from './log';

export interface WebProcesses {
  /** SIGTERM to every web process (each finishes its requests), resolved once all have exited. */
  stop(): Promise<void>;
}

// A process that keeps dying at start (a port in use, a bad deployment) is not respawned in a
// tight loop: the next attempt waits this long.
const RESPAWN_DELAY_MS = 1000;

/** Forks `count` web processes and resolves once every one of them is listening. */
export async function forkWebProcesses(count: number): Promise<WebProcesses> {
  let stopping = false;
  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork();
      worker.on('message', (m) => m === 'listening' && resolve(worker));
      worker.once('exit', (code, signal) => {
        reject(new Error(`web process ${worker.process.pid} exited before listening (${signal ?? `code ${code}`})`));
        if (stopping) return;
        log.error('web process exited; starting another', { pid: worker.process.pid, code, signal });
        setTimeout(
          () => void fork().catch((err: Error) => log.error('could not start a web process', { error: err.message })),
          RESPAWN_DELAY_MS,
        );
      });
    });
  await Promise.all(Array.from({ length: count }, fork));
  return {
    async stop() {
      stopping = true;
      const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(
        running.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.process.kill('SIGTERM')))),
      );
    },
  };
}
