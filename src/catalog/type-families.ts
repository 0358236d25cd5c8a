// PostgreSQL type families: the one home of "which base types (ColumnType.name) are integers, strings,
// bytes", imported by the planner, the source reader and the measurement alike so they cannot disagree.
// Invariants: names are pg_type base names (after domains and array element types are resolved), except
// where a table below says it maps to format_type() spellings (what ColumnPlan.sourceType holds).

/** Integer base types, with their format_type() spelling (ColumnPlan.sourceType of a non-domain column). */
export const PG_INT_FORMATTED: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
};
/** Integer base types: int2, int4, int8. */
export const PG_INT_TYPES: ReadonlySet<string> = new Set(Object.keys(PG_INT_FORMATTED));
/** format_type() spellings of the integer types: smallint, integer, bigint. */
export const PG_INT_SPELLINGS: ReadonlySet<string> = new Set(Object.values(PG_INT_FORMATTED));

/** Character string base types: their values are text, and in a key they need a bounded VARCHAR. */
export const PG_STRING_TYPES: ReadonlySet<string> = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** Byte string base types: in a key they need a bounded VARBINARY. */
export const PG_BYTES_TYPES: ReadonlySet<string> = new Set(['bytea']);
