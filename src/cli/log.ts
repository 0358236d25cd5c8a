// Log lines for run events on stderr: NDJSON by default (one object per line: ts, level, run_id, step,
// event, msg, table?, chunk?, then the event's data fields), or one readable line per event for people.
// Invariants: run_id is on every line; every string is passed through redactText (values before
// encoding, the whole line after); lines are written synchronously (fs.writeSync) so the last ones
// survive a crash or process.exit(); a log write never throws into the run.

import { writeSync } from 'node:fs';
import { redactText } from '../config/urls.js';
import type { RunEvent } from '../events.js';

export type LogLevel = RunEvent['level'];
export type LogFormat = 'json' | 'text';

/** Ordering of levels for filtering: a logger with minLevel 'warn' writes warn and error lines. */
export const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys of a log line's envelope; data fields with these names are written as `data_<name>`. */
const ENVELOPE = new Set(['ts', 'level', 'run_id', 'step', 'event', 'msg', 'table', 'chunk']);

const MAX_DEPTH = 8;

/**
 * A JSON-safe, redacted copy of a value: strings redacted, bigint as decimal text, Error as
 * {name, message}, bytes as "<N bytes>", cycles and over-deep nesting cut, non-finite numbers as null.
 */
export function sanitize(v: unknown, depth = 0, ancestors: readonly object[] = []): unknown {
  switch (typeof v) {
    case 'string':
      return redactText(v);
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return null;
  const o = v as object;
  if (ancestors.includes(o)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  if (o instanceof Error) return { name: o.name, message: redactText(o.message) };
  if (o instanceof Uint8Array) return `<${o.byteLength} bytes>`;
  if (o instanceof Date) return Number.isNaN(o.getTime()) ? null : o.toISOString();
  const next = [...ancestors, o];
  if (Array.isArray(o)) return o.map((x) => sanitize(x, depth + 1, next) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    const s = sanitize(x, depth + 1, next);
    if (s !== undefined) out[redactText(k)] = s;
  }
  return out;
}

/** The flat record of one event: the envelope first, then the data fields (renamed on a clash). */
export function logRecord(e: RunEvent, runId: string, ts: string): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    ts,
    level: e.level,
    run_id: typeof e.runId === 'string' && e.runId !== '' ? e.runId : runId,
    step: e.step,
    event: e.event,
    msg: e.msg,
  };
  if (e.table !== undefined) rec.table = e.table;
  if (e.chunk !== undefined) rec.chunk = e.chunk;
  if (typeof e.data === 'object' && e.data !== null) {
    for (const [k, v] of Object.entries(e.data)) rec[ENVELOPE.has(k) ? `data_${k}` : k] = v;
  }
  return rec;
}

/** One NDJSON line for an event, newline included, redacted. Never throws. */
export function formatJsonLine(e: RunEvent, runId: string, ts: string): string {
  let body: string;
  try {
    body = JSON.stringify(sanitize(logRecord(e, runId, ts)));
  } catch {
    body = JSON.stringify(
      sanitize({ ts, level: e.level, run_id: runId, step: e.step, event: e.event, msg: e.msg }),
    );
  }
  return `${redactText(body)}\n`;
}

/** Control characters shown as escapes, so one event stays one line and cannot drive the terminal. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function textValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? 'null';
}

/**
 * One human line for an event, newline included, redacted:
 * `2026-11-24T10:56:33.123Z WARN  [run-id] copy chunk.retried public.users#7: message key=value …`
 */
export function formatTextLine(e: RunEvent, runId: string, ts: string): string {
  const rec = sanitize(logRecord(e, runId, ts)) as Record<string, unknown>;
  const where = `${String(rec.step)} ${String(rec.event)}${rec.table !== undefined ? ` ${String(rec.table)}` : ''}${
    rec.chunk !== undefined ? `#${String(rec.chunk)}` : ''
  }`;
  const kv = Object.entries(rec)
    .filter(([k]) => !ENVELOPE.has(k))
    .map(([k, v]) => ` ${k}=${textValue(v)}`)
    .join('');
  const line = `${ts} ${e.level.toUpperCase().padEnd(5)} [${String(rec.run_id)}] ${where}: ${String(rec.msg)}${kv}`;
  return `${redactText(oneLine(line))}\n`;
}

/**
 * Write all of `text` to `fd` synchronously. Retries partial writes and EAGAIN (a non-blocking pipe
 * that is full); gives up silently on anything else (a closed stderr must not stop a migration).
 */
export function writeSyncAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  let spins = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
      spins = 0;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && spins++ < 1000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      return;
    }
  }
}

export interface LoggerOptions {
  readonly runId: string;
  readonly format: LogFormat;
  /** Lowest level written; default 'info'. */
  readonly minLevel?: LogLevel;
  /** Where lines go; default fs.writeSync to stderr (fd 2). */
  readonly write?: (line: string) => void;
  /** Clock for the `ts` field; default the system clock. */
  readonly now?: () => Date;
}

export interface Logger {
  /** Write the event's line when its level passes the filter. */
  event(e: RunEvent): void;
}

/** A logger for run events; see the file header for the line format and guarantees. */
export function createLogger(opts: LoggerOptions): Logger {
  const min = LEVEL_RANK[opts.minLevel ?? 'info'];
  const write = opts.write ?? ((line: string) => writeSyncAll(2, line));
  const now = opts.now ?? (() => new Date());
  const format = opts.format === 'text' ? formatTextLine : formatJsonLine;
  return {
    event(e) {
      if ((LEVEL_RANK[e.level] ?? LEVEL_RANK.info) < min) return;
      try {
        write(format(e, opts.runId, now().toISOString()));
      } catch {
        // Logging is best effort: never let it break the run.
      }
    },
  };
}
