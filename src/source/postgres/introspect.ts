// Reads a PostgreSQL source into the neutral Catalog: runs the catalog queries, then (optionally) one
// measurement query per table that has data-dependent columns. Read-only: SELECTs only, no temp objects.
// Invariants: results are decoded as text whatever type parsers the client was built with; names in the
// measurement SQL are quoted with escapeIdentifier; a missing privilege becomes PERMISSION_DENIED.
// For one consistent snapshot, call it inside a REPEATABLE READ READ ONLY transaction the caller opens.

import type pg from 'pg';
import { type Catalog, type ColumnStats, qualified } from '../../catalog/model.js';
import { MigrationError } from '../../errors.js';
import { boundedColumns } from '../../plan/bounded-columns.js';
import { measureSql, measureTargets, parseMeasureRow, tableKey, withStats } from './measure.js';
import { type RawRow, parseCatalog } from './parse-catalog.js';
import {
  COLUMNS_SQL,
  CONSTRAINTS_SQL,
  DEFAULT_SCHEMAS_SQL,
  DOMAINS_SQL,
  ENUMS_SQL,
  EXISTING_SCHEMAS_SQL,
  INDEXES_SQL,
  NOT_CONVERTED_SQL,
  SEQUENCES_SQL,
  SERVER_INFO_SQL,
  TABLES_SQL,
  TYPES_SQL,
} from './queries.js';

export interface IntrospectOptions {
  /** Schemas to read. Default: every non-system schema that has at least one table. */
  readonly schemas?: readonly string[];
  /** Measure the data facts some mappings depend on (column.stats). Default true. */
  readonly measure?: boolean;
}

/** Every value as its text form, regardless of the client's own type parsers. */
const TEXT_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

async function rows(client: pg.Client, text: string, values: unknown[] = []): Promise<RawRow[]> {
  try {
    const result = await client.query<RawRow>({ text, values, types: TEXT_TYPES });
    return result.rows;
  } catch (e) {
    if ((e as { code?: string }).code === '42501') {
      throw new MigrationError(
        'PERMISSION_DENIED',
        `Reading the PostgreSQL source failed: ${e instanceof Error ? e.message : String(e)}`,
        {
          hint: 'Connect as a role that can SELECT every table in the migrated schemas (pg_read_all_data on PostgreSQL 14+).',
          cause: e,
        },
      );
    }
    throw e;
  }
}

async function chooseSchemas(client: pg.Client, wanted: readonly string[] | undefined): Promise<string[]> {
  if (wanted === undefined) return (await rows(client, DEFAULT_SCHEMAS_SQL)).map((r) => r.schema ?? '');
  const unique = [...new Set(wanted)];
  const found = new Set((await rows(client, EXISTING_SCHEMAS_SQL, [unique])).map((r) => r.schema));
  const missing = unique.filter((s) => !found.has(s));
  if (missing.length > 0) {
    throw new MigrationError(
      'CONFIG_INVALID',
      `The source database has no schema ${missing.map((s) => JSON.stringify(s)).join(', ')}.`,
      {
        details: { missing },
        hint: 'Schema names are case-sensitive and spelled as in PostgreSQL (\\dn in psql lists them).',
      },
    );
  }
  return unique;
}

/**
 * Introspect the database `client` is connected to. `opts.schemas` defaults to every non-system schema
 * with tables; `opts.measure` (default true) adds column.stats for unbounded numerics and for string
 * columns in keys, with one full-scan query per table that has such columns.
 */
export async function introspect(client: pg.Client, opts: IntrospectOptions = {}): Promise<Catalog> {
  const [server] = await rows(client, SERVER_INFO_SQL);
  if (!server) throw new MigrationError('INTERNAL', 'The PostgreSQL server returned no version row.');
  const schemas = await chooseSchemas(client, opts.schemas);
  const p = [schemas];
  // Sequential on purpose: one pg client runs one query at a time (pg 9 drops implicit queueing).
  const read = (sql: string) => rows(client, sql, p);
  const tables = await read(TABLES_SQL);
  const columns = await read(COLUMNS_SQL);
  const types = await read(TYPES_SQL);
  const constraints = await read(CONSTRAINTS_SQL);
  const indexes = await read(INDEXES_SQL);
  const sequences = await read(SEQUENCES_SQL);
  const enums = await read(ENUMS_SQL);
  const domains = await read(DOMAINS_SQL);
  const notConverted = await read(NOT_CONVERTED_SQL);
  const catalog = parseCatalog({
    server,
    schemas,
    tables,
    columns,
    types,
    constraints,
    indexes,
    sequences,
    enums,
    domains,
    notConverted,
  });
  if (opts.measure === false) return catalog;

  const utf8 = catalog.source.encoding.toUpperCase() === 'UTF8';
  const stats = new Map<string, ReadonlyMap<string, ColumnStats>>();
  const bounded = boundedColumns(catalog);
  for (const table of catalog.tables) {
    const targets = measureTargets(table, bounded.get(qualified(table)) ?? new Set());
    if (targets.length === 0) continue;
    const sql = measureSql(
      { schema: table.schema, name: table.name, partitioned: table.partitioning !== undefined },
      targets,
      utf8,
    );
    const [row] = await rows(client, sql);
    if (!row)
      throw new MigrationError('INTERNAL', `Measuring ${table.schema}.${table.name} returned no row.`);
    stats.set(tableKey(table), parseMeasureRow(targets, row));
  }
  return withStats(catalog, stats);
}
