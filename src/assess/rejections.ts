// Every class of value the copy (or post-data) can end in DATA_REJECTED, how the servers signal it, and the
// assess risk that counts those values beforehand, so that `assess` finds in one pass whatever `migrate`
// would refuse. Pure data. test/unit/rejections.test.ts walks it against the classifiers (every errno and
// SQLSTATE whose fault kind means DATA_REJECTED), the DATA_REJECTED raise sites in src/, and the assess
// modules (each risk id is really raised). Invariant: a rejection class without a risk does not compile.

import type { RiskId } from './report.js';

export interface RejectionClass {
  /** The values the target (or the copy's own check) refuses. */
  readonly what: string;
  /** Where the run stops: the copy of a chunk, or post-data (indexes, checks, foreign keys). */
  readonly phase: 'copy' | 'post-data';
  /** Target server errnos (errors or warnings, MySQL 8 and MariaDB) that signal it. */
  readonly errnos: readonly number[];
  /** Target SQLSTATEs that signal it when the errno is not in the classifier's table. */
  readonly targetSqlstates?: readonly string[];
  /** Source SQLSTATEs raised by the copy's own checks in the conversion SELECT. */
  readonly sourceSqlstates?: readonly string[];
  /** The assess risk that counts the rows beforehand (with table, column and example keys). */
  readonly risk: RiskId;
}

/** The rejection classes, by stable id. */
export const REJECTION_CLASSES = {
  'date-out-of-range': {
    what: 'dates/timestamps outside the target range (BC, years before 1000 or after 9999; TIMESTAMP outside 1970–2038)',
    phase: 'copy',
    errnos: [1292, 1264],
    risk: 'DATE_OUT_OF_RANGE',
  },
  'date-infinite': {
    what: "'infinity' and '-infinity' dates/timestamps",
    phase: 'copy',
    errnos: [1292],
    risk: 'DATE_INFINITE',
  },
  'interval-out-of-time-range': {
    what: 'intervals beyond ±838:59:59 (SEC_TO_TIME truncates: 1292) or with a year, month or day part (refused by the conversion SELECT: 22P02) with types.interval: time',
    phase: 'copy',
    errnos: [1292],
    sourceSqlstates: ['22P02'],
    risk: 'INTERVAL_OUT_OF_RANGE',
  },
  'numeric-out-of-range': {
    what: 'numbers with more integer digits (1264) or more decimals (1265, a note) than the DECIMAL holds',
    phase: 'copy',
    errnos: [1264, 1265],
    risk: 'NUMERIC_OUT_OF_RANGE',
  },
  'numeric-special-value': {
    what: 'NaN and ±Infinity into DECIMAL/FLOAT/DOUBLE (1366 Incorrect double value)',
    phase: 'copy',
    errnos: [1366],
    risk: 'NUMERIC_SPECIAL_VALUE',
  },
  'string-too-long': {
    what: 'strings/bytes longer than the mapped VARCHAR/CHAR/TEXT/BLOB (1406 Data too long)',
    phase: 'copy',
    errnos: [1406],
    risk: 'STRING_TOO_LONG',
  },
  'charset-mismatch': {
    what: 'characters an ascii column cannot hold (1366 Incorrect string value; 1300 invalid string)',
    phase: 'copy',
    errnos: [1366, 1300],
    risk: 'CHARSET_MISMATCH',
  },
  'json-too-deep': {
    what: "JSON nested deeper than the target's JSON accepts (MariaDB: json_valid CHECK 4025 after note 4040; MySQL 8: 3157)",
    phase: 'copy',
    errnos: [4025, 4040, 3157],
    targetSqlstates: ['22032'],
    risk: 'JSON_TOO_DEEP',
  },
  'json-number-out-of-range': {
    what: "JSON numbers beyond double range, which MySQL 8's binary JSON cannot parse (3140 Invalid JSON text)",
    phase: 'copy',
    errnos: [3140],
    targetSqlstates: ['22032'],
    risk: 'JSON_NUMBER_OUT_OF_RANGE',
  },
  'array-lower-bound': {
    what: 'arrays whose bounds do not start at 1, refused by the conversion SELECT (22P02) under types.array: json',
    phase: 'copy',
    errnos: [],
    sourceSqlstates: ['22P02'],
    risk: 'ARRAY_LOWER_BOUND',
  },
  'key-collision': {
    what: 'distinct source keys that are equal under the target collation (1062/1586 Duplicate entry)',
    phase: 'copy',
    errnos: [1062, 1586],
    targetSqlstates: ['23000'],
    risk: 'COLLATION_COLLISION',
  },
  'row-too-large': {
    what: "rows larger than the target's max_allowed_packet (1153, or a dropped connection while sending one)",
    phase: 'copy',
    errnos: [1153],
    risk: 'MAX_ALLOWED_PACKET_TOO_SMALL',
  },
  'unique-collision': {
    what: 'rows equal under a UNIQUE index added in post-data (1062), by the target collation',
    phase: 'post-data',
    errnos: [1062],
    risk: 'COLLATION_COLLISION',
  },
  'check-violated': {
    what: 'rows violating a CHECK added in post-data (MySQL 3819, MariaDB 4025): rows a NOT VALID constraint never checked',
    phase: 'post-data',
    errnos: [3819, 4025],
    risk: 'NOT_VALID_CONSTRAINT',
  },
  'orphan-row': {
    what: 'child rows without a parent on the target (anti-join after the copy; 1452/1216): a parent key changed by the collation',
    phase: 'post-data',
    errnos: [1452, 1216],
    risk: 'COLLATION_COLLISION',
  },
} as const satisfies Record<string, RejectionClass>;

export type RejectionClassId = keyof typeof REJECTION_CLASSES;

/**
 * Errnos and SQLSTATEs the classifiers map to a DATA_REJECTED fault kind that no source value can cause,
 * with the reason: they mean a bug in pg2my's own statements, so they are not value classes.
 */
export const NOT_VALUE_SIGNALS: Readonly<Record<string, string>> = {
  'mysql:1048': "NULL into NOT NULL: the target's nullability is the source's, so a source row cannot do it",
  'mysql:1261': 'LOAD DATA row with too few fields: COPY text framing is pg2my-generated',
  'mysql:1262': 'LOAD DATA row with too many fields: COPY text framing is pg2my-generated',
  'mysql:1411':
    "incorrect value for a function in LOAD DATA's SET clause: its input is pg2my's own conversion",
  'mysql:1451': 'cannot delete a parent row: pg2my deletes nothing while foreign keys are enforced',
  'mysql:1217': 'cannot delete a parent row: pg2my deletes nothing while foreign keys are enforced',
  'mysql-sqlstate:22':
    'the class of the value errnos above; an errno outside them names its own class (e.g. 3157 as 22032)',
  'mysql-sqlstate:23': 'the class of duplicate-key, check and foreign-key errnos above',
  'pg-sqlstate:23': 'the copy only reads the source: no source constraint can fire',
};

/** Files that raise DATA_REJECTED (the code as a string literal) and the classes each raises. */
export const DATA_REJECTED_SITES: Readonly<Record<string, readonly RejectionClassId[][]>> = {
  // rejected(): any warning or row-count gap of LOAD DATA / INSERT.
  'src/target/mysql/write-chunk.ts': [
    [
      'date-out-of-range',
      'date-infinite',
      'interval-out-of-time-range',
      'numeric-out-of-range',
      'numeric-special-value',
      'string-too-long',
      'charset-mismatch',
      'json-too-deep',
      'json-number-out-of-range',
      'key-collision',
    ],
    // tooLargeForInsert(): a row that cannot fit one INSERT under max_allowed_packet.
    ['row-too-large'],
  ],
  // permanentError(): packet too large. Its other faults get their code from runtime/fault-kinds.ts, whose
  // DATA_REJECTED kinds the unit test walks through the classifiers' errnos and SQLSTATEs instead.
  'src/pipeline/copy-tables.ts': [['row-too-large']],
  // refused() for 1062 and for CHECK failures; validateOne() for orphans.
  'src/target/mysql/post-data.ts': [['unique-collision'], ['check-violated'], ['orphan-row']],
};
