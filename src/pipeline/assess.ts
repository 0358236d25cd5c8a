// `pg2my assess`: everything that would break a migration, measured before anything is written —
// preflight (connections, TLS, versions, privileges, settings, target state), the plan (planner errors become
// blocking risks instead of stopping), schema risks, the value scan, collation collisions measured on the
// target, NOT VALID constraints with their violating rows, and a probe-based duration estimate — assembled
// into one AssessReport with a verdict.
// Invariants: writes nothing on either server except TEMPORARY tables; a phase that fails becomes a
// CHECK_FAILED risk rather than ending the assessment; both sessions are closed on every path.

import { filterCatalog } from '../catalog/filter.js';
import type { Catalog } from '../catalog/model.js';
import { collisionsReference, scanCollisions } from '../assess/collisions.js';
import { estimate } from '../assess/estimate.js';
import { scanNotValid } from '../assess/not-valid.js';
import { planTolerantly } from '../assess/plan-tolerant.js';
import { connectBoth, sourcePreflight } from '../assess/preflight.js';
import { packetFindings, targetPreflight } from '../assess/preflight-target.js';
import {
  type AssessReport,
  buildReport,
  type CheckResult,
  type Risk,
  type TableFacts,
} from '../assess/report.js';
import { scanValues, type ScannedTable } from '../assess/scan-values.js';
import { schemaRisks } from '../assess/schema-risks.js';
import { planOptionsFrom } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { describe } from '../config/urls.js';
import { isMigrationError } from '../errors.js';
import type { EventSink } from '../events.js';
import { readSourceFacts } from '../source/postgres/assess-queries.js';
import { introspect } from '../source/postgres/introspect.js';
import { readTargetFacts } from '../target/mysql/assess-queries.js';
import { resolveDialect, sourceSpec, targetSpec } from './schema.js';

export interface AssessOptions {
  readonly config: Config;
  readonly runId: string;
  readonly sink: EventSink;
  readonly signal?: AbortSignal;
}

function checkFailed(phase: string, e: unknown, severity: Risk['severity']): Risk {
  const reason = e instanceof Error ? e.message : String(e);
  return {
    id: 'CHECK_FAILED',
    severity,
    status: 'open',
    title: `the ${phase} step could not run`,
    description: `${phase} failed: ${reason}`,
    impact: 'What this step measures is unknown; migrate may fail on it.',
    probability: 'possible',
    blastRadius: {},
    mitigation: isMigrationError(e) && e.hint ? e.hint : 'Fix the cause and run assess again.',
  };
}

/** Run the assessment described in the file header and return the report (the CLI renders it). */
export async function runAssess(opts: AssessOptions): Promise<AssessReport> {
  const { config, runId, sink, signal } = opts;
  const emit = (event: string, msg: string, data?: Record<string, unknown>) =>
    sink({ runId, step: 'assess', event, level: 'info', msg, ...(data ? { data } : {}) });
  const src = sourceSpec(config);
  const tgt = targetSpec(config);
  const risks: Risk[] = [];
  const checks: CheckResult[] = [];
  const timingsMs: Record<string, number> = {};
  const add = (f: { risks: readonly Risk[]; checks?: readonly CheckResult[] }) => {
    risks.push(...f.risks);
    checks.push(...(f.checks ?? []));
  };
  /** Run one phase: time it, and turn an unexpected failure into a CHECK_FAILED risk. */
  const phase = async <T>(
    name: string,
    fn: () => Promise<T>,
    severity: Risk['severity'] = 'high',
  ): Promise<T | undefined> => {
    signal?.throwIfAborted();
    emit('phase.started', name);
    const t0 = performance.now();
    try {
      return await fn();
    } catch (e) {
      if (signal?.aborted) throw e;
      risks.push(checkFailed(name, e, severity));
      return undefined;
    } finally {
      timingsMs[name] = Math.round((timingsMs[name] ?? 0) + performance.now() - t0);
    }
  };

  emit('assess.started', `assessing ${describe(src)}${tgt ? ` → ${describe(tgt)}` : ''}`);
  const conn = await connectBoth(src, tgt, config.connectTimeoutMs);
  add(conn);
  const { client, target } = conn;
  let report: Omit<AssessReport, 'version' | 'verdict' | 'risks' | 'checks' | 'timingsMs'> = {
    runId,
    generatedAt: new Date().toISOString(),
    source: { endpoint: describe(src) },
    target: { endpoint: tgt ? describe(tgt) : '(none)' },
    tables: [],
  };
  try {
    if (!client) return buildReport({ ...report, risks, checks, timingsMs });
    const sf = await readSourceFacts(client);
    const tf = target ? await readTargetFacts(target.conn) : undefined;
    const dialect = resolveDialect(config, target);
    report = {
      ...report,
      source: {
        endpoint: describe(src),
        version: sf.version,
        tls: sf.ssl.on ? (sf.ssl.version ?? 'on') : 'off',
      },
      target: {
        endpoint: tgt ? describe(tgt) : '(none)',
        dialect: dialect.name,
        ...(tf ? { version: tf.version, tls: tf.ssl.on ? (tf.ssl.version ?? 'on') : 'off' } : {}),
      },
    };
    const catalog = await phase('introspect', async () => {
      const read = (measure: boolean) =>
        introspect(client, config.schemas ? { schemas: config.schemas, measure } : { measure });
      // Without SELECT on a table the measurements fail; the privilege check below names what is missing.
      const full = await read(true).catch((e) => {
        if (isMigrationError(e) && e.code === 'PERMISSION_DENIED') return read(false);
        throw e;
      });
      return filterCatalog(full, { only: config.tables, exclude: config.exclude });
    });
    const planned = catalog
      ? await phase('plan', async () => planTolerantly(catalog, dialect, planOptionsFrom(config)))
      : undefined;
    if (planned) risks.push(...planned.risks);
    const plan = planned?.plan;
    const cat: Catalog | undefined = planned?.catalog ?? catalog;
    if (plan)
      report = {
        ...report,
        plan: {
          fingerprint: plan.fingerprint,
          tables: plan.tables.length,
          decisions: plan.decisions.length,
          notConverted: plan.notConverted.length,
        },
      };
    const sourceChecks = await phase('source preflight', () => sourcePreflight(client, src, sf, catalog));
    if (sourceChecks) add(sourceChecks);
    if (target && tf && tgt) {
      const f = await phase('target preflight', () =>
        targetPreflight(target, tgt, tf, catalog, plan, config.migrate.loadMethod),
      );
      if (f) add(f);
    }
    if (catalog) risks.push(...schemaRisks(catalog, plan, dialect));
    if (cat) {
      const nv = await phase('not valid constraints', () => scanNotValid(client, cat, plan, dialect));
      if (nv) risks.push(...nv);
    }
    let scanned: ReadonlyMap<string, ScannedTable> = new Map();
    if (plan && cat) {
      const scan = await phase('scan', () =>
        scanValues(client, cat, plan, (table, ms) =>
          emit('table.scanned', table, { table, ms: Math.round(ms) }),
        ),
      );
      if (scan) {
        const provisional = new Set(planned?.provisional ?? []);
        risks.push(
          ...scan.risks.filter((x) => !provisional.has(`${x.blastRadius.table}.${x.blastRadius.column}`)),
        );
        scanned = scan.tables;
      }
      if (target && tf) {
        add(packetFindings(tf, scanned, timingsMs.scan));
        const reference = collisionsReference(tf, config.collation.key ?? dialect.keyCollation);
        const c = await phase('collisions', () =>
          scanCollisions(client, target, cat, plan, dialect, reference),
        );
        if (c) add(c);
      }
      const est = await phase(
        'estimate',
        () => estimate(client, target, cat, plan, scanned, config.migrate.workers),
        'low',
      );
      if (est) {
        report = { ...report, tables: est.tables, ...(est.estimate ? { estimate: est.estimate } : {}) };
        if (est.skipped) checks.push({ name: 'throughput probe', status: 'skip', detail: est.skipped });
      }
    }
    if (report.tables.length === 0 && cat) report = { ...report, tables: catalogFacts(cat) };
  } finally {
    await client?.end().catch(() => {});
    await target?.conn.end().catch(() => {});
  }
  const out = buildReport({ ...report, risks, checks, timingsMs });
  emit('assess.finished', `verdict ${out.verdict}`, { verdict: out.verdict, risks: out.risks.length });
  return out;
}

function catalogFacts(catalog: Catalog): TableFacts[] {
  return catalog.tables.map((t) => ({
    table: `${t.schema}.${t.name}`,
    rows: Math.max(0, t.estimatedRows),
    exact: false,
    bytes: t.totalBytes,
    streamBytes: t.totalBytes,
  }));
}
