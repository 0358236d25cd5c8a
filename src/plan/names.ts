// Target identifiers: validation against what MySQL/MariaDB can represent, deterministic shortening of
// names longer than the dialect allows, collision handling per scope, and the reserved-word list.
// Invariants: the same input always yields the same names (no randomness, no dependence on Map order
// beyond the caller's deterministic claim order); every change of a name is recorded as a RenamedIdentifier;
// collisions are compared case-insensitively, because MySQL compares column, index and constraint names
// (and table names under lower_case_table_names=1) that way.
// Names the user chose (config `rename`, `columns.*.name`) are claimed as given, never shortened or suffixed.

import { createHash } from 'node:crypto';
import { MigrationError } from '../errors.js';
import type { RenamedIdentifier } from './model.js';

/** The tables where migrate keeps its state, in the target URL's database; no migrated table may take these names. */
export const STATE_TABLE_NAMES = { runs: '_pg2my_runs', chunks: '_pg2my_chunks' } as const;

/** Characters MySQL cannot store in an identifier: outside the BMP (error 1300), NUL, lone surrogates. */
const UNREPRESENTABLE = /[\u{10000}-\u{10FFFF}\u0000]|\p{Cs}/u;

/**
 * Throw IDENTIFIER_INVALID unless MySQL and MariaDB can represent `name`: not empty, no trailing space,
 * no NUL, no character outside the Basic Multilingual Plane (emoji and other 4-byte UTF-8 characters).
 * `what` names the object for the message, e.g. `column public.users.name`; `fix` is the config that gives
 * it another target name (tables and columns): its text for the hint, its key path and value for assess.
 */
export function validateIdentifier(
  name: string,
  what: string,
  fix?: { readonly yaml: string; readonly path: readonly string[]; readonly value: string },
): void {
  const problem = identifierProblem(name);
  if (problem === undefined) return;
  throw new MigrationError(
    'IDENTIFIER_INVALID',
    `The name of ${what} (${JSON.stringify(name)}) ${problem}.`,
    {
      details: {
        object: what,
        name,
        ...(fix ? { fix: fix.yaml, fixPath: fix.path, fixValue: fix.value } : {}),
      },
      hint:
        fix === undefined
          ? 'Rename the object in PostgreSQL (or migrate it by hand); pg2my keeps names as they are.'
          : `Give it a target name in the config, e.g. ${fix.yaml}, or rename it in PostgreSQL.`,
    },
  );
}

/**
 * Why MySQL and MariaDB cannot use `name` as an identifier, or undefined when they can. With `max`, a name
 * longer than that is a problem too (for names the user chose, which pg2my never shortens).
 */
export function identifierProblem(name: string, max?: number): string | undefined {
  if (name.length === 0) return 'is empty';
  if (/[ \t\n\r]$/.test(name)) return 'ends with white space, which MySQL does not allow';
  if (UNREPRESENTABLE.test(name)) {
    return 'contains a character MySQL cannot store in an identifier (outside the Basic Multilingual Plane, e.g. an emoji, or NUL; MySQL error 1300)';
  }
  if (max !== undefined && name.length > max) return `is longer than the ${max} characters the target allows`;
  return undefined;
}

/**
 * The first of `base_2`, `base_3`, … (shortened to fit `max`) whose case-folded form is not in `taken`:
 * the name a hint offers for a rename that resolves a clash.
 */
export function freeName(base: string, taken: ReadonlySet<string>, max: number): string {
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const name = shortenIdentifier(base, max - suffix.length) + suffix;
    if (!taken.has(foldName(name))) return name;
  }
}

/** Case folding used for every collision check (MySQL identifier comparison is case-insensitive). */
export function foldName(name: string): string {
  return name.toLowerCase();
}

/**
 * `name` if it fits in `max` characters; else its first (max − 9) characters, `_`, and the first 8 hex
 * digits of sha256(name). Deterministic: the same long name always shortens the same way.
 */
export function shortenIdentifier(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  return `${name.slice(0, max - 9)}_${hash}`;
}

/**
 * One namespace of target names (tables of the database, columns of a table, indexes of a table,
 * FK/CHECK constraints of the database). `claim` returns the target name for a source name, shortened
 * and, on a collision with an earlier claim, suffixed `_2`, `_3`, … (deterministic in claim order).
 */
export class NameScope {
  private readonly taken = new Set<string>();

  constructor(
    private readonly kind: RenamedIdentifier['kind'],
    private readonly scope: string,
    private readonly max: number,
    private readonly renamed: RenamedIdentifier[],
    /** Names the target reserves in this scope (e.g. `PRIMARY` among index names). */
    reserved: readonly string[] = [],
  ) {
    for (const r of reserved) this.taken.add(foldName(r));
  }

  /** True when `name` (case-insensitively) was already handed out in this scope. */
  has(name: string): boolean {
    return this.taken.has(foldName(name));
  }

  /**
   * Claim exactly `name` for `source` (a name the user chose); false, claiming nothing, when it is taken.
   * The caller has checked it with identifierProblem.
   */
  claimExact(source: string, name: string): boolean {
    if (this.taken.has(foldName(name))) return false;
    this.taken.add(foldName(name));
    if (name !== source) this.renamed.push({ kind: this.kind, scope: this.scope, from: source, to: name });
    return true;
  }

  /** Claim a target name for `source`; `kind` overrides the scope's kind in the rename record. */
  claim(source: string, kind: RenamedIdentifier['kind'] = this.kind): string {
    let target = shortenIdentifier(source, this.max);
    for (let i = 2; this.taken.has(foldName(target)); i++) {
      const suffix = `_${i}`;
      const base = shortenIdentifier(source, this.max);
      target = base.slice(0, Math.min(base.length, this.max - suffix.length)) + suffix;
    }
    this.taken.add(foldName(target));
    if (target !== source) this.renamed.push({ kind, scope: this.scope, from: source, to: target });
    return target;
  }
}

/**
 * Reserved words of MySQL 8.0/8.4 and MariaDB 10.11/11.x (the union). pg2my backtick-quotes every
 * identifier, so these are safe in the target; the list feeds warnings for hand-written SQL against it.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `ACCESSIBLE ADD ALL ALTER ANALYZE AND AS ASC ASENSITIVE BEFORE BETWEEN BIGINT BINARY BLOB BOTH BY CALL
  CASCADE CASE CHANGE CHAR CHARACTER CHECK COLLATE COLUMN CONDITION CONSTRAINT CONTINUE CONVERT CREATE CROSS
  CUBE CUME_DIST CURRENT_DATE CURRENT_ROLE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURSOR DATABASE
  DATABASES DAY_HOUR DAY_MICROSECOND DAY_MINUTE DAY_SECOND DEC DECIMAL DECLARE DEFAULT DELAYED DELETE
  DELETE_DOMAIN_ID DENSE_RANK DESC DESCRIBE DETERMINISTIC DISTINCT DISTINCTROW DIV DO_DOMAIN_IDS DOUBLE DROP
  DUAL EACH ELSE ELSEIF EMPTY ENCLOSED ESCAPED EXCEPT EXISTS EXIT EXPLAIN FALSE FETCH FIRST_VALUE FLOAT FLOAT4
  FLOAT8 FOR FORCE FOREIGN FROM FULLTEXT FUNCTION GENERAL GENERATED GET GRANT GROUP GROUPING GROUPS HAVING
  HIGH_PRIORITY HOUR_MICROSECOND HOUR_MINUTE HOUR_SECOND IF IGNORE IGNORE_DOMAIN_IDS IGNORE_SERVER_IDS IN
  INDEX INFILE INNER INOUT INSENSITIVE INSERT INT INT1 INT2 INT3 INT4 INT8 INTEGER INTERSECT INTERVAL INTO
  IO_AFTER_GTIDS IO_BEFORE_GTIDS IS ITERATE JOIN JSON_TABLE KEY KEYS KILL LAG LAST_VALUE LATERAL LEAD
  LEADING LEAVE LEFT LIKE LIMIT LINEAR LINES LOAD LOCALTIME LOCALTIMESTAMP LOCK LONG LONGBLOB LONGTEXT LOOP
  LOW_PRIORITY MANUAL MASTER_BIND MASTER_HEARTBEAT_PERIOD MASTER_SSL_VERIFY_SERVER_CERT MATCH MAXVALUE
  MEDIUMBLOB MEDIUMINT MEDIUMTEXT MIDDLEINT MINUTE_MICROSECOND MINUTE_SECOND MOD MODIFIES NATURAL NOT
  NO_WRITE_TO_BINLOG NTH_VALUE NTILE NULL NUMERIC OF OFFSET ON OPTIMIZE OPTIMIZER_COSTS OPTION OPTIONALLY OR
  ORDER OUT OUTER OUTFILE OVER PAGE_CHECKSUM PARALLEL PARSE_VCOL_EXPR PARTITION PERCENT_RANK POSITION
  PRECISION PRIMARY PROCEDURE PURGE QUALIFY RANGE RANK READ READS READ_WRITE REAL RECURSIVE REFERENCES
  REF_SYSTEM_ID REGEXP RELEASE RENAME REPEAT REPLACE REQUIRE RESIGNAL RESTRICT RETURN RETURNING REVOKE RIGHT
  RLIKE ROW ROWS ROW_NUMBER SCHEMA SCHEMAS SECOND_MICROSECOND SELECT SENSITIVE SEPARATOR SET SHOW SIGNAL SLOW
  SMALLINT SPATIAL SPECIFIC SQL SQLEXCEPTION SQLSTATE SQLWARNING SQL_BIG_RESULT SQL_CALC_FOUND_ROWS
  SQL_SMALL_RESULT SSL STARTING STATS_AUTO_RECALC STATS_PERSISTENT STATS_SAMPLE_PAGES STORED STRAIGHT_JOIN
  SYSTEM TABLE TABLESAMPLE TERMINATED THEN TINYBLOB TINYINT TINYTEXT TO TRAILING TRIGGER TRUE UNDO UNION
  UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING UTC_DATE UTC_TIME UTC_TIMESTAMP VALUES VARBINARY VARCHAR
  VARCHARACTER VARYING VIRTUAL WHEN WHERE WHILE WINDOW WITH WRITE XOR YEAR_MONTH ZEROFILL`.split(/\s+/),
);

/** True when `name` is a reserved word in MySQL 8 or MariaDB (case-insensitive). */
export function isReservedWord(name: string): boolean {
  return RESERVED_WORDS.has(name.toUpperCase());
}
