// The copy step: lanes (one snapshot reader + one target session each) take chunk cursors off one queue,
// biggest tables first, big tables split into sub-ranges so lanes also work inside one table. Each chunk is
// streamed COPY → LOAD DATA and committed with its checkpoint; transient faults roll the chunk back and
// retry it with backoff on fresh connections, after first re-reading its checkpoint (a lost COMMIT may
// have landed). Invariants: a chunk is written at most once (checkpoint in the same transaction); every
// range handed out is eventually committed or the step fails; connections are closed on every path.

import { pipeline, Transform } from 'node:stream';
import type { Config } from '../config/schema.js';
import type { ConnectionSpec } from '../config/urls.js';
import type { ChunkRange, CommittedChunk } from '../copy/chunk-range.js';
import {
  type Gap,
  nextChunkRows,
  splitBlocks,
  splitGap,
  splitIntRange,
  uncoveredRanges,
} from '../copy/chunks.js';
import { type Cursor, CtidCursor, IntCursor, type KeyReader, KeyCursor } from '../copy/cursors.js';
import { isMigrationError, MigrationError } from '../errors.js';
import type { EventSink } from '../events.js';
import { type TablePlan, tableKey } from '../plan/model.js';
import { type FaultClassification, type RetryClass, retry } from '../runtime/retry.js';
import { errorCodeForFault } from '../runtime/fault-kinds.js';
import { classifyPgError } from '../source/postgres/classify-error.js';
import type { SourceClient } from '../source/postgres/connect.js';
import {
  copiedColumns,
  heapBlocks,
  intKeyRange,
  keyAtRow,
  nthKeyAfter,
  streamChunk,
} from '../source/postgres/read-chunk.js';
import { countRowsWithKey } from '../source/postgres/key-lookup.js';
import { closeReader, type SourceSnapshot } from '../source/postgres/snapshot.js';
import { classifyMysqlError } from '../target/mysql/classify-error.js';
import { connectTarget, type TargetSession } from '../target/mysql/connect.js';
import { findChunk } from '../target/mysql/state-table.js';
import { ChunkWriteError, writeChunk } from '../target/mysql/write-chunk.js';
import { retryPolicyOf } from './step-retry.js';

export interface CopyInput {
  readonly tables: readonly TablePlan[];
  readonly config: Config;
  readonly runId: string;
  readonly sink: EventSink;
  readonly signal?: AbortSignal;
  readonly snapshot: SourceSnapshot;
  readonly target: ConnectionSpec;
  readonly method: 'load-data' | 'insert';
  /** Chunks committed by earlier runs, by target table. */
  readonly committed: ReadonlyMap<string, readonly CommittedChunk[]>;
  /** relfilenode of each ctid-keyed table (by tableKey), recorded with its chunks. */
  readonly sourceFiles?: ReadonlyMap<string, string>;
}

export interface TableCopy {
  readonly table: string;
  /** Rows in the target table: committed earlier plus copied now. */
  readonly rows: number;
  readonly rowsCopied: number;
  readonly bytes: number;
  readonly chunks: number;
  readonly skippedChunks: number;
}

export interface CopyResult {
  readonly tables: readonly TableCopy[];
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
  /** Every committed chunk (earlier and now), by target table, for verify's segments. */
  readonly chunks: ReadonlyMap<string, readonly ChunkRange[]>;
}

/** A lane's two sessions, opened lazily and thrown away after any failure. */
class Lane {
  reader: SourceClient | undefined;
  target: TargetSession | undefined;
  constructor(private readonly input: CopyInput) {}
  async open(): Promise<{ reader: SourceClient; target: TargetSession }> {
    this.reader ??= await this.input.snapshot.openReader();
    if (!this.target) {
      const target = await connectTarget(this.input.target, {
        connectTimeoutMs: this.input.config.connectTimeoutMs,
      });
      // Tables load in any order, and a table may already have its FKs (`pg2my schema --apply` made it, or
      // a crash after post-data): the copy never checks FKs, post-data validates every FK by anti-join.
      await target.conn.query('SET SESSION foreign_key_checks = 0');
      this.target = target;
    }
    return { reader: this.reader, target: this.target };
  }
  async discard(): Promise<void> {
    const { reader, target } = this;
    this.reader = undefined;
    this.target = undefined;
    if (reader) {
      // A reader can be stuck in COPY: end the socket rather than wait for a clean COMMIT.
      (reader as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      await reader.end().catch(() => {});
    }
    // Destroy the socket, not the connection: mysql2's destroy() only half-closes and marks the connection
    // closing, after which a query in flight is never settled (a stalled LOAD DATA or COMMIT would hang the
    // lane for good). A destroyed socket fails it with PROTOCOL_CONNECTION_LOST.
    if (target)
      (target.conn as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }
  async close(): Promise<void> {
    if (this.reader) await closeReader(this.reader);
    if (this.target) await this.target.conn.end().catch(() => this.target?.conn.destroy());
    this.reader = undefined;
    this.target = undefined;
  }
}

/** Calls `onStall` when tick() has not been called for `ms`; one timer per chunk attempt. */
class Watchdog {
  #last = performance.now();
  fired = false;
  readonly #timer: NodeJS.Timeout;
  constructor(ms: number, onStall: () => void) {
    this.#timer = setInterval(
      () => {
        if (!this.fired && performance.now() - this.#last > ms) {
          this.fired = true;
          onStall();
        }
      },
      Math.min(1000, Math.max(50, ms / 4)),
    );
    this.#timer.unref();
  }
  readonly tick = (): void => {
    this.#last = performance.now();
  };
  stop(): void {
    clearInterval(this.#timer);
  }
}

/** A chunk attempt cut off by the watchdog: always transient (the connections were replaced). */
class StallError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** Both sides' classifications of a copy failure (a source error can surface through the target driver). */
function classifyBoth(
  e: unknown,
  flavour: TargetSession['flavour'] | undefined,
  maxPacket: number | undefined,
): { inner: unknown; my: FaultClassification; pg: FaultClassification } {
  const w = e instanceof ChunkWriteError ? e : undefined;
  const inner = w ? w.cause : e;
  const my = classifyMysqlError(inner, {
    ...(flavour ? { flavour } : {}),
    ...(w && w.bytesSent > 0 ? { bytesSent: w.bytesSent } : {}),
    ...(maxPacket ? { maxAllowedPacket: maxPacket } : {}),
    duringCommit: w?.phase === 'commit',
  });
  return { inner, my, pg: classifyPgError(inner) };
}

/** transient / permanent / unknown for a copy failure. */
function classifyCopyError(
  e: unknown,
  flavour: TargetSession['flavour'] | undefined,
  maxPacket: number | undefined,
): RetryClass {
  if (isMigrationError(e)) {
    if (e.retryable) return 'transient';
    // A lane reconnecting mid-copy (these servers were reached in preflight): the driver error decides. The
    // connect modules flag only refused/timed-out connects as retryable, so a reset or a connection dropped
    // in its handshake ended the whole run.
    if ((e.code === 'SOURCE_CONNECT_FAILED' || e.code === 'TARGET_CONNECT_FAILED') && e.cause !== undefined)
      return classifyCopyError(e.cause, flavour, maxPacket);
    return 'permanent';
  }
  if (e instanceof StallError) return 'transient';
  const { my, pg } = classifyBoth(e, flavour, maxPacket);
  // Indeterminate (a lost COMMIT) is safe to retry here: every retry re-reads the checkpoint first.
  const cls = (c: { class: string }) => (c.class === 'indeterminate' ? 'transient' : c.class);
  if (cls(my) === 'permanent' && my.kind !== 'unknown') return 'permanent';
  if (cls(pg) === 'permanent' && pg.kind !== 'unknown') return 'permanent';
  if (cls(my) === 'transient' || cls(pg) === 'transient') return 'transient';
  return 'unknown';
}

/** The error a failed chunk ends the run with: a MigrationError that names the table and chunk. */
function permanentError(
  e: unknown,
  t: TablePlan,
  c: ChunkRange | undefined,
  flavour: TargetSession['flavour'] | undefined,
  maxPacket: number | undefined,
): unknown {
  if (isMigrationError(e)) return e;
  const { inner, my, pg } = classifyBoth(e, flavour, maxPacket);
  const where = `table ${tableKey(t)}${c ? ` chunk ${c.no}` : ''}`;
  const message = inner instanceof Error ? inner.message : String(inner);
  if (my.kind === 'packet-too-large') {
    return new MigrationError(
      'DATA_REJECTED',
      `Copying ${where}: a row is larger than the target's max_allowed_packet (${maxPacket} bytes).`,
      {
        cause: inner,
        details: { table: tableKey(t), chunk: c?.no ?? null },
        hint: 'Raise max_allowed_packet on the target (SET GLOBAL max_allowed_packet = 1073741824) and run migrate again to resume.',
      },
    );
  }
  const side = my.kind !== 'unknown' ? 'target' : 'source';
  const kind = side === 'target' ? my.kind : pg.kind;
  const code = errorCodeForFault(kind, side);
  return new MigrationError(code, `Copying ${where} failed: ${message}`, {
    cause: inner,
    details: { table: tableKey(t), chunk: c?.no ?? null, kind },
    ...((my.hint ?? pg.hint) ? { hint: (my.hint ?? pg.hint)! } : {}),
  });
}

interface TableState {
  readonly plan: TablePlan;
  pending: number;
  rowsSkipped: number;
  rowsCopied: number;
  bytes: number;
  chunks: number;
  skippedChunks: number;
  started: number | undefined;
  readonly committed: ChunkRange[];
}

/** Cursors over the uncovered gaps of a table; big fresh integer/ctid gaps are split across lanes. */
async function cursorsFor(
  t: TablePlan,
  gaps: readonly Gap[],
  reader: SourceClient,
  parts: number,
): Promise<Cursor[]> {
  const out: Cursor[] = [];
  for (const gap of gaps) {
    if (t.key.kind === 'int') {
      const r = await intKeyRange(reader, t, gap.lo, gap.hi);
      const density = r && r.max > r.min ? Math.max(1e-9, t.estimatedRows / Number(r.max - r.min + 1n)) : 1;
      const bounds = r ? splitIntRange(r.min, r.max, parts) : [];
      for (const sub of splitGap(
        gap,
        bounds.map((b) => [b]),
      ))
        out.push(new IntCursor(t, sub, density));
    } else if (t.key.kind === 'ctid') {
      const { blocks, rowsPerBlock } = await heapBlocks(reader, t);
      const whole = gap.lo === null && gap.hi === null;
      const bounds = whole ? splitBlocks(blocks, parts) : [];
      for (const sub of splitGap(
        gap,
        bounds.map((b) => [b]),
      ))
        out.push(new CtidCursor(t, sub, blocks, rowsPerBlock));
    } else out.push(new KeyCursor(t, gap));
  }
  return out;
}

/** Copy every table's uncovered ranges. Throws the first permanent failure (other lanes stop after their chunk). */
export async function copyTables(input: CopyInput): Promise<CopyResult> {
  const { config, sink, runId } = input;
  const started = performance.now();
  const workers = config.migrate.workers;
  const sizing = {
    chunkSeconds: config.migrate.chunkSeconds,
    initialChunkRows: config.migrate.initialChunkRows,
    maxChunkRows: config.migrate.maxChunkRows,
  };
  const order = [...input.tables].sort(
    (a, b) => b.totalBytes - a.totalBytes || b.estimatedRows - a.estimatedRows,
  );
  const states = new Map<string, TableState>();
  const totalBytes = input.tables.reduce((sum, t) => sum + t.totalBytes, 0);
  const queue: Cursor[] = [];
  const policy = retryPolicyOf(config);
  for (const t of order) {
    const committed = [...(input.committed.get(tableKey(t)) ?? [])];
    const st: TableState = {
      plan: t,
      pending: 0,
      rowsSkipped: 0,
      rowsCopied: 0,
      bytes: 0,
      chunks: 0,
      skippedChunks: committed.length,
      started: undefined,
      committed: [...committed],
    };
    states.set(tableKey(t), st);
    const gaps = uncoveredRanges(committed);
    // Split a table across lanes only when it is bigger than one lane's share of all the data: on MariaDB,
    // two LOAD DATA streams into one table's B-tree measured 1.35x slower than two tables side by side.
    const big =
      workers > 1 && t.estimatedRows >= sizing.initialChunkRows && t.totalBytes * workers > totalBytes;
    // Key ranges are read on a fresh snapshot reader, retried like a chunk (the coordinator may be gone).
    const cursors = await retry(
      async () => {
        const reader = await input.snapshot.openReader();
        try {
          return await cursorsFor(t, gaps, reader, big ? workers : 1);
        } finally {
          await closeReader(reader);
        }
      },
      policy,
      {
        classify: (e) => classifyCopyError(e, undefined, undefined),
        ...(input.signal ? { signal: input.signal } : {}),
        what: `reading the key range of ${tableKey(t)}`,
      },
    );
    st.pending = cursors.length;
    queue.push(...cursors);
    if (cursors.length === 0) {
      startTable(st);
      finishTable(st);
    }
  }

  /** table.started (and the chunks an earlier run committed) when a lane first takes the table. */
  function startTable(st: TableState): void {
    if (st.started !== undefined) return;
    st.started = performance.now();
    const t = st.plan;
    sink({
      runId,
      step: 'copy',
      event: 'table.started',
      level: 'info',
      msg: `${tableKey(t)}: ${t.estimatedRows < 0 ? 'rows not estimated (never analysed)' : `about ${t.estimatedRows} rows`}`,
      table: tableKey(t),
      data: { rowsEstimated: t.estimatedRows, bytesEstimated: t.totalBytes, resumedChunks: st.skippedChunks },
    });
    for (const c of input.committed.get(tableKey(t)) ?? []) {
      st.rowsSkipped += c.rows;
      sink({
        runId,
        step: 'copy',
        event: 'chunk.skipped',
        level: 'debug',
        msg: `${tableKey(t)} chunk ${c.no} already copied (${c.rows} rows)`,
        table: tableKey(t),
        chunk: String(c.no),
        data: { rows: c.rows, bytes: c.bytes, copiedBy: c.runId },
      });
    }
  }

  function finishTable(st: TableState): void {
    sink({
      runId,
      step: 'copy',
      event: 'table.finished',
      level: 'info',
      msg: `${tableKey(st.plan)}: ${st.rowsSkipped + st.rowsCopied} rows`,
      table: tableKey(st.plan),
      data: {
        rows: st.rowsSkipped + st.rowsCopied,
        rowsCopied: st.rowsCopied,
        chunks: st.chunks,
        skippedChunks: st.skippedChunks,
        ms: Math.round(performance.now() - (st.started ?? performance.now())),
      },
    });
  }

  let failure: unknown;

  async function runCursor(lane: Lane, cursor: Cursor): Promise<void> {
    const t = cursor.table;
    const st = states.get(tableKey(t))!;
    startTable(st);
    let target: number | undefined;
    let observed: { rows: number; ms: number } | undefined;
    while (!cursor.done && failure === undefined) {
      target = nextChunkRows(target, observed, sizing);
      const rowsWanted = target;
      let range: ChunkRange | null | undefined;
      let flavour: TargetSession['flavour'] | undefined;
      let maxPacket: number | undefined;
      const t0 = performance.now();
      const attemptChunk = async (attempt: number, watch: Watchdog) => {
        const s = await lane.open();
        flavour = s.target.flavour;
        maxPacket = s.target.maxAllowedPacket;
        try {
          if (range === undefined) {
            const reader: KeyReader = {
              intKeyRange: (lo, hi) => intKeyRange(s.reader, t, lo, hi),
              nthKeyAfter: (lo, hi, n) => nthKeyAfter(s.reader, t, lo, hi, n),
            };
            range = await cursor.next(reader, rowsWanted);
          }
          if (range === null) return null;
          const c = range;
          if (attempt > 1) {
            const found = await findChunk(s.target.conn, c.table, c.no);
            if (found) return { ...found, recovered: true };
          }
          const copyOut = streamChunk(s.reader, t, c);
          // Count progress for the watchdog without taking data away from the writer (no 'data' listener).
          const stream = new Transform({
            transform(buf: Buffer, _enc, cb) {
              watch.tick();
              cb(null, buf);
            },
          });
          // pipeline(), not pipe(): it listens for 'error' on both streams from now on. A COPY that fails while
          // writeChunk still awaits START TRANSACTION (its own listeners not yet attached) would otherwise
          // emit an unhandled 'error' that kills the process; writeChunk still sees the error on `stream`.
          pipeline(copyOut, stream, () => {});
          const written = await writeChunk(s.target, {
            chunk: c,
            columns: copiedColumns(t),
            method: input.method,
            runId,
            source: stream,
            ...(input.sourceFiles?.has(tableKey(t))
              ? { sourceFile: input.sourceFiles.get(tableKey(t))! }
              : {}),
            keyColumns: t.key.columns,
            ...(t.database !== undefined ? { into: { table: t.target, database: t.database } } : {}),
            keyAtRow: async (n) => {
              const fresh = await input.snapshot.openReader();
              try {
                return await keyAtRow(fresh, t, c, n);
              } finally {
                await closeReader(fresh);
              }
            },
            sourceKeyCount: async (columns, values) => {
              const fresh = await input.snapshot.openReader();
              try {
                return await countRowsWithKey(fresh, t.source, columns, values);
              } finally {
                await closeReader(fresh);
              }
            },
          });
          return { ...written, recovered: false };
        } catch (e) {
          await lane.discard();
          if (watch.fired) {
            throw new StallError(
              `no data moved for ${config.migrate.stallSeconds} s (stalled connection); connections dropped`,
              e,
            );
          }
          throw e;
        }
      };
      const outcome = await retry(
        async (attempt) => {
          const watch = new Watchdog(config.migrate.stallSeconds * 1000, () => void lane.discard());
          try {
            return await attemptChunk(attempt, watch);
          } finally {
            watch.stop();
          }
        },
        policy,
        {
          classify: (e) => classifyCopyError(e, flavour, maxPacket),
          ...(input.signal ? { signal: input.signal } : {}),
          what: `copy of ${tableKey(t)}${range ? ` chunk ${range.no}` : ''}`,
          onRetry: (info) =>
            sink({
              runId,
              step: 'copy',
              event: 'chunk.retried',
              level: 'warn',
              msg: `${tableKey(t)}${range ? ` chunk ${range.no}` : ''}: attempt ${info.attempt} failed (${info.error instanceof Error ? info.error.message : String(info.error)}); retrying in ${info.delayMs} ms`,
              table: tableKey(t),
              ...(range ? { chunk: String(range.no) } : {}),
              data: { attempt: info.attempt, delayMs: info.delayMs, class: info.class },
            }),
        },
      ).catch((e: unknown) => {
        throw permanentError(e, t, range ?? undefined, flavour, maxPacket);
      });
      if (outcome === null || !range) break;
      const ms = performance.now() - t0;
      observed = { rows: outcome.rows, ms };
      cursor.observe(range, outcome.rows);
      st.committed.push(range);
      st.rowsCopied += outcome.rows;
      st.bytes += outcome.bytes;
      st.chunks++;
      sink({
        runId,
        step: 'copy',
        event: 'chunk.copied',
        level: 'debug',
        msg: `${tableKey(t)} chunk ${range.no}: ${outcome.rows} rows`,
        table: tableKey(t),
        chunk: String(range.no),
        data: {
          rows: outcome.rows,
          bytes: outcome.bytes,
          ms: Math.round(ms),
          lo: range.lo,
          hi: range.hi,
          recovered: outcome.recovered,
        },
      });
    }
  }

  async function laneLoop(): Promise<void> {
    const lane = new Lane(input);
    const onAbort = () => void lane.discard();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (let cursor = queue.shift(); cursor && failure === undefined; cursor = queue.shift()) {
        try {
          await runCursor(lane, cursor);
        } catch (e) {
          failure ??= e;
          return;
        }
        const st = states.get(tableKey(cursor.table))!;
        if (--st.pending === 0) finishTable(st);
      }
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
      await lane.close();
    }
  }

  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(workers, queue.length || 1)) }, () => laneLoop()),
  );
  if (failure !== undefined) throw failure;

  const tables = [...states.values()].map((st) => ({
    table: tableKey(st.plan),
    rows: st.rowsSkipped + st.rowsCopied,
    rowsCopied: st.rowsCopied,
    bytes: st.bytes,
    chunks: st.chunks,
    skippedChunks: st.skippedChunks,
  }));
  return {
    tables,
    rows: tables.reduce((s, t) => s + t.rowsCopied, 0),
    bytes: tables.reduce((s, t) => s + t.bytes, 0),
    ms: Math.round(performance.now() - started),
    chunks: new Map([...states.values()].map((st) => [tableKey(st.plan), st.committed])),
  };
}
