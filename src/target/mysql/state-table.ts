// The run's state on the target: `_pg2my_runs` (one row per run: plan fingerprint, plan, status) and
// `_pg2my_chunks` (one row per committed chunk: table, number, key range, rows, bytes). Both live in the
// target database, so a chunk's rows and its checkpoint row commit in ONE transaction: a chunk is either
// fully there and recorded, or absent and unrecorded. Nothing else decides what a resume skips.
// Invariant: bounds are stored as JSON arrays of text (or NULL for an open end), in utf8mb4_bin.

import type mysql from 'mysql2/promise';
import type { ChunkRange, CommittedChunk, KeyValue } from '../../copy/chunk-range.js';
import { quoteIdent } from './quote.js';

export const RUNS_TABLE = '_pg2my_runs';
export const CHUNKS_TABLE = '_pg2my_chunks';
export const STATE_TABLES: readonly string[] = [RUNS_TABLE, CHUNKS_TABLE];

export type RunStatus = 'running' | 'copied' | 'done' | 'failed';

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
  table_name VARCHAR(64) NOT NULL,
  chunk_no BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  lo_json TEXT NULL,
  hi_json TEXT NULL,
  row_count BIGINT NOT NULL,
  byte_count BIGINT NOT NULL,
  run_id VARCHAR(64) NOT NULL,
  committed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (table_name, chunk_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='pg2my: committed chunks (checkpoints)'`;

/** Create both state tables if missing. */
export async function ensureStateTables(conn: mysql.Connection): Promise<void> {
  await conn.query(CREATE_RUNS);
  await conn.query(CREATE_CHUNKS);
}

/** Base tables in the connection's database, by name. */
export async function listTables(conn: mysql.Connection): Promise<string[]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
  );
  return rows.map((r) => String(r.t));
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
     VALUES (?, ?, 'running', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?)`,
    [run.runId, run.fingerprint, run.toolVersion, run.planJson],
  );
}

export async function setRunStatus(conn: mysql.Connection, runId: string, status: RunStatus): Promise<void> {
  await conn.query(
    `UPDATE ${quoteIdent(RUNS_TABLE)} SET status = ?, updated_at = UTC_TIMESTAMP(6) WHERE run_id = ?`,
    [status, runId],
  );
}

const bound = (v: unknown): readonly KeyValue[] | null =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as KeyValue[]);

/** Every committed chunk, grouped by table name. */
export async function readChunks(conn: mysql.Connection): Promise<Map<string, CommittedChunk[]>> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT table_name, chunk_no, kind, lo_json, hi_json, row_count, byte_count, run_id
       FROM ${quoteIdent(CHUNKS_TABLE)} ORDER BY table_name, chunk_no`,
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
): Promise<void> {
  await conn.query(
    `INSERT INTO ${quoteIdent(CHUNKS_TABLE)} (table_name, chunk_no, kind, lo_json, hi_json, row_count, byte_count, run_id, committed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))`,
    [
      c.table,
      c.no,
      c.kind,
      c.lo === null ? null : JSON.stringify(c.lo),
      c.hi === null ? null : JSON.stringify(c.hi),
      copied.rows,
      copied.bytes,
      runId,
    ],
  );
}

/** Name of the advisory lock that keeps two runs off one target database. */
export const RUN_LOCK_SQL = "GET_LOCK(CONCAT('pg2my:', DATABASE()), 0)";

/** Take the run lock on this session (held until the session ends). False when another run holds it. */
export async function tryRunLock(conn: mysql.Connection): Promise<boolean> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT ${RUN_LOCK_SQL} AS got`);
  return String(rows[0]?.got) === '1';
}
