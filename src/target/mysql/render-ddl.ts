// DdlOp → MySQL/MariaDB SQL, one small pure renderer per op kind in an exhaustive record (a new op kind
// is a compile error until it has a renderer), a batching helper (one ALTER TABLE per table run), and
// renderScript: the reviewable schema.sql. Invariants: every identifier goes through quoteIdent, every
// value through quoteString or a whitelisted fragment; every string column states CHARACTER SET and
// COLLATE (MariaDB would otherwise give it the charset's default collation); comments cannot break out.

import type { Dialect } from '../../dialect/capabilities.js';
import { MigrationError } from '../../errors.js';
import type {
  DdlOp,
  DdlOpKind,
  MigrationPlan,
  TargetColumn,
  TargetDefault,
  TargetType,
} from '../../plan/model.js';
import { checkedSqlName, quoteIdent, quoteString, quoteTable, renderFragment } from './quote.js';

type OpOf<K extends DdlOpKind> = Extract<DdlOp, { kind: K }>;
type AlterKind = Exclude<DdlOpKind, 'createTable'>;

const LOB = /^(?:TINY|MEDIUM|LONG)?(?:TEXT|BLOB)$|^JSON$/;

/** `VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin`, `ENUM('a','b') …`, `INT UNSIGNED`. */
export function renderType(t: TargetType): string {
  if (!/^[A-Z]+(?: UNSIGNED)?$/.test(t.name)) {
    throw new MigrationError('INTERNAL', `Refusing to render type name ${JSON.stringify(t.name)}.`);
  }
  const [base, ...mods] = t.name.split(' ');
  let s = base!;
  if (t.values !== undefined) s += `(${t.values.map(quoteString).join(',')})`;
  else if (t.args !== undefined && t.args.length > 0) {
    if (!t.args.every((a) => Number.isSafeInteger(a) && a >= 0)) {
      throw new MigrationError('INTERNAL', `Refusing to render type arguments ${JSON.stringify(t.args)}.`);
    }
    s += `(${t.args.join(',')})`;
  }
  if (mods.length > 0) s += ` ${mods.join(' ')}`;
  if (t.charset !== undefined) s += ` CHARACTER SET ${checkedSqlName(t.charset, 'character set')}`;
  if (t.collation !== undefined) s += ` COLLATE ${checkedSqlName(t.collation, 'collation')}`;
  return s;
}

function renderDefault(d: TargetDefault, t: TargetType): string {
  switch (d.kind) {
    case 'current_timestamp':
      return d.fsp > 0 ? `DEFAULT CURRENT_TIMESTAMP(${Number(d.fsp)})` : 'DEFAULT CURRENT_TIMESTAMP';
    case 'expression':
      return `DEFAULT (${renderFragment(d.sql)})`;
    case 'literal':
      // MySQL 8 takes only expression defaults on TEXT, BLOB and JSON columns.
      return LOB.test(t.name) ? `DEFAULT (${renderFragment(d.sql)})` : `DEFAULT ${renderFragment(d.sql)}`;
  }
}

/** One column definition as it appears inside CREATE TABLE. */
export function renderColumn(c: TargetColumn): string {
  const parts = [quoteIdent(c.name), renderType(c.type)];
  // MariaDB accepts no NULL / NOT NULL after a generated column's expression.
  if (c.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${renderFragment(c.generated)}) STORED`);
  else parts.push(c.nullable ? 'NULL' : 'NOT NULL');
  if (c.default !== undefined && c.generated === undefined) parts.push(renderDefault(c.default, c.type));
  if (c.autoIncrement) parts.push('AUTO_INCREMENT');
  if (c.comment !== undefined) parts.push(`COMMENT ${quoteString(c.comment)}`);
  return parts.join(' ');
}

const list = (names: readonly string[]): string => names.map(quoteIdent).join(', ');

function createTable(op: OpOf<'createTable'>, dialect: Dialect): string {
  const lines = op.columns.map(renderColumn);
  if (op.primaryKey) lines.push(`PRIMARY KEY (${list(op.primaryKey.columns)})`);
  for (const k of op.uniqueKeys ?? []) lines.push(`UNIQUE KEY ${quoteIdent(k.name)} (${list(k.columns)})`);
  const options = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${checkedSqlName(dialect.keyCollation, 'collation')}`;
  const comment = op.comment !== undefined ? ` COMMENT=${quoteString(op.comment)}` : '';
  return `CREATE TABLE ${quoteTable(op.table, op.database)} (\n  ${lines.join(',\n  ')}\n) ${options}${comment}`;
}

const FK_ACTIONS = {
  'NO ACTION': 'NO ACTION',
  RESTRICT: 'RESTRICT',
  CASCADE: 'CASCADE',
  'SET NULL': 'SET NULL',
  'SET DEFAULT': 'SET DEFAULT',
} as const;

/** The clause an op contributes to `ALTER TABLE t …`; one renderer per kind. */
const ALTER_CLAUSES: { readonly [K in AlterKind]: (op: OpOf<K>, dialect: Dialect) => string } = {
  addIndex: (op) =>
    `ADD ${op.unique ? 'UNIQUE INDEX' : 'INDEX'} ${quoteIdent(op.name)} (${op.parts
      .map((p) => quoteIdent(p.column) + (p.descending ? ' DESC' : ''))
      .join(', ')})`,
  addForeignKey: (op) =>
    `ADD CONSTRAINT ${quoteIdent(op.name)} FOREIGN KEY (${list(op.columns)}) REFERENCES ${quoteTable(op.refTable, op.refDatabase)} (${list(
      op.refColumns,
    )}) ON DELETE ${FK_ACTIONS[op.onDelete]} ON UPDATE ${FK_ACTIONS[op.onUpdate]}`,
  // A NOT VALID check on MySQL 8 can only be added NOT ENFORCED (ADD CHECK would evaluate every row).
  addCheck: (op, dialect) =>
    `ADD CONSTRAINT ${quoteIdent(op.name)} CHECK (${renderFragment(op.expression)})${
      op.notValid && dialect.uncheckedCheck === 'not-enforced' ? ' NOT ENFORCED' : ''
    }`,
  setAutoIncrement: (op) => {
    if (!/^[1-9]\d*$/.test(op.next))
      throw new MigrationError('INTERNAL', `Bad AUTO_INCREMENT value ${JSON.stringify(op.next)}.`);
    return `AUTO_INCREMENT = ${op.next}`;
  },
};

const alter =
  <K extends AlterKind>(kind: K) =>
  (op: OpOf<K>, dialect: Dialect): string =>
    `ALTER TABLE ${quoteTable((op as DdlOp).table, (op as DdlOp).database)} ${ALTER_CLAUSES[kind](op, dialect)}`;

/** Statement renderers, one per op kind. Missing a kind here is a compile error. */
const RENDERERS: { readonly [K in DdlOpKind]: (op: OpOf<K>, dialect: Dialect) => string } = {
  createTable,
  addIndex: alter('addIndex'),
  addForeignKey: alter('addForeignKey'),
  addCheck: alter('addCheck'),
  setAutoIncrement: alter('setAutoIncrement'),
};

/** One DdlOp as one SQL statement (no trailing semicolon). */
export function renderOp(op: DdlOp, dialect: Dialect): string {
  return (RENDERERS[op.kind] as (o: DdlOp, d: Dialect) => string)(op, dialect);
}

/**
 * Render ops as statements, merging each run of consecutive ALTER ops on the same table into one
 * `ALTER TABLE t clause, clause, …` (InnoDB then rebuilds or scans the table once). Order is kept.
 */
export function renderTableOps(ops: readonly DdlOp[], dialect: Dialect): string[] {
  const out: string[] = [];
  let table: string | undefined;
  let clauses: string[] = [];
  const flush = () => {
    if (table !== undefined && clauses.length > 0)
      out.push(`ALTER TABLE ${table}\n  ${clauses.join(',\n  ')}`);
    table = undefined;
    clauses = [];
  };
  for (const op of ops) {
    if (op.kind === 'createTable') {
      flush();
      out.push(renderOp(op, dialect));
      continue;
    }
    const quoted = quoteTable(op.table, op.database);
    if (quoted !== table) flush();
    table = quoted;
    clauses.push((ALTER_CLAUSES[op.kind] as (o: DdlOp, d: Dialect) => string)(op, dialect));
  }
  flush();
  return out;
}

/** True for an op that must be added without checking the rows already there (PostgreSQL NOT VALID). */
export function isNotValidOp(op: DdlOp): boolean {
  return (op.kind === 'addCheck' || op.kind === 'addForeignKey') && op.notValid === true;
}

/**
 * Session settings around NOT VALID ops, so existing rows are not checked while new rows still are:
 * foreign_key_checks=0 for foreign keys (both dialects), check_constraint_checks=0 for CHECKs on MariaDB
 * (MySQL 8 renders them NOT ENFORCED instead). `after` restores the defaults. Empty when nothing is needed.
 */
export function uncheckedSession(
  ops: readonly DdlOp[],
  dialect: Dialect,
): { before: string[]; after: string[] } {
  const vars: string[] = [];
  if (ops.some((o) => o.kind === 'addForeignKey' && o.notValid)) vars.push('foreign_key_checks');
  if (dialect.uncheckedCheck === 'session' && ops.some((o) => o.kind === 'addCheck' && o.notValid))
    vars.push('check_constraint_checks');
  return {
    before: vars.map((v) => `SET SESSION ${v} = 0`),
    after: vars.map((v) => `SET SESSION ${v} = 1`),
  };
}

/** Text for a `-- ` comment line: no line breaks, no `*\/`, no control characters. */
export function commentText(text: string): string {
  return text
    .replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replaceAll('*/', '* /');
}

const DIALECT_TITLE: Readonly<Record<Dialect['name'], string>> = { mysql8: 'MySQL 8', mariadb: 'MariaDB' };

/**
 * A reviewable schema.sql for the plan: header, decisions, lossy mappings, warnings, renames and
 * not-converted objects as comments, then the pre-data and post-data statements. Deterministic.
 */
export function renderScript(plan: MigrationPlan, dialect: Dialect): string {
  if (plan.dialect !== dialect.name) {
    throw new MigrationError('INTERNAL', `The plan is for ${plan.dialect}, not ${dialect.name}.`);
  }
  const c = (s: string) => `-- ${commentText(s)}`.trimEnd();
  const section = (title: string, rows: readonly string[]) =>
    rows.length === 0 ? [] : ['--', c(`${title}:`), ...rows.map((r) => c(`  ${r}`))];
  const losses = plan.tables.flatMap((t) =>
    t.columns
      .filter((col) => col.loss !== undefined)
      .map(
        (col) =>
          `${t.source.schema}.${t.source.name}.${col.source} (${col.sourceType} → rule ${col.ruleId}): ${col.loss}`,
      ),
  );
  const lines = [
    c(`pg2my schema for ${DIALECT_TITLE[dialect.name]} (${dialect.name})`),
    c(`Plan fingerprint: ${plan.fingerprint}`),
    c(`${plan.tables.length} tables; review the decisions and everything not converted before applying.`),
    ...section(
      'Other databases (schemaMap; create each first, e.g. CREATE DATABASE name CHARACTER SET utf8mb4)',
      [...new Set(plan.tables.flatMap((t) => (t.database === undefined ? [] : [t.database])))].sort(),
    ),
    ...section(
      'Decisions',
      plan.decisions.map(
        (d) => `${d.column}: ${d.key} = ${d.choice} (${d.source}, rule ${d.ruleId}): ${d.note}`,
      ),
    ),
    ...section('Lossy mappings', losses),
    ...section(
      'Warnings',
      plan.warnings.map((w) => `${w.code} ${w.object}: ${w.message}`),
    ),
    ...section(
      'Renamed',
      plan.renamed.map((r) => `${r.kind} in ${r.scope}: ${r.from} → ${r.to}`),
    ),
    ...section(
      'Not converted',
      plan.notConverted.map((n) => `${n.kind} ${n.schema}.${n.name}: ${n.reason}`),
    ),
    '',
    'SET NAMES utf8mb4;',
    '',
    c('Pre-data: tables with their primary keys'),
    '',
    ...plan.preData.flatMap((op) => [`${renderOp(op, dialect)};`, '']),
    c('Post-data: indexes, then foreign keys, CHECK constraints and AUTO_INCREMENT counters'),
    '',
    ...renderTableOps(
      plan.postData.filter((o) => !isNotValidOp(o)),
      dialect,
    ).flatMap((s) => [`${s};`, '']),
    ...notValidBlock(plan.postData.filter(isNotValidOp), dialect),
  ];
  return lines.join('\n');
}

/** The NOT VALID constraints of the script, between the session settings that skip checking existing rows. */
function notValidBlock(ops: readonly DdlOp[], dialect: Dialect): string[] {
  if (ops.length === 0) return [];
  const { before, after } = uncheckedSession(ops, dialect);
  return [
    `-- ${commentText('NOT VALID in PostgreSQL: added without checking the rows already there (see the NOT_VALID_CONSTRAINT warnings)')}`,
    ...before.map((s) => `${s};`),
    '',
    ...renderTableOps(ops, dialect).flatMap((s) => [`${s};`, '']),
    ...after.map((s) => `${s};`),
    '',
  ];
}
