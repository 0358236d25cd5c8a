// The migration plan: what the target will look like and how each column travels, as readonly data.
// A plan holds DdlOps, never SQL strings; target/mysql/render-ddl turns ops into SQL per dialect.
// Invariants: pre-data ops create tables with their primary key only; everything the copy would slow
// down or that needs the rows (secondary/unique indexes, FKs, checks, AUTO_INCREMENT values) is post-data.
// Every lossy or ambiguous choice is listed in `decisions` with the rule id and config key behind it.

import type { FkAction, NotConverted, QualifiedName } from '../catalog/model.js';
import type { DialectName } from '../dialect/capabilities.js';

export const PLAN_VERSION = 1 as const;

/**
 * A piece of target SQL built by the planner without knowing quoting rules: raw SQL text
 * (keywords, operators, numbers), an identifier to quote, or a string literal to quote.
 */
export type SqlPart = string | { readonly ident: string } | { readonly str: string };
export type SqlFragment = readonly SqlPart[];

/** A MySQL column type, structured so that the renderer does all quoting. */
export interface TargetType {
  /** Upper-case type name: BIGINT, VARCHAR, DECIMAL, DATETIME, ENUM, JSON, LONGTEXT, … */
  readonly name: string;
  /** Length / precision / fsp arguments, e.g. [255], [12, 2], [6]. */
  readonly args?: readonly number[];
  /** ENUM labels, in order. */
  readonly values?: readonly string[];
  /** Character set for string types (always utf8mb4 or ascii) and the collation chosen for the column. */
  readonly charset?: string;
  readonly collation?: string;
}

export type TargetDefault =
  | { readonly kind: 'literal'; readonly sql: SqlFragment }
  | { readonly kind: 'current_timestamp'; readonly fsp: number }
  | { readonly kind: 'expression'; readonly sql: SqlFragment };

export interface TargetColumn {
  readonly name: string;
  readonly type: TargetType;
  readonly nullable: boolean;
  readonly default?: TargetDefault;
  readonly autoIncrement: boolean;
  /** STORED generated column expression. Generated columns are not copied; the target computes them. */
  readonly generated?: SqlFragment;
  readonly comment?: string;
}

export interface IndexPart {
  readonly column: string;
  readonly descending: boolean;
}

/**
 * DDL operations. `table` is always the target table name; `database` is set only for a table that
 * schemaMap puts in another database on the target server (absent = the target URL's database).
 */
export type DdlOp = (
  | {
      readonly kind: 'createTable';
      readonly table: string;
      readonly columns: readonly TargetColumn[];
      readonly primaryKey?: { readonly columns: readonly string[] };
      /**
       * Unique keys created with the table. Only set when the AUTO_INCREMENT column leads a UNIQUE key rather
       * than the primary key: MySQL requires that key at CREATE time. Such a key is not repeated in post-data.
       */
      readonly uniqueKeys?: readonly { readonly name: string; readonly columns: readonly string[] }[];
      readonly comment?: string;
    }
  | {
      readonly kind: 'addIndex';
      readonly table: string;
      readonly name: string;
      readonly unique: boolean;
      readonly parts: readonly IndexPart[];
    }
  | {
      readonly kind: 'addForeignKey';
      readonly table: string;
      readonly name: string;
      readonly columns: readonly string[];
      readonly refTable: string;
      /** Database of refTable when schemaMap puts it outside the target URL's database. */
      readonly refDatabase?: string;
      readonly refColumns: readonly string[];
      readonly onDelete: FkAction;
      readonly onUpdate: FkAction;
      /** NOT VALID in PostgreSQL: added without checking existing rows (orphans stay), never validated. */
      readonly notValid?: boolean;
    }
  | {
      readonly kind: 'addCheck';
      readonly table: string;
      readonly name: string;
      readonly expression: SqlFragment;
      /**
       * NOT VALID in PostgreSQL: existing rows are not checked. MariaDB adds it with check_constraint_checks=0
       * (new rows are checked); MySQL 8 checks every row on ADD CHECK, so there it is NOT ENFORCED.
       */
      readonly notValid?: boolean;
    }
  | {
      readonly kind: 'setAutoIncrement';
      readonly table: string;
      readonly column: string;
      /** Next value the target should hand out, as decimal text; migrate raises it to max(column)+1. */
      readonly next: string;
    }
) & { readonly database?: string };

export type DdlOpKind = DdlOp['kind'];

/**
 * How a column's values travel. The source adapter renders the SELECT expression for each transform,
 * the target adapter the LOAD DATA SET clause; both keep Node a byte pump.
 */
export type Transform =
  | 'none'
  | 'bool' // t/f → 1/0
  | 'bytea' // hex out of PostgreSQL, UNHEX on the target
  | 'timestamptz-utc' // instant rendered in UTC without offset
  | 'timetz-utc' // time of day converted to UTC, offset dropped (opt-in only)
  | 'array-json' // array_to_json
  | 'hstore-json' // hstore::json (hstore's own cast): a JSON object of string (or null) values
  | 'money' // money::numeric
  | 'interval-iso' // ISO 8601 interval text
  | 'interval-time' // interval as TIME (opt-in; hours beyond 838 are rejected)
  | 'bit' // bit string → BIT(n) via b'…'
  | 'text'; // ::text (inet, cidr, macaddr, tsvector, xml, uuid, …)

export interface ColumnPlan {
  readonly source: string;
  readonly target: string;
  /** format_type() of the source column, for reports. */
  readonly sourceType: string;
  /** Id of the rule in plan/rules.ts (or `config:<key>`) that chose the target type. */
  readonly ruleId: string;
  readonly transform: Transform;
  /** What the mapping loses, if anything; absent when lossless. */
  readonly loss?: string;
  /** True when the target computes the column (generated); it is not copied. */
  readonly generated: boolean;
}

/** How the copy and verify split a table: by integer key, composite key, text key, or ctid blocks. */
export interface KeyPlan {
  readonly kind: 'int' | 'composite' | 'text' | 'ctid';
  /** Source column names, in key order; empty for ctid. */
  readonly columns: readonly string[];
}

export interface TablePlan {
  readonly source: QualifiedName;
  readonly target: string;
  /** Target database from schemaMap; absent = the target URL's database. See tableKey. */
  readonly database?: string;
  readonly columns: readonly ColumnPlan[];
  readonly key: KeyPlan;
  readonly estimatedRows: number;
  readonly totalBytes: number;
}

/** One lossy or ambiguous choice, as made: which column, which rule, default or override, and why. */
export interface Decision {
  /** Config key that controls it, e.g. `types.numeric`, `types.timestamptz`, `columns.public.t.c`. */
  readonly key: string;
  /** `schema.table.column` the decision applies to. */
  readonly column: string;
  readonly ruleId: string;
  /** The value in force, e.g. `measure`, `datetime`, `decimal(65,4)`. */
  readonly choice: string;
  readonly source: 'default' | 'config';
  readonly note: string;
}

export interface PlanWarning {
  readonly code: string;
  readonly object: string;
  readonly message: string;
}

/** A target name that differs from the source name (shortened to fit, suffixed on a clash, or chosen in the config). */
export interface RenamedIdentifier {
  readonly kind: 'table' | 'column' | 'index' | 'foreignKey' | 'check';
  readonly scope: string;
  readonly from: string;
  readonly to: string;
}

export interface MigrationPlan {
  readonly version: typeof PLAN_VERSION;
  readonly dialect: DialectName;
  /** sha256 of the canonical JSON of everything above except itself; resume refuses on change. */
  readonly fingerprint: string;
  readonly tables: readonly TablePlan[];
  readonly preData: readonly DdlOp[];
  readonly postData: readonly DdlOp[];
  readonly decisions: readonly Decision[];
  readonly warnings: readonly PlanWarning[];
  readonly renamed: readonly RenamedIdentifier[];
  readonly notConverted: readonly NotConverted[];
}

/**
 * The name a target table is known by across a run (checkpoints, progress, verify, reports): `table`, or
 * `database.table` for a table schemaMap puts in another database. Unique within a plan; schemaMap
 * database names never contain a dot, so the form is unambiguous.
 */
export function tableKey(t: { readonly target: string; readonly database?: string | undefined }): string {
  return t.database === undefined ? t.target : `${t.database}.${t.target}`;
}
