// Size estimates for MySQL/InnoDB limits the planner must respect: index key bytes (3072 per index on
// DYNAMIC row format) and the 65,535-byte row size limit that counts every VARCHAR at its full width.
// Invariants: estimates are upper bounds (utf8mb4 counts 4 bytes per character); a type that cannot be
// indexed without a prefix length (TEXT, BLOB, JSON) has key size Infinity.

import type { TargetColumn, TargetType } from './model.js';

/** MySQL's row size limit, in bytes, for all columns except the off-row part of TEXT/BLOB/JSON. */
export const MAX_ROW_BYTES = 65_535;

const FIXED: Readonly<Record<string, number>> = {
  TINYINT: 1,
  SMALLINT: 2,
  MEDIUMINT: 3,
  INT: 4,
  BIGINT: 8,
  FLOAT: 4,
  DOUBLE: 8,
  DATE: 3,
  YEAR: 1,
};
/** Bytes TEXT/BLOB/JSON columns count toward the row limit (the in-row length + pointer). */
const LOB_IN_ROW: Readonly<Record<string, number>> = {
  TINYTEXT: 9,
  TINYBLOB: 9,
  TEXT: 10,
  BLOB: 10,
  MEDIUMTEXT: 11,
  MEDIUMBLOB: 11,
  LONGTEXT: 12,
  LONGBLOB: 12,
  JSON: 12,
};
const DIGIT_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4] as const;

function digitsBytes(digits: number): number {
  return Math.floor(digits / 9) * 4 + DIGIT_BYTES[digits % 9]!;
}

/** Bytes per character of the type's charset: 1 for ascii, 4 for utf8mb4 (and when unknown). */
export function bytesPerChar(t: TargetType): number {
  return t.charset === 'ascii' ? 1 : 4;
}

/** The fixed width of a non-string value, or undefined for strings and LOBs. */
function fixedBytes(t: TargetType): number | undefined {
  const base = t.name.split(' ')[0]!;
  const a0 = t.args?.[0] ?? 0;
  if (FIXED[base] !== undefined) return FIXED[base];
  switch (base) {
    case 'DECIMAL':
      return digitsBytes(a0 - (t.args?.[1] ?? 0)) + digitsBytes(t.args?.[1] ?? 0);
    case 'TIME':
      return 3 + Math.ceil(a0 / 2);
    case 'DATETIME':
      return 5 + Math.ceil(a0 / 2);
    case 'TIMESTAMP':
      return 4 + Math.ceil(a0 / 2);
    case 'BIT':
      return Math.ceil((a0 || 1) / 8);
    case 'ENUM':
      return (t.values?.length ?? 0) > 255 ? 2 : 1;
    default:
      return undefined;
  }
}

/** Maximum bytes a value takes in an index key; Infinity for TEXT/BLOB/JSON (no prefix indexes here). */
export function keyBytes(t: TargetType): number {
  const base = t.name.split(' ')[0]!;
  if (LOB_IN_ROW[base] !== undefined) return Number.POSITIVE_INFINITY;
  const f = fixedBytes(t);
  if (f !== undefined) return f;
  const n = t.args?.[0] ?? 1;
  if (base === 'CHAR' || base === 'VARCHAR') return n * bytesPerChar(t);
  if (base === 'BINARY' || base === 'VARBINARY') return n;
  return 8;
}

/** True when MySQL can index the type without a prefix length. */
export function isIndexable(t: TargetType): boolean {
  return Number.isFinite(keyBytes(t));
}

/** Bytes the column counts toward MySQL's 65,535-byte row size limit. */
export function rowBytes(t: TargetType): number {
  const base = t.name.split(' ')[0]!;
  const lob = LOB_IN_ROW[base];
  if (lob !== undefined) return lob;
  const k = keyBytes(t);
  if (base === 'VARCHAR' || base === 'VARBINARY') return k + (k > 255 ? 2 : 1);
  return k;
}

/** Row size of a table as MySQL checks it at CREATE TABLE: column widths plus the NULL bitmap. */
export function tableRowBytes(columns: readonly TargetColumn[]): number {
  const nullable = columns.filter((c) => c.nullable).length;
  return columns.reduce((sum, c) => sum + rowBytes(c.type), 0) + Math.ceil(nullable / 8);
}

/** Key bytes of an index over these column types (sum of parts). */
export function indexKeyBytes(types: readonly TargetType[]): number {
  return types.reduce((sum, t) => sum + keyBytes(t), 0);
}
