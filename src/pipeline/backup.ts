// `runBackup`: pg_dump -Fc of the source inside an exported snapshot, then proof that the dump restores:
// pg_restore --list, a restore into a scratch database, and per-table row counts and content checksums
// compared with the source at the dump's own snapshot; the scratch database is dropped, also on failure.
// Invariants: the password reaches pg_dump/pg_restore only through their environment; the dump and
// backup.json are 0600 in a 0700 directory; a failed check writes the manifest and throws BACKUP_FAILED.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  BACKUP_TABLES_SQL,
  CHECKSUM_METHOD,
  CHECKSUM_SESSION_SQL,
  checksumText,
  pgIdent,
  tableChecksumSql,
} from '../backup/checksum-sql.js';
import {
  type BackupManifest,
  type RestoreCheck,
  type TableSum,
  compareTableSums,
  qualified,
  renderManifest,
} from '../backup/manifest.js';
import { pgClientEnv, pgDumpArgs, pgRestoreArgs, pgRestoreListArgs } from '../backup/pg-client-env.js';
import {
  type PgVersion,
  checkClientVersions,
  parseClientVersion,
  serverVersion,
} from '../backup/versions.js';
import type { Config } from '../config/schema.js';
import { type ConnectionSpec, describe, parseConnectionUrl, redactText } from '../config/urls.js';
import { MigrationError } from '../errors.js';
import { type EventSink, type RunEvent, silentSink } from '../events.js';
import { type SourceClient, connectSource } from '../source/postgres/connect.js';
import { sourceSpec } from './schema.js';

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
}

export interface BackupResult {
  readonly dir: string;
  readonly dumpPath: string;
  readonly manifestPath: string;
  readonly manifest: BackupManifest;
}

interface ToolRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const STDERR_KEEP = 8192;

/** Run a client tool; PREFLIGHT_FAILED naming the path when it cannot be started. */
function runTool(path: string, args: readonly string[], env: Record<string, string>): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err = (err + b.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MigrationError(
          'PREFLIGHT_FAILED',
          `Cannot run ${path}: ${e.code === 'ENOENT' ? 'not found' : e.message}.`,
          {
            details: { tool: path },
            hint: "Install the PostgreSQL client tools (pg_dump, pg_restore) of the server's major version or newer, and put them on PATH or pass their directory with --pg-bin DIR.",
            cause: e,
          },
        ),
      ),
    );
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: redactText(err.trim()) }),
    );
  });
}

const toolFailed = (r: ToolRun): string =>
  `${r.signal ? `killed by ${r.signal}` : `exit ${r.code}`}${r.stderr ? `: ${r.stderr.split('\n').slice(-6).join(' | ')}` : ''}`;

async function toolVersion(path: string): Promise<PgVersion> {
  const r = await runTool(path, ['--version'], { PATH: process.env.PATH ?? '' });
  const v = r.code === 0 ? parseClientVersion(r.stdout) : undefined;
  if (!v)
    throw new MigrationError('PREFLIGHT_FAILED', `${path} --version did not print a PostgreSQL version.`, {
      details: { tool: path },
      hint: 'Point --pg-bin at the bin directory of a PostgreSQL client installation.',
    });
  return v;
}

function toolPath(pgBin: string | undefined, name: string): string {
  if (pgBin === undefined) return name;
  const p = join(pgBin, name);
  if (!existsSync(p))
    throw new MigrationError('PREFLIGHT_FAILED', `No ${name} in --pg-bin ${pgBin}.`, {
      details: { tool: name, pgBin },
      hint: `Pass the bin directory of a PostgreSQL client installation (e.g. /usr/lib/postgresql/16/bin), or leave --pg-bin out to use ${name} from PATH.`,
    });
  return p;
}

/** The per-table sums of the database `client` is connected to, inside its current transaction. */
async function tableSums(client: SourceClient, onTable?: (t: TableSum) => void): Promise<TableSum[]> {
  await client.query(CHECKSUM_SESSION_SQL);
  const tables = await client.query<{ schema: string; name: string }>(BACKUP_TABLES_SQL);
  const out: TableSum[] = [];
  for (const t of tables.rows) {
    const r = await client.query<{ rows: string; hi: string; lo: string }>(
      tableChecksumSql(t.schema, t.name),
    );
    const row = r.rows[0]!;
    const sum = {
      table: qualified(t.schema, t.name),
      rows: Number(row.rows),
      checksum: checksumText(row.hi, row.lo),
    };
    out.push(sum);
    onTable?.(sum);
  }
  return out;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** Write `content` as `dir/name`, mode 0600, atomically (temp file, fsync, rename). */
function writePrivate(dir: string, name: string, content: string): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, join(dir, name));
}

const sqlLiteral = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** CREATE DATABASE for the scratch copy with the source database's encoding and locale. */
async function scratchCreateSql(source: SourceClient, name: string): Promise<string> {
  const r = await source.query<{
    enc: string;
    collate: string;
    ctype: string;
    provider: string | null;
    icu: string | null;
  }>(
    `SELECT pg_encoding_to_char(d.encoding) AS enc, d.datcollate AS collate, d.datctype AS ctype,
            to_jsonb(d) ->> 'datlocprovider' AS provider, to_jsonb(d) ->> 'daticulocale' AS icu
       FROM pg_catalog.pg_database d WHERE d.datname = current_database()`,
  );
  const d = r.rows[0]!;
  let sql = `CREATE DATABASE ${pgIdent(name)} TEMPLATE template0 ENCODING ${sqlLiteral(d.enc)} LC_COLLATE ${sqlLiteral(d.collate)} LC_CTYPE ${sqlLiteral(d.ctype)}`;
  if (d.provider === 'i' && d.icu) sql += ` LOCALE_PROVIDER icu ICU_LOCALE ${sqlLiteral(d.icu)}`;
  return sql;
}

/** A scratch database name unique to the run: pg2my_scratch_<run id>, at most 63 bytes. */
export function scratchName(runId: string): string {
  return `pg2my_scratch_${runId.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`.slice(0, 63);
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
  emit('backup.started', 'info', `backup of ${describe(spec)} into ${opts.outDir}`);

  // Tools first: a missing pg_dump is found before anything is created.
  const pgDumpPath = toolPath(opts.pgBin, 'pg_dump');
  const pgRestorePath = toolPath(opts.pgBin, 'pg_restore');
  const pgDump = await toolVersion(pgDumpPath);
  const pgRestore = await toolVersion(pgRestorePath);

  const dir = opts.outDir;
  const dumpPath = join(dir, DUMP_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
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

    // Created 0600 before pg_dump opens it (pg_dump truncates, the mode stays).
    closeSync(openSync(dumpPath, 'wx', 0o600));
    const argv = pgDumpArgs(dumpPath, row.snap);
    emit('backup.spawn', 'debug', `${pgDumpPath} ${argv.join(' ')}`, { tool: 'pg_dump', argv });
    const t0 = Date.now();
    const dumped = await runTool(
      pgDumpPath,
      argv,
      pgClientEnv(spec, database, process.env, config.connectTimeoutMs),
    );
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
    sourceSums = await tableSums(source);
    createSql = await scratchCreateSql(source, scratchName(runId));
    await source.query('COMMIT');
    emit('backup.sums', 'info', `source: ${sourceSums.length} tables summed at the dump's snapshot`);
  } finally {
    await source.end().catch(() => {});
  }

  await opts.afterDump?.(dumpPath);
  const sizeBytes = statSync(dumpPath).size;
  const sha256 = await sha256File(dumpPath);

  let restoreCheck: RestoreCheck;
  let thrown: unknown;
  try {
    restoreCheck = await checkRestore({
      runId,
      dumpPath,
      pgRestorePath,
      scratch:
        opts.scratch === undefined ? spec : parseConnectionUrl(opts.scratch, 'source', SCRATCH_PASSWORD_ENV),
      createSql,
      sourceSums,
      connectTimeoutMs: config.connectTimeoutMs,
      emit,
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

/** list → create scratch → restore → compare → drop (always). Failures of the dump are results, not throws. */
async function checkRestore(a: {
  runId: string;
  dumpPath: string;
  pgRestorePath: string;
  scratch: ConnectionSpec;
  createSql: string;
  sourceSums: readonly TableSum[];
  connectTimeoutMs: number;
  emit: (event: string, level: RunEvent['level'], msg: string, data?: Record<string, unknown>) => void;
}): Promise<RestoreCheck> {
  const t0 = Date.now();
  const name = scratchName(a.runId);
  const base = { scratchDatabase: name, listEntries: 0, tablesCompared: 0 };
  const failed = (stage: RestoreCheck['stage'], problems: string[], listEntries = 0): RestoreCheck => ({
    ...base,
    listEntries,
    ok: false,
    stage,
    problems,
    ms: Date.now() - t0,
  });
  const adminDb = a.scratch.database ?? 'postgres';
  const env = pgClientEnv(a.scratch, adminDb, process.env, a.connectTimeoutMs);

  const list = await runTool(a.pgRestorePath, pgRestoreListArgs(a.dumpPath), env);
  if (list.code !== 0) return failed('list', [`pg_restore --list: ${toolFailed(list)}`]);
  const listEntries = list.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';')).length;
  a.emit('backup.list', 'info', `pg_restore --list: ${listEntries} entries`, { entries: listEntries });

  const admin = await connectSource(a.scratch, { connectTimeoutMs: a.connectTimeoutMs });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pgIdent(name)}`);
    try {
      await admin.query(a.createSql);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new MigrationError(
        code === '42501' ? 'PERMISSION_DENIED' : 'PREFLIGHT_FAILED',
        `Cannot create the scratch database ${name} on ${describe(a.scratch)}: ${e instanceof Error ? e.message : String(e)}`,
        {
          details: { scratchDatabase: name, code: code ?? '' },
          hint: 'The restore check needs a database it can create and drop: grant CREATEDB to the role, or pass --scratch postgres://user@host/postgres for another server.',
          cause: e,
        },
      );
    }
    a.emit('backup.scratch', 'info', `scratch database ${name} created on ${describe(a.scratch)}`);
    try {
      const argv = pgRestoreArgs(a.dumpPath, name);
      a.emit('backup.spawn', 'debug', `${a.pgRestorePath} ${argv.join(' ')}`, { tool: 'pg_restore', argv });
      const restored = await runTool(a.pgRestorePath, argv, { ...env, PGDATABASE: name });
      if (restored.code !== 0)
        return failed('restore', [`pg_restore into ${name}: ${toolFailed(restored)}`], listEntries);
      a.emit('backup.restored', 'info', `restored into ${name}`);
      const copy = await connectSource(
        { ...a.scratch, database: name },
        { connectTimeoutMs: a.connectTimeoutMs },
      );
      let sums: TableSum[];
      try {
        sums = await tableSums(copy);
      } finally {
        await copy.end().catch(() => {});
      }
      const problems = compareTableSums(a.sourceSums, sums);
      a.emit(
        'backup.compared',
        problems.length ? 'error' : 'info',
        `${a.sourceSums.length} tables compared, ${problems.length} differ`,
        {
          problems,
        },
      );
      if (problems.length)
        return { ...failed('compare', problems, listEntries), tablesCompared: a.sourceSums.length };
      return {
        ...base,
        listEntries,
        tablesCompared: a.sourceSums.length,
        ok: true,
        stage: 'done',
        problems: [],
        ms: Date.now() - t0,
      };
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${pgIdent(name)} WITH (FORCE)`).then(
        () => a.emit('backup.scratch-dropped', 'info', `scratch database ${name} dropped`),
        (e: unknown) =>
          a.emit(
            'backup.scratch-left',
            'error',
            `could not drop the scratch database ${name}: ${e instanceof Error ? e.message : String(e)}; drop it by hand`,
          ),
      );
    }
  } finally {
    await admin.end().catch(() => {});
  }
}
