// The migrate stage: preflight (run lock, one exported snapshot, plan inside it, target empty or owned by a
// resumable run of the same plan), pre-data DDL, the chunked copy, post-data DDL (indexes, checks, FKs
// added unvalidated then checked with anti-joins), AUTO_INCREMENT from sequences and max(id), then verify.
// Invariants: nothing is written in a dry run; a target with tables no run of this plan owns is refused;
// a different plan is refused unless `restart`; every step is idempotent, so any crash resumes by re-running.

import type { Catalog } from '../catalog/model.js';
import type { Config } from '../config/schema.js';
import { describe } from '../config/urls.js';
import type { ChunkRange, CommittedChunk } from '../copy/chunk-range.js';
import type { Dialect } from '../dialect/capabilities.js';
import { isMigrationError, MigrationError } from '../errors.js';
import type { EventSink, RunStep } from '../events.js';
import { type DdlOp, type MigrationPlan, tableKey } from '../plan/model.js';
import { resumeFingerprint } from '../plan/fingerprint.js';
import { relationFiles } from '../source/postgres/relation-files.js';
import { refuseRowSecurity } from '../source/postgres/row-security.js';
import { SourceSnapshot } from '../source/postgres/snapshot.js';
import { comparePlan } from '../target/mysql/compare-plan.js';
import type { TargetSession } from '../target/mysql/connect.js';
import { introspectPlanTarget } from '../target/mysql/introspect.js';
import { applyPostData, setAutoIncrements, validateForeignKeys } from '../target/mysql/post-data.js';
import { quoteIdent } from '../target/mysql/quote.js';
import {
  ensureStateTables,
  insertRun,
  decideOwnership,
  forgetTableCopy,
  readChunks,
  missingDatabases,
  readTargetView,
  type RunStatus,
  restartDrops,
  setRunStatus,
} from '../target/mysql/state-table.js';
import { ControlSession } from './control-session.js';
import { refuseMissingPrivileges } from './privileges.js';
import { copyTables, type TableCopy } from './copy-tables.js';
import { applyOps, planWithClient, resolveDialect, sourceSpec, targetSpec } from './schema.js';
import { type Reached, retryPolicyOf, retryStep, type StepRetryContext } from './step-retry.js';
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
  readonly resumedStatus?: RunStatus;
  readonly planTables: ReadonlySet<string>;
}

/**
 * Decide who owns the target (decideOwnership in state-table.ts, the rule assess applies too) and refuse
 * what must not go on. With --restart, the decision is made as if the old run's tables were dropped, and
 * they are dropped only when it allows the run: a refused restart changes nothing.
 */
async function inspectTarget(
  control: TargetSession,
  plan: MigrationPlan,
  fingerprint: string,
  restart: boolean,
  dryRun: boolean,
  sink: EventSink,
  runId: string,
): Promise<Preflight> {
  const planTables = new Set(plan.tables.map(tableKey));
  const databases = [...new Set(plan.tables.flatMap((t) => (t.database === undefined ? [] : [t.database])))];
  const absent = await missingDatabases(control.conn, databases);
  if (absent.length > 0) {
    throw new MigrationError(
      'PREFLIGHT_FAILED',
      `schemaMap puts tables in database ${absent.join(', ')}, which does not exist on the target.`,
      {
        details: { key: 'schemaMap', databases: absent },
        hint: `Create it first (CREATE DATABASE ${quoteIdent(absent[0]!)} CHARACTER SET utf8mb4) and grant the migration user the same rights there as on the target URL's database.`,
      },
    );
  }
  let view = await readTargetView(control.conn, planTables, new Set(), databases);
  const drops = restart ? restartDrops(view) : [];
  if (drops.length > 0) view = await readTargetView(control.conn, planTables, new Set(drops), databases);
  const owner = decideOwnership(view, planTables, fingerprint);
  if (owner.state === 'plan-changed') {
    throw new MigrationError(
      'PLAN_CHANGED',
      `The target holds run ${owner.run.runId} (started ${owner.run.startedAt} UTC) of a different plan: the source schema or the config (types, collations, columns, tables) changed since.`,
      {
        details: { run: owner.run.runId },
        hint: 'Undo the change to resume that run, or pass --restart to drop the tables it created and start over.',
      },
    );
  }
  if (owner.state === 'foreign') {
    const f = owner.foreign;
    const list = f.slice(0, 10).join(', ') + (f.length > 10 ? `, … (${f.length} in all)` : '');
    throw new MigrationError(
      'TARGET_NOT_EMPTY',
      (owner.run
        ? `The target database has tables that are not part of this migration: ${list}.`
        : `The target database is not empty and no pg2my run owns it: ${list}.`) +
        (drops.length > 0 ? ' Nothing was dropped.' : ''),
      {
        details: { tables: f.slice(0, 50) },
        hint: 'Point --target at an empty database (CREATE DATABASE app CHARACTER SET utf8mb4), or drop those tables. pg2my never writes into tables it did not create, nor into tables of this plan that hold rows no run of it wrote.',
      },
    );
  }
  if (drops.length > 0) {
    emit(
      sink,
      runId,
      'preflight',
      'run.restart',
      `restart: dropping ${drops.length} tables of the earlier run: ${drops.join(', ')}`,
      { tables: drops },
      'warn',
    );
    if (!dryRun) {
      await control.conn.query('SET SESSION foreign_key_checks = 0');
      for (const t of drops)
        await control.conn.query(`DROP TABLE IF EXISTS ${view.sql?.get(t) ?? quoteIdent(t)}`);
      await control.conn.query('SET SESSION foreign_key_checks = 1');
    }
  }
  if (owner.state === 'fresh') {
    if (owner.adopted.length > 0)
      emit(
        sink,
        runId,
        'preflight',
        'target.adopted',
        `the target has ${owner.adopted.length} empty table(s) of this plan (from pg2my schema --apply); the copy fills them`,
        { tables: [...owner.adopted] },
      );
    return { state: 'fresh', planTables };
  }
  return { state: owner.state, resumedFrom: owner.run.runId, resumedStatus: owner.run.status, planTables };
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
  if (!tgt.database) {
    throw new MigrationError('CONFIG_INVALID', `The target URL ${describe(tgt)} names no database.`, {
      details: { key: 'target' },
      hint: 'Add the database to the end of the URL (mysql://user@host:3306/app); create it first with CREATE DATABASE app CHARACTER SET utf8mb4.',
    });
  }
  const timeout = { connectTimeoutMs: config.connectTimeoutMs };
  const verifyLevel = opts.verify ?? config.migrate.verify;
  emit(sink, runId, 'preflight', 'run.started', `migrate ${describe(src)} → ${describe(tgt)}`, {
    command: 'migrate',
    source: describe(src),
    target: describe(tgt),
  });

  const policy = retryPolicyOf(config);
  const ctl = await ControlSession.open(tgt, timeout, policy, sink, runId);
  let control = ctl.session;
  // Steps other than the copy (which retries chunk by chunk) are retried whole after a transient fault.
  const reached: Reached = { source: false, target: true };
  const steps: StepRetryContext = {
    policy,
    reached,
    sink,
    runId,
    signal: opts.signal ? AbortSignal.any([opts.signal, ctl.lost.signal]) : ctl.lost.signal,
  };
  let snapshot: SourceSnapshot | undefined;
  let recorded = false; // this run's row is in _pg2my_runs
  try {
    // ---- preflight
    const pre = await timed(sink, runId, 'preflight', 'preflight', {}, () =>
      retryStep(steps, 'preflight', 'preflight', async () => {
        await snapshot?.close();
        snapshot = undefined;
        control = await ctl.ensure();
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
        reached.source = true;
        const { catalog, plan } = await planWithClient(snapshot.coordinator, config, dialect);
        await refuseRowSecurity(
          snapshot.coordinator,
          plan.tables.map((t) => t.source),
        );
        await refuseMissingPrivileges(snapshot.coordinator, control, plan);
        // ctid chunks are only valid for the file they were read from (see relation-files.ts).
        const ctidTables = plan.tables.filter((t) => t.key.kind === 'ctid');
        const files = await relationFiles(
          snapshot.coordinator,
          ctidTables.map((t) => t.source),
        );
        const sourceFiles = new Map<string, string>();
        ctidTables.forEach((t, i) => {
          const f = files[i];
          if (f !== undefined) sourceFiles.set(tableKey(t), f);
        });
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
        emit(
          sink,
          runId,
          'plan',
          'plan.finished',
          `${plan.tables.length} tables planned for ${dialect.name}`,
          {
            tables: plan.tables.length,
            planFingerprint: plan.fingerprint,
            resumeFingerprint: fingerprint,
            state: inspected.state,
            loadMethod: method,
          },
        );
        return { dialect, catalog, plan, fingerprint, method, sourceFiles, ...inspected };
      }),
    );
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

    await retryStep(steps, 'pre-data', 'recording the run', async () => {
      control = await ctl.ensure();
      await ensureStateTables(control.conn);
      // A run that died without a word (SIGKILL, power loss) is still `running`: we hold the lock, so it is not.
      if (pre.resumedFrom && pre.resumedStatus !== 'done')
        await setRunStatus(control.conn, pre.resumedFrom, 'abandoned', ['running', 'copied']);
      await insertRun(control.conn, {
        runId,
        fingerprint: pre.fingerprint,
        planJson: JSON.stringify(plan),
        toolVersion: TOOL_VERSION,
      });
    });
    recorded = true;

    // ---- pre-data: what is missing (a crash may have left some tables created)
    await timed(
      sink,
      runId,
      'pre-data',
      'creating tables (primary keys only)',
      { tables: plan.tables.length },
      () =>
        retryStep(steps, 'pre-data', 'creating tables', async () => {
          control = await ctl.ensure();
          const cmp = comparePlan(plan, await introspectPlanTarget(control.conn, plan), dialect);
          const drift = cmp.drift.filter((d) => pre.planTables.has(d.table));
          // A table there (left by a crash, or by `pg2my schema --apply` and adopted) must be the plan's.
          if (drift.length > 0) {
            const d = drift[0]!;
            throw new MigrationError(
              'PREFLIGHT_FAILED',
              `Table ${d.table} on the target differs from the plan (${d.object}: expected ${d.expected}, found ${d.actual}).`,
              {
                hint:
                  pre.state === 'fresh'
                    ? 'Drop that table (it holds no rows), or run `pg2my schema --apply` again with the same config.'
                    : 'Someone changed the target since the last run. Pass --restart to start over.',
              },
            );
          }
          const missing = cmp.missing.filter((op) => op.kind === 'createTable');
          await applyOps(control, missing, dialect, sink, runId, 'pre-data');
        }),
    );

    // ---- copy
    const committed = await retryStep(steps, 'copy', 'reading the checkpoints', async () => {
      control = await ctl.ensure();
      const committed = new Map<string, CommittedChunk[]>();
      for (const [t, list] of await readChunks(control.conn))
        if (pre.planTables.has(t)) committed.set(t, list);
      // A keyless (ctid) table rewritten since its chunks were read has new ctids for the same rows: its
      // checkpoints would skip or repeat rows. Start that table over.
      for (const t of plan.tables.filter((x) => x.key.kind === 'ctid')) {
        const list = committed.get(tableKey(t));
        const now = pre.sourceFiles.get(tableKey(t));
        if (!list?.length || list.every((c) => c.sourceFile === now)) continue;
        emit(
          sink,
          runId,
          'copy',
          'table.rewritten',
          `${tableKey(t)} has no key and was rewritten in PostgreSQL since its chunks were copied (VACUUM FULL, CLUSTER or pg_repack): copying it again from the start`,
          { table: tableKey(t), chunks: list.length },
          'warn',
        );
        await forgetTableCopy(control.conn, tableKey(t), {
          table: t.target,
          ...(t.database !== undefined ? { database: t.database } : {}),
        });
        committed.delete(tableKey(t));
      }
      return committed;
    });
    const rowsEstimated = plan.tables.reduce((s, t) => s + Math.max(0, t.estimatedRows), 0); // -1: never analysed
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
          sourceFiles: pre.sourceFiles,
          committed,
        }),
      (r) => ({ rows: r.rows, bytes: r.bytes, copyMs: r.ms }),
    ).catch((e: unknown) => {
      throw ctl.lost.signal.aborted ? ctl.lost.signal.reason : e;
    });
    ctl.stopHeartbeat();
    await snapshot?.close();
    snapshot = undefined;
    await retryStep(steps, 'copy', 'recording the copy', async () => {
      control = await ctl.ensure();
      await setRunStatus(control.conn, runId, 'copied');
    });

    // ---- post-data: indexes and checks per table (in parallel lanes), then FKs, validated by anti-joins
    await timed(sink, runId, 'post-data', 'indexes, checks and foreign keys', {}, () =>
      retryStep(steps, 'post-data', 'post-data', async () => {
        control = await ctl.ensure();
        const cmp = comparePlan(plan, await introspectPlanTarget(control.conn, plan), dialect);
        const missing = cmp.missing.filter(
          (op: DdlOp) => op.kind !== 'createTable' && op.kind !== 'setAutoIncrement',
        );
        await applyPostData(tgt, timeout, missing, dialect, config.migrate.workers, sink, runId);
        await validateForeignKeys(tgt, timeout, plan.postData, config.migrate.workers, sink, runId);
      }),
    );
    await timed(sink, runId, 'sequences', 'AUTO_INCREMENT counters', {}, () =>
      retryStep(steps, 'sequences', 'setting AUTO_INCREMENT counters', async () => {
        control = await ctl.ensure();
        await setAutoIncrements(control, plan.postData, dialect, sink, runId);
        await setRunStatus(control.conn, runId, 'done');
      }),
    );

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
        reached,
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
  } catch (e) {
    // Say how the run ended in its state row (best effort: the target may be the thing that failed), unless
    // the lock went to another run, which now owns the state.
    if (recorded && !ctl.lost.signal.aborted) {
      const status = isMigrationError(e) && e.code === 'INTERRUPTED' ? 'interrupted' : 'failed';
      await ctl
        .ensure()
        .then((c) => setRunStatus(c.conn, runId, status))
        .catch(() => {});
    }
    throw e;
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
