// The verify stage: plan from the source (unless migrate hands its plan over), open `workers` session
// pairs on one consistent snapshot per server, check the target's structure against the plan, then
// compare every table's data at the requested level. Returns a VerifyReport.
// Invariants: differences are returned as data, never thrown (the command turns them into exit 16);
// both servers are only read; every session is closed on every path.

import type { Catalog } from '../catalog/model.js';
import type { Config } from '../config/schema.js';
import type { ConnectionSpec } from '../config/urls.js';
import type { ChunkRange } from '../copy/chunk-range.js';
import { DIALECTS } from '../dialect/capabilities.js';
import { MigrationError } from '../errors.js';
import type { EventSink } from '../events.js';
import type { MigrationPlan } from '../plan/model.js';
import { connectSource } from '../source/postgres/connect.js';
import { refuseRowSecurity } from '../source/postgres/row-security.js';
import {
  pgColumnBaseTypes,
  pgEndSnapshot,
  pgServerEncoding,
  pgShareSnapshot,
} from '../source/postgres/verify-queries.js';
import { connectTarget, type TargetSession } from '../target/mysql/connect.js';
import { introspectPlanTarget } from '../target/mysql/introspect.js';
import { myBeginSnapshot, myEndSnapshot, myMaxValues } from '../target/mysql/verify-queries.js';
import { sourceTypesFromCatalog } from '../verify/normalize.js';
import { autoIncrementColumns, checkStructure } from '../verify/structure.js';
import { type Lane, type VerifyLevel, type VerifyReport, verifyTables } from '../verify/verify.js';
import { planFromSource, sourceSpec, targetSpec } from './schema.js';
import {
  classifyStepFault,
  type Reached,
  retryPolicyOf,
  retryStep,
  type StepRetryContext,
} from './step-retry.js';

export type { VerifyLevel, VerifyReport } from '../verify/verify.js';

export interface RunVerifyOptions {
  readonly config: Config;
  readonly runId: string;
  readonly sink: EventSink;
  readonly signal?: AbortSignal;
  /** Default config.verify.level. */
  readonly level?: VerifyLevel;
  /** Random keys per table compared field by field; default config.verify.sample. */
  readonly sample?: number;
  /** The plan to verify against (migrate passes its own); default: plan from the source now. */
  readonly plan?: MigrationPlan;
  /** The catalog behind `plan`, when the caller has it (saves a catalog query). */
  readonly catalog?: Catalog;
  /** Rows per segment when verify cuts segments itself (no committed chunks). Default 100,000. */
  readonly segmentRows?: number;
  /** The copy's committed chunks by target table; default: read from the target's state table. */
  readonly chunks?: ReadonlyMap<string, readonly ChunkRange[]>;
  /**
   * Servers the caller already reached in this run (migrate passes both): a refused reconnect to one of them
   * is a restart and is retried. A side not reached yet fails at once on a refused first connect.
   */
  readonly reached?: Reached;
}

/** `pg2my verify`: compare the target with the source. Differences are in the report, not thrown. */
export async function runVerify(opts: RunVerifyOptions): Promise<VerifyReport> {
  const { config, sink, runId } = opts;
  const t0 = performance.now();
  const level = opts.level ?? config.verify.level;
  const sample = opts.sample ?? config.verify.sample;
  const src = sourceSpec(config);
  const tgt = targetSpec(config);
  if (!tgt) {
    throw new MigrationError('CONFIG_INVALID', 'verify needs a target.', {
      hint: 'Pass --target mysql://user@host:3306/db or set PG2MY_TARGET.',
    });
  }
  const steps: StepRetryContext = {
    policy: retryPolicyOf(config),
    reached: opts.reached ?? { source: false, target: false },
    sink,
    runId,
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  // A lost connection takes a lane's snapshot with it: verify starts over on new snapshots.
  return retryStep(steps, 'verify', 'verify', () =>
    verifyOnce(opts, level, sample, src, tgt, steps.reached, t0),
  );
}

async function verifyOnce(
  opts: RunVerifyOptions,
  level: VerifyLevel,
  sample: number,
  src: ConnectionSpec,
  tgt: ConnectionSpec,
  reached: Reached,
  t0: number,
): Promise<VerifyReport> {
  const { config, sink, runId } = opts;
  let plan = opts.plan;
  let catalog = opts.catalog;
  if (!plan) ({ plan, catalog } = await planFromSource(config, sink, runId));
  reached.source = true;
  const laneCount = Math.max(1, Math.min(config.migrate.workers, 16));
  const timeout = { connectTimeoutMs: config.connectTimeoutMs };
  const sources = await Promise.allSettled(
    Array.from({ length: laneCount }, () => connectSource(src, timeout)),
  );
  const targets = await Promise.allSettled(
    Array.from({ length: laneCount }, () => connectTarget(tgt, timeout)),
  );
  const opened = {
    pg: sources.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    my: targets.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
  };
  try {
    if (sources.some((x) => x.status === 'fulfilled')) reached.source = true;
    if (targets.some((x) => x.status === 'fulfilled')) reached.target = true;
    const failed = [...sources, ...targets].find((x) => x.status === 'rejected');
    if (failed) throw failed.reason;
    const sessions = opened.my as TargetSession[];
    const lanes: Lane[] = opened.pg.map((pg, i) => ({ source: pg, target: sessions[i]!.conn }));
    const first = lanes[0]!;
    const dialect = DIALECTS[sessions[0]!.flavour];
    await refuseRowSecurity(
      first.source,
      plan.tables.map((t) => t.source),
    );
    await pgShareSnapshot(
      first.source,
      lanes.slice(1).map((l) => l.source),
    );
    for (const l of lanes) await myBeginSnapshot(l.target);

    const target = await introspectPlanTarget(first.target, plan);
    const sourceUtf8 = (await pgServerEncoding(first.source)).toUpperCase() === 'UTF8';
    const sourceTypes = catalog
      ? sourceTypesFromCatalog(catalog)
      : await pgColumnBaseTypes(
          first.source,
          plan.tables.map((t) => t.source),
        );
    const autoCols = autoIncrementColumns(plan).filter((c) =>
      target.tables.get(c.table)?.columns.some((x) => x.name === c.column),
    );
    const maxes = await myMaxValues(first.target, autoCols);
    const structure = checkStructure(
      plan,
      target,
      dialect,
      autoCols.map((c, i) => ({ ...c, max: maxes[i] ?? null })),
    );
    sink({
      runId,
      step: 'verify',
      event: 'step.started',
      level: 'info',
      msg: `verifying ${plan.tables.length} tables at level ${level}`,
      data: { level, sample, tables: plan.tables.length, structureProblems: structure.length },
    });
    const tables = await verifyTables({
      plan,
      dialect,
      lanes,
      sourceTypes,
      target,
      sourceUtf8,
      ...(opts.chunks ? { chunks: opts.chunks } : {}),
      options: {
        level,
        sample,
        bisectRows: config.verify.bisectRows,
        maxReportedRows: config.verify.maxReportedRows,
        ...(opts.segmentRows ? { segmentRows: opts.segmentRows } : {}),
      },
      sink,
      runId,
      ...(opts.signal ? { signal: opts.signal } : {}),
      fatal: (e) => classifyStepFault(e, reached) === 'transient',
    });
    const identical = structure.length === 0 && tables.every((t) => t.status === 'identical');
    sink({
      runId,
      step: 'verify',
      event: 'step.finished',
      level: identical ? 'info' : 'warn',
      msg: identical ? 'target identical to source' : 'target differs from source',
      data: {
        ms: Math.round(performance.now() - t0),
        identical,
        structureProblems: structure.length,
        tablesDifferent: tables.filter((t) => t.status !== 'identical').length,
      },
    });
    return { level, sample, tables, structure, identical };
  } finally {
    await Promise.all(
      opened.pg.map((c) =>
        pgEndSnapshot(c)
          .catch(() => {})
          .then(() => c.end())
          .catch(() => {}),
      ),
    );
    await Promise.all(
      opened.my.map((s) =>
        myEndSnapshot(s.conn)
          .catch(() => {})
          .then(() => s.conn.end())
          .catch(() => {}),
      ),
    );
  }
}
