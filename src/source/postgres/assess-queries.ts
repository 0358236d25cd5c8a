// The PostgreSQL side of `pg2my assess`: session facts (version, TLS, role), privilege and row-security
// checks, the one-query-per-table value scan with example keys, distinct key values for the collation
// test, planner row widths, and a bounded COPY sample for the throughput probe.
// Invariants: read-only (SELECT, COPY TO, a READ ONLY cursor transaction); every name is quoted with
// escapeIdentifier and every outside value is a bound parameter; the literals in checks are our own constants.

import type { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { QualifiedName } from '../../catalog/model.js';
import type { SourceClient } from './connect.js';

const ident = (s: string) => pg.escapeIdentifier(s);
const rel = (t: QualifiedName) => `${ident(t.schema)}.${ident(t.name)}`;
type Row = Record<string, string | null>;

async function q(client: SourceClient, text: string, values: unknown[] = []): Promise<Row[]> {
  return (await client.query<Row>({ text, values })).rows;
}

export interface SourceFacts {
  readonly versionNum: number;
  readonly version: string;
  readonly user: string;
  readonly superuser: boolean;
  readonly bypassRls: boolean;
  /** TLS as pg_stat_ssl reports it for this backend. */
  readonly ssl: { readonly on: boolean; readonly version?: string; readonly cipher?: string };
}

/** Version, role attributes and TLS state of this session. */
export async function readSourceFacts(client: SourceClient): Promise<SourceFacts> {
  const [r] = await q(
    client,
    `SELECT current_setting('server_version_num') AS num, split_part(version(), ' on ', 1) AS version,
            current_user AS usr, r.rolsuper::text AS super, r.rolbypassrls::text AS bypass,
            s.ssl::text AS ssl, s.version AS tls_version, s.cipher AS cipher
     FROM pg_catalog.pg_roles r
     LEFT JOIN pg_catalog.pg_stat_ssl s ON s.pid = pg_catalog.pg_backend_pid()
     WHERE r.rolname = current_user`,
  );
  return {
    versionNum: Number(r?.num ?? 0),
    version: r?.version ?? '',
    user: r?.usr ?? '',
    superuser: r?.super === 'true',
    bypassRls: r?.bypass === 'true',
    ssl: {
      on: r?.ssl === 'true',
      ...(r?.tls_version ? { version: r.tls_version } : {}),
      ...(r?.cipher ? { cipher: r.cipher } : {}),
    },
  };
}

/** One privilege the current role lacks, e.g. { privilege: 'SELECT', object: 'table public.t' }. */
export interface MissingPrivilege {
  readonly privilege: string;
  readonly object: string;
}

/** CONNECT on the database, USAGE on the schemas, SELECT on the tables and sequences: what is missing. */
export async function missingSourcePrivileges(
  client: SourceClient,
  schemas: readonly string[],
  tables: readonly QualifiedName[],
  sequences: readonly QualifiedName[],
): Promise<MissingPrivilege[]> {
  const rows = await q(
    client,
    `SELECT 'CONNECT' AS privilege, 'database ' || current_database() AS object
      WHERE NOT has_database_privilege(current_database(), 'CONNECT')
     UNION ALL
     SELECT 'USAGE', 'schema ' || s FROM unnest($1::text[]) AS s WHERE NOT has_schema_privilege(s, 'USAGE')
     UNION ALL
     SELECT 'SELECT', 'table ' || s || '.' || n FROM unnest($2::text[], $3::text[]) AS x(s, n)
      WHERE NOT has_table_privilege(to_regclass(format('%I.%I', s, n)), 'SELECT')
     UNION ALL
     SELECT 'SELECT', 'sequence ' || s || '.' || n FROM unnest($4::text[], $5::text[]) AS x(s, n)
      WHERE NOT has_sequence_privilege(to_regclass(format('%I.%I', s, n)), 'SELECT')`,
    [
      schemas,
      tables.map((t) => t.schema),
      tables.map((t) => t.name),
      sequences.map((t) => t.schema),
      sequences.map((t) => t.name),
    ],
  );
  return rows.map((r) => ({ privilege: r.privilege ?? '', object: r.object ?? '' }));
}

/**
 * Tables with row-level security whose policies apply to the current role (not a superuser, no
 * BYPASSRLS, and not the owner of a table without FORCE ROW LEVEL SECURITY): a SELECT sees a subset.
 */
export async function rlsFilteredTables(
  client: SourceClient,
  tables: readonly QualifiedName[],
): Promise<string[]> {
  const rows = await q(
    client,
    `SELECT n.nspname || '.' || c.relname AS t
     FROM unnest($1::text[], $2::text[]) AS x(s, n)
     JOIN pg_catalog.pg_class c ON c.oid = to_regclass(format('%I.%I', x.s, x.n))
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_catalog.pg_roles r ON r.rolname = current_user
     WHERE c.relrowsecurity AND NOT r.rolsuper AND NOT r.rolbypassrls
       AND (c.relforcerowsecurity OR c.relowner <> r.oid)
     ORDER BY 1`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return rows.map((r) => r.t ?? '');
}

/** How a column reaches a JSON target: a jsonb or json value, or an array through array_to_json. */
export type JsonSource = 'jsonb' | 'json' | 'array';

/** A value check the scan counts in one pass; the column is a source column name. */
export type ValueCheck =
  /** Finite values < min or ≥ maxExclusive (date/timestamp literals). */
  | {
      readonly kind: 'date-range';
      readonly column: string;
      readonly min: string;
      readonly maxExclusive: string;
    }
  | { readonly kind: 'infinite'; readonly column: string }
  /** Finite numbers that need more integer digits than p−s, or more fraction digits than s. */
  | {
      readonly kind: 'numeric-fit';
      readonly column: string;
      readonly precision: number;
      readonly scale: number;
    }
  | { readonly kind: 'special'; readonly column: string; readonly numeric: boolean }
  | { readonly kind: 'negative-zero'; readonly column: string }
  /** Transported text longer than `limit` characters or bytes; `as` says how the value travels. */
  | {
      readonly kind: 'too-long';
      readonly column: string;
      readonly as: 'text' | 'json-array' | 'bytea';
      readonly unit: 'chars' | 'bytes';
      readonly limit: number;
    }
  | { readonly kind: 'nul'; readonly column: string; readonly in: 'bytea' | 'json' }
  | { readonly kind: 'array-lower-bound'; readonly column: string }
  /** jsonb (or json) documents nesting arrays/objects deeper than `maxDepth` (`[]` is 1, `[[]]` is 2). */
  | {
      readonly kind: 'json-depth';
      readonly column: string;
      readonly maxDepth: number;
      readonly as: JsonSource;
    }
  /** Intervals beyond ±maxSeconds (the target's TIME range; extract(epoch)) or with a year, month or day part. */
  | { readonly kind: 'time-range'; readonly column: string; readonly maxSeconds: number }
  /** jsonb (or json) documents holding a number whose magnitude rounds beyond the largest double. */
  | { readonly kind: 'json-number-range'; readonly column: string; readonly as: JsonSource }
  /** Finite numbers whose magnitude is above `max` (a decimal literal): beyond FLOAT or DOUBLE. */
  | { readonly kind: 'float-range'; readonly column: string; readonly max: string; readonly numeric: boolean }
  /** Transported text with a character outside ASCII (for ascii columns). */
  | { readonly kind: 'not-ascii'; readonly column: string; readonly as: 'text' | 'json-array' };

/** 2^1024 − 2^970: the smallest magnitude that rounds to infinity as a double (round to nearest even). */
export const DOUBLE_OVERFLOW = (2n ** 1024n - 2n ** 970n).toString();
/** FLT_MAX: MySQL refuses a FLOAT value whose double is above it. */
export const FLOAT_MAX = '340282346638528859811704183484516925440';

/** json text with a \u0000 escape (which jsonb refuses) or a \uD800–\uDFFF escape (may not pair). */
const JSON_NO_JSONB = '(^|[^\\\\])(\\\\\\\\)*\\\\u(0000|[dD][89a-fA-F])';

function valueExpr(c: Extract<ValueCheck, { kind: 'too-long' }>): string {
  const col = `t.${ident(c.column)}`;
  if (c.as === 'bytea') return `octet_length(${col})`;
  const text = c.as === 'json-array' ? `array_to_json(${col})::text` : `${col}::text`;
  return c.unit === 'chars' ? `char_length(${text})` : `octet_length(${text})`;
}

/** jsonb_path_exists over the column as the target receives it; json that jsonb cannot read counts as no. */
function jsonPathCheck(col: string, as: JsonSource, path: string): string {
  if (as === 'jsonb') return `(jsonb_path_exists(${col}, '${path}'))`;
  const v = as === 'array' ? `array_to_json(${col})` : col;
  return `(${v}::text !~ '${JSON_NO_JSONB}' AND jsonb_path_exists(${v}::jsonb, '${path}'))`;
}

/** The WHERE condition that selects the rows a check counts. */
export function checkCondition(c: ValueCheck, versionNum: number): string {
  const col = `t.${ident(c.column)}`;
  const numInf = versionNum >= 140000;
  switch (c.kind) {
    case 'date-range':
      return `(isfinite(${col}) AND (${col} < '${c.min}' OR ${col} >= '${c.maxExclusive}'))`;
    case 'infinite':
      return `(NOT isfinite(${col}))`;
    case 'numeric-fit': {
      const v = `${col}::numeric`;
      const finite = `${v} <> 'NaN'${numInf ? ` AND ${v} <> 'Infinity' AND ${v} <> '-Infinity'` : ''}`;
      return `(${finite} AND (abs(${v}) >= 1e${c.precision - c.scale} OR ${v} <> round(${v}, ${c.scale})))`;
    }
    case 'special':
      return c.numeric && !numInf ? `(${col} = 'NaN')` : `(${col} IN ('NaN', 'Infinity', '-Infinity'))`;
    case 'negative-zero':
      // -0 = 0 in SQL; only the text shows the sign.
      return `(${col} = 0 AND ${col}::text LIKE '-%')`;
    case 'too-long':
      return `(${valueExpr(c)} > ${c.limit})`;
    case 'nul':
      return c.in === 'bytea'
        ? `(position('\\x00'::bytea in ${col}) > 0)`
        : `(${col}::text ~ '(^|[^\\\\])(\\\\\\\\)*\\\\u0000')`;
    case 'array-lower-bound':
      return `(array_dims(${col}) !~ '^(\\[1:[0-9]+\\])+$')`;
    case 'json-depth': {
      // A container at nesting level maxDepth (the root is level 0) means a depth of maxDepth + 1. One
      // jsonpath walk per document, no recursion in SQL; json is measured as jsonb (same nesting), except
      // documents jsonb cannot read (counted as fitting; the NUL_CHARACTER check reports \u0000). Measured on
      // PG 15, 200k documents of 5 levels (156 MB): +0.5 s over count(*), less than one ::text of them.
      const depth = Math.max(0, Math.floor(c.maxDepth));
      return jsonPathCheck(
        col,
        c.as,
        `strict $.**{${depth}} ? (@.type() == "array" || @.type() == "object")`,
      );
    }
    case 'time-range':
      // The copy refuses a year, month or day part too (read-chunk.ts interval-time): TIME has none.
      return `(abs(extract(epoch FROM ${col})) > ${Number(c.maxSeconds).toFixed(6)} OR extract(year FROM ${col}) <> 0 OR extract(month FROM ${col}) <> 0 OR extract(day FROM ${col}) <> 0)`;
    case 'json-number-range': {
      // Walks every item (MySQL 8 only): +2.6–4 s per 200k 5-level documents on PG 15; .abs() was fastest.
      return jsonPathCheck(
        col,
        c.as,
        `strict $.** ? (@.type() == "number" && @.abs() >= ${DOUBLE_OVERFLOW})`,
      );
    }
    case 'float-range': {
      if (!/^\d+$/.test(c.max)) throw new Error(`bad float-range bound ${c.max}`);
      const cmp = c.max === DOUBLE_OVERFLOW ? '>=' : '>';
      if (!c.numeric) {
        const f = `${col}::float8`;
        return `(${f} <> 'NaN'::float8 AND abs(${f}) <> 'Infinity'::float8 AND abs(${f}) ${cmp} ${c.max}::float8)`;
      }
      const v = `${col}::numeric`;
      const finite = `${v} <> 'NaN'${numInf ? ` AND ${v} <> 'Infinity' AND ${v} <> '-Infinity'` : ''}`;
      return `(${finite} AND abs(${v}) ${cmp} ${c.max})`;
    }
    case 'not-ascii': {
      const text = c.as === 'json-array' ? `array_to_json(${col})::text` : `${col}::text`;
      return `(${text} ~ '[^\\x01-\\x7F]')`;
    }
  }
}

/** What the report shows as the offending value: the length for too-long, else the value (shortened). */
function displayExpr(c: ValueCheck): string {
  const col = `t.${ident(c.column)}`;
  if (c.kind === 'too-long') return `${valueExpr(c)}::text`;
  if (c.kind === 'nul' || c.kind === 'json-depth' || c.kind === 'json-number-range') return `NULL::text`;
  if (c.kind === 'array-lower-bound') return `array_dims(${col})`;
  return `left(${col}::text, 60)`;
}

export interface TableScanResult {
  /** Exact count(*). */
  readonly rows: number;
  /** max(pg_column_size(t.*)): the largest row as stored (TOAST-compressed values count compressed). */
  readonly largestRowBytes: number;
  /** Rows matching each check, in the order given. */
  readonly counts: readonly number[];
  /** For `too-long` checks: the longest value (in the check's unit); 0 for other checks. */
  readonly maxima: readonly number[];
}

/** One full scan of a table: exact row count, largest row, and a count per check. */
export async function scanTable(
  client: SourceClient,
  table: QualifiedName,
  checks: readonly ValueCheck[],
  versionNum: number,
): Promise<TableScanResult> {
  const cols = checks.map((c, i) => {
    const count = `count(*) FILTER (WHERE ${checkCondition(c, versionNum)})::text AS c${i}`;
    return c.kind === 'too-long' ? `${count}, coalesce(max(${valueExpr(c)}), 0)::text AS m${i}` : count;
  });
  const [r] = await q(
    client,
    `SELECT count(*)::text AS n, coalesce(max(pg_column_size(t.*)), 0)::text AS largest
            ${cols.map((c) => `, ${c}`).join('')}
     FROM ${rel(table)} AS t`,
  );
  return {
    rows: Number(r?.n ?? 0),
    largestRowBytes: Number(r?.largest ?? 0),
    counts: checks.map((_, i) => Number(r?.[`c${i}`] ?? 0)),
    maxima: checks.map((_, i) => Number(r?.[`m${i}`] ?? 0)),
  };
}

/** Up to `limit` matching rows of a check: key column values (ctid when `key` is empty) and the value shown. */
export async function exampleRows(
  client: SourceClient,
  table: QualifiedName,
  key: readonly string[],
  check: ValueCheck,
  versionNum: number,
  limit = 5,
): Promise<{ key: string[]; value: string | null }[]> {
  const keys = key.length > 0 ? key.map((k, i) => `t.${ident(k)}::text AS k${i}`) : ['t.ctid::text AS k0'];
  const rows = await q(
    client,
    `SELECT ${keys.join(', ')}, ${displayExpr(check)} AS v FROM ${rel(table)} AS t
     WHERE ${checkCondition(check, versionNum)} LIMIT ${Math.max(1, Math.floor(limit))}`,
  );
  return rows.map((r) => ({
    key: (key.length > 0 ? key : ['ctid']).map((_, i) => r[`k${i}`] ?? 'NULL'),
    value: r.v ?? null,
  }));
}

/** Sum of pg_stats.avg_width (+1 separator byte per column) per `schema.table`; absent when never analysed. */
export async function statsRowWidths(
  client: SourceClient,
  tables: readonly QualifiedName[],
): Promise<Map<string, number>> {
  const rows = await q(
    client,
    `SELECT schemaname || '.' || tablename AS t, sum(avg_width + 1)::text AS w
     FROM pg_catalog.pg_stats WHERE (schemaname, tablename) IN (SELECT * FROM unnest($1::text[], $2::text[]))
       AND NOT inherited
     GROUP BY 1`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return new Map(rows.map((r) => [r.t ?? '', Number(r.w ?? 0)]));
}

/**
 * The distinct non-NULL values of key columns as text (each cut to `maxChars[i]` characters), in
 * batches of `batchRows`, through a READ ONLY cursor so memory stays bounded whatever the table size.
 */
export async function* distinctKeyValues(
  client: SourceClient,
  table: QualifiedName,
  columns: readonly { readonly name: string; readonly maxChars: number }[],
  batchRows = 2000,
): AsyncGenerator<string[][]> {
  const exprs = columns.map((c, i) => `left(t.${ident(c.name)}::text, ${Math.floor(c.maxChars)}) AS k${i}`);
  const notNull = columns.map((c) => `t.${ident(c.name)} IS NOT NULL`).join(' AND ');
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let done = false;
  try {
    await client.query(
      `DECLARE pg2my_assess_keys NO SCROLL CURSOR FOR SELECT DISTINCT ${exprs.join(', ')} FROM ${rel(table)} AS t WHERE ${notNull}`,
    );
    for (;;) {
      const rows = await q(client, `FETCH FORWARD ${Math.floor(batchRows)} FROM pg2my_assess_keys`);
      if (rows.length === 0) break;
      yield rows.map((r) => columns.map((_, i) => r[`k${i}`] ?? ''));
    }
    done = true;
  } finally {
    // Read-only either way; ROLLBACK also ends a transaction the consumer abandoned early.
    await client.query(done ? 'COMMIT' : 'ROLLBACK').catch(() => {});
  }
}

/** `COPY (SELECT * FROM table LIMIT rows) TO STDOUT` (text format) as a byte stream. */
export function copySample(client: SourceClient, table: QualifiedName, rows: number): Readable {
  return client.query(
    copyStreams.to(`COPY (SELECT * FROM ${rel(table)} LIMIT ${Math.max(1, Math.floor(rows))}) TO STDOUT`),
  );
}
