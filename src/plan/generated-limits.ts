// Where MySQL 8 / MariaDB refuse a STORED generated column that PostgreSQL accepts: per source column of one
// table, why a generated expression may not be (or read) that column on the target; and whether an expression's
// result fits the planned column type. map-column.ts keeps a column that fails either as copied plain values
// (NotConverted) instead of emitting DDL the target would reject or values it would compute differently.
// Invariants: pure (catalog in, reasons out); a column absent from the result has no known target limit.
// Measured on MariaDB 10.11; MySQL 8 from its manual (create-table-generated-columns, FK restrictions).

import type { FkAction, Table } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import type { SqlFragment, TargetType } from './model.js';
import { type ExprKind, KIND_TYPES } from './translate-expr.js';

const CHANGES: ReadonlySet<FkAction> = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT']);
const NULLS: ReadonlySet<FkAction> = new Set(['SET NULL', 'SET DEFAULT']);

/** Why a generated column may not be this column (`self`) or read it (`base`), by source column name. */
export interface GeneratedLimits {
  /** The column itself cannot be a STORED generated column on the target. */
  readonly self: ReadonlyMap<string, string>;
  /** A generated expression cannot read this column on the target. */
  readonly base: ReadonlyMap<string, string>;
}

/** The target's limits on stored generated columns for table `t`. */
export function generatedLimits(t: Table, dialect: Dialect): GeneratedLimits {
  const self = new Map<string, string>();
  const base = new Map<string, string>();
  for (const c of t.primaryKey?.columns ?? [])
    self.set(c, 'is in the primary key (MariaDB error 1903; and the copy keys chunks by its source values)');
  for (const fk of t.foreignKeys) {
    const actions = `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
    // Both dialects refuse these on the generated column itself (MariaDB 1905) and on a column it reads
    // (MariaDB: "cannot be used in the GENERATED ALWAYS AS clause"; MySQL 8 manual).
    const refused = CHANGES.has(fk.onUpdate) || NULLS.has(fk.onDelete);
    // MySQL 8 also refuses ON DELETE CASCADE on a base column; MariaDB 10.11 accepts it (measured).
    const baseRefused = refused || (dialect.name === 'mysql8' && fk.onDelete === 'CASCADE');
    for (const c of fk.columns) {
      if (refused && !self.has(c))
        self.set(
          c,
          `is in foreign key ${fk.name} (${actions}), which ${dialect.name} refuses on a generated column`,
        );
      if (baseRefused && !base.has(c))
        base.set(
          c,
          `reads ${c}, which is in foreign key ${fk.name} (${actions}); ${dialect.name} refuses that action on a column a stored generated column reads`,
        );
    }
  }
  for (const c of t.columns) {
    if (c.type.name === 'bpchar' && !c.type.array && !base.has(c.name))
      base.set(
        c.name,
        `reads ${c.name}, a char(n) column: its value in an expression depends on sql_mode PAD_CHAR_TO_FULL_LENGTH, so MariaDB refuses it in a stored generated column`,
      );
  }
  return { self, base };
}

/**
 * The generated expression as the target column must hold it, or why it cannot: the result kind must suit
 * the planned target type. A numeric result is rounded to the column's scale with ROUND (half away from zero,
 * as PostgreSQL's numeric assignment does), because MySQL would otherwise round it with a 1265 warning that
 * the copy treats as a changed value.
 */
export function fitGenerated(
  sql: SqlFragment,
  kind: ExprKind,
  type: TargetType,
): { readonly sql: SqlFragment } | { readonly reason: string } {
  if (kind === 'null') return { sql };
  if (kind === 'num' && type.name === 'DECIMAL')
    return { sql: ['ROUND(', ...sql, `, ${type.args?.[1] ?? 0})`] };
  if (kind === 'num' && KIND_TYPES.int!.has(type.name)) return { sql: ['ROUND(', ...sql, ', 0)'] };
  if (kind === 'int' && (KIND_TYPES.int!.has(type.name) || type.name === 'DECIMAL')) return { sql };
  const family = kind === 'unknown' ? KIND_TYPES.text : KIND_TYPES[kind];
  if (family?.has(type.name) && kind !== 'num') return { sql };
  return { reason: `gives a ${kind} value, which the target column type ${type.name} would convert` };
}
