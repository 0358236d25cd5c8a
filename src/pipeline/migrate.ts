// The migrate stage: preflight (run lock, one exported snapshot, plan inside it, target empty or owned by a
// resumable run of the same plan), pre-data DDL, the chunked copy, post-data DDL (indexes, checks, FKs
// added unvalidated then checked with anti-joins), AUTO_INCREMENT from sequences and max(id), then verify.
// Invariants: nothing is written in a dry run; a target with tables no run of this plan owns is refused;
// a different plan is refused unless `restart`; every step is idempotent, so any crash resumes by re-running.

import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/model.js';
import type { Config } from '../config/schema.js';
import { describe } from '../config/urls.js';
import type { ChunkRange, CommittedChunk } from '../copy/chunk-range.js';
import type { Dialect } from '../dialect/capabilities.js';
import { MigrationError } from '../errors.js';
import type { EventSink, RunStep } from '../events.js';
import type { DdlOp, MigrationPlan } from '../plan/model.js';
import { canonicalJson } from '../plan/plan.js';
import { SourceSnapshot } from '../source/postgres/snapshot.js';
import { comparePlan } from '../target/mysql/compare-plan.js';
import type { TargetSession } from '../target/mysql/connect.js';
import { introspectTarget } from '../target/mysql/introspect.js';
import { applyPostData, setAutoIncrements, validateForeignKeys } from '../target/mysql/post-data.js';
import { quoteIdent } from '../target/mysql/quote.js';
import {
  ensureStateTables,
  insertRun,
  latestRun,
  listTables,
  readChunks,
  STATE_TABLES,
  setRunStatus,
} from '../target/mysql/state-table.js';
import { ControlSession } from './control-session.js';
import { copyTables, type TableCopy } from './copy-tables.js';
import { applyOps, planWithClient, resolveDialect, sourceSpec, targetSpec } from './schema.js';
import { runVerify, type VerifyLevel, type VerifyReport } from './verify.js';

export const TOOL_VERSION = '0.1.0';

export interface RunMigrateOptions {
  readonly config: Config;
  readonly runId: string;
  readonly sink: EventSink;
  readonly signal?: AbortSignal;
  /** Print the plan and an estimate; write nothing. */
  readonly dryRun?: boolean;
  /** Drop what an earlier run of a different (or the same) plan created and start over. */
  readonly restart?: boolean;
  /** Called once the plan is made (before anything is written), e.g. to save it in the run directory. */
  readonly onPlan?: (plan: MigrationPlan) => void;
  /** Verify level at the end; default config.migrate.verify. */
  readonly verify?: VerifyLevel | 'none';
}

export type MigrateState = 'fresh' | 'resume' | 'complete';

export interface MigrateResult {
  readonly runId: string;
  readonly plan: MigrationPlan;
  readonly catalog: Catalog;
  readonly dialect: Dialect;
  readonly dryRun: boolean;
  /** fresh = empty target; resume = an earlier run of this plan was continued; complete = nothing to copy. */
  readonly state: MigrateState;
  /** The run this one continues, when resuming. */
  readonly resumedFrom?: string;
  readonly loadMethod: 'load-data' | 'insert';
  readonly tables: readonly TableCopy[];
  readonly copy: { readonly rows: number; readonly bytes: number; readonly ms: number };
  readonly totalMs: number;
  readonly verify?: VerifyReport;
}

/**
 * What a resume must match: the plan without its size estimates (statistics move with ANALYZE; the data
 * does not in a write-quiet window, and verify proves the end result anyway).
 */
export function resumeFingerprint(plan: MigrationPlan): string {
  const { fingerprint: _f, ...body } = plan;
  const tables = plan.tables.map(({ estimatedRows: _r, totalBytes: _b, ...t }) => t);
  return createHash('sha256')
    .update(canonicalJson({ ...body, tables }))
    .digest('hex');
}

function emit(
  sink: EventSink,
  runId: string,
  step: RunStep,
  event: string,
  msg: string,
  data?: Record<string, unknown>,
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
): void {
  sink({ runId, step, event, level, msg, ...(data ? { data } : {}) });
}

async function timed<T>(
  sink: EventSink,
  runId: string,
  step: RunStep,
  msg: string,
  data: Record<string, unknown>,
  fn: () => Promise<T>,
  done?: (r: T) => Record<string, unknown>,
): Promise<T> {
  const t0 = performance.now();
  emit(sink, runId, step, 'step.started', msg, data);
  const r = await fn();
  emit(sink, runId, step, 'step.finished', `${step} done`, {
    ms: Math.round(performance.now() - t0),
    ...(done ? done(r) : {}),
  });
  return r;
}

interface Preflight {
  readonly state: MigrateState;
  readonly resumedFrom?: string;
  readonly planTables: ReadonlySet<string>;
}

/** Decide fresh / resume / refuse from what the target holds. Drops an earlier run's tables on restart. */
async function inspectTarget(
  control: TargetSession,
  plan: MigrationPlan,
  fingerprint: string,
  restart: boolean,
  dryRun: boolean,
  sink: EventSink,
  runId: string,
): Promise<Preflight> {
  const planTables = new Set(plan.tables.map((t) => t.target));
  let tables = await listTables(control.conn);
  let run = tables.includes(STATE_TABLES[0]!) ? await latestRun(control.conn) : undefined;
  if (run && restart) {
    const owned = new Set<string>([
      ...STATE_TABLES,
      ...((JSON.parse(run.planJson) as MigrationPlan).tables ?? []).map((t) => t.target),
    ]);
    const drop = tables.filter((t) => owned.has(t));
    emit(
      sink,
      runId,
      'preflight',
      'run.restart',
      `restart: dropping ${drop.length} tables of run ${run.runId}`,
      { tables: drop },
      'warn',
    );
    if (!dryRun) {
      await control.conn.query('SET SESSION foreign_key_checks = 0');
      for (const t of drop) await control.conn.query(`DROP TABLE IF EXISTS ${quoteIdent(t)}`);
      await control.conn.query('SET SESSION foreign_key_checks = 1');
      tables = await listTables(control.conn);
      run = undefined;
    } else {
      tables = tables.filter((t) => !owned.has(t));
      run = undefined;
    }
  }
  if (run && run.fingerprint !== fingerprint) {
    throw new MigrationError(
      'PLAN_CHANGED',
      `The target holds run ${run.runId} (started ${run.startedAt} UTC) of a different plan: the source schema or the config (types, collations, columns, tables) changed since.`,
      {
        details: { run: run.runId },
        hint: 'Undo the change to resume that run, or pass --restart to drop the tables it created and start over.',
      },
    );
  }
  const foreign = tables.filter((t) => !STATE_TABLES.includes(t) && !(run && planTables.has(t)));
  if (foreign.length > 0) {
    const list =
      foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? `, … (${foreign.length} in all)` : '');
    throw new MigrationError(
      'TARGET_NOT_EMPTY',
      run
        ? `The target database has tables that are not part of this migration: ${list}.`
        : `The target database is not empty and no pg2my run owns it: ${list}.`,
      {
        details: { tables: foreign.slice(0, 50) },
        hint: 'Point --target at an empty database (CREATE DATABASE app CHARACTER SET utf8mb4), or drop those tables. pg2my never writes into tables it did not create.',
      },
    );
  }
  if (!run) return { state: 'fresh', planTables };
  return { state: run.status === 'done' ? 'complete' : 'resume', resumedFrom: run.runId, planTables };
}

/** `pg2my migrate`: see the file header. Throws on failure; verify differences are in `verify`. */
export async function runMigrate(opts: RunMigrateOptions): Promise<MigrateResult> {
  const { config, sink, runId } = opts;
  const t0 = performance.now();
  const src = sourceSpec(config);
  const tgt = targetSpec(config);
  if (!tgt) {
    throw new MigrationError('CONFIG_INVALID', 'migrate needs a target.', {
      hint: 'Pass --target mysql://user@host:3306/db or set PG2MY_TARGET.',
    });
  }
  const timeout = { connectTimeoutMs: config.connectTimeoutMs };
  const verifyLevel = opts.verify ?? config.migrate.verify;
  emit(sink, runId, 'preflight', 'run.started', `migrate ${describe(src)} → ${describe(tgt)}`, {
    command: 'migrate',
    source: describe(src),
    target: describe(tgt),
  });

  const policy = {
    maxAttempts: config.migrate.retry.maxAttempts,
    baseMs: config.migrate.retry.baseMs,
    capMs: config.migrate.retry.capMs,
    budgetMs: config.migrate.retry.budgetSeconds * 1000,
  };
  const ctl = await ControlSession.open(tgt, timeout, policy, sink, runId);
  let control = ctl.session;
  let snapshot: SourceSnapshot | undefined;
  try {
    // ---- preflight
    const pre = await timed(sink, runId, 'preflight', 'preflight', {}, async () => {
      const dialect = resolveDialect(config, control);
      snapshot = await SourceSnapshot.open(src, {
        ...timeout,
        onRenewed: (i) =>
          emit(
            sink,
            runId,
            'copy',
            'snapshot.renewed',
            `source snapshot renewed (${i.reason}); verify will compare the end result`,
            { ...i },
            'warn',
          ),
      });
      const { catalog, plan } = await planWithClient(snapshot.coordinator, config, dialect);
      const fingerprint = resumeFingerprint(plan);
      const method = loadMethodFor(config, control);
      const inspected = await inspectTarget(
        control,
        plan,
        fingerprint,
        opts.restart === true,
        opts.dryRun === true,
        sink,
        runId,
      );
      emit(sink, runId, 'plan', 'plan.finished', `${plan.tables.length} tables planned for ${dialect.name}`, {
        tables: plan.tables.length,
        planFingerprint: plan.fingerprint,
        resumeFingerprint: fingerprint,
        state: inspected.state,
        loadMethod: method,
      });
      return { dialect, catalog, plan, fingerprint, method, ...inspected };
    });
    const { dialect, catalog, plan, method } = pre;
    opts.onPlan?.(plan);
    const base = {
      runId,
      plan,
      catalog,
      dialect,
      state: pre.state,
      ...(pre.resumedFrom ? { resumedFrom: pre.resumedFrom } : {}),
      loadMethod: method,
    };
    if (opts.dryRun) {
      return {
        ...base,
        dryRun: true,
        tables: [],
        copy: { rows: 0, bytes: 0, ms: 0 },
        totalMs: Math.round(performance.now() - t0),
      };
    }

    await ensureStateTables(control.conn);
    await insertRun(control.conn, {
      runId,
      fingerprint: pre.fingerprint,
      planJson: JSON.stringify(plan),
      toolVersion: TOOL_VERSION,
    });

    // ---- pre-data: what is missing (a crash may have left some tables created)
    await timed(
      sink,
      runId,
      'pre-data',
      'creating tables (primary keys only)',
      { tables: plan.tables.length },
      async () => {
        const cmp = comparePlan(plan, await introspectTarget(control.conn), dialect);
        const drift = cmp.drift.filter((d) => pre.planTables.has(d.table));
        if (drift.length > 0 && pre.state !== 'fresh') {
          const d = drift[0]!;
          throw new MigrationError(
            'PREFLIGHT_FAILED',
            `Table ${d.table} on the target differs from the plan (${d.object}: expected ${d.expected}, found ${d.actual}).`,
            {
              hint: 'Someone changed the target since the last run. Pass --restart to start over.',
            },
          );
        }
        const missing = cmp.missing.filter((op) => op.kind === 'createTable');
        await applyOps(control, missing, dialect, sink, runId, 'pre-data');
      },
    );

    // ---- copy
    const committed = new Map<string, CommittedChunk[]>();
    for (const [t, list] of await readChunks(control.conn)) if (pre.planTables.has(t)) committed.set(t, list);
    const rowsEstimated = plan.tables.reduce((s, t) => s + t.estimatedRows, 0);
    ctl.startHeartbeat();
    const copy = await timed(
      sink,
      runId,
      'copy',
      `copying ${plan.tables.length} tables with ${config.migrate.workers} lanes (${method})`,
      { tables: plan.tables.length, rowsEstimated, workers: config.migrate.workers, loadMethod: method },
      () =>
        copyTables({
          tables: plan.tables,
          config,
          runId,
          sink,
          signal: opts.signal ? AbortSignal.any([opts.signal, ctl.lost.signal]) : ctl.lost.signal,
          snapshot: snapshot!,
          target: tgt,
          method,
          committed,
        }),
      (r) => ({ rows: r.rows, bytes: r.bytes, copyMs: r.ms }),
    ).catch((e: unknown) => {
      throw ctl.lost.signal.aborted ? ctl.lost.signal.reason : e;
    });
    ctl.stopHeartbeat();
    await snapshot?.close();
    snapshot = undefined;
    control = await ctl.ensure();
    await setRunStatus(control.conn, runId, 'copied');

    // ---- post-data: indexes and checks per table (in parallel lanes), then FKs, validated by anti-joins
    await timed(sink, runId, 'post-data', 'indexes, checks and foreign keys', {}, async () => {
      const cmp = comparePlan(plan, await introspectTarget(control.conn), dialect);
      const missing = cmp.missing.filter(
        (op: DdlOp) => op.kind !== 'createTable' && op.kind !== 'setAutoIncrement',
      );
      await applyPostData(tgt, timeout, missing, dialect, config.migrate.workers, sink, runId);
      await validateForeignKeys(tgt, timeout, plan.postData, config.migrate.workers, sink, runId);
      control = await ctl.ensure();
    });
    await timed(sink, runId, 'sequences', 'AUTO_INCREMENT counters', {}, () =>
      setAutoIncrements(control, plan.postData, dialect, sink, runId),
    );
    await setRunStatus(control.conn, runId, 'done');

    // ---- verify
    let verify: VerifyReport | undefined;
    if (verifyLevel !== 'none') {
      const chunks = new Map<string, readonly ChunkRange[]>(copy.chunks);
      verify = await runVerify({
        config,
        runId,
        sink,
        ...(opts.signal ? { signal: opts.signal } : {}),
        level: verifyLevel,
        plan,
        catalog,
        chunks,
      });
    }
    return {
      ...base,
      dryRun: false,
      tables: copy.tables,
      copy: { rows: copy.rows, bytes: copy.bytes, ms: copy.ms },
      totalMs: Math.round(performance.now() - t0),
      ...(verify ? { verify } : {}),
    };
  } finally {
    await snapshot?.close();
    await ctl.close();
  }
}

/** LOAD DATA LOCAL when the server allows it (or as configured), else multi-row INSERT. */
function loadMethodFor(config: Config, target: TargetSession): 'load-data' | 'insert' {
  const m = config.migrate.loadMethod;
  if (m === 'insert') return 'insert';
  if (target.localInfile) return 'load-data';
  if (m === 'load-data') {
    throw new MigrationError(
      'PREFLIGHT_FAILED',
      'migrate.loadMethod is load-data, but the target has local_infile OFF.',
      {
        hint: 'SET GLOBAL local_infile = 1 on the target (about 3x faster), or use --load-method auto / insert.',
      },
    );
  }
  return 'insert';
}
