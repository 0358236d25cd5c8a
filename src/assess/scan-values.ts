// The data-aware scan of the SOURCE: for every planned column, the values the target type would reject or
// change (dates outside 1000–9999 or infinite, numbers beyond the mapped DECIMAL, NaN/Infinity, strings
// longer than the mapped column, NUL characters, arrays not starting at 1, JSON nested deeper than the
// target's limit, intervals beyond TIME), counted in ONE query per table
// together with the exact row count and the largest row, plus a few example keys per finding.
// Invariants: read-only on the source; every count is measured, never inferred; a failing table becomes a
// CHECK_FAILED risk instead of stopping the assessment. Collation collisions: see collisions.ts.

import type { Catalog, Column, Table } from '../catalog/model.js';
import { DIALECTS, type Dialect } from '../dialect/capabilities.js';
import { MYSQL_BLOB_BYTES, MYSQL_TEXT_BYTES } from '../dialect/type-families.js';
import { isMigrationError } from '../errors.js';
import type { ColumnPlan, MigrationPlan, TablePlan, TargetType } from '../plan/model.js';
import { TYPE_RULES } from '../plan/rules.js';
import {
  DOUBLE_OVERFLOW,
  exampleRows,
  FLOAT_MAX,
  type JsonSource,
  scanTable,
  type ValueCheck,
} from '../source/postgres/assess-queries.js';
import type { SourceClient } from '../source/postgres/connect.js';
import { columnOverride, type Risk, type RiskId, type Severity } from './report.js';

const CHAR_LIMITED = new Set(['VARCHAR', 'CHAR']);
/** PostgreSQL's largest field value (1 GB): TEXT/BLOB types at least this large need no length check. */
const PG_MAX_VALUE_BYTES = 1_073_741_823;
const belowPgMax = (t: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(t).filter(([, n]) => n < PG_MAX_VALUE_BYTES));
const TEXT_BYTES: Readonly<Record<string, number>> = belowPgMax(MYSQL_TEXT_BYTES);
const BLOB_BYTES: Readonly<Record<string, number>> = belowPgMax(MYSQL_BLOB_BYTES);
const NUMERIC_TARGETS = new Set(['DECIMAL', 'DOUBLE', 'FLOAT', 'REAL']);
const DATE_SOURCES = new Set(['date', 'timestamp', 'timestamptz']);
const INT_SOURCES = new Set(['int2', 'int4', 'int8', 'numeric', 'money']);
/**
 * Source types whose text is ASCII whatever the value: an ascii target column holds them all (as does any
 * column of a rule whose strings are 'ascii', e.g. ranges and geometric types; only a collation override
 * makes other text ascii).
 */
const ASCII_SOURCES = new Set([
  ...['int2', 'int4', 'int8', 'oid', 'numeric', 'float4', 'float8', 'bool', 'bytea', 'uuid', 'bit', 'varbit'],
  ...[
    'date',
    'time',
    'timetz',
    'timestamp',
    'timestamptz',
    'interval',
    'inet',
    'cidr',
    'macaddr',
    'macaddr8',
  ],
  ...['pg_lsn', 'txid_snapshot', 'pg_snapshot', 'tid', 'xid', 'xid8', 'cid'],
]);

/** A check and how to word its finding. */
interface Planned {
  readonly check: ValueCheck;
  readonly column: ColumnPlan;
  readonly id: RiskId;
  readonly severity: Severity;
  readonly what: string;
  readonly impact: string;
  readonly mitigation: (max: number) => { text: string; config?: string };
}

/** Per-table facts measured by the scan. */
export interface ScannedTable {
  readonly rows: number;
  readonly largestRowBytes: number;
}

export interface ScanResult {
  readonly risks: readonly Risk[];
  /** Keyed by source `schema.table`. */
  readonly tables: ReadonlyMap<string, ScannedTable>;
}

function targetTypes(plan: MigrationPlan): Map<string, Map<string, TargetType>> {
  const out = new Map<string, Map<string, TargetType>>();
  for (const op of plan.preData)
    if (op.kind === 'createTable') out.set(op.table, new Map(op.columns.map((c) => [c.name, c.type])));
  return out;
}

function checksFor(tp: TablePlan, table: Table, types: Map<string, TargetType>, dialect: Dialect): Planned[] {
  const out: Planned[] = [];
  const name = `${tp.source.schema}.${tp.source.name}`;
  for (const cp of tp.columns) {
    const src: Column | undefined = table.columns.find((c) => c.name === cp.source);
    const tt = types.get(cp.target);
    if (!src || !tt || cp.generated) continue;
    const st = src.type;
    const tn = tt.name.toUpperCase();
    const column = cp.source;
    const override = (type: string) => ({ text: '', config: columnOverride(name, column, type) });
    const add = (p: Omit<Planned, 'column'>) => out.push({ ...p, column: cp });
    const arrayJson = st.array !== undefined && cp.transform === 'array-json';
    if (arrayJson)
      add({
        check: { kind: 'array-lower-bound', column },
        id: 'ARRAY_LOWER_BOUND',
        severity: 'blocking',
        what: 'arrays whose lower bound is not 1',
        impact:
          'A JSON array has no lower bound: the copy refuses these values rather than shift their indexes.',
        mitigation: () => ({
          text: 'Keep arrays as PostgreSQL array literals (text), which keep the bounds.',
          config: 'types.array: text',
        }),
      });
    if (!st.array && DATE_SOURCES.has(st.name) && ['DATE', 'DATETIME', 'TIMESTAMP'].includes(tn)) {
      const ts = tn === 'TIMESTAMP';
      const min = ts ? '1970-01-01 00:00:01' : '1000-01-01';
      const maxExclusive = ts ? '2038-01-19 03:14:08' : '10000-01-01';
      add({
        check: { kind: 'date-range', column, min, maxExclusive },
        id: 'DATE_OUT_OF_RANGE',
        severity: 'blocking',
        what: ts
          ? 'values outside the TIMESTAMP range 1970-01-01 00:00:01 – 2038-01-19 03:14:07 UTC'
          : 'values before year 1000 (including BC) or after year 9999',
        impact: `MySQL 8 supports ${tn} ${ts ? 'only within 1970–2038' : 'only for years 1000–9999'}; the copy fails on these rows (MariaDB accepts years 0001–0999 but not 10000+ or BC).`,
        mitigation: () => ({
          text: 'Correct the values in PostgreSQL, or carry the column as text.',
          ...(ts
            ? {
                config:
                  st.name === 'timestamptz'
                    ? 'types.timestamptz: datetime'
                    : columnOverride(name, column, 'datetime(6)'),
              }
            : { config: columnOverride(name, column, 'varchar(40)') }),
        }),
      });
      add({
        check: { kind: 'infinite', column },
        id: 'DATE_INFINITE',
        severity: 'blocking',
        what: "'infinity' or '-infinity' values",
        impact: `${tn} has no infinity; the copy fails on these rows.`,
        mitigation: () => ({
          text: "Replace infinity by a sentinel (e.g. '9999-12-31') in PostgreSQL, or carry the column as text.",
          config: columnOverride(name, column, 'varchar(40)'),
        }),
      });
    }
    if (!st.array && INT_SOURCES.has(st.name) && tn === 'DECIMAL') {
      const p = tt.args?.[0] ?? 10;
      const s = tt.args?.[1] ?? 0;
      add({
        check: { kind: 'numeric-fit', column, precision: p, scale: s },
        id: 'NUMERIC_OUT_OF_RANGE',
        severity: 'blocking',
        what: `values that do not fit DECIMAL(${p},${s}) (more than ${p - s} integer digits, or more than ${s} decimals)`,
        impact:
          'Too many integer digits: the copy fails. Too many decimals: MySQL rounds them silently (a note, not an error).',
        mitigation: () =>
          st.precision !== undefined
            ? {
                text: 'Map the column to the source precision.',
                config: columnOverride(name, column, `decimal(${st.precision},${st.scale ?? 0})`),
              }
            : {
                text: 'Keep unbounded numerics exact as text, or choose a wider DECIMAL.',
                config: 'types.numeric: text',
              },
      });
    }
    const numericSrc = st.name === 'numeric';
    if (!st.array && (numericSrc || st.name === 'float4' || st.name === 'float8') && NUMERIC_TARGETS.has(tn))
      add({
        check: { kind: 'special', column, numeric: numericSrc },
        id: 'NUMERIC_SPECIAL_VALUE',
        severity: 'blocking',
        what: 'NaN, Infinity or -Infinity values',
        impact: `MySQL ${tn} cannot hold NaN or Infinity; the copy fails on these rows.`,
        mitigation: () =>
          numericSrc && st.precision === undefined
            ? {
                text: 'Keep the numeric as exact text (NaN stays NaN), or NULL the values in PostgreSQL.',
                config: 'types.numeric: text',
              }
            : {
                ...override('varchar(40)'),
                text: 'Carry the column as text, or replace the values in PostgreSQL (e.g. by NULL).',
              },
      });
    if (
      !st.array &&
      (st.name === 'float4' || st.name === 'float8') &&
      dialect.name === 'mariadb' &&
      ['FLOAT', 'DOUBLE', 'REAL'].includes(tn)
    )
      add({
        check: { kind: 'negative-zero', column },
        id: 'FLOAT_NEGATIVE_ZERO',
        severity: 'medium',
        what: '-0 values',
        impact: `MariaDB stores every zero of ${tn} as 0 (measured on 10.11): these values become 0, and verify reports each such row as different.`,
        mitigation: () => ({
          ...override('varchar(40)'),
          text: 'Carry the column as text (keeps -0), or set these values to 0 in PostgreSQL if the sign does not matter.',
        }),
      });
    const binaryLimit = BLOB_BYTES[tn] ?? (['VARBINARY', 'BINARY'].includes(tn) ? tt.args?.[0] : undefined);
    const limit = CHAR_LIMITED.has(tn)
      ? tt.args?.[0]
      : (TEXT_BYTES[tn] ?? (st.name === 'bytea' ? binaryLimit : undefined));
    const sourceBound =
      !st.array &&
      (st.name === 'varchar' || st.name === 'bpchar') &&
      st.length !== undefined &&
      CHAR_LIMITED.has(tn) &&
      st.length <= (limit ?? 0);
    if (limit !== undefined && !sourceBound) {
      const bytea = st.name === 'bytea';
      const unit = CHAR_LIMITED.has(tn) ? 'chars' : 'bytes';
      add({
        check: {
          kind: 'too-long',
          column,
          as: bytea ? 'bytea' : arrayJson ? 'json-array' : 'text',
          unit,
          limit,
        },
        id: 'STRING_TOO_LONG',
        severity: 'blocking',
        what: `values longer than ${tn}${CHAR_LIMITED.has(tn) ? `(${limit})` : ''} holds (${limit} ${unit === 'chars' ? 'characters' : 'bytes'})`,
        impact: 'In strict mode the copy fails on these rows (without it, MySQL would cut them silently).',
        mitigation: (max) => ({
          text: `Map the column wider (the longest value has ${max} ${unit === 'chars' ? 'characters' : 'bytes'}).`,
          config: columnOverride(
            name,
            column,
            unit === 'chars' && max <= 16_383 ? `varchar(${max})` : bytea ? 'longblob' : 'longtext',
          ),
        }),
      });
    }
    // What reaches a JSON column: jsonb/json documents, or arrays as array_to_json (their own nesting is at
    // most 6 deep, so only json/jsonb elements can go deeper; only numeric/json/jsonb ones hold huge numbers).
    const jsonElement = st.name === 'jsonb' || st.name === 'json';
    const jsonAs: JsonSource | undefined =
      tn !== 'JSON'
        ? undefined
        : st.array
          ? arrayJson
            ? 'array'
            : undefined
          : jsonElement
            ? (st.name as JsonSource)
            : undefined;
    const jsonFix = () =>
      jsonAs === 'jsonb'
        ? {
            ...override('longtext'),
            text: "Carry the column as text: LONGTEXT holds jsonb's text exactly (no JSON functions on it).",
          }
        : jsonAs === 'json'
          ? { text: 'Keep json byte-exact as text.', config: 'types.json: text' }
          : { text: 'Keep arrays as PostgreSQL array literals (text).', config: 'types.array: text' };
    if (jsonAs !== undefined && jsonElement)
      add({
        check: { kind: 'json-depth', column, maxDepth: dialect.jsonMaxDepth, as: jsonAs },
        id: 'JSON_TOO_DEEP',
        severity: 'blocking',
        what: `JSON documents nesting arrays/objects more than ${dialect.jsonMaxDepth} levels deep`,
        impact: `The target's JSON accepts at most ${dialect.jsonMaxDepth} levels (${dialect.name}); the copy fails on these rows.`,
        mitigation: jsonFix,
      });
    if (jsonAs !== undefined && (jsonElement || st.name === 'numeric') && dialect.jsonIsBinary)
      add({
        check: { kind: 'json-number-range', column, as: jsonAs },
        id: 'JSON_NUMBER_OUT_OF_RANGE',
        severity: 'blocking',
        what: 'JSON numbers whose magnitude is beyond the largest double (about 1.8e308)',
        impact:
          "MySQL 8's JSON stores numbers as double and refuses these documents; the copy fails on these rows.",
        mitigation: jsonFix,
      });
    const floatTarget = tn === 'FLOAT' || tn === 'DOUBLE';
    if (!st.array && floatTarget && (st.name === 'numeric' || (st.name === 'float8' && tn === 'FLOAT'))) {
      const max = tn === 'FLOAT' ? FLOAT_MAX : DOUBLE_OVERFLOW;
      add({
        check: { kind: 'float-range', column, max, numeric: st.name === 'numeric' },
        id: 'NUMERIC_OUT_OF_RANGE',
        severity: 'blocking',
        what: `finite values beyond the range of ${tn} (about ${tn === 'FLOAT' ? '3.4e38' : '1.8e308'})`,
        impact: `${tn} cannot hold them; the copy fails on these rows.`,
        mitigation: () =>
          st.name === 'float8'
            ? { ...override('double'), text: 'Map double precision to DOUBLE.' }
            : { ...override('longtext'), text: 'Keep the numeric as exact text.' },
      });
    }
    if (
      !st.array &&
      tt.charset === 'ascii' &&
      !ASCII_SOURCES.has(st.name) &&
      TYPE_RULES.find((r) => r.id === cp.ruleId)?.strings !== 'ascii' &&
      (cp.transform === 'text' || cp.transform === 'none' || cp.transform === 'array-json')
    )
      add({
        check: { kind: 'not-ascii', column, as: cp.transform === 'array-json' ? 'json-array' : 'text' },
        id: 'CHARSET_MISMATCH',
        severity: 'blocking',
        what: `characters outside ASCII, which the column's ${tt.collation ?? 'ascii'} collation cannot hold`,
        impact: 'The target refuses them (Incorrect string value); the copy fails on these rows.',
        mitigation: () => ({
          text: 'Use a utf8mb4 collation for the column.',
          config: `columns.${name}.${column}.collation: ${dialect.textCollation}`,
        }),
      });
    if (!st.array && cp.transform === 'interval-time' && tn === 'TIME')
      add({
        check: { kind: 'time-range', column, maxSeconds: dialect.timeMaxSeconds },
        id: 'INTERVAL_OUT_OF_RANGE',
        severity: 'blocking',
        what: 'intervals with a year, month or day part, or longer than the TIME range ±838:59:59',
        impact: 'TIME cannot hold them; the copy fails on these rows.',
        mitigation: () => ({
          text: 'Keep intervals as exact ISO 8601 text.',
          config: 'types.interval: text',
        }),
      });
    const textTarget = tt.charset !== undefined;
    if (!st.array && st.name === 'bytea' && textTarget)
      add({
        check: { kind: 'nul', column, in: 'bytea' },
        id: 'NUL_CHARACTER',
        severity: 'high',
        what: 'bytea values containing 0x00 mapped to a text type',
        impact:
          'Text columns with NUL characters break string handling in clients (C strings end at NUL) and text comparisons.',
        mitigation: () => ({ ...override('longblob'), text: 'Keep bytea binary.' }),
      });
    if (!st.array && st.name === 'json' && tn === 'JSON')
      add({
        check: { kind: 'nul', column, in: 'json' },
        id: 'NUL_CHARACTER',
        severity: 'high',
        what: 'json documents containing the escape \\u0000',
        impact:
          'MySQL JSON decodes \\u0000 to a NUL character inside the string; clients and JSON functions may cut the value there.',
        mitigation: () => ({ text: 'Keep json byte-exact as text.', config: 'types.json: text' }),
      });
  }
  return out;
}

function formatKey(key: readonly string[], names: readonly string[]): string {
  if (names.length === 0) return `ctid=${key[0] ?? ''}`;
  if (names.length === 1) return `${names[0]}=${key[0] ?? ''}`;
  return `(${names.join(', ')})=(${key.join(', ')})`;
}

/** The columns that name a row in reports: the primary key, else the plan's copy key, else none (ctid). */
export function reportKey(table: Table, tp: TablePlan | undefined): string[] {
  if (table.primaryKey) return [...table.primaryKey.columns];
  return tp && tp.key.kind !== 'ctid' ? [...tp.key.columns] : [];
}

/** Scan every planned table once; return the value risks and the exact row counts and largest rows. */
export async function scanValues(
  client: SourceClient,
  catalog: Catalog,
  plan: MigrationPlan,
  onTable: (table: string, ms: number) => void = () => {},
): Promise<ScanResult> {
  const types = targetTypes(plan);
  const risks: Risk[] = [];
  const tables = new Map<string, ScannedTable>();
  const versionNum = catalog.source.versionNum;
  const dialect = DIALECTS[plan.dialect];
  for (const tp of plan.tables) {
    const table = catalog.tables.find((t) => t.schema === tp.source.schema && t.name === tp.source.name);
    if (!table) continue;
    const name = `${table.schema}.${table.name}`;
    const planned = checksFor(tp, table, types.get(tp.target) ?? new Map(), dialect);
    const started = performance.now();
    try {
      const res = await scanTable(
        client,
        table,
        planned.map((p) => p.check),
        versionNum,
      );
      tables.set(name, { rows: res.rows, largestRowBytes: res.largestRowBytes });
      const key = reportKey(table, tp);
      for (const [i, p] of planned.entries()) {
        const count = res.counts[i] ?? 0;
        if (count === 0) continue;
        const examples = await exampleRows(client, table, key, p.check, versionNum);
        const keys = examples.map((e) => formatKey(e.key, key));
        const shown = examples.map((e, j) => (e.value === null ? keys[j] : `${keys[j]} → ${e.value}`));
        const m = p.mitigation(res.maxima[i] ?? 0);
        risks.push({
          id: p.id,
          severity: p.severity,
          status: 'open',
          title: `${name}.${p.column.source}: ${count} row${count === 1 ? '' : 's'} with ${p.what}`,
          description: `${count} of ${res.rows} rows of ${name} have ${p.what} in ${p.column.source} (${p.column.sourceType} → planned ${p.column.ruleId}).`,
          impact: p.impact,
          probability: 'certain',
          blastRadius: { table: name, column: p.column.source, rows: count, exampleKeys: keys },
          mitigation: m.text,
          ...(m.config ? { config: m.config } : {}),
          evidence: `Counted with one full scan of ${name} on the source; examples: ${shown.join('; ')}.`,
        });
      }
    } catch (e) {
      const reason = isMigrationError(e) || e instanceof Error ? e.message : String(e);
      risks.push({
        id: 'CHECK_FAILED',
        severity: 'high',
        status: 'open',
        title: `${name}: the value scan failed`,
        description: `Scanning ${name} for values the target would reject failed: ${reason}`,
        impact: 'Values in this table were not checked; migrate may still fail on them.',
        probability: 'possible',
        blastRadius: { table: name },
        mitigation: 'Fix the cause (usually a missing SELECT privilege) and run assess again.',
      });
    }
    onTable(name, performance.now() - started);
  }
  return { risks, tables };
}
