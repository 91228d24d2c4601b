import { measureMemory } from 'node:vm';

/**
 * A full collection of this isolate's heap, resolved when it is done. The one way Node offers to
 * start one without exposing `gc` is to measure the heap eagerly: V8 starts a mark-compact at
 * once. Node prints an ExperimentalWarning for the API once per process.
 *
 * Why a sync needs it: V8 lets a heap grow by up to 4× its live size before its next full
 * collection when its bound is 2 GB or more (Node's default on any machine with 16 GB), so what a
 * stage of a sync left behind stays until long after the next stage has added its own (issue 16).
 */
export function collectGarbage(): Promise<void> {
  return measureMemory({ mode: 'summary', execution: 'eager' }).then(
    () => undefined,
    () => undefined,
  );
}
