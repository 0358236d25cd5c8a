// The source side of a chunk: the COPY statement that streams one key range as MySQL-ready text, and the
// key queries the copy uses to cut ranges (min/max of integer keys, the n-th key of text and composite
// keys, heap size for ctid). Conversions happen in the SELECT so Node only moves bytes.
// Invariants: COPY takes no parameters, so every bound is inlined as a validated integer or a quoted
// literal (standard_conforming_strings on); the range predicate, ORDER BY and bound queries use the same
// key expressions, so a range read twice in one snapshot yields the same rows in the same order.

import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { PG_INT_SPELLINGS } from '../../catalog/type-families.js';
import type { ChunkRange, KeyValue } from '../../copy/chunk-range.js';
import { MigrationError } from '../../errors.js';
import type { ColumnPlan, TablePlan } from '../../plan/model.js';
import type { SourceClient } from './connect.js';

const INT_RE = /^-?\d{1,20}$/;

export const pgIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A text literal; PostgreSQL text cannot hold NUL, so none can appear. */
export function pgLiteral(v: string): string {
  if (v.includes('\u0000')) throw new MigrationError('INTERNAL', 'A key value contains NUL.');
  return `'${v.replaceAll("'", "''")}'`;
}

const qualified = (t: TablePlan): string => `${pgIdent(t.source.schema)}.${pgIdent(t.source.name)}`;

/** The SELECT expression that renders a column as the text LOAD DATA (plus its SET clause) stores exactly. */
export function selectExpr(c: ColumnPlan): string {
  return selectExprKeyed(c, "'(key unknown)'");
}

/** selectExpr, with `rowKey` (a SQL text expression, see rowKeyText) quoted in the data errors raised here. */
export function selectExprKeyed(c: ColumnPlan, rowKey: string): string {
  const v = pgIdent(c.source);
  switch (c.transform) {
    case 'bool':
      return `${v}::int`;
    case 'bytea':
      return `encode(${v}, 'hex')`;
    case 'timestamptz-utc':
      return `(${v} AT TIME ZONE 'UTC')`;
    case 'timetz-utc':
      return `(${v} AT TIME ZONE 'UTC')::time`;
    case 'array-json': {
      // A JSON array has no lower bound: bounds other than [1:n] (in any dimension) fail the chunk with a
      // data error naming the column and the bounds (SQLSTATE 22P02 → DATA_REJECTED), never a shifted array.
      const why = pgLiteral(
        `pg2my: column ${c.source}: array bounds do not start at 1, which a JSON array cannot keep (set types.array: text); bounds `,
      );
      return `CASE WHEN ${v} IS NULL OR array_dims(${v}) IS NULL OR array_dims(${v}) ~ '^(\\[1:[0-9]+\\])+$' THEN array_to_json(${v}) ELSE (${why} || array_dims(${v}))::int::text::json END`;
    }
    case 'hstore-json':
      return `${v}::json`;
    case 'money':
      return `${v}::numeric`;
    case 'interval-time': {
      // TIME holds hours, minutes and seconds only: an interval with a year, month or day part (PostgreSQL
      // counts 1 mon as 30 days and 1 day as 24 h only when comparing) fails the chunk with a data error
      // (22P02 → DATA_REJECTED) naming the column, the value and the row key, never a TIME of 720:00:00.
      const why = pgLiteral(
        `pg2my: column ${c.source}: TIME cannot hold an interval with a month or day part (set types.interval: text); value `,
      );
      const fits = `extract(year FROM ${v}) = 0 AND extract(month FROM ${v}) = 0 AND extract(day FROM ${v}) = 0`;
      return `CASE WHEN ${v} IS NULL OR (${fits}) THEN extract(epoch FROM ${v}) ELSE (${why} || ${v}::text || ', key ' || ${rowKey})::int::numeric END`;
    }
    case 'interval-iso':
    case 'bit':
    case 'text':
      // The canonical text of a value in a text target: PostgreSQL's own ::text in the source session
      // (UTC, ISO dates, shortest round-trip floats); verify's pgValue for kind `text` is the same.
      return `${v}::text`;
    case 'none':
      // float4 as its exact double: MariaDB parses '3.4028235e+38' (float4's shortest text) as a double
      // beyond FLT_MAX and rejects it; the double text rounds back to the same float.
      return c.sourceType === 'real' ? `${v}::float8` : v;
  }
}

/** A SQL text expression naming the current row by its key, e.g. `id=7` or `a=1, b=x` (ctid for keyless). */
export function rowKeyText(t: TablePlan): string {
  if (t.key.kind === 'ctid') return `('ctid=' || ${qualified(t)}.ctid::text)`;
  const parts = t.key.columns.map(
    (k) => `${pgLiteral(`${k}=`)} || coalesce(${qualified(t)}.${pgIdent(k)}::text, 'NULL')`,
  );
  return `(${parts.join(" || ', ' || ")})`;
}

/** The copied (non-generated) columns, in plan order: COPY's field order and LOAD DATA's column list. */
export function copiedColumns(t: TablePlan): ColumnPlan[] {
  return t.columns.filter((c) => !c.generated);
}

/**
 * Key expressions: integers compare natively, everything else as text in byte order (COLLATE "C"). Columns
 * are table-qualified: in ORDER BY a bare name binds to an output column first, and the key queries select
 * `"id"::text` (output name id), which silently turned an integer key's order into text order.
 */
export function keyExprs(t: TablePlan): string[] {
  return t.key.columns.map((name, i) => {
    const ref = `${qualified(t)}.${pgIdent(name)}`;
    return isIntKey(t, i) ? ref : `(${ref}::text COLLATE "C")`;
  });
}

/**
 * Key column i compares as an integer: the planner's integer key (keyPlan decides by base type, so a domain
 * over integer counts, and the copy cuts its ranges as integers), or an integer column of another key.
 */
function isIntKey(t: TablePlan, i: number): boolean {
  if (t.key.kind === 'int') return true;
  const col = t.columns.find((c) => c.source === t.key.columns[i]);
  return col !== undefined && PG_INT_SPELLINGS.has(col.sourceType);
}

function literals(t: TablePlan, values: readonly KeyValue[]): string[] {
  if (values.length !== t.key.columns.length)
    throw new MigrationError(
      'INTERNAL',
      `Bound ${JSON.stringify(values)} does not fit the key of ${t.target}.`,
    );
  return values.map((v, i) => {
    if (!isIntKey(t, i)) return pgLiteral(v);
    if (!INT_RE.test(v)) throw new MigrationError('INTERNAL', `Bad integer bound ${JSON.stringify(v)}.`);
    return v;
  });
}

const tuple = (xs: readonly string[]): string => (xs.length === 1 ? xs[0]! : `(${xs.join(', ')})`);

function block(v: KeyValue): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new MigrationError('INTERNAL', `Bad block bound ${JSON.stringify(v)}.`);
  return n;
}

/** WHERE conditions for lo < key <= hi (ctid: lo <= block < hi); empty list = whole table. */
export function rangeConditions(
  t: TablePlan,
  lo: readonly KeyValue[] | null,
  hi: readonly KeyValue[] | null,
): string[] {
  const out: string[] = [];
  if (t.key.kind === 'ctid') {
    if (lo !== null) out.push(`ctid >= '(${block(lo[0]!)},0)'::tid`);
    if (hi !== null) out.push(`ctid < '(${block(hi[0]!)},0)'::tid`);
    return out;
  }
  const k = tuple(keyExprs(t));
  if (lo !== null) out.push(`${k} > ${tuple(literals(t, lo))}`);
  if (hi !== null) out.push(`${k} <= ${tuple(literals(t, hi))}`);
  return out;
}

const where = (conds: readonly string[]): string => (conds.length ? ` WHERE ${conds.join(' AND ')}` : '');

/** The statement that streams a chunk as COPY text, in key order (ctid: physical order). */
export function copyChunkSql(t: TablePlan, c: Pick<ChunkRange, 'lo' | 'hi'>): string {
  const rowKey = rowKeyText(t);
  const cols = copiedColumns(t)
    .map((col) => selectExprKeyed(col, rowKey))
    .join(', ');
  const order = t.key.kind === 'ctid' ? '' : ` ORDER BY ${keyExprs(t).join(', ')}`;
  return `COPY (SELECT ${cols} FROM ${qualified(t)}${where(rangeConditions(t, c.lo, c.hi))}${order}) TO STDOUT`;
}

/** Start streaming a chunk's COPY text on `client` (which must not run anything else until it ends). */
export function streamChunk(client: SourceClient, t: TablePlan, c: Pick<ChunkRange, 'lo' | 'hi'>): Readable {
  return client.query(copyTo(copyChunkSql(t, c)));
}

/** The key of the n-th row (1-based) of a chunk in COPY order, as text; for naming a rejected row. */
export async function keyAtRow(
  client: SourceClient,
  t: TablePlan,
  c: Pick<ChunkRange, 'lo' | 'hi'>,
  n: number,
): Promise<string[] | undefined> {
  const sel =
    t.key.kind === 'ctid' ? 'ctid::text' : t.key.columns.map((k) => `${pgIdent(k)}::text`).join(', ');
  const order = t.key.kind === 'ctid' ? '' : ` ORDER BY ${keyExprs(t).join(', ')}`;
  const r = await client.query({
    text: `SELECT ${sel} FROM ${qualified(t)}${where(rangeConditions(t, c.lo, c.hi))}${order} OFFSET ${Math.max(0, Math.floor(n) - 1)} LIMIT 1`,
    rowMode: 'array',
  });
  const row = r.rows[0] as (string | null)[] | undefined;
  return row?.map((v) => v ?? 'NULL');
}

/** min and max of an integer key within lo < key <= hi; null when the range is empty. */
export async function intKeyRange(
  client: SourceClient,
  t: TablePlan,
  lo: readonly KeyValue[] | null,
  hi: readonly KeyValue[] | null,
): Promise<{ min: bigint; max: bigint } | null> {
  const k = pgIdent(t.key.columns[0]!);
  const r = await client.query({
    text: `SELECT min(${k})::text, max(${k})::text FROM ${qualified(t)}${where(rangeConditions(t, lo, hi))}`,
    rowMode: 'array',
  });
  const row = r.rows[0] as (string | null)[] | undefined;
  if (!row || row[0] === null || row[1] === null) return null;
  return { min: BigInt(row[0]!), max: BigInt(row[1]!) };
}

/** The key of the n-th row after lo (and at most hi), in key order; null when fewer rows remain. */
export async function nthKeyAfter(
  client: SourceClient,
  t: TablePlan,
  lo: readonly KeyValue[] | null,
  hi: readonly KeyValue[] | null,
  n: number,
): Promise<KeyValue[] | null> {
  const exprs = keyExprs(t);
  const sel = t.key.columns.map((k) => `${pgIdent(k)}::text`).join(', ');
  const r = await client.query({
    text: `SELECT ${sel} FROM ${qualified(t)}${where(rangeConditions(t, lo, hi))} ORDER BY ${exprs.join(', ')} OFFSET ${Math.max(0, Math.floor(n) - 1)} LIMIT 1`,
    rowMode: 'array',
  });
  const row = r.rows[0] as (string | null)[] | undefined;
  if (!row) return null;
  if (row.some((v) => v === null))
    throw new MigrationError(
      'INTERNAL',
      `The key of ${t.target} has a NULL value; it cannot be a chunk bound.`,
    );
  return row as string[];
}

/** Heap blocks of the table (ctid chunking) and rows per block from the statistics. */
export async function heapBlocks(
  client: SourceClient,
  t: TablePlan,
): Promise<{ blocks: number; rowsPerBlock: number }> {
  const r = await client.query({
    text: `SELECT (pg_relation_size(c.oid) / current_setting('block_size')::int)::text, greatest(c.reltuples, 0)::text
             FROM pg_class c WHERE c.oid = $1::regclass`,
    values: [qualified(t)],
    rowMode: 'array',
  });
  const row = r.rows[0] as string[] | undefined;
  const blocks = Number(row?.[0] ?? 0);
  const tuples = Number(row?.[1] ?? 0);
  return { blocks, rowsPerBlock: blocks > 0 && tuples > 0 ? tuples / blocks : 50 };
}
