// `pg2my verify`: prove the target identical to the source, or list what differs (per table: missing,
// extra and different keys with the differing column names; structure problems). Flags → config →
// runVerify → text or JSON. Exit 0 only when identical, 16 (VERIFY_MISMATCH) when anything differs.

import type { Command } from 'commander';
import { redactText } from '../../config/urls.js';
import { ERROR_CODES, MigrationError } from '../../errors.js';
import type { EventSink } from '../../events.js';
import { runVerify, type VerifyLevel, type VerifyReport } from '../../pipeline/verify.js';
import {
  addConnectionFlags,
  addTableFlags,
  configFromFlags,
  err,
  newRunId,
  runAction,
  tableSelection,
} from '../common.js';

const HELP = `
Levels (what each one proves):
  count      Row counts per table match. Fast (one count per table on each side), proves no value.
  checksum   (default) Every value of every row matches at the precision listed per column: each
             table is cut into segments (the copy's own chunks when the target has them), and for
             each segment both servers compute count(*) and a sum of 64-bit row hashes over
             normalised values, in SQL, at the same time. Only a segment whose checksums differ is
             bisected down to --bisect-rows rows and compared row by row, so the report names the
             exact keys and columns. Reads every row once on each server, without sending rows over
             the network: usually no slower than the copy, often faster.
  full       Every row is fetched from both servers in key order and compared column by column.
             Proves the same as checksum without relying on hashes; moves all data over the network
             twice, so expect it to take about as long as the copy, or longer.
  --sample N Additionally compares N random rows per table field by field (any level).

Also checked, always: every planned table, column (type, nullability, collation), primary key,
unique and secondary index, foreign key and CHECK exists on the target, and every AUTO_INCREMENT
counter is past the largest value in its column.

Equality is exact unless a column's report line says otherwise: integers and decimals by value
(1.50 = 1.5), floats bit for bit, text and bytes byte for byte (CHAR ignores trailing spaces, as
both databases do), dates and times to the microsecond in UTC. On MySQL 8, JSON columns are
compared as parsed JSON values (MySQL rewrites JSON text); on MariaDB byte for byte.

Both servers are read inside one consistent snapshot each; nothing is written.

Exit status:
  0    the target is identical to the source (every table, and the structure)
  ${ERROR_CODES.VERIFY_MISMATCH.exit}   something differs (VERIFY_MISMATCH): rows, values or structure; see the report
  other an error stopped verify (see \`pg2my --help\` for the codes)

Examples:
  pg2my verify -s postgres://app@pg/app -t mysql://app@my/app
  pg2my verify -s … -t … --level full --format json > verify.json     # for CI
  pg2my verify -s … -t … --level count --sample 1000
`;

const LEVELS: readonly VerifyLevel[] = ['count', 'checksum', 'full'];

const key = (k: readonly string[]) =>
  k.length === 1 ? JSON.stringify(k[0]) : `(${k.map((v) => JSON.stringify(v)).join(', ')})`;

/** The report as readable text: one line per table, the differing keys beneath, then structure. */
export function renderVerifyText(r: VerifyReport): string {
  const lines: string[] = [
    `pg2my verify: level ${r.level}${r.sample ? `, sample ${r.sample}` : ''}, ${r.tables.length} tables`,
  ];
  const width = Math.max(10, ...r.tables.map((t) => t.table.length));
  for (const t of r.tables) {
    const rows =
      t.rowsSource === t.rowsTarget
        ? `${t.rowsSource} rows`
        : `${t.rowsSource} source rows, ${t.rowsTarget} target rows`;
    const what =
      t.status === 'error'
        ? `ERROR: ${t.error ?? 'unknown'}`
        : t.status === 'identical'
          ? 'identical'
          : [
              t.missing.length ? `${t.missing.length} missing` : '',
              t.extra.length ? `${t.extra.length} extra` : '',
              t.different.length ? `${t.different.length} different` : '',
              t.mismatchedSegments ? `${t.mismatchedSegments}/${t.segments} segments differ` : '',
            ]
              .filter(Boolean)
              .join(', ') || 'row counts differ';
    lines.push(
      `  ${t.status === 'identical' ? 'ok  ' : 'DIFF'} ${t.table.padEnd(width)}  ${rows.padEnd(24)} ${what}`,
    );
    for (const k of t.missing) lines.push(`         missing   ${key(k)}  (in the source, not in the target)`);
    for (const k of t.extra) lines.push(`         extra     ${key(k)}  (in the target, not in the source)`);
    for (const d of t.different) lines.push(`         different ${key(d.key)}: ${d.columns.join(', ')}`);
    if (t.truncated)
      lines.push('         … more differences exist (raise verify.maxReportedRows to list them)');
  }
  if (r.structure.length) {
    lines.push('structure:');
    for (const p of r.structure)
      lines.push(`  DIFF ${p.table} ${p.object}: expected ${p.expected}, found ${p.actual}`);
  }
  lines.push(
    r.identical ? 'result: IDENTICAL' : `result: DIFFERENT (exit ${ERROR_CODES.VERIFY_MISMATCH.exit})`,
  );
  return `${lines.join('\n')}\n`;
}

/** Table progress on stderr, only when a person is watching. */
const progress: EventSink = (e) => {
  if (process.stderr.isTTY && e.event === 'verify.table')
    process.stderr.write(`${redactText(`pg2my: verify: ${e.msg}`)}\n`);
};

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description('prove the target identical to the source, or list what differs');
  addTableFlags(addConnectionFlags(cmd, { target: 'required' }))
    .option('--level <level>', 'count, checksum (default from config, else checksum) or full')
    .option('--sample <n>', 'also compare n random rows per table field by field', (v) => Number(v))
    .option('--bisect-rows <n>', 'bisect differing segments down to this many rows (default 1000)', (v) =>
      Number(v),
    )
    .option('--format <format>', 'text (default) or json (the VerifyReport, for CI)', 'text')
    .addHelpText('after', HELP)
    .action((flags: Record<string, unknown>) =>
      runAction(async () => {
        const format = String(flags.format);
        if (format !== 'text' && format !== 'json')
          throw new MigrationError('CONFIG_INVALID', `--format must be text or json (got ${format}).`);
        const level = flags.level === undefined ? undefined : String(flags.level);
        if (level !== undefined && !(LEVELS as readonly string[]).includes(level))
          throw new MigrationError(
            'CONFIG_INVALID',
            `--level must be count, checksum or full (got ${level}).`,
          );
        const extra: Record<string, unknown> = tableSelection(flags);
        const verify: Record<string, unknown> = {};
        if (level !== undefined) verify.level = level;
        if (flags.sample !== undefined) verify.sample = flags.sample;
        if (flags.bisectRows !== undefined) verify.bisectRows = flags.bisectRows;
        if (Object.keys(verify).length) extra.verify = verify;
        const config = configFromFlags(flags, extra);
        const report = await runVerify({ config, runId: newRunId(), sink: progress });
        process.stdout.write(
          redactText(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderVerifyText(report)),
        );
        if (!report.identical && format === 'json')
          err(`pg2my: VERIFY_MISMATCH: ${ERROR_CODES.VERIFY_MISMATCH.meaning}`);
        return report.identical ? 0 : ERROR_CODES.VERIFY_MISMATCH.exit;
      }),
    );
}
