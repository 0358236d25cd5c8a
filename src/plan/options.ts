// Planner options: the config decisions for lossy or ambiguous mappings, with their defaults.
// Every default here never loses data silently: it either keeps every value or fails loudly.
// Validated once at the edge (config/); the planner receives them as readonly values.

/** Choices for the mappings that have no single right answer. Defaults are marked. */
export interface TypeDecisions {
  /**
   * numeric without precision. `measure` (default): DECIMAL(65, s) with s the largest scale found in the
   * data (error if s > 30 or a value needs more than 65 digits); `text`: VARCHAR text, exact but no
   * arithmetic; `decimal(p,s)`: fixed, values that do not fit fail the copy.
   */
  readonly numeric: 'measure' | 'text' | { readonly precision: number; readonly scale: number };
  /** timestamptz. `datetime` (default): DATETIME(p) holding UTC; `timestamp`: TIMESTAMP(p), 1970–2038 only. */
  readonly timestamptz: 'datetime' | 'timestamp';
  /**
   * text (or varchar longer than fits), citext or bytea in a PRIMARY KEY, UNIQUE, FK or index. `measure`
   * (default): VARCHAR(n) / VARBINARY(n) with n = max(255, longest value), error if the key would pass the
   * index limit; or a fixed length (config `varchar(n)`).
   */
  readonly textKey: 'measure' | { readonly length: number };
  /** Arrays. `json` (default): JSON array (lower bounds other than 1 are rejected); `text`: PostgreSQL literal. */
  readonly array: 'json' | 'text';
  /** interval. `text` (default): ISO 8601 text, exact; `time`: TIME(6), fails for months or > 838 hours. */
  readonly interval: 'text' | 'time';
  /** timetz. `text` (default): '12:00:00+05:30', exact; `time`: TIME(6) in UTC, offset dropped. */
  readonly timetz: 'text' | 'time';
  /** PostgreSQL `json` (not jsonb). `text` (default): LONGTEXT, byte-exact; `json`: JSON type, normalised. */
  readonly json: 'text' | 'json';
}

/** A per-column override: `schema.table.column` → target type SQL and/or collation. */
export interface ColumnOverride {
  /** e.g. `varchar(320)`, `decimal(20,4)`, `longtext`. */
  readonly type?: string;
  readonly collation?: string;
  /** Target column name instead of the source name (config `columns.<schema.table.column>.name`). */
  readonly name?: string;
}

export interface PlanOptions {
  readonly types: TypeDecisions;
  readonly collation: {
    /** Collation for string columns in a PK, UNIQUE or FK; default: the dialect's binary NO PAD collation. */
    readonly key?: string;
    /** Collation for other string columns; default: the dialect's textCollation. */
    readonly text?: string;
  };
  readonly columns: Readonly<Record<string, ColumnOverride>>;
  /** Target table names keyed by `schema.table` (config `rename`); a key naming no table is CONFIG_INVALID. */
  readonly rename?: Readonly<Record<string, string>>;
  /**
   * PostgreSQL schema → target database on the same server (config `schemaMap`). Tables of an unmapped
   * schema, or of one mapped to targetDatabase, stay in the URL's database (TablePlan.database unset).
   */
  readonly schemaMap?: Readonly<Record<string, string>>;
  /** The target URL's database, when known: a FK from a mapped table to an unmapped one names it. */
  readonly targetDatabase?: string;
}

export const DEFAULT_TYPE_DECISIONS: TypeDecisions = {
  numeric: 'measure',
  timestamptz: 'datetime',
  textKey: 'measure',
  array: 'json',
  interval: 'text',
  timetz: 'text',
  json: 'text',
};

/**
 * A decision as pg2my.yaml spells it: string choices as they are, `decimal(p,s)` and `varchar(n)` for the
 * fixed forms. config/schema.ts takes its defaults from DEFAULT_TYPE_DECISIONS through this.
 */
export function decisionConfigValue(v: TypeDecisions[keyof TypeDecisions]): string {
  if (typeof v === 'string') return v;
  return 'length' in v ? `varchar(${v.length})` : `decimal(${v.precision},${v.scale})`;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  types: DEFAULT_TYPE_DECISIONS,
  collation: {},
  columns: {},
};
