// Shared pieces of the benchmark harness: the pipe baseline's SQL (built from pg2my's own plan, so both
// convert values the same way: bool::int, timestamptz AT TIME ZONE 'UTC', bytea as hex + UNHEX in SET),
// the naive copy's source columns and SELECT expressions, and small number helpers.
// Invariants: every identifier is quoted (pg.escapeIdentifier / backticks); the pipe's SELECT expressions
// and LOAD DATA clauses are pg2my's (src/source/postgres/read-chunk.ts, src/target/mysql/write-chunk.ts),
// only the file name ('/dev/stdin') and the missing ORDER BY (a plain scan is the physical limit) differ.

import pg from 'pg';
import type { TablePlan } from '../src/plan/model.js';
import { copiedColumns, selectExpr as pg2mySelectExpr } from '../src/source/postgres/read-chunk.js';
import { loadDataStatement } from '../src/target/mysql/write-chunk.js';

/** The schema the benchmark dataset lives in. */
export const DATA_SCHEMA = 'public';

export const pgIdent = (name: string): string => pg.escapeIdentifier(name);
export const myIdent = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

/** `COPY (SELECT <pg2my's conversions> FROM schema.t) TO STDOUT`: the pipe's source side. */
export function pipeCopySql(t: TablePlan): string {
  const cols = copiedColumns(t).map(pg2mySelectExpr).join(', ');
  return `COPY (SELECT ${cols} FROM ${pgIdent(t.source.schema)}.${pgIdent(t.source.name)}) TO STDOUT`;
}

/** pg2my's LOAD DATA statement for the table, reading '/dev/stdin' (the mariadb CLI's standard input). */
export function pipeLoadSql(t: TablePlan): string {
  const sql = loadDataStatement(t.target, copiedColumns(t));
  const from = "LOAD DATA LOCAL INFILE 'stream' ";
  if (!sql.startsWith(from)) throw new Error(`bench: pg2my's LOAD DATA statement changed shape: ${sql}`);
  return `LOAD DATA LOCAL INFILE '/dev/stdin' ${sql.slice(from.length)}`;
}

export interface SourceColumn {
  readonly name: string;
  /** pg_type.typname of the column's type (arrays are not used by the dataset). */
  readonly type: string;
}

export interface SourceTable {
  readonly name: string;
  readonly columns: readonly SourceColumn[];
  /** The single-column primary key the keyset paging walks (every dataset table has `id`). */
  readonly key: string;
}

/** Tables of DATA_SCHEMA with their columns in order; throws when a table lacks a one-column PK. */
export async function sourceTables(client: pg.Client): Promise<SourceTable[]> {
  const r = await client.query<{ table: string; column: string; type: string; pk: boolean }>(
    `SELECT c.relname AS table, a.attname AS column, t.typname AS type,
            coalesce(a.attnum = ANY (con.conkey), false) AS pk
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_constraint con ON con.conrelid = c.oid AND con.contype = 'p'
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
      ORDER BY c.relname, a.attnum`,
    [DATA_SCHEMA],
  );
  const byTable = new Map<string, { columns: SourceColumn[]; keys: string[] }>();
  for (const row of r.rows) {
    let t = byTable.get(row.table);
    if (!t) {
      t = { columns: [], keys: [] };
      byTable.set(row.table, t);
    }
    t.columns.push({ name: row.column, type: row.type });
    if (row.pk) t.keys.push(row.column);
  }
  return [...byTable].map(([name, t]) => {
    if (t.keys.length !== 1 || t.keys[0] === undefined)
      throw new Error(`bench: table ${name} needs a one-column primary key for keyset paging`);
    return { name, columns: t.columns, key: t.keys[0] };
  });
}

/**
 * The naive copy's SELECT expression for one column: what a careful hand-written script would do with
 * node-postgres rows fed to mysql2. Values travel as text (no JS Date or float on the way, so nothing is
 * rounded), booleans as 0/1, timestamptz as its UTC wall time, bytea as a Buffer (mysql2 writes X'…').
 */
export function naiveSelectExpr(c: SourceColumn): string {
  const q = pgIdent(c.name);
  switch (c.type) {
    case 'bool':
      return `${q}::int`;
    case 'bytea':
      return q;
    case 'timestamptz':
      return `(${q} AT TIME ZONE 'UTC')::text`;
    case 'int2':
    case 'int4':
      return q;
    default:
      return `${q}::text`;
  }
}

/** A URL without its password (for argv and logs). */
export function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
