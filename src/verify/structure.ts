// Structure checks (PURE over a target read-back): every planned table, column (type, nullability,
// collation, auto_increment), primary key, unique and secondary index, foreign key and CHECK exists on the
// target as planned, and every AUTO_INCREMENT counter is past the largest value in its column.
// Invariants: type spellings are compared after MySQL/MariaDB normalisation (compare-plan.ts: bigint(20) =
// bigint, MariaDB JSON = longtext + json_valid); extra objects on the target are not problems. A CHECK
// must be enforced, except a PostgreSQL NOT VALID check on MySQL 8, which the plan adds NOT ENFORCED (see
// compare-plan.ts); a NOT VALID FK is expected to exist, and orphan rows under it are not drift.

import type { Dialect } from '../dialect/capabilities.js';
import { type DdlOp, type MigrationPlan, tableKey } from '../plan/model.js';
import { comparePlan } from '../target/mysql/compare-plan.js';
import type { TargetSchema } from '../target/mysql/introspect.js';

/** One way the target's structure differs from the plan. */
export interface StructureProblem {
  readonly table: string;
  /** `table`, `column c`, `column c type`, `index i`, `foreign key f`, `check c`, `auto_increment c`, … */
  readonly object: string;
  readonly expected: string;
  readonly actual: string;
}

/** An AUTO_INCREMENT column of the plan with the largest value found in it on the target. */
export interface AutoIncrementFact {
  readonly table: string;
  readonly column: string;
  /** MAX(column) on the target as decimal text; null for an empty table. */
  readonly max: string | null;
}

function describeMissing(op: DdlOp): StructureProblem {
  switch (op.kind) {
    case 'createTable':
      return { table: op.table, object: 'table', expected: 'present', actual: 'missing' };
    case 'addIndex':
      return {
        table: op.table,
        object: `${op.unique ? 'unique index' : 'index'} ${op.name}`,
        expected: op.parts.map((p) => `${p.column}${p.descending ? ' DESC' : ''}`).join(', '),
        actual: 'missing',
      };
    case 'addForeignKey':
      return {
        table: op.table,
        object: `foreign key ${op.name}`,
        expected: `(${op.columns.join(', ')}) → ${op.refTable}(${op.refColumns.join(', ')})${op.notValid ? ' (NOT VALID)' : ''}`,
        actual: 'missing',
      };
    case 'addCheck':
      return {
        table: op.table,
        object: `check ${op.name}`,
        expected: op.notValid ? 'present (NOT VALID: existing rows unchecked)' : 'present',
        actual: 'missing',
      };
    case 'setAutoIncrement':
      return {
        table: op.table,
        object: `auto_increment ${op.column}`,
        expected: `>= ${op.next}`,
        actual: 'lower',
      };
  }
}

/**
 * Read-backs that are the planned value, not drift: MariaDB's information_schema is utf8mb3, so a 4-byte
 * character in an ENUM label reads back as `?`; and the target read-back lower-cases COLUMN_TYPE, ENUM
 * labels included. (The data check compares the labels of every stored value byte for byte.)
 */
export function infoSchemaSpelling(expected: string, actual: string): boolean {
  if (expected === actual) return false;
  const utf8mb3 = expected.replace(/[\u{10000}-\u{10FFFF}]/gu, '?');
  return utf8mb3 === actual || (/^enum\(/i.test(expected) && utf8mb3.toLowerCase() === actual);
}

/**
 * The plan's AUTO_INCREMENT columns: `table` is the run's key for the table (tableKey); for a table in a
 * schemaMap database, `name` and `database` say where it is on the target.
 */
export function autoIncrementColumns(
  plan: MigrationPlan,
): { table: string; column: string; name?: string; database?: string }[] {
  const out: { table: string; column: string; name?: string; database?: string }[] = [];
  for (const op of plan.preData) {
    if (op.kind !== 'createTable') continue;
    const at = op.database === undefined ? {} : { name: op.table, database: op.database };
    for (const c of op.columns) if (c.autoIncrement) out.push({ table: opKey(op), column: c.name, ...at });
  }
  return out;
}

/** An op's table as the run and the read-back (introspectPlanTarget) know it. */
const opKey = (op: DdlOp): string => tableKey({ target: op.table, database: op.database });

/**
 * Everything about the target's structure that differs from the plan. `autoIncrement` gives MAX() of each
 * AUTO_INCREMENT column on the target (from autoIncrementColumns).
 */
export function checkStructure(
  plan: MigrationPlan,
  target: TargetSchema,
  dialect: Dialect,
  autoIncrement: readonly AutoIncrementFact[] = [],
): StructureProblem[] {
  const cmp = comparePlan(plan, target, dialect);
  const problems: StructureProblem[] = [];
  for (const op of cmp.missing) {
    // A table that is missing hides its indexes, keys, checks and counter: report the table once.
    if (op.kind !== 'createTable' && !target.tables.has(opKey(op))) continue;
    if (op.kind === 'setAutoIncrement') {
      const got = target.tables.get(opKey(op))?.autoIncrement ?? null;
      problems.push({
        table: op.table,
        object: `auto_increment ${op.column}`,
        expected: `>= ${op.next} (the source sequence's next value)`,
        actual: got ?? 'none',
      });
      continue;
    }
    problems.push(describeMissing(op));
  }
  for (const d of cmp.drift) if (!infoSchemaSpelling(d.expected, d.actual)) problems.push({ ...d });
  for (const f of autoIncrement) {
    if (f.max === null) continue;
    const t = target.tables.get(f.table);
    if (!t) continue;
    const next = t.autoIncrement === null ? null : BigInt(t.autoIncrement);
    const need = BigInt(f.max) + 1n;
    if (next === null || next < need) {
      problems.push({
        table: f.table,
        object: `auto_increment ${f.column}`,
        expected: `>= ${need} (max(${f.column}) + 1)`,
        actual: t.autoIncrement ?? 'none',
      });
    }
  }
  return problems;
}
