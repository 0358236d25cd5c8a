// Verify's SQL (PURE, golden-tested): per-dialect expressions that normalise each column kind to the same
// text on PostgreSQL and MySQL/MariaDB, the row hash over them, and the statements verify runs per segment
// (count + checksum, rows, split points, hash buckets). One statement per side per question.
// Invariants: identifiers are always quoted; values are always bound parameters; the row hash is
// md5(length-prefixed, NULL-tagged parts joined by '|'), summed as unsigned 64-bit integers in exact arithmetic.
//
// Normalisation (value → canonical text, identical on both engines for equal values):
//
// | kind     | planned target type(s)           | PostgreSQL expression                          | MySQL / MariaDB expression                  |
// |----------|----------------------------------|------------------------------------------------|---------------------------------------------|
// | int      | TINYINT…BIGINT [UNSIGNED], YEAR  | v::text                                        | CAST(v AS CHAR)                             |
// | bool     | TINYINT(1) (transform bool)      | v::int::text → 0/1                             | CAST(v + 0 AS CHAR)                         |
// | decimal  | DECIMAL(p,s) (numeric, money)    | v::numeric::text, then trailing fractional 0s and a trailing '.' removed (rtrim) | CAST(v AS CHAR), same TRIMs |
// | float    | FLOAT, DOUBLE                    | exact binary decomposition of the double: '[-]<53-bit significand>p<exponent>' (float4 widened exactly to double); 0 → '0' and -0 → '-0' (MariaDB stores -0 as 0: reported); NaN/±Infinity as text | same arithmetic: LOG2/POW, exact powers of two; the sign of a zero from ATAN2(v, -1); verified bit-exact against IEEE-754 on 1M values and every binade edge |
// | text     | VARCHAR, *TEXT, ENUM, MariaDB JSON | v::text (array_to_json(v)::text for arrays → JSON) | v as bytes (CAST(v AS BINARY))          |
//   (text: v::text in the source session — UTC, ISO dates, shortest round-trip floats — is the canonical text the
//   copy wrote into every text target, transform `text`; see overrideTransform and the README's type-mapping notes)
// | char     | CHAR(n), VARCHAR from bpchar     | rtrim(<the text kind's text>, ' ')             | TRIM(TRAILING ' ' FROM v)                   |
// | bytes    | *BLOB, VARBINARY                 | encode(v, 'hex') (lower case); other types: hex of the text kind's text | LOWER(HEX(v))                 |
// | date     | DATE                             | to_char(v, 'YYYY-MM-DD')                       | DATE_FORMAT(v, '%Y-%m-%d')                  |
// | datetime | DATETIME(p), TIMESTAMP(p)        | to_char(v [AT TIME ZONE 'UTC' for timestamptz], 'YYYY-MM-DD HH24:MI:SS.US') — always 6 digits | DATE_FORMAT(v, '%Y-%m-%d %H:%i:%s.%f') (session time_zone +00:00) |
// | time     | TIME(p)                          | time: to_char(v, 'HH24:MI:SS.US'); timetz: in UTC; interval: ±HH:MM:SS.ffffff from its microseconds | TIME_FORMAT(v, '%H:%i:%s.%f') |
// | json     | MySQL 8 binary JSON              | v::text (array_to_json(v)::text; hstore: v::json::text) | CAST(v AS CHAR); formats differ (number spelling, escapes), so a checksum mismatch is settled row by row by comparing the parsed values |
// | bit      | BIT(n)                           | v::text ('0101')                               | LPAD(BIN(v + 0), n, '0')                    |
//
// NULL is the tag 'N'. Texts (text, char, json) are framed as '<byte length>:<bytes>'; the other kinds'
// canonical texts use only [0-9a-f.:p -] and need no frame. Row hash: md5 of the parts joined by '|'; its
// first 16 hex digits as an unsigned 64-bit integer; a segment's checksum is count(*) and the exact SUM of
// those (PostgreSQL numeric, MySQL DECIMAL), so duplicate rows add up instead of cancelling (as XOR would).
// PostgreSQL hashes UTF-8 bytes (convert_to when the database encoding is not UTF8); MySQL hashes the
// column's bytes (utf8mb4/ascii as planned).

import type { QualifiedName } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import type { MigrationPlan, TablePlan, TargetColumn } from '../plan/model.js';
import type { TargetTableInfo } from '../target/mysql/introspect.js';
import { quoteIdent as myIdent, quoteTable } from '../target/mysql/quote.js';
import {
  type ColumnNorm,
  classifyColumn,
  isSafeAlphabet,
  type KeyOrder,
  keyOrderOf,
  type SourceTypeInfo,
} from './normalize.js';

export type Side = 'pg' | 'my';

export interface KeyPart {
  readonly col: ColumnNorm;
  readonly order: KeyOrder;
}

/** One table as verify sees it: source and target names, normalised columns, key parts. */
export interface TableShape {
  readonly source: QualifiedName;
  readonly target: string;
  /** Target database from schemaMap; absent = the connection's (the target URL's) database. */
  readonly database?: string;
  readonly columns: readonly ColumnNorm[];
  /** Key parts in key order; empty when the table is verified by row-hash buckets (no usable key). */
  readonly key: readonly KeyPart[];
  /** The source database encoding is UTF8 (else PostgreSQL converts to UTF-8 before hashing). */
  readonly sourceUtf8: boolean;
}

/**
 * A slice of a table: a key range (lo exclusive, hi inclusive, null = unbounded; canonical key texts) or
 * the rows whose row hash (md5 hex) starts with `prefix` ('' = every row).
 */
export type Segment =
  | { readonly kind: 'range'; readonly lo: readonly string[] | null; readonly hi: readonly string[] | null }
  | { readonly kind: 'hash'; readonly prefix: string };

export interface Sql {
  readonly text: string;
  readonly params: readonly string[];
}

/** The table as verify sees it. `src` gives each source column's base type (by source name). */
export function tableShape(
  t: TablePlan,
  plan: MigrationPlan,
  dialect: Dialect,
  src: ReadonlyMap<string, SourceTypeInfo> | undefined,
  target: TargetTableInfo | undefined,
  sourceUtf8: boolean,
): TableShape {
  const create = plan.preData.find(
    (o) => o.kind === 'createTable' && o.table === t.target && o.database === t.database,
  );
  const targetCols = new Map<string, TargetColumn>(
    create?.kind === 'createTable' ? create.columns.map((c) => [c.name, c]) : [],
  );
  const columns = t.columns.map((c) => {
    const tc: TargetColumn = targetCols.get(c.target) ?? {
      name: c.target,
      type: { name: 'LONGTEXT' },
      nullable: true,
      autoIncrement: false,
    };
    const info = src?.get(c.source) ?? {
      name: c.sourceType.replace(/\[\]$/, ''),
      array: c.sourceType.endsWith('[]'),
      enum: false,
    };
    return classifyColumn(c, tc, info, dialect);
  });
  const key =
    t.key.kind === 'ctid'
      ? []
      : t.key.columns.map((name) => {
          const col = columns.find((c) => c.source === name)!;
          const coll = target?.columns.find((c) => c.name === col.target)?.collation;
          return { col, order: keyOrderOf(col, coll) };
        });
  return {
    source: t.source,
    target: t.target,
    ...(t.database !== undefined ? { database: t.database } : {}),
    columns,
    key: key.every((k) => k.col) ? key : [],
    sourceUtf8,
  };
}

/** PostgreSQL identifier quoting (as pg's escapeIdentifier). */
export function pgIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const pgTable = (t: TableShape) => `${pgIdent(t.source.schema)}.${pgIdent(t.source.name)}`;
const myTable = (t: TableShape) => quoteTable(t.target, t.database);

function pgFloat(x: string): string {
  const a = `abs(${x})`;
  const f0 = `least(greatest(floor(ln(${a}) / ln(2::float8))::int, -1074), 1023)`;
  const f = `(${f0} + CASE WHEN ${f0} < 1023 AND ${a} >= power(2::float8, ${f0} + 1) THEN 1 ELSE 0 END - CASE WHEN ${a} < power(2::float8, ${f0}) THEN 1 ELSE 0 END)`;
  const e = `greatest(${f} - 52, -1074)`;
  const m = `(CASE WHEN ${e} < -1000 THEN ${a} * power(2::float8, 600) * power(2::float8, -(${e}) - 600) ELSE ${a} * power(2::float8, -(${e})) END)::int8`;
  return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} IN ('NaN', 'Infinity', '-Infinity') THEN ${x}::text WHEN ${x} = 0 THEN (CASE WHEN (${x})::text LIKE '-%' THEN '-0' ELSE '0' END) ELSE (CASE WHEN ${x} < 0 THEN '-' ELSE '' END) || ${m}::text || 'p' || ${e}::text END`;
}

function myFloat(x: string): string {
  const a = `ABS(${x})`;
  const f0 = `LEAST(GREATEST(CAST(FLOOR(LOG2(${a})) AS SIGNED), -1074), 1023)`;
  const f = `(${f0} + CASE WHEN ${f0} < 1023 AND ${a} >= POW(2, ${f0} + 1) THEN 1 ELSE 0 END - CASE WHEN ${a} < POW(2, ${f0}) THEN 1 ELSE 0 END)`;
  const e = `GREATEST(${f} - 52, -1074)`;
  const m = `CAST(CASE WHEN ${e} < -1000 THEN ${a} * POW(2, 600) * POW(2, -(${e}) - 600) ELSE ${a} * POW(2, -(${e})) END AS SIGNED)`;
  return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} = 0 THEN IF(ATAN2(${x}, -1) < 0, '-0', '0') ELSE CONCAT(IF(${x} < 0, '-', ''), ${m}, 'p', ${e}) END`;
}

function pgInterval(x: string): string {
  const u = `abs(round(extract(epoch FROM ${x}) * 1000000)::int8)`;
  const two = (v: string) => `CASE WHEN ${v} < 10 THEN '0' ELSE '' END || (${v})::text`;
  return `CASE WHEN ${x} IS NULL THEN NULL ELSE (CASE WHEN extract(epoch FROM ${x}) < 0 THEN '-' ELSE '' END) || ${two(`${u} / 3600000000`)} || ':' || ${two(`${u} / 60000000 % 60`)} || ':' || ${two(`${u} / 1000000 % 60`)} || '.' || lpad((${u} % 1000000)::text, 6, '0') END`;
}

/**
 * The text the copy writes for a column stored as text, CHAR or bytes: PostgreSQL's own ::text in the source
 * session, or the JSON text of its conversion (arrays, hstore). One home for text, char and bytes kinds.
 */
function pgText(c: ColumnNorm): string {
  const v = pgIdent(c.source);
  if (c.pgInput === 'hstore-json') return `${v}::json::text`;
  // A JSON array has no lower bound: an array whose bounds do not start at 1 renders as PostgreSQL's
  // literal with its bounds ('[0:1]={5,6}'), which no JSON text equals, so verify reports it.
  if (c.pgInput === 'array-json')
    return `CASE WHEN array_dims(${v}) IS NULL OR array_dims(${v}) ~ '^(\\[1:[0-9]+\\])+$' THEN array_to_json(${v})::text ELSE ${v}::text END`;
  return `${v}::text`;
}

/** The PostgreSQL expression that normalises column `c` (by its kind) to canonical text or NULL. */
export function pgValue(c: ColumnNorm): string {
  const v = pgIdent(c.source);
  switch (c.kind) {
    case 'int':
    case 'bit':
      return `${v}::text`;
    case 'bool':
      return c.src.name === 'bool' ? `${v}::int::text` : `${v}::text`;
    case 'decimal':
      return `CASE WHEN strpos(${v}::numeric::text, '.') > 0 THEN rtrim(rtrim(${v}::numeric::text, '0'), '.') ELSE ${v}::numeric::text END`;
    case 'float':
      return pgFloat(`${v}::float8`);
    case 'text':
    case 'json':
      return pgText(c);
    case 'char':
      return `rtrim(${pgText(c)}, ' ')`;
    case 'bytes':
      return c.src.name === 'bytea' && !c.src.array
        ? `encode(${v}, 'hex')`
        : `encode(convert_to(${pgText(c)}, 'UTF8'), 'hex')`;
    case 'date':
      return `to_char(${v}, 'YYYY-MM-DD')`;
    case 'datetime':
      return `to_char(${c.pgInput === 'utc' ? `${v} AT TIME ZONE 'UTC'` : v}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'time':
      if (c.pgInput === 'interval') return pgInterval(v);
      return `to_char(${c.pgInput === 'timetz-utc' ? `(${v} AT TIME ZONE 'UTC')::time` : v}, 'HH24:MI:SS.US')`;
  }
}

/** The MySQL/MariaDB expression that normalises column `c` to canonical text or NULL. */
export function myValue(c: ColumnNorm): string {
  const v = myIdent(c.target);
  switch (c.kind) {
    case 'int':
      return `CAST(${v} AS CHAR)`;
    case 'bool':
      return `CAST(${v} + 0 AS CHAR)`;
    case 'decimal': {
      const s = `CAST(${v} AS CHAR)`;
      return `IF(LOCATE('.', ${s}) > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM ${s})), ${s})`;
    }
    case 'float':
      return myFloat(v);
    case 'text':
      return v;
    case 'json':
      return `CAST(${v} AS CHAR)`;
    case 'char':
      return `TRIM(TRAILING ' ' FROM ${v})`;
    case 'bytes':
      return `LOWER(HEX(${v}))`;
    case 'date':
      return `DATE_FORMAT(${v}, '%Y-%m-%d')`;
    case 'datetime':
      return `DATE_FORMAT(${v}, '%Y-%m-%d %H:%i:%s.%f')`;
    case 'time':
      return `TIME_FORMAT(${v}, '%H:%i:%s.%f')`;
    case 'bit':
      return `LPAD(BIN(${v} + 0), ${c.bits ?? 1}, '0')`;
  }
}

/**
 * The value as fetched for the row diff. Text columns go through CONVERT so that the driver sees a plain
 * string (MariaDB marks JSON columns, and mysql2 would parse them into objects).
 */
function fetchValue(side: Side, c: ColumnNorm): string {
  if (side === 'pg') return pgValue(c);
  return c.kind === 'text' ? `CONVERT(${myValue(c)} USING utf8mb4)` : myValue(c);
}

/** md5 hex of the row's framed parts, as a PostgreSQL expression. */
export function pgRowHash(t: TableShape): string {
  const utf8 = (x: string) => (t.sourceUtf8 ? x : `convert_to(${x}, 'UTF8')`);
  const parts = t.columns.map((c) => {
    const v = pgValue(c);
    return isSafeAlphabet(c.kind)
      ? `coalesce(${v}, 'N')`
      : `coalesce(octet_length(${utf8(v)})::text || ':' || ${v}, 'N')`;
  });
  return `md5(${utf8(parts.join(" || '|' || "))})`;
}

/** md5 hex of the row's framed parts, as a MySQL expression (bytes throughout, so no collation mixing). */
export function myRowHash(t: TableShape): string {
  const parts = t.columns.map((c) => {
    const v = myValue(c);
    if (isSafeAlphabet(c.kind)) return `COALESCE(${v}, 'N')`;
    const b = `CAST(${v} AS BINARY)`;
    return `COALESCE(CONCAT(LENGTH(${b}), ':', ${b}), 'N')`;
  });
  return `MD5(CONCAT(${parts.join(", '|', ")}))`;
}

/** Bound-parameter collector for one statement. */
class Params {
  readonly list: string[] = [];
  constructor(readonly side: Side) {}
  add(v: string): string {
    this.list.push(v);
    return this.side === 'pg' ? `$${this.list.length}` : '?';
  }
}

/** The expression a key part is compared and ordered by. */
function keyExpr(side: Side, k: KeyPart): string {
  if (side === 'pg') {
    if (k.order === 'string') return `${pgIdent(k.col.source)} COLLATE "C"`;
    if (k.order === 'canonical') return `(${pgValue(k.col)}) COLLATE "C"`;
    return pgIdent(k.col.source);
  }
  if (k.order === 'canonical') return `CAST(${myValue(k.col)} AS BINARY)`;
  return myIdent(k.col.target);
}

/** A bound key value, converted so that it compares exactly with keyExpr. */
function keyParam(p: Params, k: KeyPart, value: string): string {
  const ph = p.add(value);
  if (p.side === 'pg') return k.order === 'bytes' ? `decode(${ph}, 'hex')` : ph;
  if (k.order === 'bytes') return `UNHEX(${ph})`;
  if (k.order === 'canonical') return `CAST(${ph} AS BINARY)`;
  // A string compared with an integer column is compared as a double in MySQL: exact decimals instead.
  if (k.col.kind === 'int' || k.col.kind === 'bool') return `CAST(${ph} AS DECIMAL(65,0))`;
  if (k.col.kind === 'decimal') return `CAST(${ph} AS DECIMAL(65,30))`;
  return ph;
}

/** `key op value` for the whole (possibly composite) key, lexicographically. */
function keyCompare(p: Params, t: TableShape, op: '>' | '<=', values: readonly string[]): string {
  const exprs = t.key.map((k) => keyExpr(p.side, k));
  if (p.side === 'pg' && t.key.length > 1) {
    const vals = t.key.map((k, i) => keyParam(p, k, values[i] ?? ''));
    return `(${exprs.join(', ')}) ${op} (${vals.join(', ')})`;
  }
  // MySQL: expanded (a > x OR (a = x AND b > y)), which both servers' range optimisers use.
  const terms: string[] = [];
  for (let i = 0; i < t.key.length; i++) {
    const last = i === t.key.length - 1;
    const conds: string[] = [];
    for (let j = 0; j < i; j++) conds.push(`${exprs[j]} = ${keyParam(p, t.key[j]!, values[j] ?? '')}`);
    const o = op === '>' ? '>' : last ? '<=' : '<';
    conds.push(`${exprs[i]} ${o} ${keyParam(p, t.key[i]!, values[i] ?? '')}`);
    terms.push(conds.length === 1 ? conds[0]! : `(${conds.join(' AND ')})`);
  }
  return terms.length === 1 ? terms[0]! : `(${terms.join(' OR ')})`;
}

function rangeWhere(p: Params, t: TableShape, seg: Segment): string {
  if (seg.kind !== 'range') return '';
  const conds: string[] = [];
  if (seg.lo) conds.push(keyCompare(p, t, '>', seg.lo));
  if (seg.hi) conds.push(keyCompare(p, t, '<=', seg.hi));
  return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
}

function hashWhere(p: Params, seg: Segment): string {
  if (seg.kind !== 'hash' || seg.prefix === '') return '';
  return p.side === 'pg'
    ? ` WHERE left(m, ${seg.prefix.length}) = ${p.add(seg.prefix)}`
    : ` WHERE LEFT(m, ${seg.prefix.length}) = ${p.add(seg.prefix)}`;
}

const orderBy = (side: Side, t: TableShape) => t.key.map((k) => keyExpr(side, k)).join(', ');

/** `SELECT md5 AS m FROM table [range]`, filtered to the hash prefix: the rows of a segment with their hash. */
function hashed(p: Params, t: TableShape, seg: Segment, extra = ''): string {
  const [hash, table] = p.side === 'pg' ? [pgRowHash(t), pgTable(t)] : [myRowHash(t), myTable(t)];
  // OFFSET 0 keeps PostgreSQL from inlining m into each of its uses (it would hash every row twice).
  const fence = p.side === 'pg' ? ' OFFSET 0' : '';
  const inner = `SELECT ${extra}${hash} AS m FROM ${table}${rangeWhere(p, t, seg)}${fence}`;
  return `(SELECT * FROM (${inner}) r${hashWhere(p, seg)})`;
}

const pgH = "('x' || left(m, 16))::bit(64)::int8";
const myH = 'CAST(CONV(LEFT(m, 16), 16, 10) AS UNSIGNED)';
/** PostgreSQL's int8 is signed: add 2^64 for each negative value to get the unsigned sum. */
const pgSum = '(coalesce(sum(h), 0) + 18446744073709551616 * count(*) FILTER (WHERE h < 0))::text';

/** Row count and checksum of one segment: columns (n, s), both decimal text. */
export function checksumSql(side: Side, t: TableShape, seg: Segment): Sql {
  const p = new Params(side);
  const src = hashed(p, t, seg);
  const text =
    side === 'pg'
      ? `SELECT count(*)::text AS n, ${pgSum} AS s FROM (SELECT ${pgH} AS h FROM ${src} q1 OFFSET 0) q`
      : `SELECT COUNT(*) AS n, COALESCE(SUM(h), 0) AS s FROM (SELECT ${myH} AS h FROM ${src} q1) q`;
  return { text, params: p.list };
}

/**
 * Counts and checksums of the 16 sub-buckets of a hash segment (prefix + one hex digit): columns (b, n, s).
 * Buckets without rows are absent.
 */
export function bucketSql(side: Side, t: TableShape, prefix: string): Sql {
  const p = new Params(side);
  const src = hashed(p, t, { kind: 'hash', prefix });
  const len = prefix.length + 1;
  const text =
    side === 'pg'
      ? `SELECT b, count(*)::text AS n, ${pgSum} AS s FROM (SELECT left(m, ${len}) AS b, ${pgH} AS h FROM ${src} q1 OFFSET 0) q GROUP BY b ORDER BY b`
      : `SELECT b, COUNT(*) AS n, COALESCE(SUM(h), 0) AS s FROM (SELECT LEFT(m, ${len}) AS b, ${myH} AS h FROM ${src} q1) q GROUP BY b ORDER BY b`;
  return { text, params: p.list };
}

/**
 * The rows of a segment: one column per table column (canonical text, in `t.columns` order) and the row
 * hash last (or '' with `hash: false`, range segments only). With `limit`, the first `limit` rows in key
 * order (range segments only).
 */
export function rowsSql(
  side: Side,
  t: TableShape,
  seg: Segment,
  opts: { limit?: number; hash?: boolean } = {},
): Sql {
  const p = new Params(side);
  const vals = t.columns.map((c, i) => `${fetchValue(side, c)} AS c${i}`);
  const order =
    opts.limit !== undefined && t.key.length ? ` ORDER BY ${orderBy(side, t)} LIMIT ${opts.limit}` : '';
  if (seg.kind === 'hash') {
    const src = hashed(p, t, seg, `${vals.join(', ')}, `);
    return { text: `SELECT * FROM ${src} q`, params: p.list };
  }
  const [hash, table] = side === 'pg' ? [pgRowHash(t), pgTable(t)] : [myRowHash(t), myTable(t)];
  // Without the hash (full level: every value is compared anyway) m is '' and each server saves an md5 per row.
  const m = opts.hash === false ? "''" : hash;
  const text = `SELECT ${vals.join(', ')}, ${m} AS m FROM ${table}${rangeWhere(p, t, seg)}${order}`;
  return { text, params: p.list };
}

/** Rows (as rowsSql) whose key is one of `keys` (canonical key texts). */
export function rowsByKeysSql(side: Side, t: TableShape, keys: readonly (readonly string[])[]): Sql {
  const p = new Params(side);
  const vals = t.columns.map((c, i) => `${fetchValue(side, c)} AS c${i}`);
  const [hash, table] = side === 'pg' ? [pgRowHash(t), pgTable(t)] : [myRowHash(t), myTable(t)];
  const ors = keys.map((key) => {
    const conds = t.key.map((k, i) => `${keyExpr(side, k)} = ${keyParam(p, k, key[i] ?? '')}`);
    return conds.length === 1 ? conds[0]! : `(${conds.join(' AND ')})`;
  });
  const where = ors.length ? ors.join(' OR ') : 'FALSE';
  return { text: `SELECT ${vals.join(', ')}, ${hash} AS m FROM ${table} WHERE ${where}`, params: p.list };
}

const keyValues = (side: Side, t: TableShape) =>
  t.key.map((k, i) => `${fetchValue(side, k.col)} AS k${i}`).join(', ');

/** The key (canonical texts k0…) of the row at `offset` in key order within a range segment. */
export function nthKeySql(side: Side, t: TableShape, seg: Segment, offset: number): Sql {
  const p = new Params(side);
  const table = side === 'pg' ? pgTable(t) : myTable(t);
  const text = `SELECT ${keyValues(side, t)} FROM ${table}${rangeWhere(p, t, seg)} ORDER BY ${orderBy(side, t)} LIMIT 1 OFFSET ${Math.max(0, Math.floor(offset))}`;
  return { text, params: p.list };
}

/** min and max (lo, hi) of a single integer key within a range segment, as decimal text. */
export function boundsSql(side: Side, t: TableShape, seg: Segment): Sql {
  const p = new Params(side);
  const k = t.key[0]!;
  const text =
    side === 'pg'
      ? `SELECT min(${pgIdent(k.col.source)})::text AS lo, max(${pgIdent(k.col.source)})::text AS hi FROM ${pgTable(t)}${rangeWhere(p, t, seg)}`
      : `SELECT CAST(MIN(${myIdent(k.col.target)}) AS CHAR) AS lo, CAST(MAX(${myIdent(k.col.target)}) AS CHAR) AS hi FROM ${myTable(t)}${rangeWhere(p, t, seg)}`;
  return { text, params: p.list };
}

/** PostgreSQL: every `every`-th key in key order (segment boundaries for tables cut by verify itself). */
export function quantileKeysSql(t: TableShape, every: number): Sql {
  const text = `SELECT ${t.key.map((_k, i) => `k${i}`).join(', ')} FROM (SELECT ${keyValues('pg', t)}, row_number() OVER (ORDER BY ${orderBy('pg', t)}) AS rn FROM ${pgTable(t)}) q WHERE rn % ${Math.max(1, Math.floor(every))} = 0 ORDER BY rn`;
  return { text, params: [] };
}

/** PostgreSQL: `n` keys chosen at random (for `--sample`). */
export function sampleKeysSql(t: TableShape, n: number): Sql {
  return {
    text: `SELECT ${keyValues('pg', t)} FROM ${pgTable(t)} ORDER BY random() LIMIT ${Math.max(0, Math.floor(n))}`,
    params: [],
  };
}

/** Row count of the whole table: column n. */
export function countSql(side: Side, t: TableShape): Sql {
  return {
    text:
      side === 'pg'
        ? `SELECT count(*)::text AS n FROM ${pgTable(t)}`
        : `SELECT COUNT(*) AS n FROM ${myTable(t)}`,
    params: [],
  };
}
