// PostgreSQL side of verify: runs verify's statements (built by verify/checksum-sql.ts) and returns rows as
// arrays of text, opens the read-only snapshot that every verify session shares, and reads the base types
// of the planned columns. Invariants: read-only (the transaction is READ ONLY); values come back as text or
// NULL (connectSource's type parsers); statements are parameterised, never concatenated with values.

import type { QualifiedName } from '../../catalog/model.js';
import type { SourceClient } from './connect.js';

/** A statement with bound parameters ($1, $2, …). */
export interface PgStatement {
  readonly text: string;
  readonly params: readonly string[];
}

/** Run a statement and return its rows as arrays of text (NULL as null). */
export async function pgRows(client: SourceClient, st: PgStatement): Promise<(string | null)[][]> {
  const r = await client.query<(string | null)[]>({
    text: st.text,
    values: [...st.params],
    rowMode: 'array',
  });
  return r.rows.map((row) => row.map((v) => (v === null || v === undefined ? null : String(v))));
}

/**
 * Start a REPEATABLE READ, READ ONLY transaction on `first` and export its snapshot; the other clients
 * join it, so every verify session reads the same instant of the source.
 */
export async function pgShareSnapshot(first: SourceClient, others: readonly SourceClient[]): Promise<void> {
  await first.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const r = await first.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
  const id = r.rows[0]?.id ?? '';
  for (const c of others) {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await c.query(`SET TRANSACTION SNAPSHOT '${id.replace(/'/g, "''")}'`);
  }
}

/** End the verify transaction (read-only: commit and rollback are the same). */
export async function pgEndSnapshot(client: SourceClient): Promise<void> {
  await client.query('COMMIT');
}

/** The source database encoding (server_encoding), e.g. UTF8. */
export async function pgServerEncoding(client: SourceClient): Promise<string> {
  const r = await client.query<{ e: string }>("SELECT current_setting('server_encoding') AS e");
  return r.rows[0]?.e ?? 'UTF8';
}

/** A column's base type as pg_type knows it: domains resolved, arrays by element type. */
export interface PgColumnBaseType {
  readonly name: string;
  readonly array: boolean;
  readonly enum: boolean;
}

/**
 * Base types of every column of `tables`, keyed by `schema.table` then column name. Domains are resolved
 * to their base type (also domains over arrays); an array reports its element type with `array: true`.
 */
export async function pgColumnBaseTypes(
  client: SourceClient,
  tables: readonly QualifiedName[],
): Promise<Map<string, Map<string, PgColumnBaseType>>> {
  const r = await client.query<{ s: string; t: string; c: string; n: string; arr: boolean; en: boolean }>(
    `WITH RECURSIVE cols AS (
       SELECT n.nspname AS s, c.relname AS t, a.attname AS c, a.atttypid AS typ, 0 AS depth
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN unnest($1::text[], $2::text[]) AS want(s, t) ON want.s = n.nspname AND want.t = c.relname
        WHERE a.attnum > 0 AND NOT a.attisdropped
       UNION ALL
       SELECT cols.s, cols.t, cols.c, t.typbasetype, cols.depth + 1
         FROM cols JOIN pg_catalog.pg_type t ON t.oid = cols.typ
        WHERE t.typtype = 'd' AND cols.depth < 16)
     SELECT cols.s, cols.t, cols.c,
            coalesce(el.typname, t.typname) AS n,
            (t.typelem <> 0 AND t.typlen = -1 AND t.typcategory = 'A') AS arr,
            (coalesce(el.typtype, t.typtype) = 'e') AS en
       FROM cols
       JOIN pg_catalog.pg_type t ON t.oid = cols.typ
       LEFT JOIN pg_catalog.pg_type el ON t.typcategory = 'A' AND el.oid = t.typelem
      WHERE t.typtype <> 'd'`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  const out = new Map<string, Map<string, PgColumnBaseType>>();
  for (const row of r.rows) {
    const key = `${row.s}.${row.t}`;
    let m = out.get(key);
    if (!m) {
      m = new Map();
      out.set(key, m);
    }
    m.set(row.c, {
      name: row.n,
      array: String(row.arr) === 't' || row.arr === true,
      enum: String(row.en) === 't' || row.en === true,
    });
  }
  return out;
}
