// The live progress display on a terminal: one line per table being copied (bar, rows done/estimated,
// rows/s, ETA) and an overall line, redrawn in place with ANSI cursor moves at most every 100 ms.
// Only on a TTY (stderr): elsewhere it is inert and the JSON log lines are the progress.
// Invariants: lines are cut to the terminal width (a wrapped line would break the cursor arithmetic);
// text printed through above() appears above the display, never inside it; close() erases it.

import type { RunEvent } from '../events.js';
import { formatCompact, formatDuration } from '../report/format.js';
import { writeSyncAll } from './log.js';

/** Most table lines shown at once; the rest are summed up in one line. */
const MAX_TABLE_LINES = 8;
const BAR_WIDTH = 20;
/** Window over which the overall rows/s (and so the ETA) is measured. */
const RATE_WINDOW_MS = 5000;

interface TableProgress {
  name: string;
  estimated: number | null;
  /** Rows present: copied by this run plus skipped as already copied. */
  done: number;
  copied: number;
  startedAt: number;
}

/** What the display knows; exported for tests of renderProgress. */
export interface ProgressState {
  startedAt: number | null;
  step: string | null;
  tablesTotal: number | null;
  rowsTotal: number | null;
  tablesDone: number;
  rowsDone: number;
  rowsCopied: number;
  active: Map<string, TableProgress>;
  samples: { t: number; rows: number }[];
}

export function newProgressState(): ProgressState {
  return {
    startedAt: null,
    step: null,
    tablesTotal: null,
    rowsTotal: null,
    tablesDone: 0,
    rowsDone: 0,
    rowsCopied: 0,
    active: new Map(),
    samples: [],
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Apply one event to the state. Reads step.started's optional `tables` and `rowsEstimated` fields. */
export function applyProgressEvent(s: ProgressState, e: RunEvent, now: number): void {
  s.startedAt ??= now;
  if (typeof e.step === 'string') s.step = e.step;
  const d = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<string, unknown>;
  const table = e.table ?? '';
  switch (e.event) {
    case 'step.started':
      s.tablesTotal = num(d.tables);
      s.rowsTotal = num(d.rowsEstimated);
      s.tablesDone = 0;
      break;
    case 'table.started':
      s.active.set(table, {
        name: table,
        estimated: num(d.rowsEstimated),
        done: 0,
        copied: 0,
        startedAt: now,
      });
      break;
    case 'chunk.copied':
    case 'chunk.skipped': {
      const rows = num(d.rows) ?? 0;
      const t = s.active.get(table);
      if (t) t.done += rows;
      s.rowsDone += rows;
      if (e.event === 'chunk.copied') {
        if (t) t.copied += rows;
        s.rowsCopied += rows;
        s.samples.push({ t: now, rows: s.rowsCopied });
        while (s.samples.length > 2 && (s.samples[0]?.t ?? now) < now - RATE_WINDOW_MS) s.samples.shift();
      }
      break;
    }
    case 'table.finished':
    case 'verify.table':
      s.active.delete(table);
      s.tablesDone++;
      break;
    default:
      break;
  }
}

function bar(ratio: number | null): string {
  if (ratio === null) return `[${'·'.repeat(BAR_WIDTH)}]`;
  const full = Math.round(Math.min(1, Math.max(0, ratio)) * BAR_WIDTH);
  return `[${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}]`;
}

function eta(remaining: number | null, rate: number | null): string {
  if (remaining === null || rate === null || rate <= 0) return 'ETA ?';
  if (remaining <= 0) return 'ETA 0s';
  return `ETA ${formatDuration((remaining / rate) * 1000)}`;
}

function cut(line: string, columns: number): string {
  const chars = [...line];
  return chars.length <= columns ? line : `${chars.slice(0, Math.max(1, columns - 1)).join('')}…`;
}

/** Overall rows/s over the recent window. */
function overallRate(s: ProgressState, now: number): number | null {
  const first = s.samples[0];
  if (!first || s.startedAt === null) return null;
  const since = s.samples.length > 1 ? first : { t: s.startedAt, rows: 0 };
  const dt = now - since.t;
  return dt > 0 ? ((s.rowsCopied - since.rows) * 1000) / dt : null;
}

/** The display's lines (without escapes) for the state at time `now`. */
export function renderProgress(s: ProgressState, now: number, columns: number): string[] {
  if (s.startedAt === null) return [];
  const lines: string[] = [];
  const active = [...s.active.values()];
  const nameWidth = Math.min(28, Math.max(8, ...active.map((t) => t.name.length)));
  for (const t of active.slice(0, MAX_TABLE_LINES)) {
    const ratio = t.estimated && t.estimated > 0 ? t.done / t.estimated : null;
    const pct = ratio === null ? '  ?%' : `${String(Math.min(100, Math.floor(ratio * 100))).padStart(3)}%`;
    const elapsed = now - t.startedAt;
    const rate = elapsed > 0 ? (t.copied * 1000) / elapsed : null;
    const name = t.name.length > nameWidth ? `${t.name.slice(0, nameWidth - 1)}…` : t.name.padEnd(nameWidth);
    lines.push(
      `  ${name} ${bar(ratio)} ${pct}  ${formatCompact(t.done)}/${t.estimated === null ? '?' : formatCompact(t.estimated)} rows  ${
        rate === null ? '?' : formatCompact(rate)
      } rows/s  ${eta(t.estimated === null ? null : Math.max(0, t.estimated - t.done), rate)}`,
    );
  }
  if (active.length > MAX_TABLE_LINES) lines.push(`  … and ${active.length - MAX_TABLE_LINES} more tables`);
  const rate = overallRate(s, now);
  const tables = `${s.tablesDone}${s.tablesTotal === null ? '' : `/${s.tablesTotal}`} tables done`;
  const rows =
    s.rowsDone > 0 || s.rowsTotal !== null
      ? `  ${formatCompact(s.rowsDone)}${s.rowsTotal === null ? '' : `/${formatCompact(s.rowsTotal)}`} rows`
      : '';
  const speed = rate !== null && s.rowsCopied > 0 ? `  ${formatCompact(rate)} rows/s` : '';
  const left = s.rowsTotal === null ? '' : `  ${eta(s.rowsTotal - s.rowsDone, rate)}`;
  lines.push(
    `${s.step ?? 'starting'}: ${tables}${rows}${speed}${left}  elapsed ${formatDuration(now - s.startedAt)}`,
  );
  return lines.map((l) => cut(l, Math.max(20, columns - 1)));
}

export interface ProgressOptions {
  /** Show anything at all; default: stderr is a TTY. */
  readonly enabled?: boolean;
  /** Where the escapes and lines go; default fs.writeSync to stderr. */
  readonly write?: (text: string) => void;
  readonly now?: () => number;
  readonly columns?: () => number;
  /** Least time between two redraws; default 100 ms. */
  readonly intervalMs?: number;
}

export interface ProgressDisplay {
  event(e: RunEvent): void;
  /** Print text (whole lines, newline-terminated) above the display. */
  above(text: string): void;
  /** Erase the display and stop redrawing. */
  close(): void;
}

/** A progress display on stderr; inert (above() still prints) when not enabled. */
export function createProgress(opts: ProgressOptions = {}): ProgressDisplay {
  const write = opts.write ?? ((t: string) => writeSyncAll(2, t));
  const enabled = opts.enabled ?? process.stderr.isTTY === true;
  if (!enabled) return { event() {}, above: (t) => write(t), close() {} };
  const now = opts.now ?? (() => performance.now());
  const columns = opts.columns ?? (() => process.stderr.columns || 80);
  const interval = opts.intervalMs ?? 100;
  const state = newProgressState();
  let drawn = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const erase = () => (drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '');
  const frame = () => {
    const lines = renderProgress(state, now(), columns());
    const s = `${drawn > 0 ? `\x1b[${drawn}F` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}\x1b[J`;
    drawn = lines.length;
    lastDraw = now();
    return s;
  };
  const draw = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!closed) write(frame());
  };
  const schedule = () => {
    if (closed || timer) return;
    const wait = lastDraw + interval - now();
    if (wait <= 0) draw();
    else timer = setTimeout(draw, wait).unref();
  };
  return {
    event(e) {
      if (closed) return;
      applyProgressEvent(state, e, now());
      schedule();
    },
    above(text) {
      if (closed) return write(text);
      const cleared = erase();
      drawn = 0;
      write(`${cleared}${text}${frame()}`);
    },
    close() {
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = undefined;
      closed = true;
      write(erase());
      drawn = 0;
    },
  };
}
