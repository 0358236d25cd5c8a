// Builds the plan without stopping at the first planner error: each DECISION_REQUIRED / TYPE_UNMAPPABLE /
// IDENTIFIER_INVALID becomes a blocking risk with the planner's own fix, and planning goes on with a
// provisional override for that column (or without that table), so one assess lists every decision needed.
// Pure. Invariants: provisional overrides exist only inside assess; a risk carries a `fix` only when that
// decision loses no value (text/bytes storage, a planner-named rename); a table left out is named in the
// risk that caused it; an error naming no object ends planning (PLAN_FAILED).

import { filterCatalog } from '../catalog/filter.js';
import type { Catalog } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import { isMigrationError, MigrationError } from '../errors.js';
import type { MigrationPlan } from '../plan/model.js';
import type { PlanOptions } from '../plan/options.js';
import { buildPlan } from '../plan/plan.js';
import type { Risk, RiskId } from './report.js';

const IDS: Readonly<Record<string, RiskId>> = {
  DECISION_REQUIRED: 'DECISION_REQUIRED',
  TYPE_UNMAPPABLE: 'TYPE_UNMAPPABLE',
  IDENTIFIER_INVALID: 'IDENTIFIER_INVALID',
};

export interface TolerantPlan {
  /** Absent when planning could not go on at all. */
  readonly plan?: MigrationPlan;
  /** The catalog the plan was built from (tables that could not be planned are left out). */
  readonly catalog: Catalog;
  readonly risks: readonly Risk[];
  /**
   * `schema.table.column` of columns planned with a provisional type; what the scan finds in them reflects
   * that stand-in type, not a decision of the user, so the caller drops those findings.
   */
  readonly provisional: readonly string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The object an error names: `schema.table` and (when known) the column name. */
function objectOf(e: MigrationError, catalog: Catalog): { table?: string; column?: string } {
  const d = e.details;
  const names = catalog.tables.map((t) => `${t.schema}.${t.name}`).sort((a, b) => b.length - a.length);
  const schema = str(d.schema);
  const table = str(d.table);
  const column = str(d.column);
  if (schema && table) return { table: `${schema}.${table}`, ...(column ? { column } : {}) };
  if (table && names.includes(table)) return { table, ...(column ? { column } : {}) };
  const texts = [column, str(d.object), ...(Array.isArray(d.tables) ? d.tables : []), e.message].filter(
    (x): x is string => x !== undefined,
  );
  for (const text of texts)
    for (const n of names) {
      const i = text.indexOf(`${n}.`);
      if (text === n || text.endsWith(` ${n}`)) return { table: n };
      if (i >= 0) {
        const rest = /^[^\s:,()"]+/.exec(text.slice(i + n.length + 1))?.[0];
        return { table: n, ...(rest ? { column: rest } : {}) };
      }
    }
  return {};
}

function errorRisk(e: MigrationError, where: { table?: string; column?: string }, leftOut: boolean): Risk {
  const configKey = str(e.details.configKey) ?? str(e.details.key);
  return {
    id: IDS[e.code] ?? 'PLAN_FAILED',
    severity: 'blocking',
    status: 'open',
    title: e.message.split(/(?<=\.)\s/)[0] ?? e.message,
    description: `${e.message}${leftOut ? ` The table ${where.table} was left out of the rest of this assessment.` : ''}`,
    impact: 'migrate (and schema) stop with this error until the decision is made in the config.',
    probability: 'certain',
    blastRadius: {
      ...(where.table ? { table: where.table } : {}),
      ...(where.column ? { column: where.column } : {}),
    },
    mitigation: e.hint ?? 'See the description.',
    ...(configKey ? { config: `${configKey}: …` } : {}),
  };
}

type Fix = NonNullable<Risk['fix']>;

/** The planner's own lossless fix, when an error carries one (details.fixPath + details.fixValue). */
function fixOf(e: MigrationError): Fix | undefined {
  const path = e.details.fixPath;
  const value = e.details.fixValue;
  return Array.isArray(path) && path.every((p) => typeof p === 'string') && typeof value === 'string'
    ? { path: path as string[], value }
    : undefined;
}

/** `options` with `fix` applied, or undefined when the key is not one planning can take provisionally. */
function applyFix(options: PlanOptions, fix: Fix): PlanOptions | undefined {
  const [head, key, leaf] = fix.path;
  if (key === undefined) return undefined;
  if (head === 'rename' && fix.path.length === 2)
    return { ...options, rename: { ...options.rename, [key]: fix.value } };
  if (head === 'schemaMap' && fix.path.length === 2)
    return { ...options, schemaMap: { ...options.schemaMap, [key]: fix.value } };
  if (head === 'columns' && fix.path.length === 3 && (leaf === 'type' || leaf === 'name'))
    return {
      ...options,
      columns: { ...options.columns, [key]: { ...options.columns[key], [leaf]: fix.value } },
    };
  return undefined;
}

/** The column is in a primary key, a unique constraint or index, or a foreign key (either side). */
function inKey(catalog: Catalog, table: Catalog['tables'][number], column: string): boolean {
  if (table.primaryKey?.columns.includes(column)) return true;
  if (table.uniques.some((u) => u.columns.includes(column))) return true;
  if (table.indexes.some((i) => i.unique && i.columns.some((c) => c.column === column))) return true;
  if (table.foreignKeys.some((f) => f.columns.includes(column))) return true;
  return catalog.tables.some((t) =>
    t.foreignKeys.some(
      (f) =>
        f.references.schema === table.schema &&
        f.references.name === table.name &&
        f.references.columns.includes(column),
    ),
  );
}

function withOverride(options: PlanOptions, column: string, type: string): PlanOptions {
  return { ...options, columns: { ...options.columns, [column]: { ...options.columns[column], type } } };
}

/** buildPlan, retried past each planner error (at most `maxErrors`), collecting them as risks. */
export function planTolerantly(
  catalog: Catalog,
  dialect: Dialect,
  options: PlanOptions,
  maxErrors = 200,
): TolerantPlan {
  const risks: Risk[] = [];
  const provisional = new Set<string>();
  const excluded: string[] = [];
  const fixed = new Set<string>();
  let cat = catalog;
  let opts = options;
  for (let i = 0; i <= maxErrors; i++) {
    try {
      return { plan: buildPlan(cat, dialect, opts), catalog: cat, risks, provisional: [...provisional] };
    } catch (e) {
      if (!isMigrationError(e)) throw e;
      const where = objectOf(e, cat);
      const fix = fixOf(e);
      const next = fix && !fixed.has(fix.path.join('\0')) ? applyFix(opts, fix) : undefined;
      if (fix && next) {
        // The planner named a lossless fix (e.g. a rename for a name clash): go on as if it were configured.
        risks.push({ ...errorRisk(e, where, false), fix });
        fixed.add(fix.path.join('\0'));
        opts = next;
        continue;
      }
      const key = where.table && where.column ? `${where.table}.${where.column}` : undefined;
      if (key && !provisional.has(key) && e.code !== 'IDENTIFIER_INVALID' && e.code !== 'CONFIG_INVALID') {
        // Go on as if the user had chosen a type for the column; key columns need an indexable one, whose
        // length only the user can choose. Any other column keeps every value as text (bytes for bytea):
        // that provisional type is also the lossless decision assess --config-out writes.
        provisional.add(key);
        const table = cat.tables.find((t) => `${t.schema}.${t.name}` === where.table);
        const textKey =
          str(e.details.configKey) === 'types.textKey' ||
          (table !== undefined && where.column !== undefined && inKey(cat, table, where.column));
        const bytes = table?.columns.find((c) => c.name === where.column)?.type.name === 'bytea';
        const type = textKey ? 'varchar(768)' : bytes ? 'longblob' : 'longtext';
        const risk = errorRisk(e, where, false);
        risks.push(textKey ? risk : { ...risk, fix: { path: ['columns', key, 'type'], value: type } });
        opts = withOverride(opts, key, type);
        continue;
      }
      if (where.table && cat.tables.some((t) => `${t.schema}.${t.name}` === where.table)) {
        if (!key || !provisional.has(key)) risks.push(errorRisk(e, where, true));
        excluded.push(where.table);
        cat = filterCatalog(cat, { exclude: excluded });
        if (cat.tables.length === 0) return { catalog: cat, risks, provisional: [...provisional] };
        continue;
      }
      risks.push(errorRisk(e, where, false));
      return { catalog: cat, risks, provisional: [...provisional] };
    }
  }
  return { catalog: cat, risks, provisional: [...provisional] };
}

const PLANNER_CODES = new Set(['DECISION_REQUIRED', 'TYPE_UNMAPPABLE', 'IDENTIFIER_INVALID']);

/**
 * buildPlan for schema and migrate, but one pass, not ten: when the planner stops on a decision, plan on
 * tolerantly and throw ONE error (the first error's code and details) that lists every decision needed.
 */
export function buildPlanOrListAll(catalog: Catalog, dialect: Dialect, options: PlanOptions): MigrationPlan {
  try {
    return buildPlan(catalog, dialect, options);
  } catch (e) {
    if (!isMigrationError(e) || !PLANNER_CODES.has(e.code)) throw e;
    const all = planTolerantly(catalog, dialect, options).risks.filter((r) => r.severity === 'blocking');
    if (all.length <= 1) throw e;
    const list = all.map((r, i) => `  ${i + 1}. ${r.description}`).join('\n');
    throw new MigrationError(
      e.code,
      `${all.length} decisions are needed before the plan can be built (all of them are listed, not only the first):\n${list}`,
      {
        details: { ...e.details, decisions: all.length },
        hint: 'Run `pg2my assess --config-out pg2my.yaml` (same source and target): it writes a config with a lossless decision for each, commented with why; read it, then run with -c pg2my.yaml.',
        cause: e,
      },
    );
  }
}
