// The restore check of `pg2my backup`: pg_restore --list, a scratch database created with the source's
// encoding and locale, pg_restore into it, per-table sums compared with the source's, and the scratch
// database dropped in every case. Failures of the dump are returned as a failed RestoreCheck, not thrown;
// only a check that cannot run at all (no CREATEDB, server gone) throws.

import {
  CHECKSUM_SESSION_SQL,
  BACKUP_TABLES_SQL,
  checksumText,
  pgIdent,
  tableChecksumSql,
} from '../backup/checksum-sql.js';
import { type RestoreCheck, type TableSum, compareTableSums, qualified } from '../backup/manifest.js';
import { pgClientEnv, pgRestoreArgs, pgRestoreListArgs } from '../backup/pg-client-env.js';
import { runTool, toolFailed } from '../backup/run-tools.js';
import { type ConnectionSpec, describe } from '../config/urls.js';
import { MigrationError } from '../errors.js';
import type { RunEvent } from '../events.js';
import { type SourceClient, connectSource } from '../source/postgres/connect.js';

export type BackupEmit = (
  event: string,
  level: RunEvent['level'],
  msg: string,
  data?: Record<string, unknown>,
) => void;

/** Sums of every table of the database `client` is on (in its current transaction); checks `signal` per table. */
export async function tableSums(client: SourceClient, signal?: AbortSignal): Promise<TableSum[]> {
  await client.query(CHECKSUM_SESSION_SQL);
  const tables = await client.query<{ schema: string; name: string }>(BACKUP_TABLES_SQL);
  const out: TableSum[] = [];
  for (const t of tables.rows) {
    signal?.throwIfAborted();
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
  }
  return out;
}

const sqlLiteral = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** CREATE DATABASE for the scratch copy with the source database's encoding and locale. */
export async function scratchCreateSql(source: SourceClient, name: string): Promise<string> {
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

/** list → create scratch → restore → compare → drop (always). Failures of the dump are results, not throws. */
export async function checkRestore(a: {
  runId: string;
  dumpPath: string;
  pgRestorePath: string;
  scratch: ConnectionSpec;
  createSql: string;
  sourceSums: readonly TableSum[];
  connectTimeoutMs: number;
  emit: BackupEmit;
  signal?: AbortSignal;
  /** pg_restore's major version (for the TLS root setting). */
  clientMajor: number;
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
  const env = pgClientEnv(a.scratch, adminDb, process.env, a.connectTimeoutMs, a.clientMajor);

  const list = await runTool(a.pgRestorePath, pgRestoreListArgs(a.dumpPath), env, a.signal);
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
      const restored = await runTool(a.pgRestorePath, argv, { ...env, PGDATABASE: name }, a.signal);
      if (restored.code !== 0)
        return failed('restore', [`pg_restore into ${name}: ${toolFailed(restored)}`], listEntries);
      a.emit('backup.restored', 'info', `restored into ${name}`);
      const copy = await connectSource(
        { ...a.scratch, database: name },
        { connectTimeoutMs: a.connectTimeoutMs },
      );
      let sums: TableSum[];
      try {
        sums = await tableSums(copy, a.signal);
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
      // WITH (FORCE) ends sessions still on it (PostgreSQL 13+); older servers say 42601 and get the plain form.
      await admin
        .query(`DROP DATABASE IF EXISTS ${pgIdent(name)} WITH (FORCE)`)
        .catch((e: { code?: string }) =>
          e.code === '42601' ? admin.query(`DROP DATABASE IF EXISTS ${pgIdent(name)}`) : Promise.reject(e),
        )
        .then(
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
