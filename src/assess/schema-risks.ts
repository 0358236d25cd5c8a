// Schema risks, read from the catalog and the plan alone (pure, no server): shortened and reserved names,
// index keys over the InnoDB limit, tables without a primary key, objects that are not converted, lossy
// mappings and planner warnings; and planner errors turned into blocking risks with their mitigation.
// Invariants: one risk per object, named by its source `schema.table[.column]`; nothing here guesses about
// data (scan-values.ts measures that).

import type { Catalog, NotConverted, NotConvertedKind, Table } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import type { DdlOp, MigrationPlan, TablePlan, TargetColumn } from '../plan/model.js';
import { keyBytes } from '../plan/index-bytes.js';
import { isReservedWord } from '../plan/names.js';
import { columnOverride, type Risk, type Severity } from './report.js';

const NOT_CONVERTED_SEVERITY: Partial<Record<NotConvertedKind, Severity>> = {
  policy: 'high',
  trigger: 'medium',
  rule: 'medium',
  function: 'medium',
  procedure: 'medium',
  view: 'medium',
  'materialized view': 'medium',
  'exclusion constraint': 'medium',
  'partial index': 'medium',
  'foreign key': 'medium',
  'check constraint': 'medium',
};

const NOT_CONVERTED_IMPACT: Partial<Record<NotConvertedKind, string>> = {
  policy: 'The target has no row-level security: every row is visible to every user who can read the table.',
  trigger: 'Behaviour the trigger implemented (audit rows, derived columns, validation) stops on the target.',
  'partial index':
    'A partial UNIQUE index no longer enforces uniqueness; a partial index no longer speeds up its queries.',
  'expression index': 'Queries that used the expression index are slower on the target.',
  'exclusion constraint': 'Overlapping rows the constraint rejected are accepted on the target.',
  view: 'Queries that read the view fail on the target until it is recreated by hand.',
};

function notConvertedRisk(n: NotConverted): Risk {
  const severity = NOT_CONVERTED_SEVERITY[n.kind] ?? 'low';
  const [table] = n.name.split('.');
  return {
    id: 'NOT_CONVERTED',
    severity,
    status: 'open',
    title: `${n.kind} ${n.schema}.${n.name} is not converted`,
    description: `${n.kind} ${n.schema}.${n.name}: ${n.reason}`,
    impact: NOT_CONVERTED_IMPACT[n.kind] ?? `The ${n.kind} does not exist on the target.`,
    probability: 'certain',
    blastRadius: {
      objects: [`${n.kind} ${n.schema}.${n.name}`],
      ...(table && n.name.includes('.') ? { table: `${n.schema}.${table}` } : {}),
    },
    mitigation: `Recreate the ${n.kind} by hand on the target after migrate (or accept its absence); pg2my lists it so it is not forgotten.`,
  };
}

/** Planner warnings reported in their own, more detailed form (NOT_VALID_CONSTRAINT: assess/not-valid.ts). */
const OWN_WARNINGS = new Set(['RESERVED_WORD', 'INDEX_KEY_TOO_LONG', 'NOT_VALID_CONSTRAINT']);
const WARNING_SEVERITY: Readonly<Record<string, Severity>> = {
  ROW_TOO_LARGE: 'blocking',
  FK_TYPE_MISMATCH: 'blocking',
  UNIQUE_NOT_ENFORCED: 'medium',
  FK_DEFERRABLE: 'medium',
  ROW_SECURITY: 'medium',
  SEQUENCE_SEMANTICS: 'medium',
  PARTITIONED_TABLE: 'low',
  TYPE_NOTE: 'info',
  GENERATED_COLUMN: 'info',
};

function tableByTarget(plan: MigrationPlan): Map<string, TablePlan> {
  return new Map(plan.tables.map((t) => [t.target, t]));
}

function columnsByTable(plan: MigrationPlan): Map<string, Map<string, TargetColumn>> {
  const out = new Map<string, Map<string, TargetColumn>>();
  for (const op of plan.preData)
    if (op.kind === 'createTable') out.set(op.table, new Map(op.columns.map((c) => [c.name, c])));
  return out;
}

/** PK and index keys of the plan whose bytes exceed the dialect's limit. */
function indexRisks(plan: MigrationPlan, dialect: Dialect): Risk[] {
  const tables = tableByTarget(plan);
  const cols = columnsByTable(plan);
  const keys: { table: string; name: string; unique: boolean; columns: readonly string[] }[] = [];
  for (const op of [...plan.preData, ...plan.postData] as DdlOp[]) {
    if (op.kind === 'createTable' && op.primaryKey)
      keys.push({ table: op.table, name: 'PRIMARY', unique: true, columns: op.primaryKey.columns });
    if (op.kind === 'createTable')
      for (const u of op.uniqueKeys ?? [])
        keys.push({ table: op.table, name: u.name, unique: true, columns: u.columns });
    if (op.kind === 'addIndex')
      keys.push({
        table: op.table,
        name: op.name,
        unique: op.unique,
        columns: op.parts.map((p) => p.column),
      });
  }
  const out: Risk[] = [];
  for (const k of keys) {
    const tc = cols.get(k.table);
    let bytes = 0;
    const unindexable: string[] = [];
    for (const c of k.columns) {
      const t = tc?.get(c)?.type;
      const b = t ? keyBytes(t) : 0;
      if (!Number.isFinite(b)) unindexable.push(c);
      else bytes += b;
    }
    if (bytes <= dialect.maxIndexKeyBytes && unindexable.length === 0) continue;
    const tp = tables.get(k.table);
    const src = tp ? `${tp.source.schema}.${tp.source.name}` : k.table;
    const srcCols = k.columns.map((c) => tp?.columns.find((x) => x.target === c)?.source ?? c);
    const softOnMaria =
      dialect.name === 'mariadb' && k.unique && k.name !== 'PRIMARY' && unindexable.length === 0;
    const first = srcCols[0] ?? '';
    out.push({
      id: 'INDEX_KEY_TOO_LONG',
      severity: softOnMaria ? 'high' : 'blocking',
      status: 'open',
      title: `${src} index ${k.name}: key of ${unindexable.length ? 'a TEXT/BLOB column' : `${bytes} bytes`} over the ${dialect.maxIndexKeyBytes}-byte limit`,
      description: `Index ${k.name} on (${srcCols.join(', ')}) needs ${bytes} bytes per key${unindexable.length ? ` plus ${unindexable.join(', ')} which cannot be indexed without a prefix` : ''}; InnoDB allows ${dialect.maxIndexKeyBytes} bytes (utf8mb4 counts 4 bytes per character).`,
      impact: softOnMaria
        ? 'MariaDB builds it as a hidden HASH index (no range scans, not usable by foreign keys); MySQL 8 refuses it.'
        : 'CREATE INDEX fails with "Specified key was too long" and migrate stops in post-data.',
      probability: 'certain',
      blastRadius: { table: src, column: srcCols.join(', '), objects: [k.name] },
      mitigation:
        'Map the widest string column shorter (a VARCHAR of at most 768 utf8mb4 characters fits alone), or drop the index from the source.',
      config: columnOverride(src, first, 'varchar(768)'),
    });
  }
  return out;
}

function standIn(t: Table): string | undefined {
  const notNull = (cols: readonly string[]) =>
    cols.every((c) => t.columns.find((x) => x.name === c)?.nullable === false);
  const u = t.uniques.find((u) => notNull(u.columns));
  if (u) return u.name;
  const i = t.indexes.find(
    (i) =>
      i.unique &&
      !i.predicate &&
      i.columns.every((c) => c.column) &&
      notNull(i.columns.map((c) => c.column ?? '')),
  );
  return i?.name;
}

function noPkRisk(t: Table): Risk {
  const alt = standIn(t);
  const name = `${t.schema}.${t.name}`;
  return {
    id: 'NO_PRIMARY_KEY',
    severity: alt ? 'low' : 'medium',
    status: 'open',
    title: `${name} has no primary key${alt ? ` (NOT NULL unique key ${alt} can stand in)` : ''}`,
    description: alt
      ? `${name} has no PRIMARY KEY, but the NOT NULL unique key ${alt} identifies every row; InnoDB clusters the table on it.`
      : `${name} has no PRIMARY KEY and no NOT NULL unique key: duplicate rows are possible and nothing identifies a row.`,
    impact: alt
      ? 'Copy and verify split the table by that key; servers with sql_require_primary_key=ON refuse the table.'
      : 'Copy and verify split the table by physical position (ctid) and cannot name a differing row by key; InnoDB adds a hidden 6-byte row id; servers with sql_require_primary_key=ON refuse the table.',
    probability: alt ? 'possible' : 'likely',
    blastRadius: { table: name, rows: Math.max(0, t.estimatedRows) },
    mitigation: alt
      ? `Promote ${alt} to the primary key in PostgreSQL (ALTER TABLE … ADD PRIMARY KEY USING INDEX) before migrating.`
      : 'Add a primary key in PostgreSQL (e.g. an identity column) before migrating.',
  };
}

/** Risks in the schema itself. `plan` is absent when it could not be built (see planErrorRisks). */
export function schemaRisks(catalog: Catalog, plan: MigrationPlan | undefined, dialect: Dialect): Risk[] {
  const out: Risk[] = [];
  const max = dialect.maxIdentifierLength;
  for (const r of plan?.renamed ?? []) {
    const tooLong = r.from.length > max;
    out.push({
      id: tooLong ? 'IDENTIFIER_TOO_LONG' : 'PLAN_WARNING',
      severity: 'medium',
      status: 'open',
      title: `${r.kind} ${r.scope ? `${r.scope}.` : ''}${r.from} becomes ${r.to}`,
      description: tooLong
        ? `The ${r.kind} name has ${r.from.length} characters; MySQL allows ${max}, so the plan shortens it deterministically to ${r.to}.`
        : `The ${r.kind} name clashes with another name on the target (names compare case-insensitively there) and is renamed to ${r.to}.`,
      impact: 'Application SQL and ORMs that use the old name fail against the target until updated.',
      probability: 'likely',
      blastRadius: {
        objects: [r.from],
        ...(r.kind === 'table' ? { table: r.from } : {}),
        ...(r.kind === 'column' ? { table: r.scope, column: r.from } : {}),
      },
      mitigation: `Rename the ${r.kind} in PostgreSQL to at most ${max} characters before migrating, or update the application to ${r.to}.`,
    });
  }
  const sourceTables =
    plan?.tables.map((t) => ({
      src: `${t.source.schema}.${t.source.name}`,
      target: t.target,
      cols: t.columns.map((c) => c.target),
    })) ??
    catalog.tables.map((t) => ({
      src: `${t.schema}.${t.name}`,
      target: t.name,
      cols: t.columns.map((c) => c.name),
    }));
  for (const t of sourceTables) {
    const reserved = [...(isReservedWord(t.target) ? [t.target] : []), ...t.cols.filter(isReservedWord)];
    for (const word of reserved) {
      const isTable = word === t.target && !t.cols.includes(word);
      out.push({
        id: 'RESERVED_WORD',
        severity: 'low',
        status: 'open',
        title: `${t.src}${isTable ? '' : `.${word}`}: ${word.toUpperCase()} is reserved in MySQL/MariaDB`,
        description: `The ${isTable ? 'table' : 'column'} name ${word} is a reserved word on the target. pg2my quotes every name, so migrate and verify are unaffected.`,
        impact: 'Hand-written SQL that does not backtick-quote the name fails with a syntax error.',
        probability: 'possible',
        blastRadius: { table: t.src, ...(isTable ? {} : { column: word }) },
        mitigation: `Quote it as \`${word}\` in application SQL (ORMs usually do), or rename it in PostgreSQL.`,
      });
    }
  }
  if (plan) out.push(...indexRisks(plan, dialect));
  for (const t of catalog.tables) if (!t.primaryKey) out.push(noPkRisk(t));
  const seen = new Set<string>();
  for (const n of [...catalog.notConverted, ...(plan?.notConverted ?? [])]) {
    const k = `${n.kind}\u0000${n.schema}\u0000${n.name}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(notConvertedRisk(n));
  }
  for (const w of plan?.warnings ?? []) {
    if (OWN_WARNINGS.has(w.code)) continue;
    const severity = WARNING_SEVERITY[w.code] ?? 'low';
    out.push({
      id: 'PLAN_WARNING',
      severity,
      status: 'open',
      title: `${w.object} (${w.code}): ${w.message}`,
      description: `Planner warning ${w.code} on ${w.object}: ${w.message}`,
      impact:
        severity === 'blocking'
          ? 'The DDL fails on the target as planned; see the description.'
          : 'See the description; the plan proceeds.',
      probability: 'possible',
      blastRadius: { objects: [w.object] },
      mitigation: 'Review the warning; `pg2my schema` prints it next to the DDL it concerns.',
    });
  }
  for (const t of plan?.tables ?? [])
    for (const c of t.columns) {
      if (!c.loss) continue;
      const name = `${t.source.schema}.${t.source.name}.${c.source}`;
      const d = plan?.decisions.find((x) => x.column === name);
      out.push({
        id: 'LOSSY_MAPPING',
        severity: d?.source === 'config' ? 'info' : 'low',
        status: 'open',
        title: `${name} (${c.sourceType}): ${c.loss}`,
        description: `Rule ${c.ruleId} maps ${c.sourceType} this way${d ? ` (${d.key}: ${d.choice}, ${d.source === 'config' ? 'chosen in the config' : 'the default'})` : ''}: ${c.loss}.`,
        impact: 'Values arrive, but in a different form than PostgreSQL shows them.',
        probability: 'certain',
        blastRadius: { table: `${t.source.schema}.${t.source.name}`, column: c.source },
        mitigation: d
          ? `Choose another value for ${d.key} if this form does not suit the application.`
          : 'Override the column type if this form does not suit the application.',
        ...(d ? { config: `${d.key}: …` } : {}),
      });
    }
  return out;
}
