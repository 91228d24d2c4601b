import { AsyncLocalStorage } from 'node:async_hooks';
import { redact } from './secrets/redact';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields added to every line logged inside `withLogContext` (the request id, the run id). */
export const logContext = new AsyncLocalStorage<Record<string, unknown>>();

let threshold: Level = 'info';
let sink: (line: string) => void = (line) => process.stdout.write(line + '\n');

/** Sets the lowest level written. */
export function setLogLevel(level: Level): void {
  threshold = level;
}

/** Redirects log lines (tests read them to look for secrets). Returns the previous sink. */
export function setLogSink(next: (line: string) => void): (line: string) => void {
  const previous = sink;
  sink = next;
  return previous;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const line = { time: new Date().toISOString(), level, msg, ...logContext.getStore(), ...fields };
  sink(JSON.stringify(redact(line)));
}

/** Structured JSON logs, one line each, always through `redact`. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
