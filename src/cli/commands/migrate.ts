// `pg2my migrate`: flags → config → runMigrate, with a run directory (manifest, plan, events, summary,
// reports), a progress display on a TTY and one JSON/text log line per event otherwise. Ctrl-C stops after
// rolling back the chunks in flight (exit 4; run again to resume). Exit 0 only when the copy finished and
// verify (unless --verify none) found the target identical; 16 when verify found differences.

import { join } from 'node:path';
import type { Command } from 'commander';
import { redactUrl } from '../../config/urls.js';
import { ERROR_CODES, exitCodeFor, MigrationError } from '../../errors.js';
import { type MigrateResult, runMigrate, TOOL_VERSION } from '../../pipeline/migrate.js';
import { createCliReporter } from '../reporter.js';
import {
  addConnectionFlags,
  configFromFlags,
  newRunId,
  out,
  runAction,
  addTableFlags,
  tableSelection,
} from '../common.js';
import { renderVerifyText } from './verify.js';

const HELP = `
What it does, in order (each step is safe to repeat; run the same command again to resume):
  1. preflight  connect (timeout --connect-timeout, default 5000 ms), take the run lock on the target
                database, export ONE PostgreSQL snapshot that every reader shares, plan inside it, and
                check that the target is empty or holds a resumable run of the same plan
  2. pre-data   CREATE TABLE with primary keys only
  3. copy       COPY … TO STDOUT → LOAD DATA LOCAL INFILE (multi-row INSERT when local_infile is off),
                chunked by primary-key ranges (ctid blocks without a key), biggest tables first, in
                --workers parallel lanes; each chunk commits together with its checkpoint row
  4. post-data  secondary and unique indexes and CHECKs (one ALTER per table), foreign keys (added
                unvalidated, then checked with anti-joins)
  5. sequences  AUTO_INCREMENT = max(sequence's next value, max(id) + 1)
  6. verify     at --verify level (default checksum); see \`pg2my verify --help\`

No silent change: every chunk checks rows stored = rows read and zero warnings; otherwise it fails
with the table, column and key (exit ${ERROR_CODES.DATA_REJECTED.exit}). Transient faults (lost connections, deadlocks, lock
waits, too many connections, server restarts) roll the chunk back and retry it with backoff.

State: the target database holds _pg2my_runs and _pg2my_chunks (drop them after cutover).
A different plan or config is refused (exit ${ERROR_CODES.PLAN_CHANGED.exit}) unless --restart, which drops the tables the
earlier run created and starts over.

Run directory (--run-dir, default ./runs): <run-dir>/<run id>/ with manifest.json, plan.json,
events.ndjson (one JSON line per event, with run_id), summary.json, report.md, report.html,
metrics.prom. Mode 0700; passwords never appear in it.

Examples:
  export PG2MY_SOURCE_PASSWORD=… PG2MY_TARGET_PASSWORD=…
  pg2my migrate -s postgres://app@pg.internal/app -t mysql://app@my.internal/app --dry-run
  pg2my migrate -s postgres://app@pg.internal/app -t mysql://app@my.internal/app --workers 4
  pg2my migrate -c pg2my.yaml --verify full --log-format json 2> migrate.log
`;

function fmtRate(rows: number, ms: number): string {
  return ms > 0 ? `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s` : '-';
}

/** The end-of-run summary printed on stdout. */
export function renderMigrateText(r: MigrateResult, reportPath: string | undefined): string {
  const lines: string[] = [];
  if (r.dryRun) {
    lines.push(
      `pg2my migrate --dry-run: ${r.plan.tables.length} tables for ${r.dialect.name}; nothing was written.`,
    );
    lines.push(
      `target: ${r.state === 'fresh' ? 'empty, a new run would start' : r.state === 'resume' ? `run ${r.resumedFrom} would be resumed` : `run ${r.resumedFrom} is complete; only checks and verify would run`}`,
    );
    lines.push(`load method: ${r.loadMethod}`);
    const rows = r.plan.tables.reduce((s, t) => s + Math.max(0, t.estimatedRows), 0); // -1: never analysed
    const bytes = r.plan.tables.reduce((s, t) => s + t.totalBytes, 0);
    lines.push(
      `estimate: about ${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB on disk in PostgreSQL`,
    );
    for (const t of [...r.plan.tables].sort((a, b) => b.totalBytes - a.totalBytes))
      lines.push(
        `  ${t.target.padEnd(32)} ${(t.estimatedRows < 0 ? '?' : String(t.estimatedRows)).padStart(12)} rows  ${(t.totalBytes / 1e6).toFixed(1).padStart(9)} MB  key ${t.key.kind}${t.key.columns.length ? ` (${t.key.columns.join(', ')})` : ''}`,
      );
    if (r.plan.decisions.length) {
      lines.push('decisions (lossy or ambiguous mappings, see the README to override):');
      for (const d of r.plan.decisions)
        lines.push(`  ${d.column}: ${d.choice} [${d.key}, ${d.source}] ${d.note}`);
    }
    lines.push('DDL: `pg2my schema` prints it.');
    return `${lines.join('\n')}\n`;
  }
  const copied = r.copy.rows;
  lines.push(
    `pg2my migrate: ${r.tables.length} tables, ${copied.toLocaleString('en-US')} rows copied in ${(r.copy.ms / 1000).toFixed(1)} s (${fmtRate(copied, r.copy.ms)}, ${r.copy.ms > 0 ? ((r.copy.bytes / 1e6 / r.copy.ms) * 1000).toFixed(1) : '-'} MB/s); total ${(r.totalMs / 1000).toFixed(1)} s${r.state === 'resume' ? ` (resumed run ${r.resumedFrom})` : ''}`,
  );
  const width = Math.max(10, ...r.tables.map((t) => t.table.length));
  for (const t of r.tables)
    lines.push(
      `  ${t.table.padEnd(width)} ${String(t.rows).padStart(12)} rows${t.skippedChunks ? `  (${t.skippedChunks} chunks from an earlier run)` : ''}`,
    );
  if (r.verify) lines.push(renderVerifyText(r.verify).trimEnd());
  else lines.push('verify: skipped (--verify none); run `pg2my verify` before cutover.');
  if (reportPath) lines.push(`report: ${reportPath}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const cmd = program
    .command('migrate')
    .description('copy every table from one consistent snapshot, resumably, then verify');
  addTableFlags(addConnectionFlags(cmd, { target: 'required' }))
    .option('-w, --workers <n>', "parallel copy lanes (default 2; match the target's cores)", (v) =>
      Number(v),
    )
    .option('--dry-run', 'print the plan and an estimate; write nothing')
    .option('--restart', 'drop the tables an earlier run created on the target and start over')
    .option('--verify <level>', 'verify at the end: none, count, checksum (default) or full')
    .option('--load-method <method>', 'auto (default), load-data or insert')
    .option(
      '--chunk-rows <n>',
      'rows in the first chunk of each table before adaptation (default 100000)',
      (v) => Number(v),
    )
    .option('--run-dir <dir>', 'where run directories go (default ./runs)')
    .option('--log-format <format>', 'text (default) or json log lines on stderr', 'text')
    .option('--no-progress', 'log lines instead of the progress display, even on a terminal')
    .addHelpText('after', HELP)
    .action((flags: Record<string, unknown>) =>
      runAction(async () => {
        const logFormat = String(flags.logFormat);
        if (logFormat !== 'text' && logFormat !== 'json')
          throw new MigrationError('CONFIG_INVALID', `--log-format must be text or json (got ${logFormat}).`);
        const verify = flags.verify === undefined ? undefined : String(flags.verify);
        if (verify !== undefined && !['none', 'count', 'checksum', 'full'].includes(verify))
          throw new MigrationError(
            'CONFIG_INVALID',
            `--verify must be none, count, checksum or full (got ${verify}).`,
          );
        const extra: Record<string, unknown> = tableSelection(flags);
        const migrate: Record<string, unknown> = {};
        if (flags.workers !== undefined) migrate.workers = flags.workers;
        if (flags.loadMethod !== undefined) migrate.loadMethod = flags.loadMethod;
        if (flags.chunkRows !== undefined) migrate.initialChunkRows = flags.chunkRows;
        if (verify !== undefined) migrate.verify = verify;
        if (Object.keys(migrate).length) extra.migrate = migrate;
        if (typeof flags.runDir === 'string') extra.runDir = flags.runDir;
        const config = configFromFlags(flags, extra);
        const runId = newRunId();
        const reporter = createCliReporter({
          runId,
          runDir: join(config.runDir, runId),
          command: 'migrate',
          logFormat,
          progress: flags.progress !== false,
        });
        const abort = new AbortController();
        const stop = (sig: string) => () => {
          if (abort.signal.aborted) process.exit(ERROR_CODES.INTERRUPTED.exit);
          process.stderr.write(
            `pg2my: ${sig}: rolling back the chunks in flight; run the same command again to resume.\n`,
          );
          abort.abort(new MigrationError('INTERRUPTED', `stopped by ${sig}`));
        };
        const onInt = stop('SIGINT');
        const onTerm = stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
        reporter.writeArtifact(
          'manifest.json',
          JSON.stringify(
            {
              runId,
              tool: 'pg2my',
              version: TOOL_VERSION,
              command: 'migrate',
              startedAt: new Date().toISOString(),
              node: process.version,
              config: {
                ...config,
                source: config.source ? redactUrl(config.source) : undefined,
                target: config.target ? redactUrl(config.target) : undefined,
              },
            },
            null,
            2,
          ),
        );
        let result: MigrateResult | undefined;
        let exitCode = 0;
        try {
          result = await runMigrate({
            config,
            runId,
            sink: reporter.sink,
            signal: abort.signal,
            onPlan: (plan) => reporter.writeArtifact('plan.json', JSON.stringify(plan, null, 2)),
            ...(flags.dryRun ? { dryRun: true } : {}),
            ...(flags.restart ? { restart: true } : {}),
          });
          exitCode = result.verify && !result.verify.identical ? ERROR_CODES.VERIFY_MISMATCH.exit : 0;
        } catch (e) {
          exitCode = exitCodeFor(e);
          await reporter.close({ exitCode, error: e });
          throw e;
        } finally {
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
        }
        const { reportPath } = await reporter.close({ exitCode });
        out(renderMigrateText(result, reportPath).trimEnd());
        return exitCode;
      }),
    );
}
