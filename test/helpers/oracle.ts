// An oracle for "the target holds the same data as the source" that shares no code with pg2my's copy or
// verify: every value is rendered to text by its own SQL on each side (chosen from each side's catalog
// type), normalised here by the source type's class, and the tables compared as sorted multisets of rows.
// Only table and column NAMES (and, under schemaMap, each table's target database) come from the plan
// (names are not values).

import mysql from 'mysql2/promise';
import pg from 'pg';
import type { MigrationPlan } from '../../src/plan/model.js';

type Kind = 'decimal' | 'float' | 'real' | 'json' | 'char' | 'exact';

interface PgColumn {
  readonly name: string;
  readonly base: string;
  readonly array: boolean;
}

const pgq = (n: string) => `"${n.replaceAll('"', '""')}"`;
const myq = (n: string) => `\`${n.replaceAll('`', '``')}\``;

function pgExpr(c: PgColumn): { sql: string; kind: Kind } {
  const v = pgq(c.name);
  if (c.array) return { sql: `to_json(${v})::text`, kind: 'json' };
  // hstore arrives as a JSON object of strings: compared by value via jsonb (not the cast pg2my copies with).
  if (/(^|\.)hstore$/.test(c.base)) return { sql: `hstore_to_jsonb(${v})::text`, kind: 'json' };
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
      return { sql: `${v}::text`, kind: 'json' };
    case 'character':
      return { sql: `${v}::text`, kind: 'char' };
    default:
      return { sql: `${v}::text`, kind: 'exact' };
  }
}

function myExpr(name: string, dataType: string): string {
  const v = myq(name);
  if (/blob|binary/.test(dataType)) return `HEX(${v})`;
  if (dataType === 'datetime' || dataType === 'timestamp') return `DATE_FORMAT(${v}, '%Y-%m-%d %H:%i:%s.%f')`;
  if (dataType === 'date') return `DATE_FORMAT(${v}, '%Y-%m-%d')`;
  if (dataType === 'time') return `TIME_FORMAT(${v}, '%H:%i:%s.%f')`;
  // CAST(FLOAT AS CHAR) prints 6 significant digits; the double holds the float exactly.
  if (dataType === 'float') return `CAST(${v} AS DOUBLE)`;
  return `CAST(${v} AS CHAR)`;
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

function decimal(s: string): string {
  let [i = '', f = ''] = s.replace(/^\+/, '').split('.');
  const neg = i.startsWith('-');
  i = i.replace(/^-/, '').replace(/^0+(?=\d)/, '');
  f = f.replace(/0+$/, '');
  const out = f ? `${i}.${f}` : i;
  return neg && out !== '0' ? `-${out}` : out;
}

function normalise(kind: Kind, v: string | null): string {
  if (v === null) return '∅NULL';
  switch (kind) {
    case 'decimal':
      return decimal(v);
    case 'float':
      return String(Number(v));
    case 'real':
      // A float4 is identified by 9 significant digits; MariaDB widens FLOAT to DOUBLE via 15-digit text
      // (96.8000030517578 for the float4 nearest 96.8), so both sides are compared as float4.
      return String(Math.fround(Number(v)));
    case 'json':
      return canonicalJson(JSON.parse(v));
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
  /** Rows (as canonical text) only in the source / only in the target; at most 5 of each. */
  readonly onlySource: readonly string[];
  readonly onlyTarget: readonly string[];
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
      // Every column, generated ones included: the target computes those, so they must come out equal too.
      const cols = t.columns;
      const meta = await src.query<{ name: string; base: string; array: boolean }>(
        `SELECT a.attname AS name,
                format_type(CASE WHEN bt.typtype = 'd' THEN bt.typbasetype ELSE bt.oid END, NULL) AS base,
                (bt.typcategory = 'A' OR (bt.typtype = 'd' AND (SELECT typcategory FROM pg_type WHERE oid = bt.typbasetype) = 'A')) AS array
           FROM pg_attribute a JOIN pg_type bt ON bt.oid = a.atttypid
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
        [`${pgq(t.source.schema)}.${pgq(t.source.name)}`],
      );
      const pgCols = new Map(
        meta.rows.map((r) => [
          r.name,
          { name: r.name, base: r.base, array: r.array === true || String(r.array) === 't' },
        ]),
      );
      const [myMeta] = await my.query<mysql.RowDataPacket[]>(
        'SELECT COLUMN_NAME AS n, DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?',
        [t.database ?? null, t.target],
      );
      const myTypes = new Map(myMeta.map((r) => [String(r.n), String(r.t).toLowerCase()]));
      // A value stored as text on the target (a type override) holds PostgreSQL's own text of it in UTC.
      const textual = /char|text/;
      const exprs = cols.map((c) => {
        const p = pgCols.get(c.source)!;
        const e = pgExpr(p);
        return e.kind === 'exact' && textual.test(myTypes.get(c.target) ?? '') && !textual.test(p.base)
          ? { sql: `${pgq(p.name)}::text`, kind: 'exact' as Kind }
          : e;
      });
      const pgRows = (
        await src.query({
          text: `SELECT ${exprs.map((e) => e.sql).join(', ')} FROM ${pgq(t.source.schema)}.${pgq(t.source.name)}`,
          rowMode: 'array',
        })
      ).rows as (string | null)[][];
      const [myRows] = await my.query<mysql.RowDataPacket[]>({
        sql: `SELECT ${cols.map((c) => myExpr(c.target, myTypes.get(c.target) ?? '')).join(', ')} FROM ${t.database === undefined ? '' : `${myq(t.database)}.`}${myq(t.target)}`,
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
        onlySource: onlySource.slice(0, 5),
        onlyTarget: onlyTarget.slice(0, 5),
      });
    }
  } finally {
    await src.end();
    await my.end();
  }
  return out;
}
