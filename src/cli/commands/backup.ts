// `pg2my backup`: pg_dump -Fc of the source, proved by a restore into a scratch database compared table by
// table with the source, and a manifest (backup.json) beside the dump. Flags → config → runBackup → text.
// Exit 0 only when the restore check passed; BACKUP_FAILED (16) when the dump failed or did not restore.

import type { Command } from 'commander';
import { redactText } from '../../config/urls.js';
import { ERROR_CODES, MigrationError } from '../../errors.js';
import type { EventSink } from '../../events.js';
import { runBackup } from '../../pipeline/backup.js';
import { addConnectionFlags, configFromFlags, err, newRunId, out, runAction } from '../common.js';

const HELP = `
What it does, in order:
  1. Finds pg_dump and pg_restore (on PATH, or in --pg-bin DIR) and checks their versions against
     the source server: pg_dump must be of the server's major version or newer.
  2. Opens a read-only snapshot on the source and runs pg_dump --format=custom inside it, into
     <out>/backup.dump (0600, in a 0700 directory).
  3. Computes, in that same snapshot, each table's row count and content checksum (count and the
     sum of 128-bit md5 hashes of every row's text form, in SQL).
  4. Proves the dump restores: pg_restore --list reads its table of contents, then pg_restore
     restores it into a scratch database (pg2my_scratch_<run id>, created on the source server,
     or on the server given by --scratch), whose tables are summed the same way and compared with
     the source's. The scratch database is dropped afterwards, also when the check fails.
  5. Writes <out>/backup.json (0600): size, SHA-256 of the dump, every table with rows and
     checksum, server, pg_dump and pg_restore versions, start and end times, and the restore
     check's result (what failed, if anything).

The password reaches pg_dump and pg_restore only through their environment (PGPASSWORD), never
their command line. The source role needs to read every table, and CREATEDB for the scratch
database (or use --scratch with a role that has it).

Exit status:
  0    the dump was written and restores to a copy identical to the source
  ${ERROR_CODES.BACKUP_FAILED.exit}   BACKUP_FAILED: pg_dump failed, or the restore check failed (see backup.json)
  ${ERROR_CODES.INTERRUPTED.exit}    INTERRUPTED: Ctrl-C or SIGTERM; the running tool was stopped and the scratch database dropped
  ${ERROR_CODES.PREFLIGHT_FAILED.exit}   PREFLIGHT_FAILED: pg_dump/pg_restore missing, or older than the server
  other see \`pg2my --help\`

Examples:
  PG2MY_SOURCE_PASSWORD=… pg2my backup -s postgres://app@db/app --out /backups/app-2026-12-03
  pg2my backup -s postgres://app@db/app --out ./bk --pg-bin /usr/lib/postgresql/16/bin
  pg2my backup -s … --out ./bk --scratch postgres://admin@scratch-host/postgres
`;

/** Progress lines on stderr when a person is watching; errors (a scratch database left behind) always. */
const progress: EventSink = (e) => {
  if ((process.stderr.isTTY && e.level !== 'debug') || e.level === 'error')
    process.stderr.write(`${redactText(`pg2my: backup: ${e.msg}`)}\n`);
};

export function register(program: Command): void {
  const cmd = program
    .command('backup')
    .description(
      'pg_dump the source and prove the dump restores (manifest with SHA-256, tables, rows, checksums)',
    );
  addConnectionFlags(cmd, { target: 'none' })
    .option('-o, --out <dir>', 'directory for backup.dump and backup.json (default ./pg2my-backup-<run id>)')
    .option('--pg-bin <dir>', 'directory holding pg_dump and pg_restore (default: found on PATH)')
    .option(
      '--scratch <url>',
      'PostgreSQL server to create the scratch database on (password via PG2MY_SCRATCH_PASSWORD); default the source server',
    )
    .option('--format <format>', 'text (default) or json (the manifest)', 'text')
    .addHelpText('after', HELP)
    .action((flags: Record<string, unknown>) =>
      runAction(async () => {
        const format = String(flags.format);
        if (format !== 'text' && format !== 'json')
          throw new MigrationError('CONFIG_INVALID', `--format must be text or json (got ${format}).`);
        const config = configFromFlags(flags);
        const runId = newRunId();
        // First signal: stop the tool that runs, drop the scratch database, exit 4. Second: exit at once.
        const abort = new AbortController();
        const stop = (sig: string) => () => {
          if (abort.signal.aborted) process.exit(ERROR_CODES.INTERRUPTED.exit);
          err(`pg2my: ${sig}: stopping; the scratch database is dropped before exit.`);
          abort.abort(new MigrationError('INTERRUPTED', `stopped by ${sig}`));
        };
        const onInt = stop('SIGINT');
        const onTerm = stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
        const r = await runBackup({
          config,
          runId,
          signal: abort.signal,
          sink: progress,
          outDir: typeof flags.out === 'string' ? flags.out : `pg2my-backup-${runId}`,
          ...(typeof flags.pgBin === 'string' ? { pgBin: flags.pgBin } : {}),
          ...(typeof flags.scratch === 'string' ? { scratch: flags.scratch } : {}),
        }).finally(() => {
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
        });
        const m = r.manifest;
        if (format === 'json') {
          process.stdout.write(redactText(`${JSON.stringify(m, null, 2)}\n`));
          return 0;
        }
        out(
          `pg2my backup ${m.runId}: ${m.source.server}, PostgreSQL ${m.source.serverVersion}, pg_dump ${m.pgDump.version}`,
        );
        out(`  dump      ${r.dumpPath}  ${m.sizeBytes} bytes  sha256 ${m.sha256}`);
        out(`  manifest  ${r.manifestPath}`);
        out(
          `  restore   ${m.restoreCheck.listEntries} archive entries; ${m.restoreCheck.tablesCompared} tables restored into ${m.restoreCheck.scratchDatabase} and identical (rows and checksum), ${m.restoreCheck.ms} ms; scratch dropped`,
        );
        out(`  tables    ${m.tables.length}, ${m.tables.reduce((s, t) => s + t.rows, 0)} rows`);
        out('result: VERIFIED');
        return 0;
      }),
    );
}
