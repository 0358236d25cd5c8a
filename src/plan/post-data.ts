// Post-data planning: which PostgreSQL indexes, unique constraints, foreign keys and CHECKs become MySQL
// DdlOps, which become NotConverted (with the reason in plain words), and the AUTO_INCREMENT column and
// its next value. Used by plan.ts; split out to keep each file readable.
// Invariants: nothing is dropped silently — every skipped object yields a NotConverted entry, and every
// skipped UNIQUE (a semantic change) also a warning; names go through the NameScopes for their namespace.

import {
  type Catalog,
  type FkAction,
  type ForeignKey,
  type NotConverted,
  type NotConvertedKind,
  qualified,
  type Table,
} from '../catalog/model.js';
import { PG_INT_TYPES } from '../catalog/type-families.js';
import type { Dialect } from '../dialect/capabilities.js';
import { MigrationError } from '../errors.js';
import { indexKeyBytes, isIndexable } from './index-bytes.js';
import type { DdlOp, PlanWarning, RenamedIdentifier, TargetColumn, TargetType } from './model.js';
import type { NameScope } from './names.js';
import type { PlanOptions } from './options.js';
import { isSequenceColumn } from './rules.js';
import { type ExprColumn, translateExpr } from './translate-expr.js';

/** Shared, append-only output of one buildPlan run. */
export interface Builder {
  readonly catalog: Catalog;
  readonly dialect: Dialect;
  readonly options: PlanOptions;
  readonly warnings: PlanWarning[];
  readonly notConverted: NotConverted[];
  readonly renamed: RenamedIdentifier[];
  /** FK and CHECK constraint names: one namespace per database in MySQL. */
  readonly constraintNames: NameScope;
}

/** A UNIQUE constraint or index as the planner sees it; `skip` when it will not be converted. */
export interface IndexCandidate {
  readonly source: string;
  readonly unique: boolean;
  readonly parts: readonly { readonly column: string; readonly descending: boolean }[];
  readonly skip?: { readonly kind: NotConvertedKind; readonly reason: string };
}

/** The table's AUTO_INCREMENT column, and the UNIQUE key it leads when that is not the primary key. */
export interface AutoIncrementChoice {
  readonly column: string;
  /** Set when the column leads a unique key rather than the primary key: created with the table. */
  readonly uniqueKey?: IndexCandidate;
}

/** One planned table, as post-data planning needs it. */
export interface TableState {
  readonly table: Table;
  readonly target: string;
  /** Target database from schemaMap; absent = the target URL's database. */
  readonly database?: string;
  /** Source column name → target column name. */
  readonly colNames: ReadonlyMap<string, string>;
  /** Source column name → mapped target column. */
  readonly columns: ReadonlyMap<string, TargetColumn>;
  readonly candidates: readonly IndexCandidate[];
  readonly autoIncrement?: AutoIncrementChoice;
  readonly exprColumns: ReadonlyMap<string, ExprColumn>;
  readonly indexNames: NameScope;
}

const METHOD_REASON: Readonly<Record<string, string>> = {
  gin: 'MySQL has no GIN indexes (for tsvector, add a FULLTEXT index by hand; for jsonb, a multi-valued index on MySQL 8)',
  gist: 'MySQL has no GiST indexes',
  spgist: 'MySQL has no SP-GiST indexes',
  brin: 'MySQL has no BRIN indexes',
  hash: 'InnoDB has no hash indexes; a plain index serves the same equality lookups (create it by hand)',
};
const UNIQUE_LOST = 'uniqueness is NOT enforced on MySQL';

function notNull(t: Table, column: string): boolean {
  const c = t.columns.find((x) => x.name === column);
  return c !== undefined && (!c.nullable || (c.type.domain?.notNull ?? false));
}

/** Structural view of a table's unique constraints and (non-constraint) indexes, in catalog order. */
export function analyseIndexes(t: Table): IndexCandidate[] {
  const out: IndexCandidate[] = [];
  for (const u of t.uniques) {
    const parts = u.columns.map((column) => ({ column, descending: false }));
    const nullable = u.columns.some((c) => !notNull(t, c));
    const skip = {
      kind: 'unique constraint' as const,
      reason: `UNIQUE NULLS NOT DISTINCT: MySQL unique indexes always allow several NULLs, so rows PostgreSQL rejects would be accepted; ${UNIQUE_LOST}`,
    };
    out.push({ source: u.name, unique: true, parts, ...(u.nullsNotDistinct && nullable ? { skip } : {}) });
  }
  for (const ix of t.indexes) {
    if (ix.backsConstraint) continue;
    const parts = ix.columns.flatMap((c) =>
      c.column === undefined ? [] : [{ column: c.column, descending: c.descending }],
    );
    const semantic = ix.unique
      ? `; a full UNIQUE index would reject rows PostgreSQL accepts, so ${UNIQUE_LOST}`
      : '';
    const expr = ix.columns.find((c) => c.column === undefined)?.expression;
    let skip: IndexCandidate['skip'];
    if (ix.method !== 'btree')
      skip = {
        kind: 'index method',
        reason: `${ix.method} index: ${METHOD_REASON[ix.method] ?? `MySQL has no ${ix.method} indexes`}${semantic}`,
      };
    else if (ix.predicate !== undefined)
      skip = {
        kind: 'partial index',
        reason: `partial index (WHERE ${ix.predicate}): MySQL has no partial indexes${semantic || '; create a full index by hand if queries need one'}`,
      };
    else if (expr !== undefined)
      skip = {
        kind: 'expression index',
        reason: `expression key part (${expr}) is not translated; MySQL 8.0.13+ functional key parts can be added by hand${semantic}`,
      };
    out.push({ source: ix.name, unique: ix.unique, parts, ...(skip ? { skip } : {}) });
  }
  return out;
}

const ACTIONS_CHANGING_ROWS = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT']);
const OUTSIDE_BMP = /[\u{10000}-\u{10FFFF}]/u;

/**
 * Key columns (PK, converted UNIQUE, FK on either side) and indexed columns (in any converted index) by
 * qualified table name: key columns get the key collation, both need indexable types.
 */
export function keyColumnSets(catalog: Catalog, candidates: ReadonlyMap<string, readonly IndexCandidate[]>) {
  const key = new Map<string, Set<string>>();
  const indexed = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, table: string, cols: readonly string[]) => {
    const s = m.get(table) ?? new Set<string>();
    for (const c of cols) s.add(c);
    m.set(table, s);
  };
  for (const t of catalog.tables) {
    const q = qualified(t);
    add(key, q, t.primaryKey?.columns ?? []);
    for (const c of candidates.get(q) ?? []) {
      if (!c.skip)
        add(
          c.unique ? key : indexed,
          q,
          c.parts.map((p) => p.column),
        );
    }
    for (const fk of t.foreignKeys) {
      if (fk.onDelete === 'SET DEFAULT' || fk.onUpdate === 'SET DEFAULT') continue;
      add(key, q, fk.columns);
      add(key, qualified(fk.references), fk.references.columns);
    }
  }
  return { key, indexed };
}

/**
 * The table's AUTO_INCREMENT column: a serial/identity integer column that leads the primary key, else one
 * that leads a converted UNIQUE. MySQL allows one per table; the others get a warning.
 */
export function chooseAutoIncrement(
  t: Table,
  candidates: readonly IndexCandidate[],
  b: Builder,
): AutoIncrementChoice | undefined {
  const seq = t.columns.filter(
    (c) => isSequenceColumn(c) && !c.type.array && PG_INT_TYPES.has(c.type.name) && c.generated === undefined,
  );
  let choice: AutoIncrementChoice | undefined;
  const pkFirst = t.primaryKey?.columns[0];
  if (pkFirst !== undefined && seq.some((c) => c.name === pkFirst)) choice = { column: pkFirst };
  // A nullable column cannot be AUTO_INCREMENT: MySQL stores a generated value for every NULL written to it.
  for (const c of seq) {
    if (choice) break;
    const u = candidates.find((x) => !x.skip && x.unique && x.parts[0]?.column === c.name);
    if (u && notNull(t, c.name)) choice = { column: c.name, uniqueKey: u };
  }
  for (const c of seq) {
    if (c.name === choice?.column) continue;
    b.warnings.push({
      code: 'AUTO_INCREMENT_NOT_POSSIBLE',
      object: `${qualified(t)}.${c.name}`,
      message: notNull(t, c.name)
        ? `filled from a sequence in PostgreSQL, but MySQL allows one AUTO_INCREMENT column per table and it must lead the primary key or a unique key; the values are copied, new rows need an explicit value`
        : `filled from a sequence in PostgreSQL, but it allows NULL, and MySQL would replace every NULL in an AUTO_INCREMENT column by a generated value; the values are copied as they are, new rows need an explicit value`,
    });
  }
  return choice;
}

function nc(b: Builder, kind: NotConvertedKind, t: Table, object: string, reason: string): void {
  b.notConverted.push({ kind, schema: t.schema, name: `${t.name}.${object}`, reason });
}

/** addIndex ops for a table (unique first, then the rest) and the unique keys CREATE TABLE must carry. */
export function indexOps(
  s: TableState,
  b: Builder,
): { ops: DdlOp[]; createKeys: { name: string; columns: string[] }[] } {
  const t = s.table;
  const ops: DdlOp[] = [];
  const createKeys: { name: string; columns: string[] }[] = [];
  const ordered = [...s.candidates.filter((c) => c.unique), ...s.candidates.filter((c) => !c.unique)];
  for (const c of ordered) {
    const warnUnique = (reason: string) => {
      if (c.unique)
        b.warnings.push({
          code: 'UNIQUE_NOT_ENFORCED',
          object: `${qualified(t)}.${c.source}`,
          message: reason,
        });
    };
    if (c.skip) {
      nc(b, c.skip.kind, t, c.source, c.skip.reason);
      warnUnique(c.skip.reason);
      continue;
    }
    const types = c.parts.map((p) => s.columns.get(p.column)!.type);
    const bad = c.parts.find((_p, i) => !isIndexable(types[i]!));
    if (bad) {
      const type = s.columns.get(bad.column)!.type.name;
      const reason = `column ${bad.column} maps to ${type}, which MySQL cannot index without a prefix length${c.unique ? `; ${UNIQUE_LOST}` : ''}; set columns["${qualified(t)}.${bad.column}"].type to an indexable type to keep it`;
      nc(b, 'index', t, c.source, reason);
      warnUnique(reason);
      continue;
    }
    const name = s.indexNames.claim(c.source);
    warnKeyBytes(b, `${qualified(t)}.${c.source}`, types);
    const columns = c.parts.map((p) => s.colNames.get(p.column)!);
    if (c === s.autoIncrement?.uniqueKey) createKeys.push({ name, columns });
    else {
      const parts = c.parts.map((p) => ({ column: s.colNames.get(p.column)!, descending: p.descending }));
      ops.push({ kind: 'addIndex', table: s.target, name, unique: c.unique, parts });
    }
  }
  return { ops, createKeys };
}

/** Warn (INDEX_KEY_TOO_LONG) when an index over these types passes the dialect's key limit. */
export function warnKeyBytes(b: Builder, object: string, types: readonly TargetType[]): void {
  const bytes = indexKeyBytes(types);
  if (bytes > b.dialect.maxIndexKeyBytes) {
    b.warnings.push({
      code: 'INDEX_KEY_TOO_LONG',
      object,
      message: `the index key needs up to ${bytes} bytes (utf8mb4 counts 4 per character); MySQL allows ${b.dialect.maxIndexKeyBytes}, so creating it will fail — shorten the columns with columns["…"].type`,
    });
  }
}

/**
 * Whether InnoDB joins the two types in a foreign key: character strings (CHAR or VARCHAR, any length) of
 * one charset and collation, binary strings of any length, else the same type and arguments (MariaDB 10.11
 * measured: CHAR(5) → VARCHAR(10) is accepted, INT → BIGINT is not).
 */
const sameType = (a: TargetType, c: TargetType): boolean => {
  const chars = ['CHAR', 'VARCHAR'];
  const bytes = ['BINARY', 'VARBINARY'];
  if (chars.includes(a.name) && chars.includes(c.name))
    return a.charset === c.charset && a.collation === c.collation;
  if (bytes.includes(a.name) && bytes.includes(c.name)) return true;
  return a.name === c.name && JSON.stringify(a.args ?? []) === JSON.stringify(c.args ?? []);
};

/** FKs, CHECKs (table and domain) and setAutoIncrement ops for one table. */
export function constraintOps(s: TableState, states: ReadonlyMap<string, TableState>, b: Builder): DdlOp[] {
  const t = s.table;
  const ops: DdlOp[] = [];
  const actionColumns = new Set<string>();
  for (const fk of t.foreignKeys) {
    const ref = states.get(qualified(fk.references));
    const setDefault =
      fk.onDelete === 'SET DEFAULT' ? 'DELETE' : fk.onUpdate === 'SET DEFAULT' ? 'UPDATE' : undefined;
    const cols = fk.columns.map((c) => s.columns.get(c));
    const refCols = fk.references.columns.map((c) => ref?.columns.get(c));
    if (!ref) {
      nc(
        b,
        'foreign key',
        t,
        fk.name,
        `references ${qualified(fk.references)}, which is not part of this migration`,
      );
      continue;
    }
    if (setDefault) {
      nc(
        b,
        'foreign key',
        t,
        fk.name,
        `ON ${setDefault} SET DEFAULT: InnoDB rejects SET DEFAULT actions, so the reference is not enforced on MySQL; change the action in PostgreSQL or enforce it by hand`,
      );
      continue;
    }
    if ([...cols, ...refCols].some((c) => !c || !isIndexable(c.type))) {
      nc(
        b,
        'foreign key',
        t,
        fk.name,
        'a column of the key maps to a type MySQL cannot index (TEXT/BLOB/JSON), so the reference is not enforced on MySQL',
      );
      continue;
    }
    if (fk.deferrable) {
      b.warnings.push({
        code: 'FK_DEFERRABLE',
        object: `${qualified(t)}.${fk.name}`,
        message:
          'DEFERRABLE in PostgreSQL; MySQL checks foreign keys immediately, so a transaction that relies on deferral fails',
      });
    }
    cols.forEach((c, i) => {
      if (!sameType(c!.type, refCols[i]!.type)) refuseFkTypes(t, fk, i, c!.type, ref, refCols[i]!.type);
    });
    const { onDelete, onUpdate } = fkActions(t, fk, b);
    if (ACTIONS_CHANGING_ROWS.has(onDelete) || ACTIONS_CHANGING_ROWS.has(onUpdate))
      for (const c of fk.columns) actionColumns.add(c);
    const order = keyOrder(ref, fk.references.columns);
    ops.push({
      kind: 'addForeignKey',
      table: s.target,
      name: b.constraintNames.claim(fk.name, 'foreignKey'),
      columns: order.map((i) => s.colNames.get(fk.columns[i]!)!),
      refTable: ref.target,
      ...(ref.database !== undefined ? { refDatabase: ref.database } : {}),
      refColumns: order.map((i) => ref.colNames.get(fk.references.columns[i]!)!),
      onDelete,
      onUpdate,
      ...(fk.notValid ? { notValid: true } : {}),
    });
    if (fk.notValid) warnNotValid(b, `${qualified(t)}.${fk.name}`, 'foreign key');
  }
  const check = (
    name: string,
    object: string,
    expression: string,
    valueColumn?: string,
    notValid = false,
  ) => {
    const tr = translateExpr(expression, {
      columns: s.exprColumns,
      boolean: true,
      ...(valueColumn ? { valueColumn } : {}),
    });
    let why: string | undefined;
    if (!tr.ok) why = `not translated: ${tr.reason}`;
    else if (s.autoIncrement && tr.columns.includes(s.autoIncrement.column))
      why = 'MySQL does not allow a CHECK on an AUTO_INCREMENT column (error 3818)';
    else if (tr.columns.some((c) => actionColumns.has(c)))
      why =
        'MySQL does not allow a CHECK on a column that a foreign key action (CASCADE / SET NULL) changes (error 3823)';
    if (why !== undefined || !tr.ok) {
      nc(b, 'check constraint', t, object, `CHECK (${expression}): ${why}`);
      return;
    }
    ops.push({
      kind: 'addCheck',
      table: s.target,
      name: b.constraintNames.claim(name, 'check'),
      expression: tr.sql,
      ...(notValid ? { notValid: true } : {}),
    });
    if (notValid) warnNotValid(b, `${qualified(t)}.${object}`, 'check');
    if (tr.sql.some((p) => typeof p === 'object' && 'str' in p && OUTSIDE_BMP.test(p.str))) {
      b.warnings.push({
        code: 'CHECK_LITERAL_4BYTE',
        object: `${qualified(t)}.${object}`,
        message:
          'a literal has a character outside the BMP (e.g. an emoji): the constraint works, but SHOW CREATE TABLE and information_schema show it as ?, so schema dumps of this table would corrupt it',
      });
    }
  };
  for (const ck of t.checks) check(ck.name, ck.name, ck.expression, undefined, ck.notValid === true);
  for (const col of t.columns) {
    const dom = col.type.domain;
    if (!dom) continue;
    dom.checks.forEach((expr, i) => {
      const name = `${t.name}_${col.name}_check${dom.checks.length > 1 ? `_${i + 1}` : ''}`;
      const notValid = dom.notValid?.includes(expr) ?? false;
      check(name, `${col.name} (domain ${qualified(dom)})`, stripCheck(expr), col.name, notValid);
    });
  }
  const ai = autoIncrementOp(s, b);
  if (ai) ops.push(ai);
  return ops;
}

/**
 * NOT_VALID_CONSTRAINT: what the plan does with a PostgreSQL NOT VALID constraint (existing rows unchecked,
 * new rows checked) on this dialect. MariaDB keeps those semantics; MySQL 8 cannot add a CHECK without
 * checking every row (ALTER TABLE … ADD CHECK evaluates the table), so there the CHECK is NOT ENFORCED.
 */
function warnNotValid(b: Builder, object: string, kind: 'check' | 'foreign key'): void {
  const message =
    kind === 'foreign key'
      ? 'NOT VALID in PostgreSQL: added with foreign_key_checks=0 and not validated, so existing rows without a parent stay as they are; new and updated rows are checked, as in PostgreSQL'
      : b.dialect.uncheckedCheck === 'session'
        ? 'NOT VALID in PostgreSQL: added with check_constraint_checks=0, so existing rows that violate it stay as they are; new and updated rows are checked, as in PostgreSQL. A later ALTER TABLE that copies the table (e.g. MODIFY) fails on those rows unless run with SET SESSION check_constraint_checks=0'
        : 'NOT VALID in PostgreSQL: MySQL 8 checks every existing row when a CHECK is added, so it is added NOT ENFORCED and new rows are NOT checked on the target. Fix the rows, then ALTER TABLE … ALTER CHECK … ENFORCED (or VALIDATE CONSTRAINT in PostgreSQL before migrating)';
  b.warnings.push({ code: 'NOT_VALID_CONSTRAINT', object, message });
}

/**
 * The FK's actions on the target. ON DELETE/UPDATE SET NULL on a NOT NULL column (PostgreSQL accepts the
 * definition, MySQL refuses it) can never succeed in PostgreSQL: the action's update violates NOT NULL at
 * the end of the statement, deferrable or not, so the delete/update fails exactly when referencing rows
 * remain — which is NO ACTION, checked at once (MySQL's NO ACTION = RESTRICT, never deferred). Planned so,
 * with an FK_SET_NULL_NOT_NULL warning; only the error code differs (FK violation instead of NOT NULL).
 */
function fkActions(t: Table, fk: ForeignKey, b: Builder): { onDelete: FkAction; onUpdate: FkAction } {
  const notNullCols = fk.columns.filter((c) => notNull(t, c));
  const plan = (action: FkAction, on: 'DELETE' | 'UPDATE'): FkAction => {
    if (action !== 'SET NULL' || notNullCols.length === 0) return action;
    b.warnings.push({
      code: 'FK_SET_NULL_NOT_NULL',
      object: `${qualified(t)}.${fk.name}`,
      message: `ON ${on} SET NULL on NOT NULL column ${notNullCols.join(', ')} is planned as ON ${on} NO ACTION: MySQL refuses SET NULL on a NOT NULL column, and in PostgreSQL this action always fails (NOT NULL violation) when a referencing row exists, so the ${on.toLowerCase()} is refused in both; only the error differs`,
    });
    return 'NO ACTION';
  };
  return { onDelete: plan(fk.onDelete, 'DELETE'), onUpdate: plan(fk.onUpdate, 'UPDATE') };
}

/**
 * The order of a foreign key's column pairs on the target, as indexes into its column lists. PostgreSQL
 * lets an FK name the columns of a PRIMARY KEY or UNIQUE key in any order; InnoDB needs an index whose
 * leading columns are the referenced columns in the FK's order. When no key or index of the referenced
 * table starts that way, the pairs are put in the order of the key over the same columns: the same
 * constraint, pair by pair.
 */
function keyOrder(ref: TableState, refColumns: readonly string[]): number[] {
  const identity = refColumns.map((_c, i) => i);
  const keys = [
    ...(ref.table.primaryKey ? [{ unique: true, columns: ref.table.primaryKey.columns }] : []),
    ...ref.candidates
      .filter((c) => !c.skip)
      .map((c) => ({ unique: c.unique, columns: c.parts.map((p) => p.column) })),
  ];
  if (keys.some((k) => refColumns.every((c, i) => k.columns[i] === c))) return identity;
  const same = keys.find(
    (k) =>
      k.unique && k.columns.length === refColumns.length && k.columns.every((c) => refColumns.includes(c)),
  );
  return same ? same.columns.map((c) => refColumns.indexOf(c)) : identity;
}

const typeText = (x: TargetType): string =>
  `${x.name}${x.args ? `(${x.args.join(',')})` : ''}${x.collation ? ` COLLATE ${x.collation}` : ''}`;

/** DECISION_REQUIRED: the i-th column pair of `fk` maps to types MySQL will not join, and no widening fixes it. */
function refuseFkTypes(
  t: Table,
  fk: ForeignKey,
  i: number,
  mine: TargetType,
  ref: TableState,
  theirs: TargetType,
): never {
  const col = fk.columns[i]!;
  const refCol = fk.references.columns[i]!;
  const w = `${qualified(t)}.${col}`;
  const rw = `${qualified(ref.table)}.${refCol}`;
  const src = (tb: Table, c: string) => tb.columns.find((x) => x.name === c)?.type.formatted ?? '?';
  throw new MigrationError(
    'DECISION_REQUIRED',
    `${w}: foreign key ${fk.name} joins ${src(t, col)} to ${rw} (${src(ref.table, refCol)}); they map to ${typeText(mine)} and ${typeText(theirs)}, and MySQL needs the same type and collation on both sides of a foreign key, which no lossless widening gives. To go on, set columns["${w}"].type (or columns["${rw}"].type) so that both map to one type that holds the values of both.`,
    {
      details: {
        schema: t.schema,
        table: t.name,
        column: col,
        foreignKey: fk.name,
        configKey: `columns.${w}.type`,
      },
      hint: `Set columns["${w}"].type to the type of ${rw} (${typeText(theirs)}), if every value fits it.`,
    },
  );
}

/** `CHECK ((VALUE > 0))` or `(VALUE > 0)` → `VALUE > 0` style text the translator accepts either way. */
function stripCheck(expr: string): string {
  const m = /^\s*CHECK\s*\(([\s\S]*)\)\s*(?:NOT VALID)?\s*$/i.exec(expr);
  return m ? m[1]! : expr;
}

function autoIncrementOp(s: TableState, b: Builder): DdlOp | undefined {
  const column = s.autoIncrement?.column;
  if (column === undefined) return undefined;
  const t = s.table;
  const object = `${qualified(t)}.${column}`;
  const ref = t.columns.find((c) => c.name === column)?.sequence;
  const seq = ref && b.catalog.sequences.find((q) => q.schema === ref.schema && q.name === ref.name);
  if (!seq) {
    b.warnings.push({
      code: 'AUTO_INCREMENT_START',
      object,
      message:
        'its sequence is not in the catalog; the AUTO_INCREMENT counter starts after the largest copied value',
    });
    return undefined;
  }
  let next: bigint;
  let inc: bigint;
  try {
    inc = BigInt(seq.increment);
    next = seq.lastValue !== undefined ? BigInt(seq.lastValue) + inc : BigInt(seq.start);
  } catch {
    b.warnings.push({
      code: 'AUTO_INCREMENT_START',
      object,
      message: `sequence ${qualified(seq)} has unreadable values`,
    });
    return undefined;
  }
  if (inc !== 1n || seq.cycle) {
    b.warnings.push({
      code: 'SEQUENCE_SEMANTICS',
      object,
      message: `sequence ${qualified(seq)} has INCREMENT ${seq.increment}${seq.cycle ? ' and CYCLE' : ''}; MySQL AUTO_INCREMENT counts up by the server-wide auto_increment_increment and never cycles`,
    });
  }
  if (next < 1n) {
    b.warnings.push({
      code: 'AUTO_INCREMENT_START',
      object,
      message: `the sequence's next value ${next} is below 1; AUTO_INCREMENT is left to start after the largest copied value`,
    });
    return undefined;
  }
  return {
    kind: 'setAutoIncrement',
    table: s.target,
    column: s.colNames.get(column)!,
    next: next.toString(),
  };
}
