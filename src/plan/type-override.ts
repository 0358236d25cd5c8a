// Column type overrides (config `columns["schema.table.column"].type`): parse a MySQL type spelling into
// a TargetType, and pick the transform that carries the values into it (type families: dialect/type-families).
// Invariant: only known type names and integer arguments pass.

import { MYSQL_LOB_TYPES, MYSQL_STRING_TYPES } from '../dialect/type-families.js';
import { MigrationError } from '../errors.js';
import type { TargetType, Transform } from './model.js';

/** `DECIMAL` of `DECIMAL UNSIGNED`: the type name without modifiers. */
export const baseName = (t: TargetType): string => t.name.split(' ')[0]!;

/**
 * Transform for an overridden type. Into a text type (CHAR, VARCHAR, *TEXT) or a non-bytea value into a
 * BLOB or (VAR)BINARY, every value travels as PostgreSQL's own text of it (`v::text` in the source session: UTC, ISO
 * dates, shortest round-trip floats), the one canonical text verify compares; arrays keep their JSON text
 * (types.array decides that form). JSON and non-string targets keep the rule's transform.
 */
export function overrideTransform(base: Transform | undefined, type: TargetType): Transform {
  const b = baseName(type);
  const isString = MYSQL_STRING_TYPES.has(b) || MYSQL_LOB_TYPES.has(b);
  if (base === undefined) return isString ? 'text' : 'none';
  const bytes = b.endsWith('BLOB') || b === 'VARBINARY' || b === 'BINARY';
  if ((!isString && !bytes) || b === 'JSON' || base === 'array-json') return base;
  return bytes && base === 'bytea' ? 'bytea' : 'text';
}

const OVERRIDE_TYPES: Readonly<
  Record<string, { readonly name: string; readonly args: 'none' | 'opt' | 'req' | 'dec' }>
> = {
  tinyint: { name: 'TINYINT', args: 'opt' },
  smallint: { name: 'SMALLINT', args: 'opt' },
  mediumint: { name: 'MEDIUMINT', args: 'opt' },
  int: { name: 'INT', args: 'opt' },
  integer: { name: 'INT', args: 'opt' },
  bigint: { name: 'BIGINT', args: 'opt' },
  decimal: { name: 'DECIMAL', args: 'dec' },
  numeric: { name: 'DECIMAL', args: 'dec' },
  float: { name: 'FLOAT', args: 'none' },
  double: { name: 'DOUBLE', args: 'none' },
  bit: { name: 'BIT', args: 'opt' },
  date: { name: 'DATE', args: 'none' },
  time: { name: 'TIME', args: 'opt' },
  datetime: { name: 'DATETIME', args: 'opt' },
  timestamp: { name: 'TIMESTAMP', args: 'opt' },
  year: { name: 'YEAR', args: 'none' },
  char: { name: 'CHAR', args: 'opt' },
  varchar: { name: 'VARCHAR', args: 'req' },
  binary: { name: 'BINARY', args: 'opt' },
  varbinary: { name: 'VARBINARY', args: 'req' },
  ...Object.fromEntries(
    ['tinytext', 'text', 'mediumtext', 'longtext', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'json'].map(
      (n) => [n, { name: n.toUpperCase(), args: 'none' as const }],
    ),
  ),
};
const LIMITS: Readonly<Record<string, readonly [number, number]>> = {
  BIT: [1, 64],
  TIME: [0, 6],
  DATETIME: [0, 6],
  TIMESTAMP: [0, 6],
  CHAR: [0, 255],
  BINARY: [0, 255],
  VARCHAR: [1, 65_532],
  VARBINARY: [1, 65_532],
};

/**
 * Parse a column override such as `varchar(320)`, `decimal(20,4)`, `bigint unsigned`, `longtext` into a
 * TargetType. Only known MySQL type names and integer arguments pass; anything else is CONFIG_INVALID.
 */
export function parseTypeOverride(text: string, w: string): TargetType {
  const bad = (why: string): never => {
    throw new MigrationError('CONFIG_INVALID', `columns["${w}"].type = ${JSON.stringify(text)}: ${why}.`, {
      details: { key: `columns.${w}.type` },
      hint: 'Use a MySQL type such as varchar(320), decimal(20,4), bigint, longtext.',
    });
  };
  const m = /^\s*([a-z]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*(unsigned)?\s*$/i.exec(text);
  if (!m) return bad('not a MySQL type this tool understands');
  const spec = OVERRIDE_TYPES[m[1]!.toLowerCase()] ?? bad(`unknown type ${m[1]}`);
  const args = [m[2], m[3]].filter((a): a is string => a !== undefined).map(Number);
  const unsigned = m[4] !== undefined;
  if (unsigned && !/INT$|^DECIMAL$|^FLOAT$|^DOUBLE$/.test(spec.name))
    bad('UNSIGNED applies to numeric types only');
  if (spec.args === 'none' && args.length > 0) bad(`${spec.name} takes no arguments`);
  if (spec.args !== 'dec' && args.length > 1) bad(`${spec.name} takes one argument`);
  if (spec.args === 'req' && args.length !== 1) bad(`${spec.name} needs a length`);
  if (spec.args === 'dec') {
    const [p = 10, s = 0] = args;
    if (p < 1 || p > 65 || s > 30 || s > p)
      bad('DECIMAL precision is 1–65 and scale 0–30, at most the precision');
  }
  const lim = LIMITS[spec.name];
  if (lim && args[0] !== undefined && (args[0] < lim[0] || args[0] > lim[1]))
    bad(`${spec.name} argument must be ${lim[0]}–${lim[1]}`);
  return { name: unsigned ? `${spec.name} UNSIGNED` : spec.name, ...(args.length ? { args } : {}) };
}
