// The engine-neutral catalog: what a source database holds, as plain readonly data.
// Sources produce it (source/postgres/introspect), the planner consumes it (plan/). It knows no driver.
// Invariants: names are exactly as the source spells them (no quoting, no case folding);
// lists are in a deterministic order (by name, or by ordinal for columns); the JSON form is versioned.

export const CATALOG_VERSION = 1 as const;

/** A schema-qualified name as the source spells it. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/**
 * A column's type as the source declares it. `name` is the PostgreSQL type name of the *base* type
 * (after resolving domains and array element types): int2, int4, int8, numeric, float4, float8, bool,
 * bpchar, varchar, text, bytea, date, time, timetz, timestamp, timestamptz, interval, uuid, json, jsonb,
 * inet, cidr, macaddr, macaddr8, money, citext, tsvector, xml, bit, varbit, oid, or `enum` for a user enum.
 */
export interface ColumnType {
  readonly name: string;
  /** format_type() text, for messages and reports: "character varying(255)", "integer[]". */
  readonly formatted: string;
  /** varchar(n), char(n), bit(n). */
  readonly length?: number;
  /** numeric(p,s). Both absent for unbounded numeric. */
  readonly precision?: number;
  readonly scale?: number;
  /** Fractional-second digits for time/timestamp/interval; absent means the PostgreSQL default (6). */
  readonly fsp?: number;
  /** Present when the column is an array; `name` is then the element's base type. */
  readonly array?: { readonly dims: number };
  /** Present when the type is a user enum; labels are in sort order. */
  readonly enum?: QualifiedName & { readonly labels: readonly string[] };
  /** Present when the column's declared type is a domain over `name`. */
  readonly domain?: QualifiedName & {
    readonly notNull: boolean;
    readonly checks: readonly string[];
    /** The expressions among `checks` that are NOT VALID (existing values never checked). Absent when none. */
    readonly notValid?: readonly string[];
  };
}

/** Facts measured from the data, for mappings that depend on it. Absent when not measured. */
export interface ColumnStats {
  /** Unbounded numeric: the most digits left and right of the point in any value; NaN/Infinity seen. */
  readonly numericMaxIntDigits?: number;
  readonly numericMaxScale?: number;
  readonly numericSpecials?: number;
  /** Strings: longest value in characters and in UTF-8 bytes. bytea: longest value in bytes (maxBytes only). */
  readonly maxChars?: number;
  readonly maxBytes?: number;
}

export interface Column {
  readonly name: string;
  /** 1-based position among the table's live columns. */
  readonly ordinal: number;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** The default expression as pg_get_expr prints it, e.g. `'active'::character varying`, `now()`. */
  readonly default?: string;
  /** Identity column (GENERATED ALWAYS / BY DEFAULT AS IDENTITY). */
  readonly identity?: 'always' | 'by default';
  /** The sequence behind a serial or identity column. */
  readonly sequence?: QualifiedName;
  /** Stored generated column: its expression as pg_get_expr prints it. */
  readonly generated?: string;
  readonly comment?: string;
  readonly stats?: ColumnStats;
}

export interface PrimaryKey {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface UniqueConstraint {
  readonly name: string;
  readonly columns: readonly string[];
  /** PostgreSQL 15 UNIQUE NULLS NOT DISTINCT. */
  readonly nullsNotDistinct: boolean;
}

export interface IndexColumn {
  /** Column name, or absent for an expression key part. */
  readonly column?: string;
  /** Expression text for an expression key part. */
  readonly expression?: string;
  readonly descending: boolean;
}

export interface Index {
  readonly name: string;
  readonly unique: boolean;
  readonly columns: readonly IndexColumn[];
  /** btree, hash, gin, gist, brin, spgist. */
  readonly method: string;
  /** Partial index predicate (WHERE …). */
  readonly predicate?: string;
  /** True when this index backs a PRIMARY KEY or UNIQUE constraint (already listed there). */
  readonly backsConstraint: boolean;
}

export type FkAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly references: QualifiedName & { readonly columns: readonly string[] };
  readonly onDelete: FkAction;
  readonly onUpdate: FkAction;
  readonly deferrable: boolean;
  /** NOT VALID in PostgreSQL (pg_constraint.convalidated = false): existing rows were never checked, new
   *  and updated rows are. Present only when true, so catalogs without such constraints are unchanged. */
  readonly notValid?: boolean;
}

export interface Check {
  readonly name: string;
  /** The boolean expression without the CHECK keyword and outer parentheses. */
  readonly expression: string;
  /** NOT VALID in PostgreSQL: existing rows were never checked, new and updated rows are. Present only when true. */
  readonly notValid?: boolean;
}

export interface Table extends QualifiedName {
  readonly columns: readonly Column[];
  readonly primaryKey?: PrimaryKey;
  readonly uniques: readonly UniqueConstraint[];
  readonly indexes: readonly Index[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly checks: readonly Check[];
  readonly comment?: string;
  /** Set for a partitioned parent; its partitions are not listed as tables. */
  readonly partitioning?: {
    readonly strategy: string;
    readonly key: string;
    readonly partitions: readonly string[];
  };
  /** Row-level security enabled on the source table. */
  readonly rowSecurity: boolean;
  /** Planner estimates (pg_class.reltuples, pg_total_relation_size); -1 when never analysed. */
  readonly estimatedRows: number;
  readonly totalBytes: number;
}

export interface Sequence extends QualifiedName {
  readonly dataType: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cycle: boolean;
  /** last_value as text, or absent when the sequence was never used (nextval would return start). */
  readonly lastValue?: string;
  /** The table column that owns it (serial/identity), if any. */
  readonly ownedBy?: QualifiedName & { readonly column: string };
}

export interface EnumType extends QualifiedName {
  readonly labels: readonly string[];
}

export interface DomainType extends QualifiedName {
  readonly baseType: string;
  readonly notNull: boolean;
  readonly default?: string;
  readonly checks: readonly string[];
}

export type NotConvertedKind =
  | 'view'
  | 'materialized view'
  | 'trigger'
  | 'function'
  | 'procedure'
  | 'rule'
  | 'policy'
  | 'extension'
  | 'exclusion constraint'
  | 'partial index'
  | 'expression index'
  | 'index method'
  | 'check constraint'
  | 'foreign key'
  | 'unique constraint'
  | 'index'
  | 'default'
  | 'generated column'
  | 'sequence'
  | 'comment';

/** Something the source has that pg2my does not convert, with the reason in plain words. */
export interface NotConverted {
  readonly kind: NotConvertedKind;
  readonly schema: string;
  /** Object name; for table-level things, `table.object`. */
  readonly name: string;
  readonly reason: string;
}

export interface Catalog {
  readonly version: typeof CATALOG_VERSION;
  readonly source: {
    readonly engine: 'postgresql';
    /** server_version_num, e.g. 150018. */
    readonly versionNum: number;
    readonly version: string;
    readonly database: string;
    readonly encoding: string;
  };
  readonly schemas: readonly string[];
  readonly tables: readonly Table[];
  /** `schema.table` of the tables a --tables/--exclude filter left out of this run (config keys may name them). */
  readonly filteredOut?: readonly string[];
  readonly sequences: readonly Sequence[];
  readonly enums: readonly EnumType[];
  readonly domains: readonly DomainType[];
  /** Views, triggers, functions, rules, policies, extensions, … each with a reason. */
  readonly notConverted: readonly NotConverted[];
}

/** `schema.name`, for messages and map keys. */
export function qualified(n: QualifiedName): string {
  return `${n.schema}.${n.name}`;
}
