// The assess risk model: every finding is a Risk with a stable id, a severity, measured facts (table,
// column, rows, example keys) and the config decision that resolves it; the verdict follows from them.
// Pure data and functions (no I/O); renderers for people and machines live in render-report.ts.
// Invariants: ids never change meaning (tools key on them); a report never holds a password (endpoints
// come from describe()); the verdict is `blocked` exactly when an open blocking risk exists.

/** Every risk id assess can report, with the one-line meaning used as a heading. Stable: tools key on them. */
export const RISK_IDS = {
  SOURCE_CONNECT_FAILED: 'The PostgreSQL source could not be reached',
  TARGET_CONNECT_FAILED: 'The MySQL/MariaDB target could not be reached',
  SOURCE_VERSION_UNSUPPORTED: 'PostgreSQL older than 12',
  TARGET_VERSION_UNSUPPORTED: 'Target older than MySQL 8.0 / MariaDB 10.6',
  TARGET_DATABASE_MISSING: 'No target database named in the URL',
  TLS_NOT_IN_USE: 'A connection is not encrypted',
  SOURCE_PRIVILEGE_MISSING: 'The source role lacks a privilege pg2my needs',
  RLS_NOT_BYPASSED: 'Row-level security would hide rows from the copy',
  TARGET_PRIVILEGE_MISSING: 'The target user lacks a privilege pg2my needs',
  LOCAL_INFILE_DISABLED: 'LOAD DATA LOCAL is disabled on the target',
  MAX_ALLOWED_PACKET_TOO_SMALL: 'A source row is close to or above max_allowed_packet',
  SQL_MODE_NOT_STRICT: 'The target server default sql_mode is not strict',
  CHARSET_NOT_UTF8MB4: 'The target server default character set is not utf8mb4',
  LOWER_CASE_TABLE_NAMES: 'lower_case_table_names changes table names',
  REQUIRE_PRIMARY_KEY: 'The target requires a primary key on every table',
  TARGET_NOT_EMPTY: 'The target database already has tables',
  PLAN_CHANGED: 'The target holds a run of a different plan',
  DECISION_REQUIRED: 'A mapping needs an explicit decision',
  TYPE_UNMAPPABLE: 'A column type has no lossless mapping',
  IDENTIFIER_INVALID: 'A name cannot be represented on the target',
  PLAN_FAILED: 'The plan could not be built',
  DATE_OUT_OF_RANGE: 'Dates or timestamps outside the target range',
  DATE_INFINITE: 'Infinite dates or timestamps',
  NUMERIC_OUT_OF_RANGE: 'Numbers that do not fit the mapped DECIMAL',
  NUMERIC_SPECIAL_VALUE: 'NaN or Infinity in a numeric or floating-point column',
  FLOAT_NEGATIVE_ZERO: '-0 in a real or double column, which MariaDB stores as 0',
  STRING_TOO_LONG: 'Strings longer than the mapped column',
  NUL_CHARACTER: 'NUL characters the target type cannot hold',
  ARRAY_LOWER_BOUND: 'Arrays whose lower bound is not 1',
  JSON_TOO_DEEP: 'JSON documents nested deeper than the target accepts',
  INTERVAL_OUT_OF_RANGE: 'Intervals beyond the TIME range',
  JSON_NUMBER_OUT_OF_RANGE: 'JSON numbers beyond the range of a double (MySQL 8 JSON)',
  CHARSET_MISMATCH: "Characters the target column's character set cannot hold",
  COLLATION_COLLISION: 'Distinct key values that are equal under the target collation',
  IDENTIFIER_TOO_LONG: 'Names longer than 64 characters are shortened',
  RESERVED_WORD: 'Names that are reserved words in MySQL/MariaDB',
  INDEX_KEY_TOO_LONG: 'Index keys longer than 3072 bytes',
  NO_PRIMARY_KEY: 'Tables without a primary key',
  NOT_CONVERTED: 'Objects pg2my does not convert',
  LOSSY_MAPPING: 'A mapping that changes how values look',
  PLAN_WARNING: 'A planner warning',
  NOT_VALID_CONSTRAINT: 'A NOT VALID constraint: existing rows were never checked',
  CHECK_FAILED: 'A check could not run',
} as const;

export type RiskId = keyof typeof RISK_IDS;
export type Severity = 'blocking' | 'high' | 'medium' | 'low' | 'info';
/** How likely the impact is: `certain` for measured facts, lower for things that depend on usage. */
export type Probability = 'certain' | 'likely' | 'possible' | 'unlikely';
export type Verdict = 'blocked' | 'ready-with-warnings' | 'ready';

/** Where a risk lands, with measured numbers when there are any. */
export interface BlastRadius {
  /** Source `schema.table`. */
  readonly table?: string;
  /** Source column name(s), comma-separated for a composite key. */
  readonly column?: string;
  /** Affected rows (or values / groups, as the description says). */
  readonly rows?: number;
  /** Up to a few keys of affected rows, e.g. `id=42`, or the colliding values themselves. */
  readonly exampleKeys?: readonly string[];
  /** Other affected objects (privileges, settings, index names). */
  readonly objects?: readonly string[];
}

export interface Risk {
  readonly id: RiskId;
  readonly severity: Severity;
  /** `mitigated`: measured and found harmless under the plan as configured. */
  readonly status: 'open' | 'mitigated';
  /** One line naming the object, e.g. `public.events.happened_at: 2 rows before year 1000`. */
  readonly title: string;
  readonly description: string;
  readonly impact: string;
  readonly probability: Probability;
  readonly blastRadius: BlastRadius;
  /** What resolves it, in words; names the config key when one does. */
  readonly mitigation: string;
  /** The config line that resolves it, when there is one, e.g. `types.numeric: text`. */
  readonly config?: string;
  /**
   * A lossless decision that resolves it, in machine form (what `assess --config-out` writes): the config
   * key path (a column key is one element, e.g. ['columns', 'public.t.c', 'type']) and its value.
   */
  readonly fix?: { readonly path: readonly string[]; readonly value: string };
  /** How the fact was measured (query, server, time taken). */
  readonly evidence?: string;
}

/** One preflight check as performed, for the report's checklist. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'warn' | 'skip';
  readonly detail: string;
}

/** Per-table size facts. */
export interface TableFacts {
  readonly table: string;
  readonly rows: number;
  /** True when `rows` is an exact count(*), false for the planner estimate. */
  readonly exact: boolean;
  /** On-disk size, pg_total_relation_size (heap, TOAST and indexes). */
  readonly bytes: number;
  /** Estimated bytes of COPY text the migrate stream carries for this table. */
  readonly streamBytes: number;
  /** Largest row, pg_column_size(t.*) (compressed size); absent when not measured. */
  readonly largestRowBytes?: number;
}

/** The measured throughput and the migrate duration extrapolated from it. */
export interface DurationEstimate {
  readonly seconds: number;
  readonly bytesPerSecond: number;
  readonly rowsPerSecond: number;
  /** In words: what was copied where, for how long. */
  readonly method: string;
}

export interface AssessReport {
  readonly version: 1;
  readonly runId: string;
  readonly generatedAt: string;
  readonly verdict: Verdict;
  readonly source: { readonly endpoint: string; readonly version?: string; readonly tls?: string };
  readonly target: {
    readonly endpoint: string;
    readonly version?: string;
    readonly dialect?: string;
    readonly tls?: string;
  };
  /** Sorted: blocking first, then high … info; open before mitigated. */
  readonly risks: readonly Risk[];
  readonly checks: readonly CheckResult[];
  readonly tables: readonly TableFacts[];
  readonly estimate?: DurationEstimate;
  readonly plan?: {
    readonly fingerprint: string;
    readonly tables: number;
    readonly decisions: number;
    readonly notConverted: number;
  };
  /** Milliseconds per assess phase (preflight, plan, scan, collisions, estimate). */
  readonly timingsMs: Readonly<Record<string, number>>;
}

export const SEVERITIES: readonly Severity[] = ['blocking', 'high', 'medium', 'low', 'info'];

/** `blocked` if any open blocking risk; `ready-with-warnings` if any other open risk above info; else `ready`. */
export function verdictOf(risks: readonly Risk[]): Verdict {
  const open = risks.filter((r) => r.status === 'open');
  if (open.some((r) => r.severity === 'blocking')) return 'blocked';
  if (open.some((r) => r.severity !== 'info')) return 'ready-with-warnings';
  return 'ready';
}

/** Stable order: severity, open before mitigated, then id and title. */
export function sortRisks(risks: readonly Risk[]): Risk[] {
  const rank = (r: Risk) => SEVERITIES.indexOf(r.severity) * 2 + (r.status === 'open' ? 0 : 1);
  return [...risks].sort(
    (a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id) || a.title.localeCompare(b.title),
  );
}

/** Open risks per severity. */
export function countOpen(risks: readonly Risk[]): Record<Severity, number> {
  const out: Record<Severity, number> = { blocking: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const r of risks) if (r.status === 'open') out[r.severity]++;
  return out;
}

/** Assemble a report: sorts the risks and derives the verdict from them. */
export function buildReport(
  parts: Omit<AssessReport, 'version' | 'verdict' | 'risks'> & {
    risks: readonly Risk[];
  },
): AssessReport {
  const risks = sortRisks(parts.risks);
  return { version: 1, ...parts, verdict: verdictOf(risks), risks };
}

/** The report as JSON text (what `--format json` prints and `--out` writes as assess.json). */
export function renderJson(report: AssessReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** `s.t.c` config key path for a column override, e.g. `columns.public.t.c.type: varchar(2000)`. */
export function columnOverride(table: string, column: string, type: string): string {
  return `columns.${table}.${column}.type: ${type}`;
}
