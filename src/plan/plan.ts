// buildPlan: the neutral PostgreSQL catalog → a MigrationPlan for one MySQL dialect. Pure and
// deterministic: same catalog, dialect and options → byte-identical plan and fingerprint.
// Pre-data creates each table with its primary key only; post-data adds unique and other indexes (all
// tables), then per table FKs, CHECKs and the AUTO_INCREMENT start — FKs after every index, because a
// FK may reference another table's UNIQUE key. Invariant: nothing is dropped without a NotConverted entry.

import { createHash } from 'node:crypto';
import { type Catalog, type Column, qualified, type Table } from '../catalog/model.js';
import { PG_INT_TYPES, PG_STRING_TYPES } from '../catalog/type-families.js';
import type { Dialect } from '../dialect/capabilities.js';
import { MigrationError } from '../errors.js';
import { generatedLimits } from './generated-limits.js';
import { columnSnippet } from './config-snippet.js';
import { isIndexable, MAX_ROW_BYTES, rowBytes, tableRowBytes } from './index-bytes.js';
import { type FkWidening, fkTypes } from './fk-types.js';
import { checkedCollation, commentProblem, type MappedColumn, mapColumn } from './map-column.js';
import {
  type DdlOp,
  type Decision,
  type KeyPlan,
  type MigrationPlan,
  PLAN_VERSION,
  type RenamedIdentifier,
  type TablePlan,
} from './model.js';
import {
  foldName,
  freeName,
  identifierProblem,
  isReservedWord,
  NameScope,
  validateIdentifier,
  STATE_TABLE_NAMES,
} from './names.js';
import type { PlanOptions } from './options.js';
import {
  analyseIndexes,
  type Builder,
  chooseAutoIncrement,
  constraintOps,
  indexOps,
  keyColumnSets,
  type TableState,
  warnKeyBytes,
} from './post-data.js';
import { columnKind, type ExprColumn } from './translate-expr.js';

interface Named {
  readonly table: Table;
  readonly target: string;
  /** Target database from schemaMap; absent = the target URL's database. */
  readonly database?: string;
  readonly colNames: ReadonlyMap<string, string>;
}

/**
 * Plan the migration of `catalog` to `dialect`. Throws MigrationError (IDENTIFIER_INVALID, TYPE_UNMAPPABLE,
 * DECISION_REQUIRED, CONFIG_INVALID) naming the object and the config key that resolves it.
 */
export function buildPlan(catalog: Catalog, dialect: Dialect, options: PlanOptions): MigrationPlan {
  for (const [k, v] of Object.entries(options.collation))
    if (v !== undefined) checkedCollation(v, `collation.${k}`);
  const max = dialect.maxIdentifierLength;
  const renamed: RenamedIdentifier[] = [];
  const b: Builder = {
    catalog,
    dialect,
    options,
    warnings: [],
    notConverted: [...catalog.notConverted],
    renamed,
    constraintNames: new NameScope('foreignKey', 'database', max, renamed),
  };
  const named = nameTables(catalog, max, b);
  const candidates = new Map(catalog.tables.map((t) => [qualified(t), analyseIndexes(t)]));
  const keys = keyColumnSets(catalog, candidates);
  const fk = fkTypes(catalog);
  b.warnings.push(...fk.warnings);

  const states = new Map<string, TableState>();
  const tables: TablePlan[] = [];
  const preData: DdlOp[] = [];
  const indexPass: DdlOp[] = [];
  const decisions: Decision[] = [];
  for (const n of named) {
    const t = n.table;
    const q = qualified(t);
    const cands = candidates.get(q) ?? [];
    const ai = chooseAutoIncrement(t, cands, b);
    const mapped = mapTable(
      n,
      b,
      keys.key.get(q) ?? new Set(),
      keys.indexed.get(q) ?? new Set(),
      ai?.column,
      fk.widened.get(q),
    );
    for (const m of mapped) {
      if (m.decision) decisions.push(m.decision);
      b.notConverted.push(...m.notConverted);
      b.warnings.push(...m.warnings);
    }
    const columns = new Map(mapped.map((m, i) => [t.columns[i]!.name, m.column]));
    checkPrimaryKey(t, columns, b);
    const state: TableState = {
      table: t,
      target: n.target,
      ...(n.database !== undefined ? { database: n.database } : {}),
      colNames: n.colNames,
      columns,
      candidates: cands,
      ...(ai ? { autoIncrement: ai } : {}),
      // With each column's planned target type: a CHECK reading a column a type override stored as another
      // family (numeric kept as text, say) would compare differently there, so it is refused.
      exprColumns: new Map(
        t.columns.map((c) => [
          c.name,
          {
            target: n.colNames.get(c.name)!,
            kind: columnKind(c.type),
            targetType: columns.get(c.name)!.type.name,
          },
        ]),
      ),
      indexNames: new NameScope('index', n.target, max, b.renamed, ['PRIMARY']),
    };
    states.set(q, state);
    const { ops, createKeys } = indexOps(state, b);
    indexPass.push(...inDatabase(ops, n.database));
    preData.push(...inDatabase([createTableOp(n, mapped, createKeys, b)], n.database));
    tables.push({
      source: { schema: t.schema, name: t.name },
      target: n.target,
      ...(n.database !== undefined ? { database: n.database } : {}),
      columns: mapped.map((m) => m.plan),
      key: keyPlan(t),
      estimatedRows: t.estimatedRows,
      totalBytes: t.totalBytes,
    });
    tableWarnings(t, n, b);
  }
  const constraintPass = [...states.values()].flatMap((s) =>
    inDatabase(constraintOps(s, states, b), s.database, b),
  );
  const body = {
    version: PLAN_VERSION,
    dialect: dialect.name,
    tables,
    preData,
    postData: [...indexPass, ...constraintPass],
    decisions,
    warnings: b.warnings,
    renamed: b.renamed,
    notConverted: b.notConverted,
  };
  return { ...body, fingerprint: createHash('sha256').update(canonicalJson(body)).digest('hex') };
}

/**
 * `ops` placed in `database` (schemaMap); unchanged for the target URL's database. A FK of a table in
 * another database names its referenced table's database explicitly (MySQL resolves an unqualified
 * REFERENCES in the child's database), which for an unmapped table is the URL's.
 */
function inDatabase(ops: readonly DdlOp[], database: string | undefined, b?: Builder): DdlOp[] {
  if (database === undefined) return [...ops];
  return ops.map((op) => {
    if (op.kind !== 'addForeignKey' || op.refDatabase !== undefined) return { ...op, database };
    const refDatabase = b?.options.targetDatabase;
    if (refDatabase === undefined) {
      throw new MigrationError(
        'CONFIG_INVALID',
        `schemaMap: foreign key ${op.name} of ${database}.${op.table} references ${op.refTable}, which stays in the target URL's database, and no target URL names that database.`,
        {
          details: { key: 'schemaMap', table: `${database}.${op.table}`, constraint: op.name },
          hint: "Give a target URL with a database, or map the referenced table's schema in schemaMap too.",
        },
      );
    }
    return { ...op, database, refDatabase };
  });
}

/** Validate and allocate table and column names; two source names that meet on the target are an error. */
function nameTables(catalog: Catalog, max: number, b: Builder): Named[] {
  const o = b.options;
  checkNameKeys(catalog, o);
  const wanted = catalog.tables.map((t) => {
    const q = qualified(t);
    const chosen = o.rename?.[q];
    if (chosen === undefined)
      validateIdentifier(t.name, `table ${q}`, {
        yaml: `rename: { ${JSON.stringify(q)}: ${JSON.stringify(safeName(t.name))} }`,
        path: ['rename', q],
        value: safeName(t.name),
      });
    else checkChosenName(chosen, `rename.${q}`, max);
    // A schema mapped to the target URL's own database is not moved: its tables stay unqualified.
    const mapped = o.schemaMap?.[t.schema];
    const database = mapped === o.targetDatabase ? undefined : mapped;
    const name = chosen ?? t.name;
    if (
      database === undefined &&
      Object.values(STATE_TABLE_NAMES).some((n) => foldName(n) === foldName(name))
    )
      throw new MigrationError(
        'IDENTIFIER_INVALID',
        `Table ${q} would be named ${name} on the target, which is the name of pg2my's own state table.`,
        {
          details: { object: `table ${q}`, name, ...(chosen === undefined ? {} : { key: `rename.${q}` }) },
          hint: `Give it another target name: rename: { ${JSON.stringify(q)}: ${JSON.stringify(`${name.replace(/^_+/, '')}_src`)} }`,
        },
      );
    return { t, q, name, key: chosen === undefined ? undefined : `rename.${q}`, database };
  });
  const byDatabase = new Map<string | undefined, typeof wanted>();
  for (const w of wanted) byDatabase.set(w.database, [...(byDatabase.get(w.database) ?? []), w]);
  const targets = new Map<string, string>();
  for (const [database, group] of byDatabase) {
    const where = database === undefined ? 'the one target database' : `target database ${database}`;
    const taken = new Set(group.map((w) => foldName(w.name)));
    const seen = new Map<string, (typeof wanted)[number]>();
    for (const w of group) {
      const other = seen.get(foldName(w.name));
      if (other === undefined) {
        seen.set(foldName(w.name), w);
        continue;
      }
      const key = w.key ?? other.key;
      if (key !== undefined) {
        throw new MigrationError(
          'CONFIG_INVALID',
          `${key}: tables ${other.q} and ${w.q} would both be named ${w.name} in ${where} (names are compared case-insensitively).`,
          { details: { key, tables: [other.q, w.q] }, hint: `Choose another name in ${key}.` },
        );
      }
      const fix = [other, w].find((x) => x.name !== foldName(x.name)) ?? w;
      const fixName = freeName(foldName(fix.name), taken, max);
      const sameSchema = other.t.schema === w.t.schema;
      const yaml = `rename: { ${JSON.stringify(fix.q)}: ${JSON.stringify(fixName)} }`;
      throw new MigrationError(
        'IDENTIFIER_INVALID',
        `Tables ${other.q} and ${w.q} would both be named ${w.name} in ${where} (MySQL may compare table names case-insensitively, lower_case_table_names=1).`,
        {
          details: { tables: [other.q, w.q], fix: yaml, fixPath: ['rename', fix.q], fixValue: fixName },
          hint: `Give one of them another target name in the config, e.g. ${yaml}${sameSchema ? '' : `, or put each schema in its own database with schemaMap (e.g. schemaMap: { ${JSON.stringify(w.t.schema)}: ${JSON.stringify(`${w.t.schema}_db`)} })`}.`,
        },
      );
    }
    const tableNames = new NameScope('table', database ?? 'database', max, b.renamed);
    // Names the user chose first, exactly as given; the others are shortened or suffixed around them.
    for (const w of group) if (w.key !== undefined) tableNames.claimExact(w.t.name, w.name);
    for (const w of group) targets.set(w.q, w.key !== undefined ? w.name : tableNames.claim(w.t.name));
  }
  return wanted.map(({ t, q, database }) => {
    const target = targets.get(q)!;
    return { table: t, target, colNames: nameColumns(t, target, max, b), ...(database ? { database } : {}) };
  });
}

/** Target names of one table's columns: `columns.<schema.table.column>.name` where given, else the source name. */
function nameColumns(t: Table, target: string, max: number, b: Builder): Map<string, string> {
  const q = qualified(t);
  const columns = b.options.columns;
  const wanted = t.columns.map((c) => {
    const chosen = columns[`${q}.${c.name}`]?.name;
    const key = chosen === undefined ? undefined : `columns.${q}.${c.name}.name`;
    if (key === undefined)
      validateIdentifier(c.name, `column ${q}.${c.name}`, {
        yaml: `columns: { ${JSON.stringify(`${q}.${c.name}`)}: { name: ${JSON.stringify(safeName(c.name))} } }`,
        path: ['columns', `${q}.${c.name}`, 'name'],
        value: safeName(c.name),
      });
    else checkChosenName(chosen!, key, max);
    return { c, name: chosen ?? c.name, key };
  });
  const taken = new Set(wanted.map((w) => foldName(w.name)));
  const seen = new Map<string, (typeof wanted)[number]>();
  for (const w of wanted) {
    const prev = seen.get(foldName(w.name));
    if (prev === undefined) {
      seen.set(foldName(w.name), w);
      continue;
    }
    const key = w.key ?? prev.key;
    if (key !== undefined) {
      throw new MigrationError(
        'CONFIG_INVALID',
        `${key}: columns ${JSON.stringify(prev.c.name)} and ${JSON.stringify(w.c.name)} of ${q} would both be named ${w.name} (MySQL column names are case-insensitive).`,
        {
          details: { key, table: q, columns: [prev.c.name, w.c.name] },
          hint: `Choose another name in ${key}.`,
        },
      );
    }
    const fix = [prev, w].find((x) => x.name !== foldName(x.name)) ?? w;
    const fixName = freeName(foldName(fix.name), taken, max);
    const fixKey = `${q}.${fix.c.name}`;
    const yaml = `columns: { ${JSON.stringify(fixKey)}: { name: ${JSON.stringify(fixName)} } }`;
    throw new MigrationError(
      'IDENTIFIER_INVALID',
      `Columns ${JSON.stringify(prev.c.name)} and ${JSON.stringify(w.c.name)} of ${q} differ only by case; MySQL column names are case-insensitive.`,
      {
        details: {
          table: q,
          columns: [prev.c.name, w.c.name],
          fix: yaml,
          fixPath: ['columns', fixKey, 'name'],
          fixValue: fixName,
        },
        hint: `Give one of them another target name in the config, e.g. ${yaml}.`,
      },
    );
  }
  const columnNames = new NameScope('column', target, max, b.renamed);
  for (const w of wanted) if (w.key !== undefined) columnNames.claimExact(w.c.name, w.name);
  return new Map(wanted.map((w) => [w.c.name, w.key !== undefined ? w.name : columnNames.claim(w.c.name)]));
}

/** A name the user chose must be usable as is: CONFIG_INVALID naming the key otherwise. */
/** A suggested target name: characters MySQL cannot hold in a name (outside the BMP, NUL) become _, trailing spaces go. */
function safeName(name: string): string {
  const kept = name.replace(/[\u{10000}-\u{10FFFF}\u0000]|\p{Cs}/gu, '_').replace(/\s+$/, '');
  return kept.length > 0 ? kept : 'renamed';
}

function checkChosenName(name: string, key: string, max: number): void {
  const problem = identifierProblem(name, max);
  if (problem === undefined) return;
  throw new MigrationError('CONFIG_INVALID', `${key} = ${JSON.stringify(name)}: the name ${problem}.`, {
    details: { key, name },
    hint: `Choose another name in ${key}.`,
  });
}

/**
 * Every `rename`, `columns.*.name` and `schemaMap` key must name a table, column or schema of the
 * migration (after the schemas/tables/exclude filters): CONFIG_INVALID naming the key, never ignored.
 */
function checkNameKeys(catalog: Catalog, o: PlanOptions): void {
  const tables = new Map(catalog.tables.map((t) => [qualified(t), t]));
  const unknown = (key: string, what: string, near: readonly string[]) => {
    const close = near.filter((n) => foldName(n) === foldName(key.slice(key.indexOf('.') + 1)));
    return new MigrationError(
      'CONFIG_INVALID',
      `${key}: ${what} is not part of this migration (after the schemas, tables and exclude filters).`,
      {
        details: { key },
        hint:
          close.length > 0
            ? `Did you mean ${close.map((c) => JSON.stringify(c)).join(' or ')}? Keys are case-sensitive.`
            : 'Remove the key, or correct it (keys are case-sensitive, written schema.table or schema.table.column).',
      },
    );
  };
  // A key naming a table that --tables/--exclude left out of this run is not a typo: it is for other runs.
  const filtered = new Set(catalog.filteredOut ?? []);
  for (const k of Object.keys(o.rename ?? {}))
    if (!tables.has(k) && !filtered.has(k)) throw unknown(`rename.${k}`, `table ${k}`, [...tables.keys()]);
  // Every columns key (type, collation or name) must name a column: a typo would otherwise change nothing.
  for (const [k, v] of Object.entries(o.columns)) {
    const dot = k.lastIndexOf('.');
    const t = dot > 0 ? tables.get(k.slice(0, dot)) : undefined;
    if (t === undefined && dot > 0 && filtered.has(k.slice(0, dot))) continue;
    if (!t?.columns.some((c) => c.name === k.slice(dot + 1))) {
      const all = catalog.tables.flatMap((x) => x.columns.map((c) => `${qualified(x)}.${c.name}`));
      throw unknown(
        `columns.${k}${v.name !== undefined && Object.keys(v).length === 1 ? '.name' : ''}`,
        `column ${k}`,
        all,
      );
    }
  }
  const schemas = new Set(catalog.tables.map((t) => t.schema));
  for (const [k, db] of Object.entries(o.schemaMap ?? {})) {
    if (!schemas.has(k)) throw unknown(`schemaMap.${k}`, `schema ${k}`, [...schemas]);
    checkDatabaseName(db, `schemaMap.${k}`);
  }
}

/** A target database name from schemaMap: a plain identifier without `.`, `/` or `\\` (it names a directory). */
function checkDatabaseName(name: string, key: string): void {
  const problem =
    identifierProblem(name, 64) ??
    (/[./\\]/.test(name) ? 'contains ".", "/" or "\\", which a database name cannot hold here' : undefined);
  if (problem === undefined) return;
  throw new MigrationError(
    'CONFIG_INVALID',
    `${key} = ${JSON.stringify(name)}: the database name ${problem}.`,
    {
      details: { key, name },
      hint: `Choose another database name in ${key}.`,
    },
  );
}

/** Map every column; if the row would pass 65,535 bytes, store the widest non-key VARCHARs as TEXT. */
function mapTable(
  n: Named,
  b: Builder,
  key: ReadonlySet<string>,
  indexed: ReadonlySet<string>,
  ai: string | undefined,
  widened?: ReadonlyMap<string, FkWidening>,
): MappedColumn[] {
  const t = n.table;
  const exprColumns = new Map<string, ExprColumn>(
    t.columns.map((c) => [c.name, { target: n.colNames.get(c.name)!, kind: columnKind(c.type) }]),
  );
  const limits = generatedLimits(t, b.dialect);
  const one = (c: Column, spill: boolean) => {
    const dom = c.type.domain;
    const domainDefault =
      dom && b.catalog.domains.find((d) => d.schema === dom.schema && d.name === dom.name)?.default;
    return mapColumn(c, {
      dialect: b.dialect,
      options: b.options,
      schema: t.schema,
      table: t.name,
      targetName: n.colNames.get(c.name)!,
      isKey: key.has(c.name),
      isIndexed: indexed.has(c.name),
      autoIncrement: ai === c.name,
      spill,
      ...(widened?.has(c.name) ? { fkType: widened.get(c.name)!.type } : {}),
      ...(domainDefault !== undefined ? { domainDefault } : {}),
      ...(ai !== undefined ? { autoIncrementColumn: ai } : {}),
      exprColumns,
      generatedLimits: limits,
    });
  };
  // Plain columns first: generated expressions (which never read another generated column in PostgreSQL)
  // are then checked against the target types those columns got.
  const plain = t.columns.map((c) => (c.generated === undefined ? one(c, false) : undefined));
  t.columns.forEach((c, i) => {
    const m = plain[i];
    if (m) exprColumns.set(c.name, { ...exprColumns.get(c.name)!, targetType: m.column.type.name });
  });
  const mapped = t.columns.map((c, i) => plain[i] ?? one(c, false));
  const size = () => tableRowBytes(mapped.map((m) => m.column));
  if (size() <= MAX_ROW_BYTES) return mapped;
  const order = mapped
    .map((m, i) => ({ m, i }))
    .filter(
      ({ m, i }) =>
        m.column.type.name === 'VARCHAR' && !key.has(t.columns[i]!.name) && !indexed.has(t.columns[i]!.name),
    )
    .sort((x, y) => rowBytes(y.m.column.type) - rowBytes(x.m.column.type) || x.i - y.i);
  for (const { i } of order) {
    if (size() <= MAX_ROW_BYTES) break;
    const c = t.columns[i]!;
    const again = one(c, true);
    if (again.column.type.name === 'VARCHAR') continue;
    mapped[i] = again;
    b.warnings.push({
      code: 'VARCHAR_AS_TEXT',
      object: `${qualified(t)}.${c.name}`,
      message: `stored as ${again.column.type.name}: the table's VARCHAR columns together pass MySQL's ${MAX_ROW_BYTES}-byte row size limit`,
    });
  }
  if (size() > MAX_ROW_BYTES) {
    b.warnings.push({
      code: 'ROW_TOO_LARGE',
      object: qualified(t),
      message: `the row needs up to ${size()} bytes; MySQL allows ${MAX_ROW_BYTES}, so CREATE TABLE will fail — use columns["…"].type to store some columns as text`,
    });
  }
  return mapped;
}

function checkPrimaryKey(t: Table, columns: ReadonlyMap<string, MappedColumn['column']>, b: Builder): void {
  const pk = t.primaryKey;
  if (!pk) return;
  const types = pk.columns.map((c) => columns.get(c)!.type);
  pk.columns.forEach((c, i) => {
    if (isIndexable(types[i]!)) return;
    const w = `${qualified(t)}.${c}`;
    throw new MigrationError(
      'TYPE_UNMAPPABLE',
      `${w} is in the primary key but maps to ${types[i]!.name}, which MySQL cannot index. Set columns["${w}"].type to an indexable type, e.g. ${columnSnippet(w, 'varchar(255)')} (verify then compares every value).`,
      {
        details: { table: qualified(t), column: c, type: types[i]!.name },
        hint: `Set columns["${w}"].type in the config, e.g. ${columnSnippet(w, 'varchar(255)')}.`,
      },
    );
  });
  warnKeyBytes(b, `${qualified(t)}.${pk.name}`, types);
}

function createTableOp(
  n: Named,
  mapped: readonly MappedColumn[],
  uniqueKeys: { name: string; columns: string[] }[],
  b: Builder,
): DdlOp {
  const t = n.table;
  let comment = t.comment;
  const why = comment === undefined ? undefined : commentProblem(comment, 2048);
  if (why !== undefined) {
    b.notConverted.push({ kind: 'comment', schema: t.schema, name: t.name, reason: `table comment ${why}` });
    comment = undefined;
  }
  return {
    kind: 'createTable',
    table: n.target,
    columns: mapped.map((m) => m.column),
    ...(t.primaryKey ? { primaryKey: { columns: t.primaryKey.columns.map((c) => n.colNames.get(c)!) } } : {}),
    ...(uniqueKeys.length > 0 ? { uniqueKeys } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
}

function tableWarnings(t: Table, n: Named, b: Builder): void {
  const q = qualified(t);
  if (t.partitioning) {
    const p = t.partitioning;
    b.warnings.push({
      code: 'PARTITIONED_TABLE',
      object: q,
      message: `partitioned by ${p.strategy} (${p.key}); becomes one unpartitioned MySQL table holding the rows of its partitions ${p.partitions.join(', ') || '(none)'}`,
    });
  }
  if (t.rowSecurity) {
    b.warnings.push({
      code: 'ROW_SECURITY',
      object: q,
      message:
        'row-level security is enabled; MySQL has none, so every user with SELECT on the table sees every row',
    });
  }
  const reserved = [n.target, ...n.colNames.values()].filter(isReservedWord);
  for (const word of reserved) {
    b.warnings.push({
      code: 'RESERVED_WORD',
      object: word === n.target ? q : `${q}.${word}`,
      message: `${word} is a reserved word in MySQL/MariaDB; pg2my quotes it, hand-written SQL must too`,
    });
  }
}

/** How copy and verify split the table: PK, else first all-NOT-NULL unique key, else ctid. */
export function keyPlan(t: Table): KeyPlan {
  const col = (name: string) => t.columns.find((c) => c.name === name);
  const notNull = (name: string) => {
    const c = col(name);
    return c !== undefined && (!c.nullable || (c.type.domain?.notNull ?? false));
  };
  const of = (columns: readonly string[]): KeyPlan => {
    const c = columns.length === 1 ? col(columns[0]!) : undefined;
    const scalar = c !== undefined && !c.type.array && !c.type.enum;
    if (scalar && PG_INT_TYPES.has(c.type.name)) return { kind: 'int', columns };
    if (scalar && PG_STRING_TYPES.has(c.type.name)) return { kind: 'text', columns };
    return { kind: 'composite', columns };
  };
  if (t.primaryKey) return of(t.primaryKey.columns);
  const unique = t.uniques.find((u) => u.columns.every(notNull));
  if (unique) return of(unique.columns);
  const ix = t.indexes.find(
    (i) =>
      i.unique &&
      i.method === 'btree' &&
      i.predicate === undefined &&
      i.columns.every((p) => p.column !== undefined && notNull(p.column)),
  );
  if (ix) return of(ix.columns.map((p) => p.column!));
  return { kind: 'ctid', columns: [] };
}

/** JSON with object keys sorted at every level and undefined members left out: the fingerprint's input. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}
