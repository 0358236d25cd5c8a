// Target dialects as capability objects: every MySQL 8 vs MariaDB difference the planner, renderer,
// copier or verifier needs lives here, not in `if` statements scattered through the code.
// Pure data. Facts are from the MySQL 8.0 and MariaDB 10.11 manuals; MariaDB ones were observed on 10.11.19.

export type DialectName = 'mysql8' | 'mariadb';

export interface Dialect {
  readonly name: DialectName;
  /** Identifier limit in characters (tables, columns, indexes, constraints). */
  readonly maxIdentifierLength: number;
  /** InnoDB DYNAMIC row format index key limit in bytes. MariaDB silently uses a HASH for longer UNIQUE keys. */
  readonly maxIndexKeyBytes: number;
  /** Binary, NO PAD collation for string key columns: tells apart case, accents and trailing spaces. */
  readonly keyCollation: string;
  /** Default collation for other string columns (config `collation.text` overrides). */
  readonly textCollation: string;
  /** `JSON` is a real binary type (MySQL 8) or an alias of LONGTEXT with a json_valid CHECK (MariaDB). */
  readonly jsonIsBinary: boolean;
  /**
   * Deepest nesting of arrays and objects a JSON column accepts (`[]` and `{"a":1}` are 1, `[[1]]` is 2);
   * deeper documents are rejected at copy. MySQL 8: 100 (JSON_DOCUMENT_MAX_DEPTH). MariaDB 10.11: 31,
   * measured (its json_valid CHECK fails with "Limit of 32 on JSON nested structures depth" at 32).
   */
  readonly jsonMaxDepth: number;
  /** Largest TIME magnitude in seconds (838:59:59 on MySQL 8 per its manual; MariaDB also keeps .999999, measured). */
  readonly timeMaxSeconds: number;
  /** Expression defaults like DEFAULT (UUID()) are allowed on any column type. */
  readonly expressionDefaults: boolean;
  /** CHECK constraints are enforced. */
  readonly enforcesChecks: boolean;
  /**
   * How a CHECK is added without checking the existing rows (PostgreSQL NOT VALID): `session` — MariaDB's
   * SET SESSION check_constraint_checks=0 around the ALTER, new rows are still checked; `not-enforced` —
   * MySQL 8 evaluates every row on ADD CHECK and has no such switch, so only a NOT ENFORCED CHECK can be added.
   */
  readonly uncheckedCheck: 'session' | 'not-enforced';
  /** Errno raised when LOAD DATA LOCAL is refused by the server's local_infile=OFF. */
  readonly localInfileDisabledErrno: number;
}

export const MYSQL8: Dialect = {
  name: 'mysql8',
  maxIdentifierLength: 64,
  maxIndexKeyBytes: 3072,
  keyCollation: 'utf8mb4_0900_bin',
  textCollation: 'utf8mb4_0900_as_cs',
  jsonIsBinary: true,
  jsonMaxDepth: 100,
  timeMaxSeconds: 3_020_399,
  expressionDefaults: true,
  enforcesChecks: true,
  uncheckedCheck: 'not-enforced',
  localInfileDisabledErrno: 3948,
};

export const MARIADB: Dialect = {
  name: 'mariadb',
  maxIdentifierLength: 64,
  // MariaDB would accept longer UNIQUE keys via a hidden HASH; we plan for MySQL 8's limit anyway so that
  // a plan that works on MariaDB also works on MySQL 8.
  maxIndexKeyBytes: 3072,
  keyCollation: 'utf8mb4_nopad_bin',
  // Binary NO PAD keeps PostgreSQL's deterministic, byte-exact equality and exists on every MariaDB 10.6+.
  // (10.10+ also has utf8mb4_uca1400_nopad_as_cs, a linguistic order with case/accent-sensitive equality;
  // set `collation.text` to it when human sort order matters more than byte-exact comparison.)
  textCollation: 'utf8mb4_nopad_bin',
  jsonIsBinary: false,
  jsonMaxDepth: 31,
  timeMaxSeconds: 3_020_399.999999,
  expressionDefaults: true,
  enforcesChecks: true,
  uncheckedCheck: 'session',
  localInfileDisabledErrno: 4166,
};

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = { mysql8: MYSQL8, mariadb: MARIADB };

/** The dialect a server's VERSION() string belongs to; null when it is neither MySQL 8+ nor MariaDB. */
export function dialectForVersion(version: string): DialectName | null {
  if (/mariadb/i.test(version)) return 'mariadb';
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) && major >= 8 ? 'mysql8' : null;
}
