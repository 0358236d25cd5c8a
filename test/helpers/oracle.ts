// An oracle for "the target holds the same data as the source" that shares no code with pg2my's copy or
// verify: every value is rendered to text by its own SQL on each side (chosen from each side's catalog
// type), normalised here by the source type's class, and the tables compared as sorted multisets of rows.
// What is compared comes from the SOURCE catalog (every column of every planned source table): a source
// column the target lacks is a difference. Only NAMES (table/column renames, schemaMap databases) come
// from the plan (names are not values). JSON numbers are compared as written, never through doubles.

import mysql from 'mysql2/promise';
import pg from 'pg';
import type { MigrationPlan } from '../../src/plan/model.js';

/** json-exact: numbers as written (text targets); json-double: MySQL 8's JSON type (numbers as double). */
type Kind = 'decimal' | 'float' | 'real' | 'json-exact' | 'json-double' | 'char' | 'exact';

interface PgColumn {
  readonly name: string;
  readonly base: string;
  readonly array: boolean;
}

interface MyColumn {
  readonly type: string;
  readonly precision: number | null;
}

const pgq = (n: string) => `"${n.replaceAll('"', '""')}"`;
const myq = (n: string) => `\`${n.replaceAll('`', '``')}\``;

/** The target value of a source column that has no column on the target: equal to no value. */
const ABSENT = '∅ABSENT';

function pgExpr(c: PgColumn, json: Kind): { sql: string; kind: Kind } {
  const v = pgq(c.name);
  if (c.array) return { sql: `to_json(${v})::text`, kind: json };
  // hstore arrives as a JSON object of strings: compared by value via jsonb (not the cast pg2my copies with).
  if (/(^|\.)hstore$/.test(c.base)) return { sql: `hstore_to_jsonb(${v})::text`, kind: json };
  switch (c.base) {
    case 'boolean':
      return { sql: `CASE WHEN ${v} THEN '1' WHEN NOT ${v} THEN '0' END`, kind: 'exact' };
    case 'bytea':
      return { sql: `upper(encode(${v}, 'hex'))`, kind: 'exact' };
    case 'timestamp with time zone':
      return { sql: `to_char(${v} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`, kind: 'exact' };
    case 'timestamp without time zone':
      return { sql: `to_char(${v}, 'YYYY-MM-DD HH24:MI:SS.US')`, kind: 'exact' };
    case 'date':
      return { sql: `to_char(${v}, 'YYYY-MM-DD')`, kind: 'exact' };
    case 'time without time zone':
      return { sql: `to_char(${v}, 'HH24:MI:SS.US')`, kind: 'exact' };
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'numeric':
    case 'money':
      return { sql: `${v}::numeric::text`, kind: 'decimal' };
    case 'real':
      return { sql: `${v}::float8::text`, kind: 'real' };
    case 'double precision':
      return { sql: `${v}::text`, kind: 'float' };
    case 'jsonb':
      return { sql: `${v}::text`, kind: json };
    // json kept as text is byte-exact; in MySQL 8's JSON type it is normalised (parsed values compared).
    case 'json':
      return { sql: `${v}::text`, kind: json === 'json-double' ? json : 'exact' };
    case 'character':
      return { sql: `${v}::text`, kind: 'char' };
    default:
      // bit and bit varying print as their 0/1 string, as do the targets' BIT (below) and VARCHAR.
      return { sql: `${v}::text`, kind: 'exact' };
  }
}

function myExpr(name: string, c: MyColumn | undefined): string {
  if (c === undefined) return `'${ABSENT}'`;
  const v = myq(name);
  const t = c.type;
  if (/blob|binary/.test(t)) return `HEX(${v})`;
  if (t === 'datetime' || t === 'timestamp') return `DATE_FORMAT(${v}, '%Y-%m-%d %H:%i:%s.%f')`;
  if (t === 'date') return `DATE_FORMAT(${v}, '%Y-%m-%d')`;
  if (t === 'time') return `TIME_FORMAT(${v}, '%H:%i:%s.%f')`;
  if (t === 'bit') return `LPAD(BIN(${v} + 0), ${c.precision ?? 64}, '0')`;
  // CAST(FLOAT AS CHAR) prints 6 significant digits; the double holds the float exactly. Text never shows
  // the sign of a zero, so a -0 (MySQL 8 keeps it; MariaDB stores +0) is found by ATAN2(-0, -1) = -π.
  if (t === 'float' || t === 'double')
    return `CASE WHEN ${v} = 0 AND ATAN2(${v}, -1) < 0 THEN '-0' ELSE CAST(CAST(${v} AS DOUBLE) AS CHAR) END`;
  return `CAST(${v} AS CHAR)`;
}

/**
 * Canonical text of a JSON document: object members sorted by key (duplicates kept, in order), strings
 * re-encoded, numbers by `num` from their literal text, so no number ever passes through a double unless
 * `num` says so.
 */
function canonicalJson(s: string, num: (literal: string) => string): string {
  let i = 0;
  const ws = () => {
    while (i < s.length && ' \t\r\n'.includes(s[i]!)) i++;
  };
  const fail = (): never => {
    throw new Error(`oracle: not JSON at offset ${i}: ${s.slice(0, 80)}`);
  };
  // Sticky regexes read at offset i without copying the rest of the document.
  const STR = /"[^"\\]*(?:\\.[^"\\]*)*"/sy;
  const ATOM = /true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const str = (): string => {
    STR.lastIndex = i;
    const m = STR.exec(s);
    if (!m) return fail();
    i += m[0].length;
    return JSON.stringify(JSON.parse(m[0]) as string);
  };
  const value = (): string => {
    ws();
    const ch = s[i];
    if (ch === '{') {
      i++;
      const members: [string, string][] = [];
      ws();
      if (s[i] === '}') i++;
      else
        for (;;) {
          ws();
          const k = str();
          ws();
          if (s[i++] !== ':') fail();
          members.push([k, value()]);
          ws();
          const sep = s[i++];
          if (sep === '}') break;
          if (sep !== ',') fail();
        }
      members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return `{${members.map(([k, v]) => `${k}:${v}`).join(',')}}`;
    }
    if (ch === '[') {
      i++;
      const items: string[] = [];
      ws();
      if (s[i] === ']') i++;
      else
        for (;;) {
          items.push(value());
          ws();
          const sep = s[i++];
          if (sep === ']') break;
          if (sep !== ',') fail();
        }
      return `[${items.join(',')}]`;
    }
    if (ch === '"') return str();
    ATOM.lastIndex = i;
    const m = ATOM.exec(s);
    if (!m) return fail();
    i += m[0].length;
    return /^[-\d]/.test(m[0]) ? num(m[0]) : m[0];
  };
  const out = value();
  ws();
  if (i !== s.length) fail();
  return out;
}

/** A JSON number as MySQL 8 keeps it: integers within 64 bits exactly, any other number as a double. */
function jsonDouble(lit: string): string {
  if (/^-?\d+$/.test(lit)) {
    const b = BigInt(lit);
    if (b >= -(2n ** 63n) && b < 2n ** 64n) return b.toString();
  }
  const n = Number(lit);
  return Number.isInteger(n) && Math.abs(n) <= 2 ** 53 ? BigInt(n).toString() : String(n);
}

/** A JSON number where the target keeps the text (MariaDB's JSON is LONGTEXT): as written, `1.50` ≠ `1.5`. */
const jsonExact = (lit: string): string => lit;

function decimal(s: string): string {
  let [i = '', f = ''] = s.replace(/^\+/, '').split('.');
  const neg = i.startsWith('-');
  i = i.replace(/^-/, '').replace(/^0+(?=\d)/, '');
  f = f.replace(/0+$/, '');
  const out = f ? `${i}.${f}` : i;
  return neg && out !== '0' ? `-${out}` : out;
}

/** Shortest round-trip text of a double, keeping the sign of zero. */
const double = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

function normalise(kind: Kind, v: string | null): string {
  if (v === null) return '∅NULL';
  if (v === ABSENT) return v;
  switch (kind) {
    case 'decimal':
      return decimal(v);
    case 'float':
      return double(Number(v));
    case 'real':
      // A float4 is identified by 9 significant digits; MariaDB widens FLOAT to DOUBLE via 15-digit text
      // (96.8000030517578 for the float4 nearest 96.8), so both sides are compared as float4.
      return double(Math.fround(Number(v)));
    case 'json-exact':
      return canonicalJson(v, jsonExact);
    case 'json-double':
      return canonicalJson(v, jsonDouble);
    case 'char':
      return v.replace(/ +$/, '');
    default:
      return v;
  }
}

export interface TableDiff {
  readonly table: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  /**
   * Rows (as canonical text) only in the source / only in the target; at most 5 of each. A source column
   * with no target column also adds one line `no target column for source column <name>` to onlySource
   * (so an empty table's missing column is a difference too), and its value in every row is ∅ABSENT.
   */
  readonly onlySource: readonly string[];
  readonly onlyTarget: readonly string[];
  /** Source columns (PostgreSQL names) that have no column on the target. */
  readonly missingColumns: readonly string[];
}

/** Compare every planned table's rows on both servers; returns one entry per table. */
export async function oracleCompare(
  sourceUrl: string,
  targetUrl: string,
  plan: MigrationPlan,
): Promise<TableDiff[]> {
  const src = new pg.Client({
    connectionString: sourceUrl,
    types: { getTypeParser: () => (v: string) => v } as never,
  });
  await src.connect();
  await src.query("SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3");
  const my = await mysql.createConnection({
    uri: targetUrl,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await my.query("SET time_zone = '+00:00'");
  const out: TableDiff[] = [];
  try {
    for (const t of plan.tables) {
      const sourceTable = `${pgq(t.source.schema)}.${pgq(t.source.name)}`;
      // Every column of the source table, from PostgreSQL's catalog: not only those the plan lists.
      const meta = await src.query<{ name: string; base: string; array: boolean | string }>(
        `SELECT a.attname AS name,
                format_type(CASE WHEN bt.typtype = 'd' THEN bt.typbasetype ELSE bt.oid END, NULL) AS base,
                (bt.typcategory = 'A' OR (bt.typtype = 'd' AND (SELECT typcategory FROM pg_type WHERE oid = bt.typbasetype) = 'A')) AS array
           FROM pg_attribute a JOIN pg_type bt ON bt.oid = a.atttypid
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum`,
        [sourceTable],
      );
      const pgCols: PgColumn[] = meta.rows.map((r) => ({
        name: r.name,
        base: r.base,
        array: r.array === true || r.array === 't',
      }));
      // Target names from the plan (renames); generated columns are listed there too and compared.
      const targetName = new Map(t.columns.map((c) => [c.source, c.target]));
      const [myMeta] = await my.query<mysql.RowDataPacket[]>(
        `SELECT COLUMN_NAME AS n, DATA_TYPE AS t, NUMERIC_PRECISION AS p FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?`,
        [t.database ?? null, t.target],
      );
      const myCols = new Map<string, MyColumn>(
        myMeta.map((r) => [
          String(r.n),
          { type: String(r.t).toLowerCase(), precision: r.p === null ? null : Number(r.p) },
        ]),
      );
      const targetOf = (p: PgColumn) => {
        const name = targetName.get(p.name);
        return name === undefined ? undefined : { name, col: myCols.get(name) };
      };
      const missingColumns = pgCols.filter((p) => targetOf(p)?.col === undefined).map((p) => p.name);
      // A value stored as text on the target (a type override) holds PostgreSQL's own text of it in UTC.
      const textual = /char|text/;
      const exprs = pgCols.map((p) => {
        const myType = targetOf(p)?.col?.type ?? '';
        const e = pgExpr(p, myType === 'json' ? 'json-double' : 'json-exact');
        return e.kind === 'exact' && textual.test(myType) && !textual.test(p.base)
          ? { sql: `${pgq(p.name)}::text`, kind: 'exact' as Kind }
          : e;
      });
      const pgRows = (
        await src.query({
          text: `SELECT ${exprs.map((e) => e.sql).join(', ')} FROM ${sourceTable}`,
          rowMode: 'array',
        })
      ).rows as (string | null)[][];
      const myTable = `${t.database === undefined ? '' : `${myq(t.database)}.`}${myq(t.target)}`;
      const [myRows] = await my.query<mysql.RowDataPacket[]>({
        sql: `SELECT ${pgCols
          .map((p) => {
            const target = targetOf(p);
            return myExpr(target?.name ?? '', target?.col);
          })
          .join(', ')} FROM ${myTable}`,
        rowsAsArray: true,
      });
      const canon = (rows: (string | null)[][]) =>
        rows
          .map((r) =>
            JSON.stringify(r.map((v, i) => normalise(exprs[i]!.kind, v === null ? null : String(v)))),
          )
          .sort();
      const a = canon(pgRows);
      const b = canon(myRows as unknown as (string | null)[][]);
      const count = (xs: string[]) =>
        xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
      const ca = count(a);
      const cb = count(b);
      const onlySource = [...ca].filter(([k, n]) => (cb.get(k) ?? 0) < n).map(([k]) => k);
      const onlyTarget = [...cb].filter(([k, n]) => (ca.get(k) ?? 0) < n).map(([k]) => k);
      out.push({
        table: t.database === undefined ? t.target : `${t.database}.${t.target}`,
        sourceRows: a.length,
        targetRows: b.length,
        onlySource: [
          ...missingColumns.map((c) => `no target column for source column ${c}`),
          ...onlySource.slice(0, 5),
        ],
        onlyTarget: onlyTarget.slice(0, 5),
        missingColumns,
      });
    }
  } finally {
    await src.end();
    await my.end();
  }
  return out;
}
