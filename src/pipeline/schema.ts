// The schema stage: introspect the source, build the plan for the target dialect, render reviewable DDL,
// and (with apply) create on the target only what is missing. Also the shared "plan from config" step
// that migrate, verify and assess start from.
// Invariants: the dialect comes from the target server's version when a target is given (a configured
// dialect that disagrees is an error); apply never alters or drops existing objects, it reports drift.

import { buildPlanOrListAll } from '../assess/plan-tolerant.js';
import { filterCatalog } from '../catalog/filter.js';
import type { Catalog } from '../catalog/model.js';
import { planOptionsFrom } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { type ConnectionSpec, describe, parseConnectionUrl } from '../config/urls.js';
import { DIALECTS, type Dialect } from '../dialect/capabilities.js';
import { MigrationError } from '../errors.js';
import type { EventSink, RunStep } from '../events.js';
import type { DdlOp, MigrationPlan } from '../plan/model.js';
import { type SourceClient, connectSource } from '../source/postgres/connect.js';
import { introspect } from '../source/postgres/introspect.js';
import { type PlanComparison, comparePlan } from '../target/mysql/compare-plan.js';
import { type TargetSession, connectTarget } from '../target/mysql/connect.js';
import { introspectPlanTarget } from '../target/mysql/introspect.js';
import { renderOp, renderScript, uncheckedSession } from '../target/mysql/render-ddl.js';

export const SOURCE_PASSWORD_ENV = ['PG2MY_SOURCE_PASSWORD', 'PGPASSWORD'] as const;
export const TARGET_PASSWORD_ENV = ['PG2MY_TARGET_PASSWORD', 'MYSQL_PWD'] as const;

/** Parsed source spec from the config; CONFIG_INVALID when there is none. */
export function sourceSpec(config: Config): ConnectionSpec {
  if (!config.source) {
    throw new MigrationError('CONFIG_INVALID', 'No source given.', {
      hint: 'Pass --source postgres://user@host:5432/db or set PG2MY_SOURCE.',
    });
  }
  return parseConnectionUrl(config.source, 'source', SOURCE_PASSWORD_ENV);
}

/** Parsed target spec, or undefined when the config has no target. */
export function targetSpec(config: Config): ConnectionSpec | undefined {
  return config.target ? parseConnectionUrl(config.target, 'target', TARGET_PASSWORD_ENV) : undefined;
}

/** The dialect: from the target server when connected, else the configured one, else mysql8. */
export function resolveDialect(config: Config, target?: TargetSession): Dialect {
  if (target) {
    if (config.dialect && config.dialect !== target.flavour) {
      throw new MigrationError(
        'CONFIG_INVALID',
        `The config says dialect ${config.dialect}, but the target server is ${target.flavour} (${target.version}).`,
        { hint: 'Remove `dialect` from the config, or point --target at the server you meant.' },
      );
    }
    return DIALECTS[target.flavour];
  }
  return DIALECTS[config.dialect ?? 'mysql8'];
}

/** Introspect the source through an open client and build the plan. */
export async function planWithClient(
  client: SourceClient,
  config: Config,
  dialect: Dialect,
): Promise<{ catalog: Catalog; plan: MigrationPlan }> {
  const full = await introspect(
    client,
    config.schemas ? { schemas: config.schemas, measure: true } : { measure: true },
  );
  const catalog = filterCatalog(full, { only: config.tables, exclude: config.exclude });
  if (catalog.tables.length === 0) {
    throw new MigrationError(
      'CONFIG_INVALID',
      `No tables to migrate in ${catalog.source.database}${config.tables ? ' match --tables' : ''}.`,
      {
        hint: 'Check --schemas/--tables/--exclude, and that the source user can see the tables.',
      },
    );
  }
  return { catalog, plan: buildPlanOrListAll(catalog, dialect, planOptionsFrom(config)) };
}

function step(
  sink: EventSink,
  runId: string,
  s: RunStep,
  event: string,
  msg: string,
  data?: Record<string, unknown>,
): void {
  sink({ runId, step: s, event, level: 'info', msg, ...(data ? { data } : {}) });
}

/** Connect to the source (and the target, if configured, for its dialect) and build the plan. */
export async function planFromSource(
  config: Config,
  sink: EventSink,
  runId = 'plan',
): Promise<{ catalog: Catalog; plan: MigrationPlan; dialect: Dialect }> {
  const src = sourceSpec(config);
  const tgt = targetSpec(config);
  const client = await connectSource(src, { connectTimeoutMs: config.connectTimeoutMs });
  let target: TargetSession | undefined;
  try {
    if (tgt) target = await connectTarget(tgt, { connectTimeoutMs: config.connectTimeoutMs });
    const dialect = resolveDialect(config, target);
    step(sink, runId, 'plan', 'plan.started', `planning ${describe(src)} → ${dialect.name}`);
    const { catalog, plan } = await planWithClient(client, config, dialect);
    step(sink, runId, 'plan', 'plan.finished', `${plan.tables.length} tables planned`, {
      tables: plan.tables.length,
      fingerprint: plan.fingerprint,
    });
    return { catalog, plan, dialect };
  } finally {
    await client.end().catch(() => {});
    await target?.conn.end().catch(() => {});
  }
}

/**
 * Execute ops on the target in order. Foreign keys are added with foreign_key_checks=0 for this session
 * (migrate validates them afterwards with anti-joins, which is ~40x faster than letting ALTER do it).
 */
export async function applyOps(
  target: TargetSession,
  ops: readonly DdlOp[],
  dialect: Dialect,
  sink: EventSink,
  runId: string,
  s: RunStep,
): Promise<void> {
  await target.conn.query('SET SESSION foreign_key_checks = 0');
  try {
    for (const op of ops) {
      const sql = renderOp(op, dialect);
      const started = performance.now();
      // NOT VALID CHECK on MariaDB: skip the rows already there on this session only (FKs already are).
      const session = uncheckedSession(op.kind === 'addCheck' && op.notValid ? [op] : [], dialect);
      try {
        for (const set of session.before) await target.conn.query(set);
        try {
          await target.conn.query(sql);
        } finally {
          for (const set of session.after) await target.conn.query(set);
        }
      } catch (e) {
        const err = e as { errno?: number; sqlMessage?: string; message?: string };
        throw new MigrationError(
          'PREFLIGHT_FAILED',
          `The target refused ${op.kind} on ${op.table}: ${err.sqlMessage ?? err.message}`,
          {
            details: { table: op.table, op: op.kind, errno: err.errno ?? null },
            hint: 'Review schema.sql; the statement is printed by `pg2my schema`.',
            cause: e,
          },
        );
      }
      sink({
        runId,
        step: s,
        event: 'ddl.applied',
        level: 'info',
        msg: `${op.kind} ${op.table}`,
        table: op.table,
        data: { kind: op.kind, ms: Math.round(performance.now() - started) },
      });
    }
  } finally {
    await target.conn.query('SET SESSION foreign_key_checks = 1');
  }
}

export interface SchemaResult {
  readonly plan: MigrationPlan;
  readonly catalog: Catalog;
  readonly dialect: Dialect;
  /** The reviewable DDL script for the whole plan. */
  readonly sql: string;
  /** With a target: what was missing and what differs (before apply). */
  readonly comparison?: PlanComparison;
  /** With apply: the ops that were executed. */
  readonly applied: readonly DdlOp[];
}

/** `pg2my schema`: plan, render, and optionally apply what is missing on the target. */
export async function runSchema(opts: {
  config: Config;
  apply: boolean;
  sink: EventSink;
  runId: string;
}): Promise<SchemaResult> {
  const { config, sink, runId } = opts;
  const src = sourceSpec(config);
  const tgt = targetSpec(config);
  if (opts.apply && !tgt) {
    throw new MigrationError('CONFIG_INVALID', '--apply needs a target.', {
      hint: 'Pass --target mysql://user@host:3306/db or set PG2MY_TARGET.',
    });
  }
  const client = await connectSource(src, { connectTimeoutMs: config.connectTimeoutMs });
  let target: TargetSession | undefined;
  try {
    if (tgt) target = await connectTarget(tgt, { connectTimeoutMs: config.connectTimeoutMs });
    const dialect = resolveDialect(config, target);
    const { catalog, plan } = await planWithClient(client, config, dialect);
    const sql = renderScript(plan, dialect);
    if (!target) return { plan, catalog, dialect, sql, applied: [] };
    const comparison = comparePlan(plan, await introspectPlanTarget(target.conn, plan), dialect);
    if (!opts.apply) return { plan, catalog, dialect, sql, comparison, applied: [] };
    if (comparison.drift.length > 0) {
      const first = comparison.drift[0]!;
      throw new MigrationError(
        'PREFLIGHT_FAILED',
        `The target already has ${comparison.drift.length} object(s) that differ from the plan, e.g. ${first.table} ${first.object}: expected ${first.expected}, found ${first.actual}.`,
        {
          details: { table: first.table, object: first.object },
          hint: 'Apply to an empty database, or drop the differing tables first. Nothing was changed.',
        },
      );
    }
    await applyOps(target, comparison.missing, dialect, sink, runId, 'schema');
    return { plan, catalog, dialect, sql, comparison, applied: comparison.missing };
  } finally {
    await client.end().catch(() => {});
    await target?.conn.end().catch(() => {});
  }
}
