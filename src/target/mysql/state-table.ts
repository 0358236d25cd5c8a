// The run's state on the target: `_pg2my_runs` (one row per run: plan fingerprint, plan, status) and
// `_pg2my_chunks` (one row per committed chunk: table, number, key range, rows, bytes). Both live in the
// target database, so a chunk's rows and its checkpoint row commit in ONE transaction: a chunk is either
// fully there and recorded, or absent and unrecorded. Nothing else decides what a resume skips.
// Invariant: bounds are stored as JSON arrays of text (or NULL for an open end), in utf8mb4_bin.

import type mysql from 'mysql2/promise';
import type { ChunkRange, CommittedChunk, KeyValue } from '../../copy/chunk-range.js';
import { tableKey } from '../../plan/model.js';
import { STATE_TABLE_NAMES } from '../../plan/names.js';
import { quoteIdent, quoteTable } from './quote.js';

export const RUNS_TABLE = STATE_TABLE_NAMES.runs;
export const CHUNKS_TABLE = STATE_TABLE_NAMES.chunks;
export const STATE_TABLES: readonly string[] = [RUNS_TABLE, CHUNKS_TABLE];

/**
 * running → copied (rows in) → done (post-data in); a run that ends with an error says failed or
 * interrupted; a run found `running`/`copied` by a later one that holds the lock died unseen: abandoned.
 */
export type RunStatus = 'running' | 'copied' | 'done' | 'failed' | 'interrupted' | 'abandoned';

export interface RunRow {
  readonly runId: string;
  readonly fingerprint: string;
  readonly status: RunStatus;
  readonly planJson: string;
  readonly startedAt: string;
}

const CREATE_RUNS = `CREATE TABLE IF NOT EXISTS ${quoteIdent(RUNS_TABLE)} (
  run_id VARCHAR(64) NOT NULL PRIMARY KEY,
  resume_fingerprint CHAR(64) NOT NULL,
  status VARCHAR(16) NOT NULL,
  tool_version VARCHAR(32) NOT NULL,
  started_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  plan_json LONGTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='pg2my: runs (safe to drop after a finished migration)'`;

const CREATE_CHUNKS = `CREATE TABLE IF NOT EXISTS ${quoteIdent(CHUNKS_TABLE)} (
  table_name VARCHAR(130) NOT NULL,
  chunk_no BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  lo_json TEXT NULL,
  hi_json TEXT NULL,
  row_count BIGINT NOT NULL,
  byte_count BIGINT NOT NULL,
  run_id VARCHAR(64) NOT NULL,
  source_file VARCHAR(32) NULL,
  committed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (table_name, chunk_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='pg2my: committed chunks (checkpoints)'`;

/** Create both state tables if missing. */
export async function ensureStateTables(conn: mysql.Connection): Promise<void> {
  await conn.query(CREATE_RUNS);
  await conn.query(CREATE_CHUNKS);
  // source_file came later: a chunks table of an older pg2my gets it (NULL = not known, never trusted).
  const [cols] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'source_file'`,
    [CHUNKS_TABLE],
  );
  if (cols.length === 0)
    await conn.query(`ALTER TABLE ${quoteIdent(CHUNKS_TABLE)} ADD COLUMN source_file VARCHAR(32) NULL`);
}

/** Base tables in the connection's database (or in `database`), by name. */
export async function listTables(conn: mysql.Connection, database?: string): Promise<string[]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database === undefined ? 'DATABASE()' : '?'} AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    database === undefined ? [] : [database],
  );
  return rows.map((r) => String(r.t));
}

/**
 * Who owns the tables of a target database, for this plan. The one ownership rule that migrate and assess
 * both apply (pure; see inspectOwnership for the reads):
 * - a run of another plan is there → plan-changed;
 * - a run of this plan is there → resume (or complete when done), unless tables outside the plan are there;
 * - no run → fresh, when every table there is an EMPTY table of this plan (as `pg2my schema --apply` leaves
 *   them: they are adopted); anything else is foreign, and pg2my never writes into tables it did not create.
 */
export type Ownership =
  | { readonly state: 'fresh'; readonly adopted: readonly string[] }
  | { readonly state: 'resume' | 'complete'; readonly run: RunRow }
  | { readonly state: 'plan-changed'; readonly run: RunRow }
  | { readonly state: 'foreign'; readonly foreign: readonly string[]; readonly run: RunRow | undefined };

/** What the rule needs to know about a target database. */
export interface TargetView {
  /** Base tables in the database. */
  readonly tables: readonly string[];
  /** The latest run recorded there. */
  readonly run: RunRow | undefined;
  /** Of the plan's tables that are there, those holding at least one row. */
  readonly nonEmpty: ReadonlySet<string>;
  /** Each table as SQL, for tables in a schemaMap database (listed as `database.table`). */
  readonly sql?: ReadonlyMap<string, string>;
}

export function decideOwnership(
  view: TargetView,
  planTables: ReadonlySet<string>,
  fingerprint: string,
): Ownership {
  const user = view.tables.filter((t) => !STATE_TABLES.includes(t));
  const run = view.run;
  if (run && run.fingerprint !== fingerprint) return { state: 'plan-changed', run };
  if (run) {
    const foreign = user.filter((t) => !planTables.has(t));
    if (foreign.length > 0) return { state: 'foreign', foreign, run };
    return { state: run.status === 'done' ? 'complete' : 'resume', run };
  }
  const foreign = user.filter((t) => !planTables.has(t) || view.nonEmpty.has(t));
  if (foreign.length > 0) return { state: 'foreign', foreign, run: undefined };
  return { state: 'fresh', adopted: user };
}

/**
 * Read the view of the connection's database. `without`: tables to leave out, as if already dropped (so
 * that --restart can decide before it drops anything).
 */
export async function readTargetView(
  conn: mysql.Connection,
  planTables: ReadonlySet<string>,
  without: ReadonlySet<string> = new Set(),
  databases: readonly string[] = [],
): Promise<TargetView> {
  const home = await listTables(conn);
  const sql = new Map(home.map((t) => [t, quoteIdent(t)]));
  for (const db of databases)
    for (const t of await listTables(conn, db)) sql.set(`${db}.${t}`, quoteTable(t, db));
  const all = [...sql.keys()];
  const run = home.includes(RUNS_TABLE) && !without.has(RUNS_TABLE) ? await latestRun(conn) : undefined;
  const tables = all.filter((t) => !without.has(t));
  const nonEmpty = new Set<string>();
  if (run === undefined)
    for (const t of tables.filter((x) => planTables.has(x))) {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT 1 AS x FROM ${sql.get(t)} LIMIT 1`);
      if (rows.length > 0) nonEmpty.add(t);
    }
  return { tables, run, nonEmpty, sql };
}

/** Of `databases` (schemaMap targets), those that do not exist on the server. */
export async function missingDatabases(
  conn: mysql.Connection,
  databases: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const db of databases) {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT 1 AS x FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [db],
    );
    if (rows.length === 0) out.push(db);
  }
  return out;
}

/** The tables a --restart drops: the state tables and the tables of the recorded run's plan, where present. */
export function restartDrops(view: TargetView): string[] {
  if (!view.run) return [];
  const plan = JSON.parse(view.run.planJson) as { tables?: { target: string; database?: string }[] };
  const owned = new Set<string>([...STATE_TABLES, ...(plan.tables ?? []).map(tableKey)]);
  return view.tables.filter((t) => owned.has(t));
}

/** The most recent run recorded on the target, if the runs table exists and has one. */
export async function latestRun(conn: mysql.Connection): Promise<RunRow | undefined> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT run_id, resume_fingerprint, status, plan_json, CAST(started_at AS CHAR) AS started_at
       FROM ${quoteIdent(RUNS_TABLE)} ORDER BY started_at DESC, run_id DESC LIMIT 1`,
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    runId: String(r.run_id),
    fingerprint: String(r.resume_fingerprint),
    status: String(r.status) as RunStatus,
    planJson: String(r.plan_json),
    startedAt: String(r.started_at),
  };
}

export async function insertRun(
  conn: mysql.Connection,
  run: { runId: string; fingerprint: string; planJson: string; toolVersion: string },
): Promise<void> {
  await conn.query(
    `INSERT INTO ${quoteIdent(RUNS_TABLE)} (run_id, resume_fingerprint, status, tool_version, started_at, updated_at, plan_json)
     VALUES (?, ?, 'running', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?)
     ON DUPLICATE KEY UPDATE run_id = run_id`, // idempotent: a retry after a lost reply to this INSERT
    [run.runId, run.fingerprint, run.toolVersion, run.planJson],
  );
}

/** Set a run's status; with `from`, only when its status is one of those. */
export async function setRunStatus(
  conn: mysql.Connection,
  runId: string,
  status: RunStatus,
  from?: readonly RunStatus[],
): Promise<void> {
  const only = from?.length ? ` AND status IN (${from.map(() => '?').join(', ')})` : '';
  await conn.query(
    `UPDATE ${quoteIdent(RUNS_TABLE)} SET status = ?, updated_at = UTC_TIMESTAMP(6) WHERE run_id = ?${only}`,
    [status, runId, ...(from ?? [])],
  );
}

const bound = (v: unknown): readonly KeyValue[] | null =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as KeyValue[]);

/** Every committed chunk, grouped by table name. */
export async function readChunks(conn: mysql.Connection): Promise<Map<string, CommittedChunk[]>> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT * FROM ${quoteIdent(CHUNKS_TABLE)} ORDER BY table_name, chunk_no`,
  );
  const out = new Map<string, CommittedChunk[]>();
  for (const r of rows) {
    const table = String(r.table_name);
    const list = out.get(table) ?? [];
    list.push({
      table,
      no: Number(r.chunk_no),
      kind: String(r.kind) as ChunkRange['kind'],
      lo: bound(r.lo_json),
      hi: bound(r.hi_json),
      rows: Number(r.row_count),
      bytes: Number(r.byte_count),
      runId: String(r.run_id),
      ...(r.source_file === null || r.source_file === undefined ? {} : { sourceFile: String(r.source_file) }),
    });
    out.set(table, list);
  }
  return out;
}

/** The checkpoint row of one chunk, if it committed. */
export async function findChunk(
  conn: mysql.Connection,
  table: string,
  no: number,
): Promise<{ rows: number; bytes: number } | undefined> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT row_count, byte_count FROM ${quoteIdent(CHUNKS_TABLE)} WHERE table_name = ? AND chunk_no = ?`,
    [table, no],
  );
  const r = rows[0];
  return r ? { rows: Number(r.row_count), bytes: Number(r.byte_count) } : undefined;
}

/** Record a chunk inside the caller's open transaction (the same one that loaded its rows). */
export async function recordChunk(
  conn: mysql.Connection,
  c: ChunkRange,
  copied: { rows: number; bytes: number },
  runId: string,
  sourceFile?: string,
): Promise<void> {
  await conn.query(
    `INSERT INTO ${quoteIdent(CHUNKS_TABLE)} (table_name, chunk_no, kind, lo_json, hi_json, row_count, byte_count, run_id, committed_at, source_file)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?)`,
    [
      c.table,
      c.no,
      c.kind,
      c.lo === null ? null : JSON.stringify(c.lo),
      c.hi === null ? null : JSON.stringify(c.hi),
      copied.rows,
      copied.bytes,
      runId,
      sourceFile ?? null,
    ],
  );
}

/**
 * Forget a table's copy: delete its rows and its checkpoints in one transaction, so that the next copy
 * starts it over (its ctid chunks no longer name the same rows after a VACUUM FULL / CLUSTER / pg_repack).
 */
export async function forgetTableCopy(
  conn: mysql.Connection,
  table: string,
  into: { table: string; database?: string },
): Promise<void> {
  const name = quoteTable(into.table, into.database);
  await conn.query('START TRANSACTION');
  try {
    await conn.query(`DELETE FROM ${name}`);
    await conn.query(`DELETE FROM ${quoteIdent(CHUNKS_TABLE)} WHERE table_name = ?`, [table]);
    await conn.query('COMMIT');
  } catch (e) {
    await conn.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** Name of the advisory lock that keeps two runs off one target database. */
export const RUN_LOCK_SQL = "GET_LOCK(CONCAT('pg2my:', DATABASE()), 0)";

/** Take the run lock on this session (held until the session ends). False when another run holds it. */
export async function tryRunLock(conn: mysql.Connection): Promise<boolean> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT ${RUN_LOCK_SQL} AS got`);
  return String(rows[0]?.got) === '1';
}
