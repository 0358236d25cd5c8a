// The target side of a chunk: stream COPY text into LOAD DATA LOCAL INFILE (or multi-row INSERTs when
// local_infile is off), check that nothing was skipped or changed, record the checkpoint, and COMMIT, all
// in one transaction. LOAD DATA LOCAL turns duplicate keys and bad values into warnings even in strict
// mode, so a chunk commits only if rows affected = rows read AND there are zero warnings.
// Invariants: memory is bounded (the socket's write buffer gates the source stream); any failure rolls
// the whole chunk back; a rejected value is a DATA_REJECTED error naming table, column and key.

import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type mysql from 'mysql2/promise';
import type { ChunkRange } from '../../copy/chunk-range.js';
import { MigrationError } from '../../errors.js';
import type { ColumnPlan } from '../../plan/model.js';
import type { TargetSession } from './connect.js';
import { type DuplicateExplained, explainDuplicate, type SourceKeyCount } from './duplicate-key.js';
import { InsertStatements, RowTooLarge, STATEMENT_HEADROOM, type Statement } from './insert-statements.js';
import { createLoadDataTranscoder, loadDataLocalSql } from './load-data-stream.js';
import { queryBuffer, WIRE_PADDING } from './query-buffer.js';
import { quoteIdent, quoteTable } from './quote.js';
import { recordChunk } from './state-table.js';

/** Bytes allowed in the MySQL socket's write buffer before the source stream is paused. */
const SOCKET_HIGH_WATER = 4 * 1024 * 1024;

export interface ChunkWrite {
  readonly chunk: ChunkRange;
  /** Copied columns in COPY field order. */
  readonly columns: readonly ColumnPlan[];
  readonly method: 'load-data' | 'insert';
  readonly runId: string;
  /** COPY text of the chunk's rows. */
  readonly source: Readable;
  /** For ctid chunks: the source relfilenode the ctids belong to, recorded with the checkpoint. */
  readonly sourceFile?: string;
  /** The key of the n-th row (1-based) of the chunk, for error messages. */
  readonly keyAtRow: (n: number) => Promise<string[] | undefined>;
  /** Source key column names, for error messages. */
  readonly keyColumns: readonly string[];
  /**
   * The table written, when chunk.table (the run's key, see tableKey) is not a plain name in the
   * connection's database: a table schemaMap puts in another database.
   */
  readonly into?: { readonly table: string; readonly database?: string };
  /** Source rows holding exactly a key, to tell a collation collision from a key the target changed. */
  readonly sourceKeyCount?: SourceKeyCount;
}

export interface ChunkWritten {
  readonly rows: number;
  readonly bytes: number;
}

/** Where a failure happened, for the classifier (a lost COMMIT has an unknown outcome). */
export class ChunkWriteError extends Error {
  constructor(
    readonly phase: 'load' | 'commit',
    readonly bytesSent: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** SET expression for a column loaded through a user variable, or undefined when stored as is. */
function setExpr(c: ColumnPlan, v: string): string | undefined {
  switch (c.transform) {
    case 'bytea':
      return `UNHEX(${v})`;
    case 'bit':
      return `CAST(CONV(${v}, 2, 10) AS UNSIGNED)`;
    case 'interval-time':
      return `SEC_TO_TIME(${v})`;
    default:
      return undefined;
  }
}

/**
 * The LOAD DATA statement for the columns: plain columns by name, converted ones through @variables.
 * The AUTO_INCREMENT column (`autoIncrement`, target name) is always assigned in the SET clause: MariaDB
 * 10.11 keeps an explicit 0 there under NO_AUTO_VALUE_ON_ZERO only when the column is set in the same
 * phase as the SET list. Measured: `(id, v, @x) SET p = UNHEX(@x)` (any SET clause, even `SET v = v`) stores
 * id 0 as a generated value; `(@i, v, @x) SET id = @i, p = UNHEX(@x)` keeps 0. On MySQL 8 an AUTO_INCREMENT
 * column assigned in SET is marked explicit as well (fill_record), so this form keeps 0 on both.
 */
export function loadDataStatement(
  table: string,
  columns: readonly ColumnPlan[],
  autoIncrement?: string,
  database?: string,
): string {
  const list: string[] = [];
  const sets: string[] = [];
  columns.forEach((c, i) => {
    const set = setExpr(c, `@v${i}`) ?? (c.target === autoIncrement ? `@v${i}` : undefined);
    if (set === undefined) list.push(quoteIdent(c.target));
    else {
      list.push(`@v${i}`);
      sets.push(`${quoteIdent(c.target)} = ${set}`);
    }
  });
  return `${loadDataLocalSql(quoteTable(table, database))} (${list.join(', ')})${sets.length ? ` SET ${sets.join(', ')}` : ''}`;
}

/** Pauses the stream while the connection's socket has more than SOCKET_HIGH_WATER bytes queued. */
function socketGate(conn: mysql.Connection): Transform {
  const socket = (
    conn as unknown as { connection: { stream: NodeJS.WritableStream & { writableLength: number } } }
  ).connection.stream;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      this.push(chunk);
      if (socket.writableLength > SOCKET_HIGH_WATER) socket.once('drain', () => cb());
      else cb();
    },
  });
}

/** A stream that fails with `e` once its consumer has attached (next tick). */
function failedStream(e: Error | null): Readable {
  const r = new PassThrough();
  process.nextTick(() => r.destroy(e ?? new Error('the chunk source closed before the target read it')));
  return r;
}

interface LoadResult {
  readonly read: number;
  readonly affected: number;
  readonly warned: number;
  readonly bytes: number;
  /** Rows before the statement the warnings belong to (INSERT batches); 0 for LOAD DATA. */
  readonly rowOffset: number;
}

interface Warning {
  readonly code: number;
  readonly message: string;
}

async function warnings(conn: mysql.Connection): Promise<Warning[]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW WARNINGS LIMIT 5');
  return rows.map((r) => ({ code: Number(r.Code), message: String(r.Message) }));
}

/** Turn the target's warnings (or a row count gap) into one error naming table, column and key. */
async function rejected(
  conn: mysql.Connection,
  w: ChunkWrite,
  warns: readonly Warning[],
  r: LoadResult,
): Promise<MigrationError> {
  const { read, affected } = r;
  const first = warns[0];
  const row = first
    ? r.rowOffset + Number(/at row (\d+)/.exec(first.message)?.[1] ?? Number.NaN)
    : Number.NaN;
  const column = first
    ? (/column (?:`[^`]*`\.)*[`']([^`']+)[`']/.exec(first.message)?.[1] ??
      /for column '?([^' ]+)'?/.exec(first.message)?.[1])
    : undefined;
  let key: string[] | undefined;
  if (Number.isFinite(row)) key = await w.keyAtRow(row).catch(() => undefined);
  const keyText = key
    ? `${w.keyColumns.length ? `(${w.keyColumns.join(', ')})` : 'ctid'} = (${key.join(', ')})`
    : undefined;
  const dup = warns.find((x) => x.code === 1062);
  const table = w.chunk.table;
  const into = { table: w.into?.table ?? table, ...(w.into?.database ? { database: w.into.database } : {}) };
  let why: DuplicateExplained | undefined;
  if (dup)
    why = await explainDuplicate(
      {
        conn,
        chunk: w.chunk,
        into,
        columns: w.columns,
        ...(w.sourceKeyCount ? { sourceKeyCount: w.sourceKeyCount } : {}),
        ...(await autoIncrementColumn(conn, into.table, into.database).then(
          (ai) => (ai === undefined ? {} : { autoIncrement: ai }),
          () => ({}),
        )),
      },
      dup.message,
    );
  const msg = why
    ? `Table ${table}: ${why.message}${read > affected ? ` ${read - affected} row(s) would have been skipped.` : ''}`
    : first
      ? `Table ${table}${column ? `, column ${column}` : ''}${keyText ? `, key ${keyText}` : ''}: the target rejected or changed a value (${first.code}: ${first.message}).`
      : `Table ${table}: the target stored ${affected} rows of ${read} read, without saying why.`;
  return new MigrationError('DATA_REJECTED', msg, {
    details: {
      table,
      column: column ?? null,
      key: key ?? null,
      chunk: w.chunk.no,
      ...(why ? { duplicateCause: why.cause, duplicateKeys: [...why.keys] } : {}),
      warnings: warns.map((x) => `${x.code}: ${x.message}`),
    },
    hint: why
      ? why.hint
      : 'Run `pg2my assess` to list every such value, then fix it in the source or choose a mapping in the config (see the README, "Lossy defaults").',
  });
}

/** Per connection and database.table, the AUTO_INCREMENT column (target name), or null when it has none. */
const autoIncrementCache = new WeakMap<mysql.Connection, Map<string, string | null>>();

/** The table's AUTO_INCREMENT column as the target defines it (asked once per connection and table). */
async function autoIncrementColumn(
  conn: mysql.Connection,
  table: string,
  database?: string,
): Promise<string | undefined> {
  const byTable = autoIncrementCache.get(conn) ?? new Map<string, string | null>();
  autoIncrementCache.set(conn, byTable);
  const k = `${database ?? ''}.${table}`;
  if (!byTable.has(k)) {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND EXTRA LIKE '%auto_increment%'`,
      [database ?? null, table],
    );
    byTable.set(k, rows[0] ? String(rows[0].c) : null);
  }
  return byTable.get(k) ?? undefined;
}

async function viaLoadData(
  session: TargetSession,
  w: ChunkWrite,
  sent: { bytes: number },
): Promise<LoadResult> {
  const transcoder = createLoadDataTranscoder();
  const gate = socketGate(session.conn);
  const flowing = pipeline(w.source, transcoder, gate);
  flowing.catch(() => {}); // awaited below; a failure also ends the LOAD DATA with an error
  try {
    const ai = await autoIncrementColumn(session.conn, w.into?.table ?? w.chunk.table, w.into?.database);
    const [res] = await session.conn.query<mysql.ResultSetHeader>({
      sql: loadDataStatement(w.into?.table ?? w.chunk.table, w.columns, ai, w.into?.database),
      // Runs when the server asks for the file. A source that already failed (e.g. reset while START
      // TRANSACTION was in flight) left `gate` destroyed: it emits neither 'end' nor 'error' again, and
      // mysql2 would wait for the file until the connection dies. Hand it a stream that fails instead.
      infileStreamFactory: () => (gate.destroyed ? failedStream(gate.errored) : gate),
    });
    await flowing;
    sent.bytes = transcoder.maxRowBytes;
    return {
      read: transcoder.rows,
      affected: res.affectedRows,
      warned: res.warningStatus,
      bytes: transcoder.bytes,
      rowOffset: 0,
    };
  } catch (e) {
    sent.bytes = transcoder.maxRowBytes;
    w.source.destroy();
    transcoder.destroy();
    gate.destroy();
    throw e;
  }
}

/** A multi-row INSERT failed on a duplicate key (error 1062); `message` is the server's. */
class DuplicateInBatch extends Error {}

async function viaInsert(
  session: TargetSession,
  w: ChunkWrite,
  sent: { bytes: number },
): Promise<LoadResult> {
  const table = quoteTable(w.into?.table ?? w.chunk.table, w.into?.database);
  const cols = w.columns.map((c) => quoteIdent(c.target)).join(', ');
  const open: string[] = [];
  const close: string[] = [];
  for (const c of w.columns) {
    const [before, after] = (setExpr(c, '\u0000') ?? '\u0000').split('\u0000');
    open.push(`${before}'`);
    close.push(`'${after}`);
  }
  const statements = new InsertStatements({
    head: `INSERT INTO ${table} (${cols}) VALUES `,
    open,
    close,
    batchBytes: Math.max(64 * 1024, Math.min(4 * 1024 * 1024, Math.floor(session.maxAllowedPacket / 2))),
    maxStatement: maxInsertStatement(session.maxAllowedPacket),
  });
  let affected = 0;
  let warned = 0;
  let done = 0;
  let rowOffset = 0;
  const label = (s: Statement) =>
    `INSERT INTO ${table} (${s.rows} rows, ${s.buffer.length - STATEMENT_HEADROOM} bytes)`;
  const send = async (s: Statement) => {
    sent.bytes = s.buffer.length - STATEMENT_HEADROOM + 1;
    const res = await queryBuffer(session.conn, s.buffer, label(s)).catch(async (e) => {
      if ((e as { errno?: number }).errno !== 1062) throw e;
      // Replay the batch with IGNORE in the same doomed transaction (the chunk is rolled back anyway), so
      // the diagnosis sees which row the target kept, as it does after LOAD DATA.
      const ignore = Buffer.concat([
        s.buffer.subarray(0, STATEMENT_HEADROOM),
        Buffer.from('INSERT IGNORE '),
        s.buffer.subarray(STATEMENT_HEADROOM + 'INSERT '.length),
      ]);
      await queryBuffer(session.conn, ignore, label(s)).catch(() => {});
      throw new DuplicateInBatch(e instanceof Error ? e.message : String(e));
    });
    affected += res.affectedRows;
    if (res.warningStatus > 0 && warned === 0) rowOffset = done;
    warned += res.warningStatus;
    done += s.rows;
  };
  try {
    reading: for await (const buf of w.source) {
      for (const s of statements.push(buf as Buffer)) {
        await send(s);
        if (warned > 0) break reading;
      }
    }
    if (warned === 0) for (const s of statements.end()) await send(s);
    return { read: statements.rows, affected, warned, bytes: statements.bytes, rowOffset };
  } catch (e) {
    w.source.destroy();
    if (e instanceof RowTooLarge) throw await rowTooLarge(w, e, session.maxAllowedPacket);
    throw e;
  }
}

/**
 * The longest INSERT statement (SQL bytes) the server takes. The COM_QUERY payload (the SQL plus one command
 * byte) must be below max_allowed_packet (measured on MariaDB 10.11 at 64 MiB: SQL of max_allowed_packet - 2
 * bytes is taken, - 1 is error 1153), and queryBuffer may add WIRE_PADDING spaces.
 */
export function maxInsertStatement(maxAllowedPacket: number): number {
  return maxAllowedPacket - 2 - WIRE_PADDING;
}

/** DATA_REJECTED for a row that does not fit in max_allowed_packet as an INSERT, naming table, column and key. */
async function rowTooLarge(w: ChunkWrite, e: RowTooLarge, maxAllowedPacket: number): Promise<MigrationError> {
  const table = w.chunk.table;
  const column = w.columns[e.field]?.source ?? null;
  const key = await w.keyAtRow(e.row).catch(() => undefined);
  const keyText = key
    ? `${w.keyColumns.length ? `(${w.keyColumns.join(', ')})` : 'ctid'} = (${key.join(', ')})`
    : undefined;
  return new MigrationError(
    'DATA_REJECTED',
    `Table ${table}${column === null ? '' : `, column ${column}`}${keyText ? `, key ${keyText}` : ''}: the row does not fit in the target's max_allowed_packet (${maxAllowedPacket} bytes) as an INSERT statement (it needs more than ${e.limit} bytes); nothing of this chunk was written.`,
    {
      details: {
        table,
        column,
        key: key ?? null,
        chunk: w.chunk.no,
        maxAllowedPacket,
        statementBytes: e.bytes,
      },
      hint: "Raise max_allowed_packet on the target above the row's size as SQL text (bytea counts twice, as do backslashes and quotes; `pg2my assess` shows the largest row): SET GLOBAL max_allowed_packet = …, up to 1G, seen by new connections. Then run migrate again: it resumes.",
    },
  );
}

/**
 * Load one chunk and commit it with its checkpoint row. The caller owns retries; on any error the
 * transaction is rolled back (or lost with the connection) and a ChunkWriteError or MigrationError thrown.
 */
export async function writeChunk(session: TargetSession, w: ChunkWrite): Promise<ChunkWritten> {
  const conn = session.conn;
  const sent = { bytes: 0 };
  await conn.query('START TRANSACTION');
  let result: LoadResult;
  try {
    result =
      w.method === 'load-data' ? await viaLoadData(session, w, sent) : await viaInsert(session, w, sent);
    if (result.warned > 0 || result.affected !== result.read) {
      const warns = result.warned > 0 ? await warnings(conn) : [];
      throw await rejected(conn, w, warns, result);
    }
    await recordChunk(conn, w.chunk, { rows: result.read, bytes: result.bytes }, w.runId, w.sourceFile);
  } catch (caught) {
    let e = caught;
    if (e instanceof DuplicateInBatch) {
      const none: LoadResult = { read: 0, affected: 0, warned: 1, bytes: 0, rowOffset: 0 };
      e = await rejected(conn, w, [{ code: 1062, message: e.message }], none).catch(() => caught);
    }
    w.source.destroy();
    await conn.query('ROLLBACK').catch(() => {});
    if (e instanceof MigrationError) throw e;
    throw new ChunkWriteError('load', sent.bytes, e);
  }
  try {
    await conn.query('COMMIT');
  } catch (e) {
    throw new ChunkWriteError('commit', 0, e);
  }
  return { rows: result.read, bytes: result.bytes };
}
