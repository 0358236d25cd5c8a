// `pg2my backup` on the real PostgreSQL: a Rails-like database backs up and passes its restore check with
// a manifest the test recomputes (SHA-256, tables, rows); a dump damaged by the test fails the check loudly
// and leaves no scratch database; a missing or too old pg_dump is a clear PREFLIGHT_FAILED; the password
// never reaches the children's argv (/proc/<pid>/cmdline, recorded by wrapper scripts), any output or file.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { exitCodeFor, isMigrationError } from '../../src/errors.js';
import type { RunEvent } from '../../src/events.js';
import { runBackup, scratchName } from '../../src/pipeline/backup.js';
import { runCli, splitPassword } from '../helpers/cli.js';
import { freshPgDatabase, testServers } from '../helpers/servers.js';

const RAILS = readFileSync(new URL('../fixtures/sql/rails.sql', import.meta.url), 'utf8');

async function pgQuery<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Row count of every ordinary user table, counted independently of pg2my. */
async function sourceCounts(url: string): Promise<Map<string, number>> {
  const tables = await pgQuery<{ s: string; n: string }>(
    url,
    // A partitioned table holds no rows of its own: its partitions are listed (and counted) instead.
    `SELECT schemaname AS s, tablename AS n FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
        AND (quote_ident(schemaname) || '.' || quote_ident(tablename))::regclass NOT IN
            (SELECT partrelid FROM pg_partitioned_table) ORDER BY 1, 2`,
  );
  const out = new Map<string, number>();
  for (const t of tables) {
    const r = await pgQuery<{ c: string }>(url, `SELECT count(*)::text AS c FROM "${t.s}"."${t.n}"`);
    out.set(`${t.s}.${t.n}`, Number(r[0]!.c));
  }
  return out;
}

async function databaseExists(name: string): Promise<boolean> {
  const s = await testServers();
  const r = await pgQuery(s.pgUrl('postgres'), 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return r.length > 0;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

for (const fixture of ['rails', 'kitchen-sink'] as const)
  test(`backup of the ${fixture} sample: restore check passes, manifest matches the dump and the source`, async () => {
    const source = await freshPgDatabase(
      `it_backup_${fixture.replace('-', '_')}`,
      readFileSync(new URL(`../fixtures/sql/${fixture}.sql`, import.meta.url), 'utf8'),
    );
    const { password } = splitPassword(source);
    const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
    const events: RunEvent[] = [];
    const runId = `it-backup-${fixture}`;
    const r = await runBackup({
      config: parseConfig({ source }),
      runId,
      sink: (e) => events.push(e),
      outDir: out,
    });

    const m = JSON.parse(readFileSync(r.manifestPath, 'utf8'));
    assert.equal(m.restoreCheck.ok, true, JSON.stringify(m.restoreCheck));
    assert.equal(m.restoreCheck.stage, 'done');
    assert.ok(m.restoreCheck.listEntries > 0);
    assert.equal(m.sha256, sha256(r.dumpPath), 'sha256 recomputed by the test');
    assert.equal(m.sizeBytes, statSync(r.dumpPath).size);
    assert.match(m.pgDump.version, /^\d+\.\d+/);
    assert.match(m.source.serverVersion, /^\d+\.\d+/);
    const counts = await sourceCounts(source);
    assert.deepEqual(
      new Map(m.tables.map((t: { table: string; rows: number }) => [t.table, t.rows])),
      counts,
      'tables and rows as counted by the test',
    );
    assert.ok([...counts.values()].some((n) => n > 0));
    for (const t of m.tables) assert.match(t.checksum, /^md5sum128:-?\d+:-?\d+$/);
    assert.equal(m.restoreCheck.tablesCompared, counts.size);
    // Private files, no scratch database left behind.
    assert.equal(statSync(out).mode & 0o777, 0o700);
    assert.equal(statSync(r.dumpPath).mode & 0o777, 0o600);
    assert.equal(statSync(r.manifestPath).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(out).sort(), ['backup.dump', 'backup.json']);
    assert.equal(await databaseExists(scratchName(runId)), false);
    // Every event carries the run id; the argv handed to pg_dump / pg_restore holds no password.
    assert.ok(events.every((e) => e.runId === runId && e.step === 'backup'));
    const spawns = events.filter((e) => e.event === 'backup.spawn');
    assert.deepEqual(
      spawns.map((e) => e.data?.tool),
      ['pg_dump', 'pg_restore'],
    );
    for (const e of spawns) assert.ok(!((e.data?.argv ?? []) as string[]).join(' ').includes(password));
    assert.ok(!JSON.stringify(events).includes(password));
    assert.ok(!readFileSync(r.manifestPath, 'utf8').includes(password));
  });

test('a dump damaged in the middle fails the restore check loudly; the scratch database is gone', async () => {
  const source = await freshPgDatabase('it_backup_damaged', RAILS);
  const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const runId = 'it-backup-damaged';
  let error: unknown;
  try {
    await runBackup({
      config: parseConfig({ source }),
      runId,
      outDir: out,
      afterDump: (file) => {
        const b = readFileSync(file);
        const mid = Math.floor(b.length / 2);
        for (let i = mid; i < Math.min(b.length, mid + 64); i++) b[i] = b[i]! ^ 0xff;
        writeFileSync(file, b);
      },
    });
  } catch (e) {
    error = e;
  }
  assert.ok(isMigrationError(error), String(error));
  assert.equal(error.code, 'BACKUP_FAILED');
  assert.notEqual(exitCodeFor(error), 0);
  assert.match(error.message, /restore check \((list|restore|compare)\)/);
  assert.match(error.message, /pg_restore|differs|rows/);
  const m = JSON.parse(readFileSync(join(out, 'backup.json'), 'utf8'));
  assert.equal(m.restoreCheck.ok, false);
  assert.ok(m.restoreCheck.problems.length > 0);
  assert.equal(m.sha256, sha256(join(out, 'backup.dump')), 'the manifest hashes the bytes that were checked');
  assert.equal(await databaseExists(scratchName(runId)), false);
});

test('a dump that restores but holds one changed value fails the compare, naming the table', async () => {
  // A valid dump of a database that differs from the source in one value of one row (same row counts):
  // pg_restore succeeds, so only the per-table content checksum can catch it.
  const other = await freshPgDatabase(
    'it_backup_other',
    `${RAILS}\nUPDATE operators SET sign_in_count = sign_in_count + 1 WHERE id = 3;`,
  );
  const otherOut = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const good = await runBackup({
    config: parseConfig({ source: other }),
    runId: 'it-backup-other',
    outDir: otherOut,
  });
  const source = await freshPgDatabase('it_backup_swapped', RAILS);
  const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const runId = 'it-backup-swapped';
  await assert.rejects(
    runBackup({
      config: parseConfig({ source }),
      runId,
      outDir: out,
      afterDump: (file) => writeFileSync(file, readFileSync(good.dumpPath)),
    }),
    (e: unknown) => {
      assert.ok(isMigrationError(e));
      assert.equal(e.code, 'BACKUP_FAILED');
      assert.match(
        e.message,
        /restore check \(compare\): public\.operators: content checksum differs \(20 rows on both sides\)$/,
      );
      return true;
    },
  );
  const m = JSON.parse(readFileSync(join(out, 'backup.json'), 'utf8'));
  assert.deepEqual(m.restoreCheck.problems, [
    'public.operators: content checksum differs (20 rows on both sides)',
  ]);
  assert.equal(m.restoreCheck.stage, 'compare');
  assert.equal(await databaseExists(scratchName(runId)), false);
});

test('missing pg_dump (--pg-bin /nonexistent) is a clear PREFLIGHT_FAILED, and nothing is written', async () => {
  const source = await freshPgDatabase('it_backup_missing', 'CREATE TABLE t (id int PRIMARY KEY);');
  const { password } = splitPassword(source);
  const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const r = await runCli(['backup', '--pg-bin', '/nonexistent', '--out', out], { source });
  assert.equal(r.code, 64, r.stderr);
  assert.match(r.stderr, /PREFLIGHT_FAILED: No pg_dump in --pg-bin \/nonexistent/);
  assert.match(r.stderr, /hint: .*--pg-bin/);
  assert.equal(existsSync(out), false);
  assert.ok(!(r.stdout + r.stderr).includes(password));
});

test('a pg_dump older than the server is PREFLIGHT_FAILED naming both versions', async () => {
  const source = await freshPgDatabase('it_backup_old', 'CREATE TABLE t (id int PRIMARY KEY);');
  const bin = mkdtempSync(join(tmpdir(), 'pg2my-oldbin-'));
  for (const tool of ['pg_dump', 'pg_restore']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) 9.6.24"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const r = await runCli(['backup', '--pg-bin', bin, '--out', out], { source });
  assert.equal(r.code, 64, r.stderr);
  assert.match(
    r.stderr,
    /PREFLIGHT_FAILED: pg_dump 9\.6\.24 .* older than the source server \(PostgreSQL \d+\.\d+\)/,
  );
  assert.match(r.stderr, /hint: Install the PostgreSQL \d+ client tools/);
  assert.equal(existsSync(out), false, 'nothing written');
});

test('canary: the password is in no argv (/proc/<pid>/cmdline), output or written file of a CLI backup', async () => {
  const source = await freshPgDatabase('it_backup_canary', RAILS);
  const { password } = splitPassword(source);
  assert.ok(password.length >= 8, 'the test servers have a real password');
  // Wrappers record their own /proc/<pid>/cmdline and whether PGPASSWORD arrived, then exec the real tool.
  const bin = mkdtempSync(join(tmpdir(), 'pg2my-wrapbin-'));
  for (const tool of ['pg_dump', 'pg_restore']) {
    const real = (await import('node:child_process'))
      .execFileSync('sh', ['-c', `command -v ${tool}`])
      .toString()
      .trim();
    writeFileSync(
      join(bin, tool),
      `#!/bin/sh\ncat /proc/$$/cmdline >> "${bin}/${tool}.cmdline"; printf '\\n' >> "${bin}/${tool}.cmdline"\n[ -n "$PGPASSWORD" ] && echo yes >> "${bin}/${tool}.haspw"\nexec "${real}" "$@"\n`,
    );
    chmodSync(join(bin, tool), 0o755);
  }
  const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const r = await runCli(['backup', '--pg-bin', bin, '--out', out], { source });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /result: VERIFIED/);
  const dumpCmd = readFileSync(join(bin, 'pg_dump.cmdline'), 'utf8');
  const restoreCmd = readFileSync(join(bin, 'pg_restore.cmdline'), 'utf8');
  assert.match(dumpCmd, /--format=custom/);
  assert.match(restoreCmd, /--exit-on-error/);
  assert.ok(existsSync(join(bin, 'pg_dump.haspw')), 'pg_dump got the password through its environment');
  for (const text of [
    dumpCmd,
    restoreCmd,
    r.stdout,
    r.stderr,
    readFileSync(join(out, 'backup.json'), 'utf8'),
  ])
    assert.ok(!text.includes(password), 'password leaked');
  assert.ok(!readFileSync(join(out, 'backup.dump')).includes(Buffer.from(password)), 'password in the dump');
});

test('SIGTERM during the restore: pg_restore is stopped, the scratch database dropped, exit 4', async () => {
  const source = await freshPgDatabase('it_backup_sigterm', RAILS);
  // The wrapper signals pg2my (its parent) before the restore starts; the kernel delivers that signal
  // before the child can exit, so pg2my always sees it while the restore step runs.
  const bin = mkdtempSync(join(tmpdir(), 'pg2my-termbin-'));
  const real = (tool: string) =>
    execFileSync('sh', ['-c', `command -v ${tool}`])
      .toString()
      .trim();
  writeFileSync(join(bin, 'pg_dump'), `#!/bin/sh\nexec "${real('pg_dump')}" "$@"\n`);
  writeFileSync(
    join(bin, 'pg_restore'),
    `#!/bin/sh\ncase "$*" in *--exit-on-error*) kill -TERM $PPID ;; esac\nexec "${real('pg_restore')}" "$@"\n`,
  );
  for (const tool of ['pg_dump', 'pg_restore']) chmodSync(join(bin, tool), 0o755);
  const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const r = await runCli(['backup', '--pg-bin', bin, '--out', out], { source });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /INTERRUPTED: stopped by SIGTERM/);
  const m = JSON.parse(readFileSync(join(out, 'backup.json'), 'utf8'));
  assert.equal(m.restoreCheck.ok, false);
  assert.deepEqual(m.restoreCheck.problems, ['stopped by SIGTERM']);
  assert.equal(await databaseExists(scratchName(m.runId)), false);
});

test('a role without CREATEDB: PERMISSION_DENIED naming the scratch database and --scratch; --scratch passes', async () => {
  const s = await testServers();
  const role = 'it_backup_reader';
  const rolePassword = 'it-backup-Reader-9f3b27c1';
  const source = await freshPgDatabase(
    'it_backup_nocreatedb',
    `CREATE TABLE items (id int PRIMARY KEY, name text);
     INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 50) g;`,
  );
  await pgQuery(s.pgUrl('postgres'), `DROP ROLE IF EXISTS ${role}`);
  await pgQuery(s.pgUrl('postgres'), `CREATE ROLE ${role} LOGIN NOCREATEDB PASSWORD '${rolePassword}'`);
  await pgQuery(source, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
  const u = new URL(source);
  u.username = role;
  u.password = rolePassword;
  const asReader = u.toString();

  const out = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const denied = await runCli(['backup', '--out', out], { source: asReader });
  assert.equal(denied.code, 32, denied.stderr);
  assert.match(
    denied.stderr,
    /PERMISSION_DENIED: Cannot create the scratch database pg2my_scratch_\S+ on it_backup_reader@/,
  );
  assert.match(denied.stderr, /hint: .*CREATEDB.*--scratch/);
  const m = JSON.parse(readFileSync(join(out, 'backup.json'), 'utf8'));
  assert.equal(m.restoreCheck.ok, false);
  assert.match(m.restoreCheck.problems[0], /Cannot create the scratch database/);

  // The same backup with the scratch database on a server (here the same one) where an admin may create it.
  const admin = splitPassword(s.pgUrl('postgres'));
  const out2 = join(mkdtempSync(join(tmpdir(), 'pg2my-backup-')), 'bk');
  const ok = await runCli(['backup', '--out', out2, '--scratch', admin.url], {
    source: asReader,
    env: { PG2MY_SCRATCH_PASSWORD: admin.password },
  });
  assert.equal(ok.code, 0, ok.stderr);
  const m2 = JSON.parse(readFileSync(join(out2, 'backup.json'), 'utf8'));
  assert.equal(m2.restoreCheck.ok, true);
  assert.deepEqual(
    m2.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]),
    [['public.items', 50]],
  );
  assert.equal(await databaseExists(m2.restoreCheck.scratchDatabase), false);
  for (const text of [
    denied.stdout,
    denied.stderr,
    ok.stdout,
    ok.stderr,
    readFileSync(join(out2, 'backup.json'), 'utf8'),
  ])
    for (const secret of [rolePassword, admin.password]) assert.ok(!text.includes(secret), 'password leaked');
  await pgQuery(source, `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
});
