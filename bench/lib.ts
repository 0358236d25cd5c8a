// Shared pieces of the benchmark harness: the source tables and columns, the SELECT expressions that
// turn PostgreSQL values into MySQL-ready text (the pipe baseline and the naive copy), and small helpers.
// Invariants: every identifier is quoted (pg.escapeIdentifier / backticks); the conversions are the ones
// the pipe baseline uses — bool::int, timestamptz as UTC text, bytea as hex (UNHEX on the MySQL side).

import pg from 'pg';

/** The schema the benchmark dataset lives in; the marker table lives in another one. */
export const DATA_SCHEMA = 'public';

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

export const pgIdent = (name: string): string => pg.escapeIdentifier(name);
export const myIdent = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

const UTC_TEXT = `'YYYY-MM-DD HH24:MI:SS.US'`;

/**
 * The SELECT expression for one column.
 * 'copy': for COPY … TO STDOUT read by LOAD DATA (text output already matches, except the casts below).
 * 'naive': for node-postgres rows fed to mysql2 (timestamps and JSON as text so nothing is re-parsed
 * through JS Date/objects; bytea stays a Buffer, which mysql2 writes as X'…').
 */
export function selectExpr(c: SourceColumn, mode: 'copy' | 'naive'): string {
  const q = pgIdent(c.name);
  switch (c.type) {
    case 'bool':
      return `${q}::int`;
    case 'timestamptz':
      return `to_char(${q} AT TIME ZONE 'UTC', ${UTC_TEXT})`;
    case 'bytea':
      return mode === 'copy' ? `encode(${q}, 'hex')` : q;
    case 'timestamp':
    case 'date':
    case 'time':
    case 'json':
    case 'jsonb':
      return mode === 'copy' ? q : `${q}::text`;
    default:
      return q;
  }
}

/** `COPY (SELECT <converted columns> FROM public.t) TO STDOUT` — the pipe's source side. */
export function copySql(t: SourceTable): string {
  const cols = t.columns.map((c) => selectExpr(c, 'copy')).join(', ');
  return `COPY (SELECT ${cols} FROM ${pgIdent(DATA_SCHEMA)}.${pgIdent(t.name)}) TO STDOUT`;
}

/** `LOAD DATA LOCAL INFILE '/dev/stdin' …` with bytea columns read into @vars and UNHEXed. */
export function loadDataSql(t: SourceTable): string {
  const targets: string[] = [];
  const sets: string[] = [];
  t.columns.forEach((c, i) => {
    if (c.type === 'bytea') {
      targets.push(`@v${i}`);
      sets.push(`${myIdent(c.name)} = UNHEX(@v${i})`);
    } else targets.push(myIdent(c.name));
  });
  return (
    `LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE ${myIdent(t.name)} CHARACTER SET utf8mb4 ` +
    `(${targets.join(', ')})${sets.length ? ` SET ${sets.join(', ')}` : ''}`
  );
}

/** A URL without its password (for argv and logs). */
export function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
