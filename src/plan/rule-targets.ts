// The target-type functions behind the rules in rules.ts: sized strings, DECIMAL from typmod / measured
// scale / config, key-length measurement (types.textKey), and the error helpers that name the column and
// the config key. Split from rules.ts so that file stays the readable list of rules.
// Invariants: every function either returns a type that holds every value, or throws a MigrationError
// (DECISION_REQUIRED, TYPE_UNMAPPABLE, CONFIG_INVALID) saying which config key resolves it.

import type { Column, ColumnType } from '../catalog/model.js';
import { MYSQL_TEXT_BYTES } from '../dialect/type-families.js';
import { MigrationError } from '../errors.js';
import { columnSnippet, typesSnippet } from './config-snippet.js';
import type { TargetType } from './model.js';
import type { TypeDecisions } from './options.js';
import type { RuleContext } from './rules.js';

/** The choice in force for a decision key: the option's string value, or `fixed` for object values. */
export function decisionChoice(types: TypeDecisions, key: keyof TypeDecisions): string {
  const v = types[key];
  return typeof v === 'string' ? v : 'fixed';
}

/** MySQL TEXT type that holds `bytes` bytes. */
export function textFamily(bytes: number): TargetType {
  if (bytes <= MYSQL_TEXT_BYTES.TEXT!) return { name: 'TEXT' };
  if (bytes <= MYSQL_TEXT_BYTES.MEDIUMTEXT!) return { name: 'MEDIUMTEXT' };
  return { name: 'LONGTEXT' };
}

/** VARCHAR(n) when it fits a row (and is not spilled), else the TEXT type that holds n characters. */
export function sizedString(n: number, bytesPerChar: number, spill: boolean): TargetType {
  return !spill && n * bytesPerChar <= 65_532 ? { name: 'VARCHAR', args: [n] } : textFamily(n * bytesPerChar);
}

/** Fractional-second digits of a time type (PostgreSQL default 6). */
export const fsp = (col: Column): number => col.type.fsp ?? 6;
/** A target function that always returns `t`. */
export const fixed = (t: TargetType) => (): TargetType => t;
/** LONGTEXT, the home of unbounded text. */
export const LONGTEXT: TargetType = { name: 'LONGTEXT' };
/** Loss note for a varchar/char(n) stored as a TEXT type (its length limit is no longer enforced). */
export const lengthLimitLoss = (col: Column, ctx: RuleContext): string | undefined =>
  ctx.spill || (col.type.length ?? 0) * 4 > 65_532
    ? `stored as a TEXT type: MySQL does not enforce the ${col.type.formatted} length limit`
    : undefined;
/** True when a length-typed key column has no length or one whose utf8mb4 key passes the index limit. */
export const keyTooLong = (t: ColumnType, ctx: RuleContext): boolean =>
  t.length === undefined || t.length * 4 > ctx.dialect.maxIndexKeyBytes;

/** numeric(p,s) → DECIMAL; negative scale and scale > precision (PostgreSQL 15) normalised. */
export function numericFixed(col: Column, ctx: RuleContext): TargetType {
  let p = col.type.precision!;
  let s = col.type.scale ?? 0;
  if (s < 0) [p, s] = [p - s, 0]; // numeric(5,-2): rounded to hundreds, up to 7 integer digits
  if (s > p) p = s; // numeric(2,5): values below 0.001
  if (p > 65 || s > 30) {
    throw new MigrationError(
      'TYPE_UNMAPPABLE',
      `${where(ctx, col)}: ${col.type.formatted} does not fit MySQL's DECIMAL (at most 65 digits, 30 after the point). Set columns["${where(ctx, col)}"].type to keep the values as text: ${columnSnippet(where(ctx, col), `varchar(${p + 2})`)}.`,
      {
        details: { column: where(ctx, col), type: col.type.formatted },
        hint: `Set ${columnSnippet(where(ctx, col), `varchar(${p + 2})`)} in pg2my.yaml.`,
      },
    );
  }
  ruleRequire(
    !(col.stats?.numericSpecials ?? 0),
    ctx,
    col,
    'types.numeric',
    'holds NaN, which DECIMAL cannot store',
    `set ${columnSnippet(where(ctx, col), `varchar(${p + 2})`)} to keep the values as text`,
  );
  return { name: 'DECIMAL', args: [p, s] };
}

/** Unbounded numeric, types.numeric = measure: DECIMAL(65, largest measured scale). */
export function numericMeasured(col: Column, ctx: RuleContext): TargetType {
  const st = col.stats;
  ruleRequire(
    st?.numericMaxScale !== undefined,
    ctx,
    col,
    'types.numeric',
    'is numeric without precision and its largest scale was not measured',
    `run pg2my against the source so it can measure the column, or set ${typesSnippet('numeric', 'text')} (exact text) or a fixed DECIMAL such as ${typesSnippet('numeric', 'decimal(20,4)')}`,
  );
  const s = st!.numericMaxScale!;
  ruleRequire(
    !(st!.numericSpecials ?? 0),
    ctx,
    col,
    'types.numeric',
    'holds NaN or Infinity, which DECIMAL cannot store',
    `set ${typesSnippet('numeric', 'text')} (or, for this column only, ${columnSnippet(where(ctx, col), 'longtext')})`,
  );
  ruleRequire(
    s <= 30,
    ctx,
    col,
    'types.numeric',
    `has values with ${s} digits after the point; MySQL's DECIMAL keeps at most 30`,
    `set ${typesSnippet('numeric', 'text')} to keep the values exactly as text`,
  );
  const intDigits = st!.numericMaxIntDigits ?? 0;
  ruleRequire(
    intDigits + s <= 65,
    ctx,
    col,
    'types.numeric',
    `needs ${intDigits} digits before and ${s} after the point; MySQL's DECIMAL holds 65 in all`,
    `set ${typesSnippet('numeric', 'text')}`,
  );
  return { name: 'DECIMAL', args: [65, s] };
}

/** Unbounded numeric, types.numeric = { precision, scale }: that DECIMAL, checked against the measured data. */
export function numericConfigured(col: Column, ctx: RuleContext): TargetType {
  const d = ctx.types.numeric as { readonly precision: number; readonly scale: number };
  const { precision: p, scale: s } = d;
  if (!Number.isInteger(p) || !Number.isInteger(s) || p < 1 || p > 65 || s < 0 || s > 30 || s > p) {
    throw new MigrationError(
      'CONFIG_INVALID',
      `types.numeric = decimal(${p},${s}) is not a MySQL DECIMAL (precision 1–65, scale 0–30, scale ≤ precision); choose one that is, or keep the values as text: ${typesSnippet('numeric', 'text')}.`,
      {
        details: { key: 'types.numeric' },
      },
    );
  }
  const st = col.stats;
  const fix = measuredDecimalFix(col, ctx, p, s);
  ruleRequire(
    (st?.numericMaxScale ?? 0) <= s,
    ctx,
    col,
    'types.numeric',
    `has values with ${st?.numericMaxScale} digits after the point; decimal(${p},${s}) would round them`,
    fix,
  );
  ruleRequire(
    (st?.numericMaxIntDigits ?? 0) <= p - s,
    ctx,
    col,
    'types.numeric',
    `has values with ${st?.numericMaxIntDigits} digits before the point; decimal(${p},${s}) holds ${p - s}`,
    fix,
  );
  ruleRequire(
    !(st?.numericSpecials ?? 0),
    ctx,
    col,
    'types.numeric',
    'holds NaN or Infinity, which DECIMAL cannot store',
    `set ${typesSnippet('numeric', 'text')} (or, for this column only, ${columnSnippet(where(ctx, col), 'longtext')})`,
  );
  return { name: 'DECIMAL', args: [p, s] };
}

/**
 * The fix when measured values do not fit types.numeric = decimal(p,s): a DECIMAL for this column that holds
 * them (and what the configured one holds), when MySQL has one, else text.
 */
function measuredDecimalFix(col: Column, ctx: RuleContext, p: number, s: number): string {
  const scale = Math.max(s, col.stats?.numericMaxScale ?? 0);
  const precision = Math.max(p - s, col.stats?.numericMaxIntDigits ?? 0) + scale;
  const text = typesSnippet('numeric', 'text');
  return scale <= 30 && precision <= 65
    ? `set ${columnSnippet(where(ctx, col), `decimal(${precision},${scale})`)} for this column, or ${text}`
    : `set ${text} (or, for this column only, ${columnSnippet(where(ctx, col), 'longtext')})`;
}

/** Target for a string/bytea column that must be indexable: VARCHAR/VARBINARY of the types.textKey length. */
export const keyString =
  (bytesPerChar: number, name: 'VARCHAR' | 'VARBINARY') =>
  (col: Column, ctx: RuleContext): TargetType => ({
    name,
    args: [textKeyLength(col, ctx, bytesPerChar, name === 'VARBINARY' ? 'bytes' : 'characters')],
  });
/** Decision note for types.textKey. */
export const explainKey = (col: Column, ctx: RuleContext, t: TargetType): string => {
  const n = t.args?.[0];
  const unit = t.name === 'VARBINARY' ? 'bytes' : 'characters';
  const measured = decisionChoice(ctx.types, 'textKey') === 'measure';
  const longest = unit === 'bytes' ? col.stats?.maxBytes : col.stats?.maxChars;
  return `${t.name}(${n}) because the column is in a key or index (MySQL cannot index ${col.type.formatted} as TEXT/BLOB); ${measured ? `longest value ${longest} ${unit}` : 'length from types.textKey'}; values longer than ${n} ${unit} are rejected, now and later`;
};

/** The loss MySQL 8's binary JSON causes for numbers. */
export const JSON_NUMBERS =
  'MySQL 8 stores JSON numbers as double: numbers with more than 15–17 significant digits, or trailing zeros such as 1.50, change';

/** `schema.table.column` of the column being mapped, for messages and config keys. */
export function where(ctx: Pick<RuleContext, 'schema' | 'table'>, col: Column): string {
  return `${ctx.schema}.${ctx.table}.${col.name}`;
}

/**
 * Throw (DECISION_REQUIRED by default) unless `ok`: "<schema.table.column>: <type> <problem>. To go on,
 * <fix>." with the config key in the details.
 */
export function ruleRequire(
  ok: boolean,
  ctx: RuleContext,
  col: Column,
  configKey: string,
  problem: string,
  fix: string,
  code: 'DECISION_REQUIRED' | 'TYPE_UNMAPPABLE' = 'DECISION_REQUIRED',
): asserts ok {
  if (ok) return;
  const w = where(ctx, col);
  throw new MigrationError(
    code,
    `${w}: ${col.type.formatted} ${problem} (config key ${configKey}). To go on, ${fix.replaceAll('…', w)}.`,
    {
      details: {
        schema: ctx.schema,
        table: ctx.table,
        column: col.name,
        type: col.type.formatted,
        configKey,
      },
      hint: `${fix.replaceAll('…', w)} (config key ${configKey})`,
    },
  );
}

/**
 * Length for a string (or bytea) column that must be indexable (types.textKey): the configured length, or
 * max(255, longest measured value). Throws when it cannot be known or would pass the index key limit.
 */
export function textKeyLength(
  col: Column,
  ctx: RuleContext,
  bytesPerChar: number,
  unit: 'characters' | 'bytes',
): number {
  const limit = Math.floor(ctx.dialect.maxIndexKeyBytes / bytesPerChar);
  const longest = unit === 'bytes' ? col.stats?.maxBytes : col.stats?.maxChars;
  const d = ctx.types.textKey;
  if (typeof d === 'object') {
    if (!Number.isInteger(d.length) || d.length < 1 || d.length > limit) {
      throw new MigrationError(
        'CONFIG_INVALID',
        `types.textKey = varchar(${d.length}): the length must be 1–${limit} so that a key of it fits MySQL's ${ctx.dialect.maxIndexKeyBytes}-byte index limit, e.g. ${typesSnippet('textKey', `varchar(${limit})`)}.`,
        {
          details: { key: 'types.textKey' },
        },
      );
    }
    ruleRequire(
      longest === undefined || longest <= d.length,
      ctx,
      col,
      'types.textKey',
      `has values of ${longest} ${unit}, longer than the ${d.length} of types.textKey`,
      longest !== undefined && longest <= limit
        ? `set ${typesSnippet('textKey', `varchar(${longest})`)} or, for this column only, ${columnSnippet(where(ctx, col), `${keyTypeName(unit)}(${longest})`)}`
        : tooLongFix(ctx, col),
    );
    return d.length;
  }
  ruleRequire(
    longest !== undefined,
    ctx,
    col,
    'types.textKey',
    'is in a key or index, so MySQL needs a bounded type for it, and its longest value was not measured',
    `run pg2my against the source database so it can measure the column, or choose the length: ${typesSnippet('textKey', 'varchar(255)')} for every such column, or ${columnSnippet(where(ctx, col), `${keyTypeName(unit)}(320)`)} for this one`,
  );
  const n = Math.max(255, longest);
  ruleRequire(
    n * bytesPerChar <= ctx.dialect.maxIndexKeyBytes,
    ctx,
    col,
    'types.textKey',
    `is in a key or index and has values of ${longest} ${unit}; as a key that needs ${n * bytesPerChar} bytes, more than MySQL's ${ctx.dialect.maxIndexKeyBytes}-byte index limit`,
    tooLongFix(ctx, col),
  );
  return n;
}

/** The MySQL spelling of a bounded key type: varchar for characters, varbinary for bytes. */
const keyTypeName = (unit: 'characters' | 'bytes'): string => (unit === 'bytes' ? 'varbinary' : 'varchar');

/** The fix when a key column's values are too long for any MySQL index key. */
function tooLongFix(ctx: RuleContext, col: Column): string {
  const lob = col.type.name === 'bytea' ? 'longblob' : 'longtext';
  return `shorten the values or take the column out of the key/index in PostgreSQL; if it is only in plain (non-unique) indexes, ${columnSnippet(where(ctx, col), lob)} keeps every value and leaves those indexes out`;
}
