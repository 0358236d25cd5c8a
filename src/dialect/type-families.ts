// MySQL/MariaDB type families: the one home of "which target type names are integers, character strings,
// TEXT/BLOB types, byte strings", imported by the planner, the DDL read-back comparison, verify and assess
// so that no two copies can disagree. Pure data. Names are upper case base names (no arguments/UNSIGNED).
// Invariant: a family lists every name a plan or an information_schema read-back can spell for it.

/** Integer types (YEAR is integer-valued too, but not a number type for defaults: see its users). */
export const MYSQL_INT_TYPES: ReadonlySet<string> = new Set([
  'TINYINT',
  'SMALLINT',
  'MEDIUMINT',
  'INT',
  'BIGINT',
]);

/** TEXT types with their capacity in bytes. */
export const MYSQL_TEXT_BYTES: Readonly<Record<string, number>> = {
  TINYTEXT: 255,
  TEXT: 65_535,
  MEDIUMTEXT: 16_777_215,
  LONGTEXT: 4_294_967_295,
};
/** BLOB types with their capacity in bytes. */
export const MYSQL_BLOB_BYTES: Readonly<Record<string, number>> = {
  TINYBLOB: 255,
  BLOB: 65_535,
  MEDIUMBLOB: 16_777_215,
  LONGBLOB: 4_294_967_295,
};
const TEXTS = Object.keys(MYSQL_TEXT_BYTES);
const BLOBS = Object.keys(MYSQL_BLOB_BYTES);

/** Free-text character types: CHAR, VARCHAR and the TEXT types. */
export const MYSQL_TEXT_TYPES: ReadonlySet<string> = new Set(['CHAR', 'VARCHAR', ...TEXTS]);

/** Character string types: they have a charset and a collation (the text types, ENUM and SET). */
export const MYSQL_STRING_TYPES: ReadonlySet<string> = new Set([...MYSQL_TEXT_TYPES, 'ENUM', 'SET']);

/** Byte string types (binary, no collation). */
export const MYSQL_BYTES_TYPES: ReadonlySet<string> = new Set(['BINARY', 'VARBINARY', ...BLOBS]);

/** Types that take only expression defaults on MySQL 8 and cannot be indexed without a prefix length. */
export const MYSQL_LOB_TYPES: ReadonlySet<string> = new Set([...TEXTS, ...BLOBS, 'JSON']);
