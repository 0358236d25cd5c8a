// The catalog SQL pg2my reads a PostgreSQL source with: pg_catalog only, read-only, one const per query.
// Invariants: every query supports PostgreSQL 12+ (columns newer than 12 are read through to_jsonb(row)
// so they come back NULL on older servers); schema lists are the `$1::text[]` parameter; every value is
// selected as text or json (parse-catalog.ts decodes them); arrays come back as json, never as PG array
// literals. The one dynamic statement, the per-table measurement, lives in measure.ts.

/** Tables pg2my copies: ordinary and partitioned tables in the schemas, not partitions, not extension-owned. */
const TABLE_FILTER = `
  n.nspname = ANY($1::text[])
  AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')`;

/** The tables selected by TABLE_FILTER, as a subquery of oids. */
const TABLE_OIDS = `
  SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE ${TABLE_FILTER}`;

/** One row: version_num, version (version() up to " on "), database, encoding. PG 12+. No parameters. */
export const SERVER_INFO_SQL = `
SELECT current_setting('server_version_num') AS version_num,
       split_part(version(), ' on ', 1) AS version,
       current_database() AS database,
       current_setting('server_encoding') AS encoding`;

/**
 * Rows (schema): every non-system schema holding at least one table that TABLES_SQL would list (not a
 * partition, not extension-owned), by name. PG 12+. No parameters.
 */
export const DEFAULT_SCHEMAS_SQL = `
SELECT DISTINCT n.nspname AS schema
FROM pg_catalog.pg_namespace n
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY 1`;

/** Rows (schema): which of the schemas in $1 exist. PG 12+. */
export const EXISTING_SCHEMAS_SQL = `
SELECT nspname AS schema FROM pg_catalog.pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY 1`;

/**
 * Rows: oid, schema, name, kind ('r' | 'p'), row_security (t/f), comment, part_strategy
 * (range | list | hash), part_key (pg_get_partkeydef), partitions (json array of direct partition names),
 * estimated_rows (reltuples; for a parent the sum over leaf partitions; -1 = never analysed),
 * total_bytes (pg_total_relation_size, summed over the partition tree). PG 12+ (pg_partition_tree).
 * On 12–13 a never-analysed table reports 0 rows, not -1 (those versions do not tell the two apart).
 */
export const TABLES_SQL = `
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       c.relrowsecurity AS row_security,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
       CASE p.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' WHEN 'h' THEN 'hash' END AS part_strategy,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS part_key,
       CASE WHEN c.relkind = 'p' THEN (
         SELECT coalesce(json_agg(pc.relname ORDER BY pc.relname), '[]'::json)
         FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhrelid
         WHERE i.inhparent = c.oid) END AS partitions,
       CASE WHEN c.relkind = 'p' THEN (
         SELECT CASE WHEN count(*) = 0 THEN 0
                     WHEN bool_and(lc.reltuples < 0) THEN -1
                     ELSE round(sum(greatest(lc.reltuples::float8, 0))) END
         FROM pg_catalog.pg_partition_tree(c.oid) t JOIN pg_catalog.pg_class lc ON lc.oid = t.relid
         WHERE t.isleaf)
       ELSE round(c.reltuples::float8) END::bigint::text AS estimated_rows,
       CASE WHEN c.relkind = 'p' THEN (
         SELECT coalesce(sum(pg_catalog.pg_total_relation_size(t.relid)), 0)
         FROM pg_catalog.pg_partition_tree(c.oid) t)
       ELSE pg_catalog.pg_total_relation_size(c.oid) END::text AS total_bytes
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_partitioned_table p ON p.partrelid = c.oid
WHERE ${TABLE_FILTER}
ORDER BY n.nspname, c.relname`;

/**
 * Rows: table_oid, attnum, name, type_oid, typmod (atttypmod), ndims (attndims), formatted (format_type),
 * not_null, identity ('' | 'a' | 'd'), generated ('' | 's'), default_expr (pg_get_expr), comment,
 * seq_schema / seq_name (the sequence owned by the column: serial 'a' or identity 'i' dependency).
 * Live columns only, by table then attnum. PG 12+.
 */
export const COLUMNS_SQL = `
SELECT a.attrelid::text AS table_oid, a.attnum::text AS attnum, a.attname AS name,
       a.atttypid::text AS type_oid, a.atttypmod::text AS typmod, a.attndims::text AS ndims,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS formatted,
       a.attnotnull AS not_null, a.attidentity::text AS identity, a.attgenerated::text AS generated,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       pg_catalog.col_description(a.attrelid, a.attnum) AS comment,
       seq.seq_schema, seq.seq_name
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN LATERAL (
  SELECT sn.nspname AS seq_schema, s.relname AS seq_name
  FROM pg_catalog.pg_depend dep
  JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
  JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
  WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refclassid = 'pg_catalog.pg_class'::regclass
    AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i')
  ORDER BY dep.deptype DESC, s.relname
  LIMIT 1) seq ON true
WHERE a.attrelid IN (${TABLE_OIDS}) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

/**
 * Rows: every pg_type the tables' columns use, plus (recursively) the domain base types and array element
 * types behind them: oid, name (typname), schema, kind (typtype), category (typcategory), elem (array
 * element oid or '0'), base (domain base oid or '0'), typmod (domain typtypmod), ndims (domain typndims),
 * not_null (domain NOT NULL), labels (enum labels in enumsortorder, json), checks (domain CHECK constraint
 * definitions by name, json). PG 12+.
 */
export const TYPES_SQL = `
WITH RECURSIVE used(oid) AS (
  SELECT DISTINCT a.atttypid FROM pg_catalog.pg_attribute a
  WHERE a.attrelid IN (${TABLE_OIDS}) AND a.attnum > 0 AND NOT a.attisdropped
  UNION
  SELECT nxt.oid FROM used u
  JOIN pg_catalog.pg_type t ON t.oid = u.oid
  CROSS JOIN LATERAL (VALUES (t.typbasetype),
                             (CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0::oid END)) AS nxt(oid)
  WHERE nxt.oid <> 0
)
SELECT t.oid::text AS oid, t.typname AS name, n.nspname AS schema, t.typtype::text AS kind,
       t.typcategory::text AS category, t.typelem::text AS elem, t.typbasetype::text AS base,
       t.typtypmod::text AS typmod, t.typndims::text AS ndims, t.typnotnull AS not_null,
       (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e
        WHERE e.enumtypid = t.oid) AS labels,
       (SELECT json_agg(pg_catalog.pg_get_constraintdef(k.oid, true) ORDER BY k.conname)
        FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c') AS checks
FROM used u
JOIN pg_catalog.pg_type t ON t.oid = u.oid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
ORDER BY t.oid`;

/**
 * Rows: table_oid, name, type ('p' | 'u' | 'f' | 'c' | 'x'), columns (json, in key order), ref_schema,
 * ref_table, ref_columns (json, FK only, in key order), on_delete / on_update (confdeltype letters),
 * deferrable, definition (pg_get_constraintdef for CHECK and EXCLUDE), nulls_not_distinct (PG 15+,
 * false before), validated (pg_constraint.convalidated: false for NOT VALID). Excludes the per-partition clones PostgreSQL adds for FKs to partitioned tables. PG 12+.
 */
export const CONSTRAINTS_SQL = `
SELECT con.conrelid::text AS table_oid, con.conname AS name, con.contype::text AS type,
       (SELECT json_agg(a.attname ORDER BY k.n)
        FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       (SELECT json_agg(a.attname ORDER BY k.n)
        FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns,
       con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
       con.condeferrable AS deferrable, con.convalidated AS validated,
       CASE WHEN con.contype IN ('c', 'x') THEN pg_catalog.pg_get_constraintdef(con.oid, true) END AS definition,
       coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid AND con.contype = 'u'
WHERE con.conrelid IN (${TABLE_OIDS}) AND con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0
ORDER BY con.conrelid, con.conname`;

/**
 * Rows: table_oid, name, is_unique, method (pg_am.amname), predicate (pg_get_expr of indpred), columns
 * (json [{column, expression, descending}] for the key parts only — INCLUDE columns are left out),
 * backs_constraint (the index enforces a PK, UNIQUE or EXCLUDE constraint of the table). Valid indexes
 * only (a failed CREATE INDEX CONCURRENTLY enforces nothing). PG 12+.
 */
export const INDEXES_SQL = `
SELECT i.indrelid::text AS table_oid, ic.relname AS name, i.indisunique AS is_unique, am.amname AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       (SELECT json_agg(json_build_object(
                 'column', a.attname,
                 'expression', CASE WHEN k.attnum = 0
                                    THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.n::int, true) END,
                 'descending', coalesce(k.opt & 1 = 1, false)) ORDER BY k.n)
        FROM unnest(i.indkey::int2[], i.indoption::int2[]) WITH ORDINALITY AS k(attnum, opt, n)
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
        WHERE k.n <= i.indnkeyatts) AS columns,
       EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
               WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                 AND con.contype IN ('p', 'u', 'x')) AS backs_constraint
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE i.indrelid IN (${TABLE_OIDS}) AND i.indisvalid
ORDER BY i.indrelid, ic.relname`;

/**
 * Rows: schema, name, data_type (format_type: bigint, integer, smallint), start, increment, min, max
 * (all text), cycle, last_value (pg_sequences.last_value: NULL when never called or not readable),
 * owner_schema / owner_table / owner_column (serial 'a' or identity 'i' owner). Every sequence in the
 * schemas that no extension owns, by schema and name. PG 12+ (pg_sequence, pg_sequences).
 */
export const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min,
       s.seqmax::text AS max, s.seqcycle AS cycle, ps.last_value::text AS last_value,
       own.owner_schema, own.owner_table, own.owner_column
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = c.relname
LEFT JOIN LATERAL (
  SELECT tn.nspname AS owner_schema, t.relname AS owner_table, a.attname AS owner_column
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
    AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
  LIMIT 1) own ON true
WHERE n.nspname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname`;

/** Rows: schema, name, labels (json, enumsortorder) for every enum in the schemas no extension owns. PG 12+. */
export const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       (SELECT coalesce(json_agg(e.enumlabel ORDER BY e.enumsortorder), '[]'::json)
        FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) AS labels
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY($1::text[]) AND t.typtype = 'e'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname`;

/**
 * Rows: schema, name, base_type (format_type of the base with the domain's typmod), not_null, default_expr,
 * checks (json of pg_get_constraintdef by constraint name) for every domain in the schemas no extension
 * owns. PG 12+.
 */
export const DOMAINS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base_type, t.typnotnull AS not_null,
       pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default_expr,
       (SELECT coalesce(json_agg(pg_catalog.pg_get_constraintdef(k.oid, true) ORDER BY k.conname), '[]'::json)
        FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c') AS checks
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY($1::text[]) AND t.typtype = 'd'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname`;

/**
 * Rows: kind, schema, name, detail — the objects pg2my does not convert: views and materialized views,
 * non-internal triggers (detail: the function), functions and procedures (detail: language) not owned by
 * an extension, rules other than views' _RETURN, RLS policies, extensions other than plpgsql (all of the
 * database's; detail: version), exclusion constraints (detail: definition). Table-level objects are named
 * `table.object`. Trigger clones on partitions (tgparentid, PG 13+) are skipped. PG 12+.
 */
export const NOT_CONVERTED_SQL = `
SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind, n.nspname AS schema,
       c.relname AS name, NULL::text AS detail
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT 'trigger', n.nspname, c.relname || '.' || t.tgname, t.tgfoid::regprocedure::text
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND NOT t.tgisinternal
  AND coalesce((to_jsonb(t) ->> 'tgparentid')::oid, 0::oid) = 0
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname,
       p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', l.lanname
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid
                    -- e: an extension's; i: made by the system with a type (a range's constructors)
                    AND e.deptype IN ('e', 'i'))
UNION ALL
SELECT 'rule', n.nspname, c.relname || '.' || r.rulename, NULL
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND r.rulename <> '_RETURN'
UNION ALL
SELECT 'policy', n.nspname, c.relname || '.' || pol.polname, NULL
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[])
UNION ALL
SELECT 'extension', n.nspname, e.extname, e.extversion
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
UNION ALL
SELECT 'exclusion constraint', n.nspname, c.relname || '.' || con.conname,
       pg_catalog.pg_get_constraintdef(con.oid, true)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND con.contype = 'x' AND con.conparentid = 0 AND NOT c.relispartition
ORDER BY 1, 2, 3`;
