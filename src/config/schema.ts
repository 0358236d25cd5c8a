// The pg2my.yaml schema: every option a user can set, its default, and its validation. Validated once,
// here, at the edge; the rest of the code receives a readonly, fully defaulted Config.
// Invariant: an unknown key is an error that names the key (strict objects), never silently ignored.

import { z } from 'zod';
import { DEFAULT_TYPE_DECISIONS as D, decisionConfigValue } from '../plan/options.js';

const typeDecisions = z
  .object({
    numeric: z
      .union([
        z.enum(['measure', 'text']),
        z.string().regex(/^decimal\(\d+,\s*\d+\)$/i, 'numeric must be measure, text or decimal(p,s)'),
      ])
      .default(decisionConfigValue(D.numeric)),
    timestamptz: z.enum(['datetime', 'timestamp']).default(D.timestamptz),
    textKey: z
      .union([z.literal('measure'), z.string().regex(/^varchar\(\d+\)$/i)])
      .default(decisionConfigValue(D.textKey)),
    array: z.enum(['json', 'text']).default(D.array),
    interval: z.enum(['text', 'time']).default(D.interval),
    timetz: z.enum(['text', 'time']).default(D.timetz),
    json: z.enum(['text', 'json']).default(D.json),
  })
  .strict();

const columnOverride = z
  .object({
    type: z.string().optional(),
    collation: z.string().optional(),
    /** Target column name (a rename); checked against the catalog by the planner. */
    name: z.string().optional(),
  })
  .strict();

const retry = z
  .object({
    /** Attempts per chunk for transient faults. */
    maxAttempts: z.number().int().min(1).max(100).default(10),
    baseMs: z.number().int().min(1).default(250),
    capMs: z.number().int().min(1).default(30_000),
    /** Total time spent backing off in one run before giving up (resumable). */
    budgetSeconds: z.number().int().min(1).default(900),
  })
  .strict();

const migrate = z
  .object({
    /** Parallel copy lanes (source readers = target writers). */
    workers: z.number().int().min(1).max(64).default(2),
    /** Chunk size adapts so that one chunk takes about this long. */
    chunkSeconds: z.number().min(0.1).max(600).default(2),
    /** Rows in the first chunk of a table, before adaptation. */
    initialChunkRows: z.number().int().min(1).default(100_000),
    /** Upper bound for adapted chunks. */
    maxChunkRows: z.number().int().min(1).default(1_000_000),
    /** Load path: LOAD DATA LOCAL INFILE (fast) or multi-row INSERT; auto = LOAD DATA when the server allows it. */
    loadMethod: z.enum(['auto', 'load-data', 'insert']).default('auto'),
    /** A chunk attempt that moves no bytes for this long is cut off and retried (stalled connection). */
    stallSeconds: z.number().min(1).max(3600).default(60),
    /** Run verify at the end of migrate at this level; `none` skips it. */
    verify: z.enum(['none', 'count', 'checksum', 'full']).default('checksum'),
    retry: retry.default({ maxAttempts: 10, baseMs: 250, capMs: 30_000, budgetSeconds: 900 }),
  })
  .strict();

const verify = z
  .object({
    level: z.enum(['count', 'checksum', 'full']).default('checksum'),
    /** Rows compared field by field at random, in addition to the level; 0 = none. */
    sample: z.number().int().min(0).default(0),
    /** Mismatching chunks are bisected down to this many rows, then compared row by row. */
    bisectRows: z.number().int().min(1).default(1000),
    /** At most this many differing keys are listed per table. */
    maxReportedRows: z.number().int().min(1).default(100),
  })
  .strict();

export const configSchema = z
  .object({
    source: z.string().optional(),
    target: z.string().optional(),
    dialect: z.enum(['mysql8', 'mariadb']).optional(),
    /** Source schemas to migrate; default: every non-system schema with tables. */
    schemas: z.array(z.string()).optional(),
    /** Only these tables (`schema.table` or `table`). */
    tables: z.array(z.string()).optional(),
    exclude: z.array(z.string()).default([]),
    connectTimeoutMs: z.number().int().min(100).default(5000),
    runDir: z.string().default('runs'),
    types: typeDecisions.default(typeDecisions.parse({})),
    collation: z.object({ key: z.string().optional(), text: z.string().optional() }).strict().default({}),
    /** Per-column overrides keyed by `schema.table.column`. */
    columns: z.record(z.string(), columnOverride).default({}),
    /** Target table names keyed by `schema.table` (the planner refuses a key that names no table). */
    rename: z.record(z.string(), z.string()).default({}),
    /** PostgreSQL schema → target database on the same server; unmapped schemas go to the URL's database. */
    schemaMap: z.record(z.string(), z.string()).default({}),
    migrate: migrate.default(migrate.parse({})),
    verify: verify.default(verify.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** The fully defaulted config for no file and no flags. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
