// MySQL / MariaDB side of verify: runs verify's statements (built by verify/checksum-sql.ts) and returns
// rows as arrays of text, opens a consistent read-only snapshot per session, and reads the largest value of
// AUTO_INCREMENT columns for the structure check. Invariants: read-only; values come back as text or NULL
// (binary results decoded as UTF-8); parameters are bound by the driver, identifiers quoted by quote.ts.

import type mysql from 'mysql2/promise';
import { quoteIdent, quoteTable } from './quote.js';

/** A statement with `?` placeholders and its parameters. */
export interface MyStatement {
  readonly text: string;
  readonly params: readonly string[];
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

/** Run a statement and return its rows as arrays of text (NULL as null). */
export async function myRows(conn: mysql.Connection, st: MyStatement): Promise<(string | null)[][]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>({
    sql: st.text,
    values: [...st.params],
    rowsAsArray: true,
  });
  return (rows as unknown as unknown[][]).map((row) => row.map(asText));
}

/** Start a consistent-snapshot, read-only transaction for this session. */
export async function myBeginSnapshot(conn: mysql.Connection): Promise<void> {
  await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
}

/** End the session's verify transaction. */
export async function myEndSnapshot(conn: mysql.Connection): Promise<void> {
  await conn.query('COMMIT');
}

/** The largest value of each column (decimal text), or null for an empty table. */
export async function myMaxValues(
  conn: mysql.Connection,
  columns: readonly {
    readonly table: string;
    readonly column: string;
    /** Where the table is when `table` is a run key (schemaMap): its name and database. */
    readonly name?: string;
    readonly database?: string;
  }[],
): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const c of columns) {
    const rows = await myRows(conn, {
      text: `SELECT CAST(MAX(${quoteIdent(c.column)}) AS CHAR) FROM ${quoteTable(c.name ?? c.table, c.database)}`,
      params: [],
    });
    out.push(rows[0]?.[0] ?? null);
  }
  return out;
}
