// Folds a run's events into a RunSummary: per table (rows, bytes, chunks, retries, chunks skipped on
// resume, time, rows/s), per step (time), totals, verify results, assess risks, warnings and errors, and
// the final status and exit code. Pure: no I/O, no clock (times come in through the options).
// Invariants: any event sequence folds without throwing (unknown events are only counted, malformed
// data fields read as absent); lists that can grow with the data (notices, mismatches) are capped.

import type { RunEvent } from '../events.js';

/** At most this many warnings, errors, risks and verify mismatches are kept; the rest are counted. */
export const MAX_LISTED = 100;

export type RunStatus = 'ok' | 'failed' | 'incomplete';

export interface TableSummary {
  readonly table: string;
  /** Rows in the target table after this run: table.finished's count, else copied + skipped on resume. */
  readonly rows: number;
  /** Rows copied by this run (chunk.copied). */
  readonly rowsCopied: number;
  /** Bytes copied by this run. */
  readonly bytes: number;
  readonly rowsEstimated: number | null;
  readonly bytesEstimated: number | null;
  /** Chunks copied by this run. */
  readonly chunks: number;
  readonly retries: number;
  /** Chunks (and their rows) found already copied by an earlier run and skipped. */
  readonly skippedChunks: number;
  readonly skippedRows: number;
  readonly ms: number | null;
  /** rowsCopied / ms, when the table finished and took measurable time. */
  readonly rowsPerSecond: number | null;
  readonly status: 'done' | 'incomplete';
}

export interface StepSummary {
  readonly step: string;
  /** Sum of step.finished `ms` over every time the step ran; null when it never reported one. */
  readonly ms: number | null;
  readonly status: 'finished' | 'unfinished';
}

export interface VerifyTableSummary {
  readonly table: string;
  readonly status: 'equal' | 'different' | 'error';
  readonly rowsSource: number | null;
  readonly rowsTarget: number | null;
  readonly missing: number;
  readonly extra: number;
  readonly different: number;
  readonly error: string | null;
}

export interface VerifyMismatch {
  readonly table: string;
  readonly kind: string;
  /** The row's key values, JSON-encoded. */
  readonly key: string;
  readonly columns: readonly string[];
}

export interface VerifySummary {
  readonly tables: readonly VerifyTableSummary[];
  readonly equal: number;
  readonly different: number;
  readonly errors: number;
  readonly mismatches: readonly VerifyMismatch[];
  readonly mismatchesOmitted: number;
}

export interface RiskSummary {
  readonly id: string;
  readonly severity: string;
  readonly title: string;
  readonly table: string | null;
}

export interface Notice {
  readonly level: 'warn' | 'error';
  readonly step: string;
  readonly event: string;
  readonly msg: string;
  readonly table: string | null;
}

export interface RunErrorSummary {
  readonly code: string | null;
  readonly message: string;
  readonly hint: string | null;
}

export interface RunTotals {
  readonly tables: number;
  readonly rows: number;
  readonly rowsCopied: number;
  readonly bytes: number;
  readonly chunks: number;
  readonly retries: number;
  readonly skippedChunks: number;
  readonly ms: number | null;
  readonly rowsPerSecond: number | null;
}

/** Everything the reports say about one run. JSON-safe; written as summary.json. */
export interface RunSummary {
  readonly version: 1;
  readonly runId: string;
  readonly command: string;
  readonly source: string | null;
  readonly target: string | null;
  readonly planFingerprint: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly exitCode: number | null;
  readonly error: RunErrorSummary | null;
  readonly totals: RunTotals;
  readonly steps: readonly StepSummary[];
  readonly tables: readonly TableSummary[];
  readonly verify: VerifySummary | null;
  readonly risks: readonly RiskSummary[];
  readonly risksOmitted: number;
  readonly warnings: readonly Notice[];
  readonly warningsOmitted: number;
  readonly errors: readonly Notice[];
  readonly errorsOmitted: number;
  /** How many events of each name were seen (unknown names included). */
  readonly eventCounts: Readonly<Record<string, number>>;
  /** Other files in the run directory (plan.json, schema.sql, …), by name. */
  readonly artifacts: readonly string[];
}

export interface SummaryStart {
  readonly runId: string;
  readonly command: string;
  readonly startedAt?: string;
}

export interface SummaryEnd {
  readonly finishedAt?: string;
  /** Wall time of the run, used when run.finished did not report `ms`. */
  readonly elapsedMs?: number;
  readonly artifacts?: readonly string[];
}

/** Incremental folder: add events as they come, ask for the summary at any time. */
export interface SummaryBuilder {
  add(e: RunEvent): void;
  summary(end?: SummaryEnd): RunSummary;
}

/**
 * Events whose content has a section of its own in the reports, so they are not repeated in the
 * warnings/errors lists (retries are counted per table; verify and assess results have their sections).
 */
const SECTIONED = new Set([
  'chunk.retried',
  'verify.table',
  'verify.mismatch',
  'assess.risk',
  'run.finished',
]);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** A count field that may be a number or a list (of keys); null when neither. */
const count = (v: unknown): number | null => (Array.isArray(v) ? v.length : num(v));

interface TableState {
  table: string;
  rowsCopied: number;
  bytes: number;
  rowsEstimated: number | null;
  bytesEstimated: number | null;
  chunks: number;
  retries: number;
  skippedChunks: number;
  skippedRows: number;
  finishedRows: number | null;
  ms: number | null;
  done: boolean;
}

interface VerifyState {
  table: string;
  status: VerifyTableSummary['status'];
  rowsSource: number | null;
  rowsTarget: number | null;
  missing: number | null;
  extra: number | null;
  different: number | null;
  error: string | null;
}

function errorSummary(v: unknown): RunErrorSummary | null {
  if (typeof v === 'string') return { code: null, message: v, hint: null };
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const message = str(o.message) ?? JSON.stringify(o);
    return { code: str(o.code), message, hint: str(o.hint) };
  }
  return null;
}

function verifyStatus(v: unknown): VerifyTableSummary['status'] {
  if (v === 'equal' || v === 'identical') return 'equal';
  if (v === 'error') return 'error';
  return 'different';
}

/** Start folding a run's events. */
export function createSummaryBuilder(start: SummaryStart): SummaryBuilder {
  let command = start.command;
  let source: string | null = null;
  let target: string | null = null;
  let planFingerprint: string | null = null;
  let finished: Record<string, unknown> | null = null;
  let finishedLevel: RunEvent['level'] | null = null;
  let looseRetries = 0;
  const tables = new Map<string, TableState>();
  const steps = new Map<string, { ms: number | null; open: number }>();
  const verify = new Map<string, VerifyState>();
  const mismatchCounts = new Map<string, { missing: number; extra: number; different: number }>();
  const mismatches: VerifyMismatch[] = [];
  let mismatchesOmitted = 0;
  const risks: RiskSummary[] = [];
  let risksOmitted = 0;
  const warnings: Notice[] = [];
  let warningsOmitted = 0;
  const errors: Notice[] = [];
  let errorsOmitted = 0;
  const eventCounts: Record<string, number> = {};

  const table = (name: string): TableState => {
    let t = tables.get(name);
    if (!t) {
      t = {
        table: name,
        rowsCopied: 0,
        bytes: 0,
        rowsEstimated: null,
        bytesEstimated: null,
        chunks: 0,
        retries: 0,
        skippedChunks: 0,
        skippedRows: 0,
        finishedRows: null,
        ms: null,
        done: false,
      };
      tables.set(name, t);
    }
    return t;
  };
  const step = (name: string) => {
    let s = steps.get(name);
    if (!s) {
      s = { ms: null, open: 0 };
      steps.set(name, s);
    }
    return s;
  };

  function add(e: RunEvent): void {
    const name = typeof e.event === 'string' ? e.event : String(e.event);
    eventCounts[name] = (eventCounts[name] ?? 0) + 1;
    const d: Readonly<Record<string, unknown>> =
      typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : {};
    const tableName = typeof e.table === 'string' && e.table !== '' ? e.table : (str(d.table) ?? null);

    switch (name) {
      case 'run.started':
        command = str(d.command) ?? command;
        source = str(d.source) ?? source;
        target = str(d.target) ?? target;
        planFingerprint = str(d.planFingerprint) ?? planFingerprint;
        break;
      case 'step.started':
        step(String(e.step)).open++;
        break;
      case 'step.finished': {
        const s = step(String(e.step));
        s.open = Math.max(0, s.open - 1);
        const ms = num(d.ms);
        if (ms !== null) s.ms = (s.ms ?? 0) + ms;
        break;
      }
      case 'table.started':
        if (tableName) {
          const t = table(tableName);
          t.rowsEstimated = num(d.rowsEstimated) ?? t.rowsEstimated;
          t.bytesEstimated = num(d.bytesEstimated) ?? t.bytesEstimated;
        }
        break;
      case 'chunk.copied':
        if (tableName) {
          const t = table(tableName);
          t.chunks++;
          t.rowsCopied += num(d.rows) ?? 0;
          t.bytes += num(d.bytes) ?? 0;
        }
        break;
      case 'chunk.retried':
        if (tableName) table(tableName).retries++;
        else looseRetries++;
        break;
      case 'chunk.skipped':
        if (tableName) {
          const t = table(tableName);
          t.skippedChunks++;
          t.skippedRows += num(d.rows) ?? 0;
        }
        break;
      case 'table.finished':
        if (tableName) {
          const t = table(tableName);
          t.done = true;
          t.finishedRows = num(d.rows) ?? t.finishedRows;
          const ms = num(d.ms);
          if (ms !== null) t.ms = (t.ms ?? 0) + ms;
        }
        break;
      case 'verify.table':
        if (tableName) {
          verify.set(tableName, {
            table: tableName,
            status: verifyStatus(d.status),
            rowsSource: num(d.rowsSource),
            rowsTarget: num(d.rowsTarget),
            missing: count(d.missing),
            extra: count(d.extra),
            different: count(d.different),
            error: str(d.error),
          });
        }
        break;
      case 'verify.mismatch': {
        const t = tableName ?? '';
        const kind = str(d.kind) ?? 'different';
        const c = mismatchCounts.get(t) ?? { missing: 0, extra: 0, different: 0 };
        if (kind === 'missing' || kind === 'extra' || kind === 'different') c[kind]++;
        mismatchCounts.set(t, c);
        if (mismatches.length < MAX_LISTED) {
          const columns = Array.isArray(d.columns) ? d.columns.map(String) : [];
          const key = d.key === undefined ? e.msg : JSON.stringify(d.key);
          mismatches.push({ table: t, kind, key, columns });
        } else mismatchesOmitted++;
        break;
      }
      case 'assess.risk':
        if (risks.length < MAX_LISTED) {
          risks.push({
            id: str(d.id) ?? 'UNKNOWN',
            severity: str(d.severity) ?? 'unknown',
            title: str(d.title) ?? e.msg,
            table: tableName,
          });
        } else risksOmitted++;
        break;
      case 'run.finished':
        finished = { ...d };
        finishedLevel = e.level;
        break;
      default:
        break;
    }

    if ((e.level === 'warn' || e.level === 'error') && !SECTIONED.has(name)) {
      const notice: Notice = {
        level: e.level,
        step: String(e.step),
        event: name,
        msg: e.msg,
        table: tableName,
      };
      if (e.level === 'warn') {
        if (warnings.length < MAX_LISTED) warnings.push(notice);
        else warningsOmitted++;
      } else if (errors.length < MAX_LISTED) errors.push(notice);
      else errorsOmitted++;
    }
  }

  function summary(end: SummaryEnd = {}): RunSummary {
    const tableList: TableSummary[] = [...tables.values()].map((t) => {
      const rows = t.finishedRows ?? t.rowsCopied + t.skippedRows;
      return {
        table: t.table,
        rows,
        rowsCopied: t.rowsCopied,
        bytes: t.bytes,
        rowsEstimated: t.rowsEstimated,
        bytesEstimated: t.bytesEstimated,
        chunks: t.chunks,
        retries: t.retries,
        skippedChunks: t.skippedChunks,
        skippedRows: t.skippedRows,
        ms: t.ms,
        rowsPerSecond: t.done && t.ms !== null && t.ms > 0 ? (t.rowsCopied * 1000) / t.ms : null,
        status: t.done ? 'done' : 'incomplete',
      };
    });
    const f = finished;
    const ms = (f ? num(f.ms) : null) ?? end.elapsedMs ?? null;
    const sum = (pick: (t: TableSummary) => number) => tableList.reduce((a, t) => a + pick(t), 0);
    const rowsCopied = sum((t) => t.rowsCopied);
    const totals: RunTotals = {
      tables: tableList.length,
      rows: (f ? num(f.rows) : null) ?? sum((t) => t.rows),
      rowsCopied,
      bytes: (f ? num(f.bytes) : null) ?? sum((t) => t.bytes),
      chunks: sum((t) => t.chunks),
      retries: sum((t) => t.retries) + looseRetries,
      skippedChunks: sum((t) => t.skippedChunks),
      ms,
      rowsPerSecond: ms !== null && ms > 0 && rowsCopied > 0 ? (rowsCopied * 1000) / ms : null,
    };

    let verifySummary: VerifySummary | null = null;
    if (verify.size > 0 || mismatches.length > 0) {
      const names = new Set([...verify.keys(), ...mismatchCounts.keys()]);
      const vt: VerifyTableSummary[] = [...names].map((name) => {
        const v = verify.get(name);
        const c = mismatchCounts.get(name) ?? { missing: 0, extra: 0, different: 0 };
        return {
          table: name,
          status: v?.status ?? 'different',
          rowsSource: v?.rowsSource ?? null,
          rowsTarget: v?.rowsTarget ?? null,
          missing: v?.missing ?? c.missing,
          extra: v?.extra ?? c.extra,
          different: v?.different ?? c.different,
          error: v?.error ?? null,
        };
      });
      verifySummary = {
        tables: vt,
        equal: vt.filter((t) => t.status === 'equal').length,
        different: vt.filter((t) => t.status === 'different').length,
        errors: vt.filter((t) => t.status === 'error').length,
        mismatches: [...mismatches],
        mismatchesOmitted,
      };
    }

    const fStatus = f ? str(f.status) : null;
    const exitCode = f ? num(f.exitCode) : null;
    const status: RunStatus = !f
      ? 'incomplete'
      : fStatus === 'ok' || (fStatus === null && exitCode === 0 && finishedLevel !== 'error')
        ? 'ok'
        : 'failed';

    return {
      version: 1,
      runId: start.runId,
      command,
      source,
      target,
      planFingerprint,
      startedAt: start.startedAt ?? null,
      finishedAt: end.finishedAt ?? null,
      status,
      exitCode,
      error: f ? errorSummary(f.error) : null,
      totals,
      steps: [...steps.entries()].map(([name, s]) => ({
        step: name,
        ms: s.ms,
        status: s.open > 0 ? 'unfinished' : 'finished',
      })),
      tables: tableList,
      verify: verifySummary,
      risks: [...risks],
      risksOmitted,
      warnings: [...warnings],
      warningsOmitted,
      errors: [...errors],
      errorsOmitted,
      eventCounts: { ...eventCounts },
      artifacts: [...(end.artifacts ?? [])],
    };
  }

  return { add, summary };
}

/** Fold a whole list of events at once. */
export function summarize(events: Iterable<RunEvent>, start: SummaryStart, end: SummaryEnd = {}): RunSummary {
  const b = createSummaryBuilder(start);
  for (const e of events) b.add(e);
  return b.summary(end);
}
