// SQL that lists the tables a dump must carry and computes one exact content checksum per table (pure).
// The checksum is count(*) plus two 64-bit halves of md5(row::text) summed as numeric (no overflow, no
// sort, constant memory, order-independent): equal sums of 128-bit row hashes over equal counts.
// Invariant: both sides run it in sessions with the same settings (UTC, ISO styles, hex bytea, lc_monetary).

/** PostgreSQL identifier quoting. */
export const pgIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Settings that fix every type's text form beyond the source session's own (money depends on lc_monetary). */
export const CHECKSUM_SESSION_SQL = "SET lc_monetary = 'C'";

/**
 * Ordinary tables (leaf partitions included, their partitioned parents are not: they hold no rows of
 * their own), outside system schemas, not temporary and not owned by an extension.
 */
export const BACKUP_TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r' AND c.relpersistence <> 't'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY 1, 2`;

/** One row: rows, hi, lo (all text). ONLY: an inheritance parent's children are checked on their own. */
export function tableChecksumSql(schema: string, name: string): string {
  return `SELECT count(*)::text AS rows,
       coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0)::text AS hi,
       coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text AS lo
  FROM (SELECT md5(t::text) AS h FROM ONLY ${pgIdent(schema)}.${pgIdent(name)} AS t) AS x`;
}

/** The checksum as stored in the manifest. */
export const checksumText = (hi: string, lo: string): string => `md5sum128:${hi}:${lo}`;

/** How the checksum is computed, written into the manifest so a reader can recompute it. */
export const CHECKSUM_METHOD =
  "count(*) and sum over rows of the two 64-bit halves of md5(row::text) as numeric, in sessions with TimeZone=UTC, DateStyle='ISO, YMD', IntervalStyle=iso_8601, bytea_output=hex, extra_float_digits=3, lc_monetary=C";
