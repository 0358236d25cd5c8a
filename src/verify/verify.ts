// Verify orchestration: for every planned table, count → (checksum) per-segment checksums on both servers
// at once, bisection of mismatching segments, row diff; or (full) every row paged in key order and diffed;
// plus --sample random keys. Tables without a key use row-hash buckets and a multiset diff.
// Invariants: differences are data, never exceptions (a table that cannot be read is status `error`);
// at most `lanes` statements run per server at a time; lists are capped at maxReportedRows per table.

import type { ChunkRange } from '../copy/chunk-range.js';
import type { Dialect } from '../dialect/capabilities.js';
import { MigrationError } from '../errors.js';
import type { EventSink } from '../events.js';
import { type MigrationPlan, type TablePlan, tableKey } from '../plan/model.js';
import type { TargetSchema } from '../target/mysql/introspect.js';
import { bisect, sameChecksum } from './bisect.js';
import type { Segment, TableShape } from './checksum-sql.js';
import * as q from './checksum-sql.js';
import type { RowDiff } from './compare-rows.js';
import { diffMultiset, isEmptyDiff, mergeDiffs, truncateDiff } from './compare-rows.js';
import type { SourceTypeInfo } from './normalize.js';
import * as sg from './segments.js';
import type { Lane } from './segments.js';
import type { StructureProblem } from './structure.js';

export type { Lane } from './segments.js';
export type VerifyLevel = 'count' | 'checksum' | 'full';

export interface VerifyOptions {
  readonly level: VerifyLevel;
  /** Random keys compared field by field per table, in addition to the level. */
  readonly sample: number;
  readonly bisectRows: number;
  readonly maxReportedRows: number;
  /** Rows per segment when verify cuts its own segments. Default 100,000. */
  readonly segmentRows?: number;
  /** Rows per page at the full level. Default 5,000. */
  readonly pageRows?: number;
}

export interface TableReport {
  /** Target table name. */
  readonly table: string;
  /** `schema.table` on the source. */
  readonly source: string;
  readonly status: 'identical' | 'different' | 'error';
  readonly rowsSource: number;
  readonly rowsTarget: number;
  readonly segments: number;
  readonly mismatchedSegments: number;
  /** Keys (canonical texts, key column order) in the source but not the target. */
  readonly missing: readonly (readonly string[])[];
  /** Keys in the target but not the source. */
  readonly extra: readonly (readonly string[])[];
  readonly different: readonly { readonly key: readonly string[]; readonly columns: readonly string[] }[];
  /** More differences exist than are listed. */
  readonly truncated: boolean;
  /** What was compared, at what precision. */
  readonly compared: string;
  readonly error?: string;
}

export interface VerifyReport {
  readonly level: VerifyLevel;
  readonly sample: number;
  readonly tables: readonly TableReport[];
  readonly structure: readonly StructureProblem[];
  /** True only when every table is identical and the structure has no problem. */
  readonly identical: boolean;
}

export interface VerifyTablesInput {
  readonly plan: MigrationPlan;
  readonly dialect: Dialect;
  readonly lanes: readonly Lane[];
  /** Source base types by `schema.table`, then source column name. */
  readonly sourceTypes: ReadonlyMap<string, ReadonlyMap<string, SourceTypeInfo>>;
  readonly target: TargetSchema;
  readonly sourceUtf8: boolean;
  /** The copy's committed chunks by target table, when the target has them. */
  readonly chunks?: ReadonlyMap<string, readonly ChunkRange[]>;
  readonly options: VerifyOptions;
  readonly sink: EventSink;
  readonly runId: string;
  readonly signal?: AbortSignal;
  /**
   * Errors that end the whole verify instead of marking one table `error`: a lost connection takes its
   * lane's snapshot with it, so the caller must start over on a new snapshot (and may retry).
   */
  readonly fatal?: (e: unknown) => boolean;
}

/** Hands out lanes; at most one unit of work per lane at a time. */
class LanePool {
  readonly #free: Lane[];
  readonly #waiting: ((l: Lane) => void)[] = [];
  constructor(
    lanes: readonly Lane[],
    readonly signal?: AbortSignal,
  ) {
    this.#free = [...lanes];
  }
  async run<T>(fn: (lane: Lane) => Promise<T>): Promise<T> {
    const lane = this.#free.pop() ?? (await new Promise<Lane>((r) => this.#waiting.push(r)));
    try {
      if (this.signal?.aborted) throw new MigrationError('INTERRUPTED', 'verify was interrupted');
      return await fn(lane);
    } finally {
      const next = this.#waiting.shift();
      if (next) next(lane);
      else this.#free.push(lane);
    }
  }
}

function describeCompared(t: TableShape, level: string): string {
  const groups = new Map<string, string[]>();
  for (const c of t.columns) groups.set(c.precision, [...(groups.get(c.precision) ?? []), c.target]);
  const cols = [...groups].map(([p, names]) => `${names.join(', ')}: ${p}`).join('; ');
  return `${level}. Columns — ${cols}`;
}

interface Outcome {
  rowsSource: number;
  rowsTarget: number;
  segments: number;
  mismatched: number;
  diffs: RowDiff[];
  truncated: boolean;
  how: string;
}

async function checksumLevel(
  pool: LanePool,
  t: TableShape,
  tp: TablePlan,
  input: VerifyTablesInput,
): Promise<Outcome> {
  const o = input.options;
  const bo = { bisectRows: o.bisectRows, maxDiffs: o.maxReportedRows };
  if (t.key.length === 0) {
    const parts = await pool.run((lane) => sg.hashBuckets(lane, t, ''));
    const bad = parts.filter((p) => !sameChecksum(p.sides));
    const results = await Promise.all(
      bad.map((p) => pool.run((lane) => bisect(p.seg, p.sides, sg.hashPort(lane, t), bo))),
    );
    return {
      rowsSource: parts.reduce((n, p) => n + p.sides.source.rows, 0),
      rowsTarget: parts.reduce((n, p) => n + p.sides.target.rows, 0),
      segments: parts.length,
      mismatched: bad.length,
      diffs: results.map((r) => r.diff),
      truncated: results.some((r) => r.truncated),
      how: `checksum: no usable key, so rows are bucketed by their row hash (${parts.length} buckets, each count + SUM of md5-64 in SQL); differing buckets are split by hash prefix down to ≤${o.bisectRows} rows and diffed as multisets (keys shown as #row-hash)`,
    };
  }
  const fromChunks = sg.segmentsFromChunks(t, input.chunks?.get(tableKey(t)));
  const segs =
    fromChunks ??
    (await pool.run((lane) => sg.cutSegments(lane, t, tp.estimatedRows, o.segmentRows ?? 100_000)));
  const results = await Promise.all(
    segs.map((seg) =>
      pool.run(async (lane) => {
        const sides = await sg.checksumBoth(lane, t, seg);
        const b = sameChecksum(sides) ? null : await bisect(seg, sides, sg.rangePort(lane, t), bo);
        return { sides, b };
      }),
    ),
  );
  return {
    rowsSource: results.reduce((n, r) => n + r.sides.source.rows, 0),
    rowsTarget: results.reduce((n, r) => n + r.sides.target.rows, 0),
    segments: segs.length,
    mismatched: results.filter((r) => r.b).length,
    diffs: results.flatMap((r) => (r.b ? [r.b.diff] : [])),
    truncated: results.some((r) => r.b?.truncated),
    how: `checksum: ${segs.length} key-range segment(s) (${fromChunks ? "the copy's committed chunks" : 'cut by verify'}), count + SUM of md5-64 row hashes computed in SQL on both servers at once; differing segments bisected to ≤${o.bisectRows} rows, then rows diffed by key`,
  };
}

async function fullLevel(
  pool: LanePool,
  t: TableShape,
  tp: TablePlan,
  input: VerifyTablesInput,
): Promise<Outcome> {
  const page = input.options.pageRows ?? 5000;
  if (t.key.length === 0) {
    const buckets = [...'0123456789abcdef'].map((prefix): Segment => ({ kind: 'hash', prefix }));
    const res = await Promise.all(buckets.map((b) => pool.run((lane) => sg.rowsBoth(lane, t, b))));
    return {
      rowsSource: res.reduce((n, [s]) => n + s.length, 0),
      rowsTarget: res.reduce((n, [, g]) => n + g.length, 0),
      segments: buckets.length,
      mismatched: 0,
      diffs: res.map(([s, g]) => diffMultiset(t.columns, s, g)),
      truncated: false,
      how: 'full: no usable key, so every row of both sides was fetched (16 row-hash buckets) and diffed as a multiset',
    };
  }
  const segs =
    sg.segmentsFromChunks(t, input.chunks?.get(tableKey(t))) ??
    (await pool.run((lane) =>
      sg.cutSegments(lane, t, tp.estimatedRows, input.options.segmentRows ?? 100_000),
    ));
  const res = await Promise.all(
    segs.map((seg) =>
      pool.run((lane) => sg.fullRange(lane, t, seg as Extract<Segment, { kind: 'range' }>, page)),
    ),
  );
  return {
    rowsSource: res.reduce((n, r) => n + r.rowsSource, 0),
    rowsTarget: res.reduce((n, r) => n + r.rowsTarget, 0),
    segments: segs.length,
    mismatched: res.filter((r) => r.diff.some((d) => !isEmptyDiff(d))).length,
    diffs: res.flatMap((r) => r.diff),
    truncated: false,
    how: `full: every row of both sides fetched in key order (pages of ${page}) and compared column by column`,
  };
}

async function countLevel(pool: LanePool, t: TableShape): Promise<Outcome> {
  const [s, g] = await pool.run((lane) =>
    sg.both(
      lane,
      (side) => q.countSql(side, t),
      (r) => Number(r[0]?.[0] ?? 0),
    ),
  );
  return {
    rowsSource: s,
    rowsTarget: g,
    segments: 1,
    mismatched: s === g ? 0 : 1,
    diffs: [],
    truncated: false,
    how: 'count: row counts only; values were not compared',
  };
}

function dedupe(d: RowDiff): RowDiff {
  const seen = new Set<string>();
  const keep = <T>(k: readonly string[], tag: string, v: T): T[] => {
    const id = `${tag}${JSON.stringify(k)}`;
    if (seen.has(id)) return [];
    seen.add(id);
    return [v];
  };
  return {
    missing: d.missing.flatMap((k) => keep(k, 'm', k)),
    extra: d.extra.flatMap((k) => keep(k, 'e', k)),
    different: d.different.flatMap((x) => keep(x.key, 'd', x)),
  };
}

async function verifyTable(pool: LanePool, tp: TablePlan, input: VerifyTablesInput): Promise<TableReport> {
  const o = input.options;
  const srcName = `${tp.source.schema}.${tp.source.name}`;
  const info = input.target.tables.get(tableKey(tp));
  const t = q.tableShape(
    tp,
    input.plan,
    input.dialect,
    input.sourceTypes.get(srcName),
    info,
    input.sourceUtf8,
  );
  const base = {
    table: tableKey(tp),
    source: srcName,
    segments: 0,
    mismatchedSegments: 0,
    missing: [],
    extra: [],
    different: [],
    truncated: false,
  };
  if (!info) {
    return {
      ...base,
      status: 'error',
      rowsSource: 0,
      rowsTarget: 0,
      compared: 'nothing: the table is missing on the target',
      error: `table ${tableKey(tp)} does not exist on the target`,
    };
  }
  try {
    const out =
      o.level === 'count'
        ? await countLevel(pool, t)
        : o.level === 'full'
          ? await fullLevel(pool, t, tp, input)
          : await checksumLevel(pool, t, tp, input);
    if (o.sample > 0) out.diffs.push(...(await pool.run((lane) => sg.sampleRows(lane, t, o.sample))));
    const { diff, truncated } = truncateDiff(dedupe(mergeDiffs(out.diffs)), o.maxReportedRows);
    const sampled =
      o.sample > 0
        ? t.key.length
          ? `; plus ${o.sample} random keys compared field by field`
          : '; --sample skipped (no key)'
        : '';
    const differs =
      out.rowsSource !== out.rowsTarget || !isEmptyDiff(diff) || (o.level === 'count' && out.mismatched > 0);
    return {
      ...base,
      status: differs ? 'different' : 'identical',
      rowsSource: out.rowsSource,
      rowsTarget: out.rowsTarget,
      segments: out.segments,
      mismatchedSegments: out.mismatched,
      missing: diff.missing,
      extra: diff.extra,
      different: diff.different,
      truncated: truncated || out.truncated,
      compared: describeCompared(t, out.how + sampled),
    };
  } catch (e) {
    if (e instanceof MigrationError && e.code === 'INTERRUPTED') throw e;
    if (input.fatal?.(e)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      status: 'error',
      rowsSource: 0,
      rowsTarget: 0,
      compared: 'nothing: reading the table failed',
      error: msg,
    };
  }
}

function emit(input: VerifyTablesInput, r: TableReport): void {
  const { sink, runId } = input;
  sink({
    runId,
    step: 'verify',
    event: 'verify.table',
    level: r.status === 'identical' ? 'info' : r.status === 'error' ? 'error' : 'warn',
    msg: `${r.table}: ${r.status} (${r.rowsSource} source rows, ${r.rowsTarget} target rows)`,
    table: r.table,
    data: {
      status: r.status,
      rowsSource: r.rowsSource,
      rowsTarget: r.rowsTarget,
      segments: r.segments,
      mismatchedSegments: r.mismatchedSegments,
      ...(r.error ? { error: r.error } : {}),
    },
  });
  const one = (kind: string, key: readonly string[], columns: readonly string[]) =>
    sink({
      runId,
      step: 'verify',
      event: 'verify.mismatch',
      level: 'warn',
      msg: `${r.table} ${JSON.stringify(key)}: ${kind}${columns.length ? ` (${columns.join(', ')})` : ''}`,
      table: r.table,
      data: { table: r.table, kind, key: [...key], columns: [...columns] },
    });
  for (const k of r.missing) one('missing', k, []);
  for (const k of r.extra) one('extra', k, []);
  for (const d of r.different) one('different', d.key, d.columns);
}

/** Verify every planned table. Tables run concurrently; their statements share the lanes. */
export async function verifyTables(input: VerifyTablesInput): Promise<TableReport[]> {
  if (input.lanes.length === 0) throw new MigrationError('INTERNAL', 'verify needs at least one lane');
  // A fatal error stops the others at their next statement; every table settles before it is thrown, so no
  // statement is still running on a lane when the caller closes the lanes.
  const stop = new AbortController();
  const pool = new LanePool(
    input.lanes,
    input.signal ? AbortSignal.any([input.signal, stop.signal]) : stop.signal,
  );
  let fatal: { e: unknown } | undefined;
  const reports = await Promise.all(
    input.plan.tables.map(async (tp) => {
      try {
        const r = await verifyTable(pool, tp, input);
        emit(input, r);
        return r;
      } catch (e) {
        if (!stop.signal.aborted) {
          fatal = { e };
          stop.abort();
        }
        return undefined;
      }
    }),
  );
  if (fatal) throw fatal.e;
  return reports as TableReport[];
}
