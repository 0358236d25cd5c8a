// One PostgreSQL column → its MySQL column, ColumnPlan and Decision: the column override (config
// `columns`) first, then the first matching rule of rules.ts; then charset/collation, nullability
// (domain NOT NULL included), the default, a generated expression and the comment.
// Invariants: throws a MigrationError naming schema.table.column for anything it cannot map safely;
// a default or generated expression it cannot translate is dropped *and* reported as NotConverted.

import type { Column, NotConverted } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import { MYSQL_STRING_TYPES } from '../dialect/type-families.js';
import { MigrationError } from '../errors.js';
import type {
  ColumnPlan,
  Decision,
  PlanWarning,
  TargetColumn,
  TargetDefault,
  TargetType,
  Transform,
} from './model.js';
import { columnSnippet } from './config-snippet.js';
import { DEFAULT_TYPE_DECISIONS, type PlanOptions } from './options.js';
import {
  CITEXT_COLLATION,
  findRule,
  type RuleContext,
  type StringKind,
  type TypeRule,
  where,
} from './rules.js';
import { fitGenerated, type GeneratedLimits } from './generated-limits.js';
import { mapDefault } from './map-default.js';
import { type ExprColumn, translateExpr } from './translate-expr.js';
import { baseName, overrideTransform, parseTypeOverride } from './type-override.js';

/** Re-exported for callers that validate overrides up front (config). */
export { parseTypeOverride } from './type-override.js';
export { mapDefault } from './map-default.js';

/** What mapColumn needs to know about a column beyond the column itself. Optional fields default to off. */
export interface ColumnContext {
  readonly dialect: Dialect;
  readonly options: PlanOptions;
  readonly schema: string;
  /** Source table name. */
  readonly table: string;
  /** Target column name; default the source name. */
  readonly targetName?: string;
  /** In a PK, UNIQUE constraint, unique index or FK (either side): gets the key collation. */
  readonly isKey: boolean;
  /** In any index pg2my converts (keys included): needs an indexable type. */
  readonly isIndexed: boolean;
  /** plan.ts chose this column as the table's AUTO_INCREMENT column. */
  readonly autoIncrement: boolean;
  /** Store a long VARCHAR as TEXT to keep the row under 65,535 bytes. Default false. */
  readonly spill?: boolean;
  /** The domain's default, used when the column has none. */
  readonly domainDefault?: string;
  /** The table's columns (source name → target name and kind), for generated expressions. */
  readonly exprColumns?: ReadonlyMap<string, ExprColumn>;
  /** The table's AUTO_INCREMENT column (source name): MySQL forbids generated columns that read it. */
  readonly autoIncrementColumn?: string;
  /** The wider type a foreign key needs this column planned with (fk-types.ts); the rules see it instead. */
  readonly fkType?: Column['type'];
  /** Where the target refuses a stored generated column (generated-limits.ts); default none. */
  readonly generatedLimits?: GeneratedLimits;
}

/** The result of mapping one column; notConverted and warnings are for the plan. */
export interface MappedColumn {
  readonly column: TargetColumn;
  readonly plan: ColumnPlan;
  readonly decision?: Decision;
  readonly notConverted: readonly NotConverted[];
  readonly warnings: readonly PlanWarning[];
}

/** Map one column. Throws MigrationError (TYPE_UNMAPPABLE, DECISION_REQUIRED, CONFIG_INVALID). */
export function mapColumn(col: Column, ctx: ColumnContext): MappedColumn {
  const rctx: RuleContext = {
    dialect: ctx.dialect,
    types: ctx.options.types,
    bounded: ctx.isKey || ctx.isIndexed,
    spill: ctx.spill ?? false,
    schema: ctx.schema,
    table: ctx.table,
  };
  const w = where(ctx, col);
  const override = ctx.options.columns[w];
  const rcol = ctx.fkType ? { ...col, type: ctx.fkType } : col; // what the rules map
  const rule = findRule(rcol, rctx);
  const notConverted: NotConverted[] = [];
  const warnings: PlanWarning[] = [];
  const nc = (kind: NotConverted['kind'], reason: string) =>
    notConverted.push({ kind, schema: ctx.schema, name: `${ctx.table}.${col.name}`, reason });

  let type: TargetType;
  let transform: Transform;
  let ruleId: string;
  let loss: string | undefined;
  let strings: StringKind | undefined;
  let decision: Decision | undefined;
  if (override?.type !== undefined) {
    type = parseTypeOverride(override.type, w);
    ruleId = `config:columns.${w}`;
    transform = overrideTransform(rule?.transform, type);
    strings = MYSQL_STRING_TYPES.has(baseName(type)) ? (rule?.strings ?? 'auto') : undefined;
    decision = {
      key: `columns.${w}`,
      column: w,
      ruleId,
      choice: override.type,
      source: 'config',
      note: `type set by config (rule ${rule?.id ?? 'none'} bypassed); pg2my does not check that every value fits, verify compares them`,
    };
  } else {
    if (!rule) {
      throw new MigrationError(
        'TYPE_UNMAPPABLE',
        `${w}: PostgreSQL type ${col.type.formatted} has no MySQL mapping. Set columns["${w}"].type, e.g. ${columnSnippet(w, 'longtext')} to keep its text form.`,
        {
          details: { schema: ctx.schema, table: ctx.table, column: col.name, type: col.type.formatted },
          hint: `Set columns["${w}"].type in the config, e.g. ${columnSnippet(w, 'longtext')}.`,
        },
      );
    }
    type = rule.target(rcol, rctx);
    ({ transform, id: ruleId, strings } = rule);
    loss = typeof rule.loss === 'function' ? rule.loss(rcol, rctx) : rule.loss;
    if (rule.decisionKey !== undefined) decision = ruleDecision(rule, rcol, rctx, type, ctx.options, w);
    if (rule.note !== undefined)
      warnings.push({
        code: 'TYPE_NOTE',
        object: w,
        message: `${col.type.formatted} → ${type.name}: ${rule.note}`,
      });
  }
  type = withCollation(type, strings, override?.collation, ctx, w);
  if (col.identity === 'always' && ctx.autoIncrement) {
    loss = join(
      loss,
      'GENERATED ALWAYS is not enforced: MySQL accepts explicit values for AUTO_INCREMENT columns',
    );
  }

  const target = ctx.targetName ?? col.name;
  let generated: TargetColumn['generated'];
  if (col.generated !== undefined) {
    const tr = translateExpr(col.generated, { columns: ctx.exprColumns ?? new Map() });
    const limits = ctx.generatedLimits;
    const why = !tr.ok
      ? `is not translated (${tr.reason})`
      : ctx.autoIncrementColumn !== undefined && tr.columns.includes(ctx.autoIncrementColumn)
        ? 'reads the AUTO_INCREMENT column, which MySQL forbids (error 3109)'
        : (limits?.self.get(col.name) ?? tr.columns.map((c) => limits?.base.get(c)).find((r) => r));
    const fit = tr.ok && why === undefined ? fitGenerated(tr.sql, tr.kind, type) : undefined;
    if (fit !== undefined && 'sql' in fit) {
      generated = fit.sql;
      if (!col.nullable)
        loss = join(loss, 'NOT NULL on the generated column is not kept (MariaDB rejects it there)');
      warnings.push({
        code: 'GENERATED_COLUMN',
        object: w,
        message: `GENERATED ALWAYS AS (${col.generated}) STORED is converted: the target computes it from the copied columns and verify compares its values`,
      });
    } else
      nc(
        'generated column',
        `GENERATED ALWAYS AS (${col.generated}) ${why ?? (fit && 'reason' in fit ? fit.reason : '')}; the column is copied as plain values and no longer computed`,
      );
  }
  let dflt: TargetDefault | undefined;
  const dtext = col.default ?? ctx.domainDefault;
  if (generated === undefined && !ctx.autoIncrement && dtext !== undefined) {
    const d = mapDefault(dtext, col, type, transform);
    if ('reason' in d) nc('default', `DEFAULT ${dtext} is not converted: ${d.reason}`);
    else dflt = d.value;
    if ('warning' in d && d.warning)
      warnings.push({ code: 'DEFAULT_UUID_V1', object: w, message: d.warning });
  }
  if (col.identity !== undefined && !ctx.autoIncrement) {
    nc(
      'default',
      `identity (GENERATED ${col.identity.toUpperCase()}) is not converted: MySQL allows one AUTO_INCREMENT column per table, leading a key; this column is not it, so new rows need an explicit value`,
    );
  }
  let comment: string | undefined;
  if (col.comment !== undefined) {
    const why = commentProblem(col.comment, 1024);
    if (why === undefined) comment = col.comment;
    else nc('comment', `column comment ${why}`);
  }
  if (type.values?.some((v) => OUTSIDE_BMP.test(v))) {
    warnings.push({
      code: 'ENUM_LABEL_4BYTE',
      object: w,
      message:
        'an ENUM label has a character outside the BMP (e.g. an emoji): values are stored exactly, but SHOW CREATE TABLE and information_schema show it as ?, so schema dumps of this table would corrupt it',
    });
  }

  const column: TargetColumn = {
    name: target,
    type,
    nullable: col.nullable && !(col.type.domain?.notNull ?? false),
    autoIncrement: ctx.autoIncrement,
    ...(dflt ? { default: dflt } : {}),
    ...(generated ? { generated } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
  const plan: ColumnPlan = {
    source: col.name,
    target,
    sourceType: col.type.formatted,
    ruleId,
    transform,
    ...(loss !== undefined ? { loss } : {}),
    generated: generated !== undefined,
  };
  return { column, plan, ...(decision ? { decision } : {}), notConverted, warnings };
}

const OUTSIDE_BMP = /[\u{10000}-\u{10FFFF}]/u;

/**
 * Why MySQL/MariaDB would not keep this comment as is, or undefined: too long, or characters outside the
 * BMP (table metadata is utf8mb3 there, so an emoji would silently become ?).
 */
export function commentProblem(comment: string, max: number): string | undefined {
  if (comment.length > max) return `of ${comment.length} characters is longer than MySQL's ${max}`;
  if (OUTSIDE_BMP.test(comment))
    return 'has characters outside the BMP (e.g. emoji), which MySQL/MariaDB table metadata (utf8mb3) would turn into ?';
  return undefined;
}

function join(a: string | undefined, b: string): string {
  return a === undefined ? b : `${a}; ${b}`;
}

function ruleDecision(
  rule: TypeRule,
  col: Column,
  rctx: RuleContext,
  type: TargetType,
  options: PlanOptions,
  w: string,
): Decision {
  const key = rule.decisionKey!;
  const value = options.types[key];
  const choice =
    typeof value === 'string'
      ? value
      : 'precision' in value
        ? `decimal(${value.precision},${value.scale})`
        : `length(${value.length})`;
  const isDefault = JSON.stringify(value) === JSON.stringify(DEFAULT_TYPE_DECISIONS[key]);
  const loss = typeof rule.loss === 'function' ? rule.loss(col, rctx) : rule.loss;
  return {
    key: `types.${key}`,
    column: w,
    ruleId: rule.id,
    choice,
    source: isDefault ? 'default' : 'config',
    note: rule.explain?.(col, rctx, type) ?? loss ?? rule.id,
  };
}

/** Charset and collation for string types, by rule kind, key-ness and overrides. */
function withCollation(
  type: TargetType,
  kind: StringKind | undefined,
  override: string | undefined,
  ctx: ColumnContext,
  w: string,
): TargetType {
  if (kind === undefined || !MYSQL_STRING_TYPES.has(baseName(type))) {
    if (override !== undefined) {
      throw new MigrationError(
        'CONFIG_INVALID',
        `columns["${w}"].collation is set, but the column maps to ${type.name}, which has no collation.`,
        {
          details: { key: `columns.${w}.collation` },
        },
      );
    }
    return type;
  }
  const { dialect, options } = ctx;
  let charset = 'utf8mb4';
  let collation: string;
  if (kind === 'ascii') [charset, collation] = ['ascii', 'ascii_bin'];
  else if (kind === 'binary') collation = dialect.keyCollation;
  else if (kind === 'citext') collation = CITEXT_COLLATION[dialect.name];
  else
    collation = ctx.isKey
      ? (options.collation.key ?? dialect.keyCollation)
      : (options.collation.text ?? dialect.textCollation);
  if (override !== undefined) {
    collation = checkedCollation(override, `columns.${w}.collation`);
    charset = override.toLowerCase().startsWith('ascii_') ? 'ascii' : 'utf8mb4';
  }
  return { ...type, charset, collation };
}

/** `name` if it is a utf8mb4_… or ascii_… collation name (letters, digits, underscores); else CONFIG_INVALID. */
export function checkedCollation(name: string, key: string): string {
  if (!/^(?:utf8mb4|ascii)_[A-Za-z0-9_]+$/.test(name)) {
    throw new MigrationError(
      'CONFIG_INVALID',
      `${key} = ${JSON.stringify(name)}: use a utf8mb4_… or ascii_… collation name.`,
      {
        details: { key },
        hint: 'e.g. utf8mb4_0900_bin (MySQL 8) or utf8mb4_nopad_bin (MariaDB).',
      },
    );
  }
  return name;
}
