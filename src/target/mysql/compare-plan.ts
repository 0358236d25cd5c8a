// Compares a plan with a target read back from information_schema (PURE). Gives the ops still missing
// (what `schema --apply` runs, and what convergence requires to be empty) and the drift: objects that exist
// but differ from the plan (never altered automatically — a user's table is not ours to rewrite).
// Invariant: type spellings are compared after normalisation, so MySQL 8 and MariaDB read-backs both match.

import type { Dialect } from '../../dialect/capabilities.js';
import { MYSQL_STRING_TYPES } from '../../dialect/type-families.js';
import {
  type DdlOp,
  type MigrationPlan,
  type TargetColumn,
  type TargetType,
  tableKey,
} from '../../plan/model.js';
import type { TargetSchema, TargetTableInfo } from './introspect.js';

export interface Drift {
  readonly table: string;
  readonly object: string;
  readonly expected: string;
  readonly actual: string;
}

export interface PlanComparison {
  /** Ops whose object does not exist on the target, in plan order (pre-data first). */
  readonly missing: readonly DdlOp[];
  readonly drift: readonly Drift[];
}

function quoteLabel(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The normalised information_schema COLUMN_TYPE a planned type reads back as on this dialect. */
export function expectedColumnType(t: TargetType, dialect: Dialect): string {
  const name = t.name.toLowerCase();
  if (name === 'json' && !dialect.jsonIsBinary) return 'longtext';
  if (name === 'enum') return `enum(${(t.values ?? []).map(quoteLabel).join(',')})`;
  const args = t.args && t.args.length > 0 ? `(${t.args.join(',')})` : '';
  const base = `${name}${args}`;
  return base.replace(/^(datetime|timestamp|time)\(0\)$/, '$1');
}

/** The collation a planned column reads back with (null for non-string columns). */
export function expectedCollation(t: TargetType, dialect: Dialect): string | null {
  if (t.name.toUpperCase() === 'JSON') return dialect.jsonIsBinary ? null : 'utf8mb4_bin';
  if (!MYSQL_STRING_TYPES.has(t.name.toUpperCase())) return null;
  return t.collation ?? null;
}

/**
 * MariaDB keeps table metadata in utf8mb3, so information_schema shows characters outside the BMP (emoji in
 * ENUM labels) as `?`. Such a read-back is the planned value, not drift; verify compares the data itself.
 */
function sameButForSupplementary(expected: string, actual: string): boolean {
  return expected.replace(/[\u{10000}-\u{10FFFF}]/gu, '?') === actual;
}

function compareColumn(
  table: string,
  want: TargetColumn,
  got: TargetTableInfo['columns'][number] | undefined,
  dialect: Dialect,
  drift: Drift[],
): void {
  const obj = `column ${want.name}`;
  if (!got) {
    drift.push({ table, object: obj, expected: 'present', actual: 'missing' });
    return;
  }
  const wantType = expectedColumnType(want.type, dialect);
  if (wantType !== got.type && !sameButForSupplementary(wantType, got.type))
    drift.push({ table, object: `${obj} type`, expected: wantType, actual: got.type });
  if (want.nullable !== got.nullable) {
    drift.push({
      table,
      object: `${obj} nullability`,
      expected: want.nullable ? 'NULL' : 'NOT NULL',
      actual: got.nullable ? 'NULL' : 'NOT NULL',
    });
  }
  const wantColl = expectedCollation(want.type, dialect);
  if (wantColl !== null && got.collation !== wantColl) {
    drift.push({ table, object: `${obj} collation`, expected: wantColl, actual: String(got.collation) });
  }
  if (want.autoIncrement !== got.autoIncrement) {
    drift.push({
      table,
      object: `${obj} auto_increment`,
      expected: String(want.autoIncrement),
      actual: String(got.autoIncrement),
    });
  }
  // The copy skips a generated column and writes a plain one, so either mismatch breaks it.
  const wantGenerated = want.generated !== undefined;
  if (wantGenerated !== got.generated) {
    drift.push({
      table,
      object: `${obj} generated`,
      expected: wantGenerated ? 'stored generated' : 'plain',
      actual: got.generated ? 'generated' : 'plain',
    });
  }
}

function sameIndex(
  op: Extract<DdlOp, { kind: 'addIndex' }>,
  got: TargetTableInfo['indexes'][number],
): boolean {
  return (
    op.unique === got.unique &&
    op.parts.length === got.parts.length &&
    op.parts.every(
      (p, i) =>
        got.parts[i]?.column === p.column &&
        got.parts[i]?.descending === p.descending &&
        got.parts[i]?.subPart === null,
    )
  );
}

/** What of `plan` is missing or different on `target`. */
export function comparePlan(plan: MigrationPlan, target: TargetSchema, dialect: Dialect): PlanComparison {
  const missing: DdlOp[] = [];
  const drift: Drift[] = [];
  for (const op of [...plan.preData, ...plan.postData]) {
    const key = tableKey({ target: op.table, database: op.database });
    const t = target.tables.get(key);
    switch (op.kind) {
      case 'createTable': {
        if (!t) {
          missing.push(op);
          break;
        }
        for (const c of op.columns)
          compareColumn(
            key,
            c,
            t.columns.find((x) => x.name === c.name),
            dialect,
            drift,
          );
        const extra = t.columns.filter((x) => !op.columns.some((c) => c.name === x.name));
        for (const x of extra)
          drift.push({ table: key, object: `column ${x.name}`, expected: 'absent', actual: 'present' });
        const wantPk = (op.primaryKey?.columns ?? []).join(',');
        if (wantPk !== t.primaryKey.join(','))
          drift.push({
            table: key,
            object: 'primary key',
            expected: wantPk,
            actual: t.primaryKey.join(','),
          });
        break;
      }
      case 'addIndex': {
        const got = t?.indexes.find((i) => i.name === op.name);
        if (!got) missing.push(op);
        else if (!sameIndex(op, got))
          drift.push({
            table: key,
            object: `index ${op.name}`,
            expected: op.parts.map((p) => p.column).join(','),
            actual: got.parts.map((p) => p.column).join(','),
          });
        break;
      }
      case 'addForeignKey': {
        const got = t?.foreignKeys.find((f) => f.name === op.name);
        if (!got) missing.push(op);
        else if (
          got.columns.join(',') !== op.columns.join(',') ||
          got.refTable !== op.refTable ||
          got.refColumns.join(',') !== op.refColumns.join(',')
        ) {
          drift.push({
            table: key,
            object: `foreign key ${op.name}`,
            expected: `${op.columns} → ${op.refTable}(${op.refColumns})`,
            actual: `${got.columns} → ${got.refTable}(${got.refColumns})`,
          });
        }
        break;
      }
      case 'addCheck': {
        const got = t?.checks.find((c) => c.name === op.name);
        if (!got) missing.push(op);
        // NOT ENFORCED is the plan for a NOT VALID check on MySQL 8; for any other check it is drift.
        else if (got.enforced === false && !(op.notValid && dialect.uncheckedCheck === 'not-enforced'))
          drift.push({
            table: key,
            object: `check ${op.name}`,
            expected: 'ENFORCED',
            actual: 'NOT ENFORCED',
          });
        break;
      }
      case 'setAutoIncrement': {
        // information_schema reports the next value; lower than planned means it still has to be raised.
        const current = t?.autoIncrement ? BigInt(t.autoIncrement) : 0n;
        if (!t || current < BigInt(op.next)) missing.push(op);
        break;
      }
    }
  }
  return { missing, drift };
}
