// `runBackup`: pg_dump -Fc of the source inside an exported snapshot, then proof that the dump restores:
// pg_restore --list, a restore into a scratch database, and per-table row counts and content checksums
// compared with the source at the dump's own snapshot; the scratch database is dropped, also on failure.
// Invariants: the password reaches pg_dump/pg_restore only through their environment; the dump and
// backup.json are 0600 in a 0700 directory; a failed check writes the manifest and throws BACKUP_FAILED.

import { closeSync, chmodSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKSUM_METHOD } from '../backup/checksum-sql.js';
import { type BackupManifest, type RestoreCheck, type TableSum, renderManifest } from '../backup/manifest.js';
import { pgClientEnv, pgDumpArgs } from '../backup/pg-client-env.js';
import { runTool, sha256File, toolFailed, toolPath, toolVersion, writePrivate } from '../backup/run-tools.js';
import { type PgVersion, checkClientVersions, serverVersion } from '../backup/versions.js';
import type { Config } from '../config/schema.js';
import { describe, parseConnectionUrl, redactText } from '../config/urls.js';
import { MigrationError } from '../errors.js';
import { type EventSink, type RunEvent, silentSink } from '../events.js';
import { connectSource } from '../source/postgres/connect.js';
import { checkRestore, scratchCreateSql, scratchName, tableSums } from './backup-check.js';
import { sourceSpec } from './schema.js';

export { scratchName };
export const SCRATCH_PASSWORD_ENV = ['PG2MY_SCRATCH_PASSWORD', 'PGPASSWORD'] as const;
export const DUMP_FILE = 'backup.dump';
export const MANIFEST_FILE = 'backup.json';

export interface RunBackupOptions {
  readonly config: Config;
  readonly runId: string;
  readonly sink?: EventSink;
  /** Directory for backup.dump and backup.json; created 0700. Must not already hold a backup. */
  readonly outDir: string;
  /** Directory holding pg_dump and pg_restore; default: found on PATH. */
  readonly pgBin?: string;
  /** PostgreSQL URL of the server to create the scratch database on; default: the source server. */
  readonly scratch?: string;
  /** Called after pg_dump wrote the file and before it is hashed and checked (tests damage it here). */
  readonly afterDump?: (dumpPath: string) => void | Promise<void>;
  /** Aborting kills the running pg_dump/pg_restore, drops the scratch database and rejects with the reason. */
  readonly signal?: AbortSignal;
}

export interface BackupResult {
  readonly dir: string;
  readonly dumpPath: string;
  readonly manifestPath: string;
  readonly manifest: BackupManifest;
}

export async function runBackup(opts: RunBackupOptions): Promise<BackupResult> {
  const { config, runId } = opts;
  const sink = opts.sink ?? silentSink;
  const emit = (event: string, level: RunEvent['level'], msg: string, data?: Record<string, unknown>) =>
    sink({ runId, step: 'backup', event, level, msg: redactText(msg), ...(data ? { data } : {}) });
  const startedAt = new Date().toISOString();
  const spec = sourceSpec(config);
  const database = spec.database ?? 'postgres';
  const timeout = { connectTimeoutMs: config.connectTimeoutMs };
  // A bad --scratch URL is refused before anything runs.
  const scratch =
    opts.scratch === undefined ? spec : parseConnectionUrl(opts.scratch, 'source', SCRATCH_PASSWORD_ENV);
  emit('backup.started', 'info', `backup of ${describe(spec)} into ${opts.outDir}`);

  // Tools first: a missing pg_dump is found before anything is created.
  const pgDumpPath = toolPath(opts.pgBin, 'pg_dump');
  const pgRestorePath = toolPath(opts.pgBin, 'pg_restore');
  const pgDump = await toolVersion(pgDumpPath);
  const pgRestore = await toolVersion(pgRestorePath);

  const dir = opts.outDir;
  const dumpPath = join(dir, DUMP_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
  // An existing backup is refused before anything runs; the directory is made once the server is known good.
  for (const f of [dumpPath, manifestPath])
    if (existsSync(f))
      throw new MigrationError('CONFIG_INVALID', `${f} already exists; a backup is never overwritten.`, {
        hint: 'Choose a new --out directory (or move the old backup away).',
      });

  // The snapshot session: pg_dump reads its exported snapshot, and the source sums are taken in it.
  const source = await connectSource(spec, timeout);
  let server: PgVersion;
  let sourceSums: TableSum[];
  let createSql: string;
  try {
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const v = await source.query<{ num: string; text: string; snap: string }>(
      "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text, pg_export_snapshot() AS snap",
    );
    const row = v.rows[0]!;
    server = serverVersion(Number(row.num), row.text);
    checkClientVersions({ server, pgDump, pgRestore, pgDumpPath });
    emit(
      'backup.tools',
      'info',
      `pg_dump ${pgDump.text}, pg_restore ${pgRestore.text}, server ${server.text}`,
      {
        pgDump: pgDump.text,
        pgRestore: pgRestore.text,
        server: server.text,
      },
    );

    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    } catch (e) {
      throw new MigrationError(
        'CONFIG_INVALID',
        `Cannot create the backup directory ${dir}: ${e instanceof Error ? e.message : String(e)}`,
        {
          hint: 'Check that its parent exists and is writable, or choose another --out.',
          cause: e,
        },
      );
    }
    // Created 0600 before pg_dump opens it (pg_dump truncates, the mode stays).
    closeSync(openSync(dumpPath, 'wx', 0o600));
    const argv = pgDumpArgs(dumpPath, row.snap);
    emit('backup.spawn', 'debug', `${pgDumpPath} ${argv.join(' ')}`, { tool: 'pg_dump', argv });
    const t0 = Date.now();
    // pg_dump and the source sums read the same snapshot at the same time; either failing stops the other.
    const stopDump = new AbortController();
    const dumpSignal = opts.signal ? AbortSignal.any([opts.signal, stopDump.signal]) : stopDump.signal;
    const [dumped, sums] = await Promise.all([
      runTool(
        pgDumpPath,
        argv,
        pgClientEnv(spec, database, process.env, config.connectTimeoutMs, pgDump.major),
        dumpSignal,
      ).catch((e: unknown) => {
        rmSync(dumpPath, { force: true });
        throw e;
      }),
      tableSums(source, opts.signal).catch((e: unknown) => {
        stopDump.abort(e);
        throw e;
      }),
    ]);
    sourceSums = sums;
    if (dumped.code !== 0) {
      rmSync(dumpPath, { force: true });
      throw new MigrationError(
        'BACKUP_FAILED',
        `pg_dump of ${describe(spec)} failed (${toolFailed(dumped)}).`,
        {
          details: { stage: 'dump', database },
          hint: /permission denied/i.test(dumped.stderr)
            ? 'The source role cannot read every object: back up as the owner or a role with pg_read_all_data.'
            : "Read pg_dump's message above; nothing was kept.",
        },
      );
    }
    emit('backup.dumped', 'info', `pg_dump wrote ${statSync(dumpPath).size} bytes in ${Date.now() - t0} ms`);
    createSql = await scratchCreateSql(source, scratchName(runId));
    await source.query('COMMIT');
    emit('backup.sums', 'info', `source: ${sourceSums.length} tables summed at the dump's snapshot`);
  } finally {
    await source.end().catch(() => {});
  }

  await opts.afterDump?.(dumpPath);
  opts.signal?.throwIfAborted();
  const sizeBytes = statSync(dumpPath).size;
  const sha256 = await sha256File(dumpPath);

  let restoreCheck: RestoreCheck;
  let thrown: unknown;
  try {
    restoreCheck = await checkRestore({
      runId,
      dumpPath,
      pgRestorePath,
      scratch,
      createSql,
      sourceSums,
      connectTimeoutMs: config.connectTimeoutMs,
      clientMajor: pgRestore.major,
      emit,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    thrown = e;
    restoreCheck = {
      ok: false,
      stage: 'restore',
      scratchDatabase: scratchName(runId),
      listEntries: 0,
      tablesCompared: 0,
      problems: [redactText(e instanceof Error ? e.message : String(e))],
      ms: 0,
    };
  }

  const manifest: BackupManifest = {
    format: 'pg2my-backup/1',
    runId,
    dumpFile: DUMP_FILE,
    sizeBytes,
    sha256,
    source: { server: describe(spec), database, serverVersion: server.text },
    pgDump: { path: pgDumpPath, version: pgDump.text },
    pgRestore: { path: pgRestorePath, version: pgRestore.text },
    startedAt,
    finishedAt: new Date().toISOString(),
    checksumMethod: CHECKSUM_METHOD,
    tables: sourceSums,
    restoreCheck,
  };
  writePrivate(dir, MANIFEST_FILE, redactText(renderManifest(manifest)));
  if (thrown !== undefined) {
    emit('backup.failed', 'error', `restore check could not run: ${restoreCheck.problems[0]}`);
    throw thrown;
  }
  if (!restoreCheck.ok) {
    emit(
      'backup.failed',
      'error',
      `restore check failed at ${restoreCheck.stage}: ${restoreCheck.problems.join('; ')}`,
      {
        problems: restoreCheck.problems,
      },
    );
    throw new MigrationError(
      'BACKUP_FAILED',
      `The backup in ${dir} did not pass its restore check (${restoreCheck.stage}): ${restoreCheck.problems.slice(0, 5).join('; ')}${restoreCheck.problems.length > 5 ? `; … ${restoreCheck.problems.length - 5} more` : ''}`,
      {
        details: {
          stage: restoreCheck.stage,
          manifest: manifestPath,
          problems: restoreCheck.problems.slice(0, 50),
        },
        hint: `Do not rely on this dump. ${MANIFEST_FILE} records what failed; run pg2my backup again into a new --out.`,
      },
    );
  }
  emit(
    'backup.finished',
    'info',
    `backup verified: ${sourceSums.length} tables, ${sizeBytes} bytes, sha256 ${sha256}`,
  );
  return { dir, dumpPath, manifestPath, manifest };
}
