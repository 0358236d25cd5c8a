// The PostgreSQL → MySQL type rules, as data: an ordered list, first match wins. Column overrides
// (PlanOptions.columns) are applied before these by map-column.ts. Each rule says what it matches
// (declaratively), the target type, how values travel (transform), what is lost and which config decision
// chose it. Invariants: a rule either maps every value of the type exactly, names its loss, or throws a
// MigrationError naming schema.table.column and the config key that resolves it. No rule guesses.

import type { Column, ColumnType } from '../catalog/model.js';
import type { Dialect, DialectName } from '../dialect/capabilities.js';
import type { TargetType, Transform } from './model.js';
import { columnSnippet } from './config-snippet.js';
import type { TypeDecisions } from './options.js';
import {
  decisionChoice,
  explainKey,
  fixed,
  fsp,
  JSON_NUMBERS,
  keyString,
  keyTooLong,
  LONGTEXT,
  lengthLimitLoss,
  numericConfigured,
  numericFixed,
  numericMeasured,
  ruleRequire,
  sizedString,
  where,
} from './rule-targets.js';

/** Helpers that callers of the rules use too. */
export { decisionChoice, textFamily, where } from './rule-targets.js';

/** How map-column gives a string type its charset and collation. */
export type StringKind =
  | 'auto' // utf8mb4; key collation for key columns, text collation otherwise
  | 'binary' // utf8mb4 with the dialect's binary collation, key or not
  | 'ascii' // ascii / ascii_bin (uuid, inet, bit strings, ISO intervals, …)
  | 'citext'; // utf8mb4 with CITEXT_COLLATION

/** What a rule may look at besides the column: dialect, decisions, key-ness, row-size spill. */
export interface RuleContext {
  readonly dialect: Dialect;
  readonly types: TypeDecisions;
  /** The column is in a PK, UNIQUE, FK or converted index, so it needs an indexable (bounded) type. */
  readonly bounded: boolean;
  /** Store a long VARCHAR as TEXT so that the row stays under MySQL's 65,535-byte limit. */
  readonly spill: boolean;
  readonly schema: string;
  readonly table: string;
}

/** Declarative match of a rule; every present field must hold. */
export interface RuleMatch {
  /** Base type names (ColumnType.name). Absent: any type. */
  readonly types?: readonly string[];
  /** Arrays match only rules with array: true, and those rules match only arrays. */
  readonly array?: boolean;
  readonly enum?: boolean;
  /** serial/bigserial (nextval default) or identity column. */
  readonly sequence?: boolean;
  readonly bounded?: boolean;
  readonly hasLength?: boolean;
  readonly hasPrecision?: boolean;
  /** Decision choices in force: the option's value, or `fixed` for object values. */
  readonly when?: { readonly [K in keyof TypeDecisions]?: string };
  /** Typmod predicate. */
  readonly typmod?: (type: ColumnType, ctx: RuleContext) => boolean;
}

type Text = string | ((col: Column, ctx: RuleContext) => string | undefined);

/** One row of the rule table. */
export interface TypeRule {
  readonly id: string;
  readonly match: RuleMatch;
  readonly target: (col: Column, ctx: RuleContext) => TargetType;
  readonly transform: Transform;
  readonly strings?: StringKind;
  /** What the mapping loses, if anything. */
  readonly loss?: Text;
  /** Something true and worth knowing that is not a loss; becomes a TYPE_NOTE warning. */
  readonly note?: string;
  readonly decisionKey?: keyof TypeDecisions;
  /** The note of the Decision this rule records (decisionKey rules). */
  readonly explain?: (col: Column, ctx: RuleContext, type: TargetType) => string;
  /** The column can become AUTO_INCREMENT (plan.ts decides whether it does). */
  readonly autoIncrement?: boolean;
}

/**
 * Case-insensitive collation for citext. PostgreSQL's citext compares lower(a) = lower(b): case-insensitive,
 * accent-sensitive, trailing spaces significant. utf8mb4_0900_as_ci (MySQL 8, NO PAD) and
 * utf8mb4_uca1400_nopad_as_ci (MariaDB 10.10+) are the collations with exactly those three properties.
 */
export const CITEXT_COLLATION: Readonly<Record<DialectName, string>> = {
  mysql8: 'utf8mb4_0900_as_ci',
  mariadb: 'utf8mb4_uca1400_nopad_as_ci',
};

/** serial/bigserial (nextval default) or identity column. */
export function isSequenceColumn(col: Column): boolean {
  return col.identity !== undefined || /^nextval\(/i.test(col.default ?? '');
}

function serial(id: string, pg: string, name: string): TypeRule {
  return {
    id,
    match: { types: [pg], sequence: true },
    target: fixed({ name }),
    transform: 'none',
    autoIncrement: true,
  };
}
const plain = (id: string, pg: string, t: TargetType, transform: Transform = 'none'): TypeRule => ({
  id,
  match: { types: [pg] },
  target: fixed(t),
  transform,
});
const ascii = (id: string, pg: string, length: number): TypeRule => ({
  id,
  match: { types: [pg] },
  target: fixed({ name: 'VARCHAR', args: [length] }),
  transform: 'text',
  strings: 'ascii',
});

/** Built-in range and multirange types (custom ranges such as uuidrange fall to the pg-text rule). */
const RANGE_TYPES = ['int4', 'int8', 'num', 'ts', 'tstz', 'date'].flatMap((b) => [
  `${b}range`,
  `${b}multirange`,
]);
const GEOMETRIC_TYPES = ['point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle'];
const AS_TEXT = "kept as PostgreSQL's own text output (exact)";

/** A type kept as its PostgreSQL text in LONGTEXT, with a TYPE_NOTE saying so. */
function asText(id: string, types: readonly string[], strings: StringKind, note: string): TypeRule {
  return {
    id,
    match: { types },
    target: fixed(LONGTEXT),
    transform: 'text',
    strings,
    note: `no MySQL twin: ${note}`,
  };
}

/** The ordered rule list. First match wins. */
export const TYPE_RULES: readonly TypeRule[] = [
  {
    id: 'array-json',
    match: { array: true, when: { array: 'json' } },
    target: fixed({ name: 'JSON' }),
    transform: 'array-json',
    decisionKey: 'array',
    loss: (_c, ctx) =>
      `array becomes a JSON array: element types are not kept (dates become strings, numbers JSON numbers${ctx.dialect.jsonIsBinary ? ' stored as double' : ''}); arrays whose lower bound is not 1 are rejected at copy`,
    explain: () => 'JSON array via array_to_json (config types.array)',
  },
  {
    id: 'array-text',
    match: { array: true, when: { array: 'text' } },
    target: fixed(LONGTEXT),
    transform: 'text',
    strings: 'auto',
    decisionKey: 'array',
    loss: 'kept as PostgreSQL array text ({a,b}); exact, but MySQL cannot query the elements',
    explain: () => 'PostgreSQL array literal text (config types.array)',
  },
  {
    id: 'enum',
    match: { enum: true },
    target: (col, ctx) => {
      const labels = col.type.enum!.labels;
      const bad = labels.find((l) => /[ \t]$/.test(l));
      ruleRequire(
        bad === undefined,
        ctx,
        col,
        `columns["${where(ctx, col)}"].type`,
        `has enum label ${JSON.stringify(bad)} with trailing space, which MySQL strips from ENUM values`,
        `set ${columnSnippet(where(ctx, col), `varchar(${Math.max(...labels.map((l) => [...l].length))})`)}`,
        'TYPE_UNMAPPABLE',
      );
      return { name: 'ENUM', values: labels };
    },
    transform: 'none',
    strings: 'binary', // ENUM('a','A') is a duplicate under _ci collations
  },
  serial('serial2', 'int2', 'SMALLINT'),
  serial('serial4', 'int4', 'INT'),
  serial('serial8', 'int8', 'BIGINT'),
  plain('int2', 'int2', { name: 'SMALLINT' }),
  plain('int4', 'int4', { name: 'INT' }),
  plain('int8', 'int8', { name: 'BIGINT' }),
  plain('oid', 'oid', { name: 'INT UNSIGNED' }),
  {
    id: 'numeric',
    match: { types: ['numeric'], hasPrecision: true },
    target: numericFixed,
    transform: 'none',
  },
  {
    id: 'numeric-measure',
    match: { types: ['numeric'], when: { numeric: 'measure' } },
    target: numericMeasured,
    transform: 'none',
    decisionKey: 'numeric',
    explain: (_c, _x, t) =>
      `DECIMAL(65,${t.args?.[1]}) from the largest scale in the data; later values with more decimals are rounded by MySQL`,
  },
  {
    id: 'numeric-text',
    match: { types: ['numeric'], when: { numeric: 'text' } },
    target: fixed(LONGTEXT),
    transform: 'none',
    strings: 'ascii',
    decisionKey: 'numeric',
    loss: 'kept as exact text: no arithmetic, and it compares and sorts as text',
    explain: () => 'exact decimal text (config types.numeric = text)',
  },
  {
    id: 'numeric-fixed',
    match: { types: ['numeric'], when: { numeric: 'fixed' } },
    target: numericConfigured,
    transform: 'none',
    decisionKey: 'numeric',
    explain: (_c, _x, t) =>
      `DECIMAL(${t.args?.join(',')}) from types.numeric; later values with more decimals are rounded by MySQL`,
  },
  {
    ...plain('float4', 'float4', { name: 'FLOAT' }),
    note: 'NaN and ±Infinity cannot be stored by MySQL; such values are rejected at copy. MariaDB stores -0 as 0; verify reports each such row',
  },
  {
    ...plain('float8', 'float8', { name: 'DOUBLE' }),
    note: 'NaN and ±Infinity cannot be stored by MySQL; such values are rejected at copy. MariaDB stores -0 as 0; verify reports each such row',
  },
  {
    ...plain('money', 'money', { name: 'DECIMAL', args: [19, 2] }, 'money'),
    note: 'DECIMAL(19,2) assumes the source lc_monetary has 2 fractional digits; for a 0- or 3-digit currency set columns["…"].type',
  },
  plain('bool', 'bool', { name: 'TINYINT', args: [1] }, 'bool'),
  {
    id: 'string-key',
    match: { types: ['text', 'varchar', 'bpchar'], bounded: true, typmod: keyTooLong },
    target: keyString(4, 'VARCHAR'),
    transform: 'text',
    strings: 'auto',
    decisionKey: 'textKey',
    explain: explainKey,
  },
  {
    id: 'bpchar',
    match: { types: ['bpchar'], hasLength: true },
    target: (col, ctx) =>
      col.type.length! <= 255
        ? { name: 'CHAR', args: [col.type.length!] }
        : sizedString(col.type.length!, 4, ctx.spill),
    transform: 'text', // bpchar::text drops the padding, which is what MySQL returns for CHAR too
    strings: 'auto',
    loss: lengthLimitLoss,
    note: 'trailing spaces are not kept: MySQL strips them from CHAR on read, and PostgreSQL character(n) ignores them in comparisons too',
  },
  {
    id: 'varchar',
    match: { types: ['varchar'], hasLength: true },
    target: (col, ctx) => sizedString(col.type.length!, 4, ctx.spill),
    transform: 'none',
    strings: 'auto',
    loss: lengthLimitLoss,
  },
  {
    id: 'text',
    match: { types: ['text', 'varchar', 'bpchar'] },
    target: fixed(LONGTEXT),
    transform: 'text',
    strings: 'auto',
  },
  {
    id: 'citext-key',
    match: { types: ['citext'], bounded: true },
    target: keyString(4, 'VARCHAR'),
    transform: 'text',
    strings: 'citext', // citext keys compare case-insensitively in PostgreSQL, so they must on MySQL too
    decisionKey: 'textKey',
    explain: explainKey,
  },
  {
    id: 'citext',
    match: { types: ['citext'] },
    target: fixed(LONGTEXT),
    transform: 'text',
    strings: 'citext',
  },
  {
    id: 'bytea-key',
    match: { types: ['bytea'], bounded: true },
    target: keyString(1, 'VARBINARY'),
    transform: 'bytea',
    decisionKey: 'textKey',
    explain: explainKey,
  },
  plain('bytea', 'bytea', { name: 'LONGBLOB' }, 'bytea'),
  plain('date', 'date', { name: 'DATE' }),
  {
    id: 'time',
    match: { types: ['time'] },
    target: (c) => ({ name: 'TIME', args: [fsp(c)] }),
    transform: 'none',
  },
  {
    id: 'timetz-text',
    match: { types: ['timetz'], when: { timetz: 'text' } },
    target: fixed({ name: 'VARCHAR', args: [32] }),
    transform: 'text',
    strings: 'ascii',
    decisionKey: 'timetz',
    explain: () => "kept as text such as '12:00:00+05:30' (exact; no time arithmetic)",
  },
  {
    id: 'timetz-time',
    match: { types: ['timetz'], when: { timetz: 'time' } },
    target: (c) => ({ name: 'TIME', args: [fsp(c)] }),
    transform: 'timetz-utc',
    decisionKey: 'timetz',
    loss: 'the UTC offset is dropped: times are converted to UTC',
    explain: () => 'TIME in UTC (config types.timetz = time)',
  },
  {
    id: 'timestamp',
    match: { types: ['timestamp'] },
    target: (c) => ({ name: 'DATETIME', args: [fsp(c)] }),
    transform: 'none',
  },
  {
    id: 'timestamptz-datetime',
    match: { types: ['timestamptz'], when: { timestamptz: 'datetime' } },
    target: (c) => ({ name: 'DATETIME', args: [fsp(c)] }),
    transform: 'timestamptz-utc',
    decisionKey: 'timestamptz',
    explain: (_c, _x, t) =>
      `DATETIME(${t.args?.[0]}) holding the UTC instant: PostgreSQL stores an instant, not an offset, so nothing is lost; read the values as UTC`,
  },
  {
    id: 'timestamptz-timestamp',
    match: { types: ['timestamptz'], when: { timestamptz: 'timestamp' } },
    target: (c) => ({ name: 'TIMESTAMP', args: [fsp(c)] }),
    transform: 'timestamptz-utc',
    decisionKey: 'timestamptz',
    loss: 'TIMESTAMP holds only 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC; other values are rejected at copy',
    explain: () => 'TIMESTAMP (config types.timestamptz = timestamp)',
  },
  {
    id: 'interval-text',
    match: { types: ['interval'], when: { interval: 'text' } },
    target: fixed({ name: 'VARCHAR', args: [64] }),
    transform: 'interval-iso',
    strings: 'ascii',
    decisionKey: 'interval',
    explain: () => 'ISO 8601 text such as P1Y2M3DT4H5M6.789S (exact; no interval arithmetic)',
  },
  {
    id: 'interval-time',
    match: { types: ['interval'], when: { interval: 'time' } },
    target: (c) => ({ name: 'TIME', args: [fsp(c)] }),
    transform: 'interval-time',
    decisionKey: 'interval',
    loss: 'only intervals without months or days and within ±838:59:59 fit; others are rejected at copy',
    explain: () => 'TIME (config types.interval = time)',
  },
  {
    id: 'uuid',
    match: { types: ['uuid'] },
    target: fixed({ name: 'CHAR', args: [36] }),
    transform: 'text',
    strings: 'ascii',
  },
  {
    id: 'json-text',
    match: { types: ['json'], when: { json: 'text' } },
    target: fixed(LONGTEXT),
    transform: 'none',
    strings: 'binary',
    decisionKey: 'json',
    explain: () => 'LONGTEXT with a binary collation: byte-exact, key order and duplicates kept',
  },
  {
    id: 'json-json',
    match: { types: ['json'], when: { json: 'json' } },
    target: fixed({ name: 'JSON' }),
    transform: 'none',
    decisionKey: 'json',
    loss: (_c, ctx) =>
      ctx.dialect.jsonIsBinary
        ? `MySQL's JSON type normalises: key order, white space and duplicate keys change; ${JSON_NUMBERS}`
        : undefined,
    explain: () => 'JSON type (config types.json = json)',
  },
  {
    id: 'jsonb',
    match: { types: ['jsonb'] },
    target: fixed({ name: 'JSON' }),
    transform: 'none',
    loss: (_c, ctx) => (ctx.dialect.jsonIsBinary ? `${JSON_NUMBERS}; jsonb keeps them exactly` : undefined),
  },
  ascii('inet', 'inet', 43),
  ascii('cidr', 'cidr', 43),
  ascii('macaddr', 'macaddr', 17),
  ascii('macaddr8', 'macaddr8', 23),
  {
    id: 'tsvector',
    match: { types: ['tsvector'] },
    target: fixed(LONGTEXT),
    transform: 'text',
    strings: 'auto',
    loss: 'kept as tsvector text; not searchable on MySQL (add a FULLTEXT index over the source text by hand)',
  },
  { id: 'xml', match: { types: ['xml'] }, target: fixed(LONGTEXT), transform: 'text', strings: 'auto' },
  {
    id: 'bit',
    match: { types: ['bit'], typmod: (t) => (t.length ?? 1) <= 64 },
    target: (c) => ({ name: 'BIT', args: [c.type.length ?? 1] }),
    transform: 'bit',
  },
  {
    id: 'bit-long',
    match: { types: ['bit'] },
    target: (c, ctx) => sizedString(c.type.length!, 1, ctx.spill),
    transform: 'text',
    strings: 'ascii',
  },
  {
    id: 'varbit',
    match: { types: ['varbit'], hasLength: true },
    target: (c, ctx) => sizedString(c.type.length!, 1, ctx.spill),
    transform: 'text',
    strings: 'ascii',
  },
  {
    id: 'varbit-unbounded',
    match: { types: ['varbit'] },
    target: fixed(LONGTEXT),
    transform: 'text',
    strings: 'ascii',
  },
  // Types without an exact MySQL twin: a lossless default (PostgreSQL's own output, or JSON for hstore) and
  // a TYPE_NOTE warning, never a stop. The copy session fixes TimeZone UTC, DateStyle ISO and shortest float
  // output, so the text is canonical: one value, one text.
  {
    id: 'hstore',
    match: { typmod: (t) => /(^|\.)hstore$/.test(t.name) }, // the extension's schema, or pg_catalog
    target: fixed({ name: 'JSON' }),
    transform: 'hstore-json',
    note: "no MySQL twin: stored as a JSON object of its exact keys and string values (NULL values as JSON null), by hstore's own cast to json",
  },
  asText(
    'range',
    RANGE_TYPES,
    'ascii',
    "kept as PostgreSQL's range text, such as [1,5) or empty (exact); MySQL has no range operators",
  ),
  asText(
    'geometric',
    GEOMETRIC_TYPES,
    'ascii',
    "kept as PostgreSQL's text, such as (1.5,2) (exact: floats in shortest round-trip form); not a MySQL spatial type",
  ),
  asText(
    'tsquery',
    ['tsquery'],
    'binary',
    "kept as PostgreSQL's tsquery text (exact); not searchable on MySQL",
  ),
  asText(
    'pg-lsn',
    ['pg_lsn'],
    'ascii',
    "kept as PostgreSQL's text, such as 16/B374D848 (exact); it sorts as text, not by WAL position",
  ),
  asText('snapshot', ['txid_snapshot', 'pg_snapshot'], 'ascii', AS_TEXT),
  {
    id: 'name',
    match: { types: ['name'] },
    target: fixed({ name: 'VARCHAR', args: [63] }),
    transform: 'text',
    strings: 'binary', // name compares bytewise (C collation) in PostgreSQL
  },
  // Last: any other type (composite, custom range over any subtype, extension types such as ltree, cube,
  // isbn) keeps PostgreSQL's text output, the form pg_dump itself uses, in a binary collation.
  {
    id: 'pg-text',
    match: {},
    target: fixed(LONGTEXT),
    transform: 'text',
    strings: 'binary',
    note: `no MySQL twin: ${AS_TEXT}, the form pg_dump uses, in a binary collation; MySQL cannot use its operators`,
  },
];

/** The first rule that matches the column, or undefined (the type is unmappable). */
export function findRule(
  col: Column,
  ctx: RuleContext,
  rules: readonly TypeRule[] = TYPE_RULES,
): TypeRule | undefined {
  return rules.find((r) => matches(r.match, col, ctx));
}

function matches(m: RuleMatch, col: Column, ctx: RuleContext): boolean {
  const t = col.type;
  if ((m.array ?? false) !== (t.array !== undefined)) return false;
  if (m.enum !== undefined && m.enum !== (t.enum !== undefined)) return false;
  if (m.types !== undefined && (t.enum !== undefined || !m.types.includes(t.name))) return false;
  if (m.sequence !== undefined && m.sequence !== isSequenceColumn(col)) return false;
  if (m.bounded !== undefined && m.bounded !== ctx.bounded) return false;
  if (m.hasLength !== undefined && m.hasLength !== (t.length !== undefined)) return false;
  if (m.hasPrecision !== undefined && m.hasPrecision !== (t.precision !== undefined)) return false;
  for (const [key, value] of Object.entries(m.when ?? {})) {
    if (decisionChoice(ctx.types, key as keyof TypeDecisions) !== value) return false;
  }
  return m.typmod === undefined || m.typmod(t, ctx);
}
