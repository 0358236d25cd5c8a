// Column defaults: a PostgreSQL default as pg_get_expr prints it → a MySQL TargetDefault for the mapped
// type, or the reason it cannot be carried over. Literals on TEXT/BLOB/JSON become expression defaults,
// which is the only form MySQL 8 accepts there. Invariant: no source text reaches SQL; literals travel
// as {str} parts (quoted by the renderer) or as numbers that passed a strict numeric pattern.

import type { Column } from '../catalog/model.js';
import { MYSQL_INT_TYPES, MYSQL_LOB_TYPES, MYSQL_STRING_TYPES } from '../dialect/type-families.js';
import type { SqlFragment, TargetDefault, TargetType, Transform } from './model.js';
import { parseDefault } from './translate-expr.js';
import { baseName } from './type-override.js';

/** A translated default (with an optional warning), or the reason it is not converted. */
export type MappedDefault =
  | { readonly value: TargetDefault; readonly warning?: string }
  | { readonly reason: string };

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$/;
const TIME_RE = /^\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$/;
const NUMBER_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;
const NUM_TYPES = new Set([...MYSQL_INT_TYPES, 'DECIMAL', 'FLOAT', 'DOUBLE']);
const TRUE_WORDS = new Set(['t', 'true', 'y', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['f', 'false', 'n', 'no', 'off', '0']);

/**
 * Translate a PostgreSQL default for a target type: literals (number, string, boolean → 1/0, NULL → none),
 * now()/CURRENT_TIMESTAMP/LOCALTIMESTAMP → CURRENT_TIMESTAMP(fsp) (UTC_TIMESTAMP for DATETIME holding UTC),
 * CURRENT_DATE, gen_random_uuid() → UUID(). Literals on TEXT/BLOB/JSON become expression defaults.
 */
export function mapDefault(
  text: string,
  col: Column,
  type: TargetType,
  transform: Transform,
): MappedDefault | Record<string, never> {
  const d = parseDefault(text);
  const base = baseName(type);
  const lob = MYSQL_LOB_TYPES.has(base);
  const lit = (sql: SqlFragment): MappedDefault => ({
    value: lob ? { kind: 'expression', sql } : { kind: 'literal', sql },
  });
  const str = (v: string) => lit([{ str: v }]);
  const num = (v: string): MappedDefault =>
    (MYSQL_INT_TYPES.has(base) ? /^-?\d+$/ : NUMBER_RE).test(v) && NUM_TYPES.has(base)
      ? lit([v])
      : { reason: `${v} is not a ${base} value` };
  switch (d.kind) {
    case 'null':
      return {};
    case 'nextval':
      return {
        reason:
          'MySQL allows one AUTO_INCREMENT column per table, leading a key; this column is not it, so new rows need an explicit value',
      };
    case 'bool':
      return transform === 'bool' || base === 'TINYINT'
        ? lit([d.value ? '1' : '0'])
        : { reason: `boolean default on a ${base} column` };
    case 'number':
      if (NUM_TYPES.has(base)) return num(d.text);
      return MYSQL_STRING_TYPES.has(base) && (transform === 'none' || transform === 'text')
        ? str(d.text)
        : { reason: `number default on a ${base} column` };
    case 'string': {
      const v = d.value;
      if (transform === 'bool') {
        const lower = v.toLowerCase();
        if (TRUE_WORDS.has(lower) || FALSE_WORDS.has(lower)) return lit([TRUE_WORDS.has(lower) ? '1' : '0']);
        return { reason: `${JSON.stringify(v)} is not a boolean` };
      }
      if (NUM_TYPES.has(base))
        return transform === 'none' ? num(v) : { reason: `the value needs the ${transform} conversion` };
      if (base === 'ENUM')
        return type.values?.includes(v)
          ? str(v)
          : { reason: `${JSON.stringify(v)} is not one of the enum labels` };
      if (base === 'JSON') {
        if (transform === 'array-json')
          return v === '{}'
            ? str('[]')
            : { reason: 'array defaults other than {} need converting to JSON by hand' };
        try {
          JSON.parse(v);
          return str(v);
        } catch {
          return { reason: 'not valid JSON' };
        }
      }
      if (
        (MYSQL_STRING_TYPES.has(base) || lob) &&
        (transform === 'none' || transform === 'text') &&
        !base.endsWith('BLOB')
      )
        return str(v);
      if (transform !== 'none')
        return {
          reason: `the value needs the ${transform} conversion; set the default on the target by hand`,
        };
      if (base === 'DATE' && DATE_RE.test(v)) return str(v);
      if ((base === 'DATETIME' || base === 'TIMESTAMP') && DATETIME_RE.test(v)) return str(v);
      if (base === 'TIME' && TIME_RE.test(v)) return str(v);
      return { reason: `${JSON.stringify(v)} is not a ${base} literal pg2my can carry over` };
    }
    case 'now': {
      const fsp = type.args?.[0] ?? 0;
      if (base === 'DATETIME' && transform === 'timestamptz-utc')
        return { value: { kind: 'expression', sql: [`UTC_TIMESTAMP(${fsp || ''})`] } };
      if (base === 'DATETIME' || base === 'TIMESTAMP') return { value: { kind: 'current_timestamp', fsp } };
      if (base === 'DATE') return { value: { kind: 'expression', sql: ['CURRENT_DATE'] } };
      return { reason: `now() on a ${base} column` };
    }
    case 'current_date':
      return base === 'DATE'
        ? { value: { kind: 'expression', sql: ['CURRENT_DATE'] } }
        : { reason: `CURRENT_DATE on a ${base} column` };
    case 'uuid':
      if (base !== 'CHAR' && base !== 'VARCHAR') return { reason: `UUID default on a ${base} column` };
      return {
        value: { kind: 'expression', sql: ['UUID()'] },
        warning: `${col.name}: DEFAULT ${text} becomes UUID(), which makes time-based version-1 UUIDs (lowercase), not random version-4 ones`,
      };
    case 'unsupported':
      return { reason: `${d.reason} has no MySQL translation` };
  }
}
