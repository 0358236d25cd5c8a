// Sizes and a predicted migrate duration. Rows come from the scan's exact count(*) (else the planner
// estimate); the duration from a SHORT measured probe: COPY a bounded sample (≤ 20,000 rows, ≤ 16 MB) of the
// biggest table from the source into memory, LOAD DATA those same bytes into a TEMPORARY table on the target,
// and extrapolate the slower side's bytes/s to every table's estimated COPY text.
// Invariants: the only write is the temporary table (dropped); the method string says exactly what ran.

import { Readable } from 'node:stream';
import type { Catalog } from '../catalog/model.js';
import type { MigrationPlan } from '../plan/model.js';
import { copySample, statsRowWidths } from '../source/postgres/assess-queries.js';
import type { SourceClient } from '../source/postgres/connect.js';
import { loadCopyText, withTempTable } from '../target/mysql/assess-queries.js';
import type { TargetSession } from '../target/mysql/connect.js';
import { fmtBytes, fmtInt } from './render-report.js';
import type { DurationEstimate, TableFacts } from './report.js';
import type { ScannedTable } from './scan-values.js';

const PROBE_ROWS = 20_000;
const PROBE_BYTES = 16 * 1024 * 1024;

export interface EstimateResult {
  readonly tables: readonly TableFacts[];
  readonly estimate?: DurationEstimate;
  /** Why there is no estimate, when there is none. */
  readonly skipped?: string;
}

/** COPY text ends every row with a raw newline (newlines in values are escaped). */
function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

async function readAll(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return chunks;
}

/**
 * Table facts for every planned table, and (with a target) the measured-probe duration estimate for
 * `workers` parallel copy lanes.
 */
export async function estimate(
  client: SourceClient,
  target: TargetSession | undefined,
  catalog: Catalog,
  plan: MigrationPlan,
  scanned: ReadonlyMap<string, ScannedTable>,
  workers: number,
): Promise<EstimateResult> {
  const sources = plan.tables.flatMap((tp) => {
    const t = catalog.tables.find((x) => x.schema === tp.source.schema && x.name === tp.source.name);
    return t ? [t] : [];
  });
  const widths = await statsRowWidths(client, sources);
  const rowsOf = (name: string, est: number) => scanned.get(name)?.rows ?? Math.max(0, est);
  const biggest = [...sources]
    .filter((t) => rowsOf(`${t.schema}.${t.name}`, t.estimatedRows) > 0)
    .sort((a, b) => b.totalBytes - a.totalBytes)[0];

  let probe: { table: string; rows: number; bytes: number; srcSec: number; tgtSec?: number } | undefined;
  let skipped: string | undefined;
  if (!biggest) skipped = 'no table has rows';
  else {
    const name = `${biggest.schema}.${biggest.name}`;
    const rows = rowsOf(name, biggest.estimatedRows);
    const perRow = Math.max(1, biggest.totalBytes / Math.max(1, rows));
    const n = Math.max(1, Math.min(PROBE_ROWS, Math.floor(PROBE_BYTES / perRow)));
    let t0 = performance.now();
    const chunks = await readAll(copySample(client, biggest, n));
    const srcSec = (performance.now() - t0) / 1000;
    const bytes = chunks.reduce((s, c) => s + c.length, 0);
    const sampleRows = chunks.reduce((s, c) => s + countNewlines(c), 0);
    probe = { table: name, rows: sampleRows, bytes, srcSec };
    if (!target) skipped = 'no target connection: only the source read was measured';
    else if (!target.localInfile)
      skipped = 'local_infile is OFF on the target: the LOAD DATA side was not measured';
    else {
      const cols = biggest.columns.map((_, i) => `c${i}`);
      t0 = performance.now();
      await withTempTable(
        target.conn,
        '_pg2my_assess_probe',
        cols.map((name) => ({ name })),
        false,
        () => loadCopyText(target.conn, '_pg2my_assess_probe', cols, Readable.from(chunks)),
      );
      probe = { ...probe, tgtSec: (performance.now() - t0) / 1000 };
    }
  }

  const probeTable = probe ? sources.find((t) => `${t.schema}.${t.name}` === probe.table) : undefined;
  const probeWidth = probeTable ? widths.get(probe?.table ?? '') : undefined;
  const measuredPerRow = probe && probe.rows > 0 ? probe.bytes / probe.rows : undefined;
  const ratio = measuredPerRow && probeWidth ? measuredPerRow / probeWidth : 1;
  const tables: TableFacts[] = sources.map((t) => {
    const name = `${t.schema}.${t.name}`;
    const s = scanned.get(name);
    const rows = rowsOf(name, t.estimatedRows);
    const width = widths.get(name);
    const perRow =
      name === probe?.table && measuredPerRow !== undefined
        ? measuredPerRow
        : width !== undefined
          ? width * ratio
          : t.totalBytes / Math.max(1, rows);
    return {
      table: name,
      rows,
      exact: s !== undefined,
      bytes: t.totalBytes,
      streamBytes: Math.round(perRow * rows),
      ...(s ? { largestRowBytes: s.largestRowBytes } : {}),
    };
  });
  if (!probe || probe.tgtSec === undefined || probe.bytes === 0)
    return { tables, ...(skipped ? { skipped } : {}) };

  const srcBps = probe.bytes / Math.max(probe.srcSec, 1e-3);
  const tgtBps = probe.bytes / Math.max(probe.tgtSec, 1e-3);
  const lane = Math.min(srcBps, tgtBps);
  const total = tables.reduce((s, t) => s + t.streamBytes, 0);
  const lanes = Math.max(1, workers);
  return {
    tables,
    estimate: {
      seconds: total / (lane * lanes),
      bytesPerSecond: lane,
      rowsPerSecond: (probe.rows / probe.bytes) * lane,
      method:
        `Probe on ${probe.table}: COPY of ${fmtInt(probe.rows)} rows (${fmtBytes(probe.bytes)} of COPY text) from the source into memory took ${probe.srcSec.toFixed(3)} s (${fmtBytes(srcBps)}/s); ` +
        `LOAD DATA LOCAL of the same bytes into a TEMPORARY table on the target took ${probe.tgtSec.toFixed(3)} s (${fmtBytes(tgtBps)}/s). ` +
        `The slower side (${fmtBytes(lane)}/s per lane) × ${lanes} lane(s) (migrate.workers) applied to ${fmtBytes(total)} of estimated COPY text ` +
        '(probe table measured, others from pg_stats average widths scaled by the probe). Excludes index builds, foreign key checks and verify; a sample this small is dominated by fixed costs, so treat it as an order of magnitude.',
    },
  };
}
