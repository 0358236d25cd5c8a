// The CLI paths a user meets besides the happy one, each on the real servers through the real command:
// --dry-run writes nothing; PLAN_CHANGED and TARGET_NOT_EMPTY exit 64; an unreachable source is
// SOURCE_CONNECT_FAILED (exit 32); a held run lock is ALREADY_RUNNING (exit 2); Ctrl-C exits 4 and the
// next run resumes identical (a second Ctrl-C exits 4 at once); the run directory of a real migrate holds
// manifest.json, plan.json, summary.json, report.html and metrics.prom, consistent with what was copied.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { runCli, splitPassword } from '../helpers/cli.js';
import { freshMysqlDatabase, freshPgDatabase } from '../helpers/servers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const SQL = `CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2));
  INSERT INTO items SELECT g, 'item ' || g, g % 1000 / 10.0 FROM generate_series(1, 2000) g;
  ANALYZE items;`;

async function tables(url: string): Promise<string[]> {
  const c = await mysql.createConnection(url);
  try {
    const [r] = await c.query<mysql.RowDataPacket[]>(
      'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1',
    );
    return r.map((x) => String(x.t));
  } finally {
    await c.end();
  }
}

test('--dry-run writes nothing; PLAN_CHANGED and TARGET_NOT_EMPTY exit 64; the run directory is complete', async () => {
  const source = await freshPgDatabase('it_cli_paths', SQL);
  const target = await freshMysqlDatabase('it_cli_paths');
  const work = mkdtempSync(join(tmpdir(), 'pg2my-cli-'));
  try {
    const dry = await runCli(['migrate', '--dry-run', '--run-dir', join(work, 'dry')], { source, target });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /nothing was written/);
    assert.deepEqual(await tables(target), []);

    const real = await runCli(['migrate', '--run-dir', join(work, 'real'), '--no-progress'], {
      source,
      target,
    });
    assert.equal(real.code, 0, real.stderr);
    const runs = readdirSync(join(work, 'real'));
    assert.equal(runs.length, 1);
    const dir = join(work, 'real', runs[0]!);
    const files = readdirSync(dir);
    for (const f of [
      'manifest.json',
      'plan.json',
      'summary.json',
      'report.html',
      'metrics.prom',
      'events.ndjson',
    ])
      assert.ok(files.includes(f), `${f} in the run directory (${files.join(', ')})`);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.command, 'migrate');
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    assert.deepEqual(
      plan.tables.map((t: { target: string }) => t.target),
      ['items'],
    );
    const summary = readFileSync(join(dir, 'summary.json'), 'utf8');
    assert.equal(JSON.parse(summary).totals.rowsCopied, 2000);
    assert.match(readFileSync(join(dir, 'metrics.prom'), 'utf8'), /^pg2my_\w+/m);
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /<html[\s>]/i);
    for (const line of readFileSync(join(dir, 'events.ndjson'), 'utf8').trim().split('\n'))
      assert.equal(JSON.parse(line).run_id, manifest.runId, 'every event carries the run id');

    // The config changes the plan: PLAN_CHANGED, exit 64, and the hint names --restart.
    const cfg = join(work, 'changed.yaml');
    writeFileSync(cfg, 'columns:\n  public.items.name: { type: "varchar(300)" }\n');
    const changed = await runCli(['migrate', '-c', cfg, '--run-dir', work], { source, target });
    assert.equal(changed.code, 64, changed.stderr);
    assert.match(changed.stderr, /PLAN_CHANGED/);
    assert.match(changed.stderr, /--restart/);

    // A table no run owns: TARGET_NOT_EMPTY, exit 64.
    const other = await freshMysqlDatabase('it_cli_paths_other');
    const c = await mysql.createConnection(other);
    await c.query('CREATE TABLE mine (id int PRIMARY KEY)');
    await c.end();
    const foreign = await runCli(['migrate', '--run-dir', work], { source, target: other });
    assert.equal(foreign.code, 64, foreign.stderr);
    assert.match(foreign.stderr, /TARGET_NOT_EMPTY.*mine/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('an unreachable source is SOURCE_CONNECT_FAILED (exit 32); a target URL without a database is CONFIG_INVALID (exit 2); a held run lock is ALREADY_RUNNING (exit 2)', async () => {
  const source = await freshPgDatabase('it_cli_lock', SQL);
  const target = await freshMysqlDatabase('it_cli_lock');
  // A port on loopback that nothing listens on: bound, then closed.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const dead = new URL(source);
  dead.port = String(port);
  const refused = await runCli(['migrate'], { source: dead.toString(), target });
  assert.equal(refused.code, 32, refused.stderr);
  assert.match(refused.stderr, /SOURCE_CONNECT_FAILED/);

  // A target URL without a database is a config error, not a run lock "held" by nobody.
  const noDb = new URL(target);
  noDb.pathname = '/';
  const bare = await runCli(['migrate'], { source, target: noDb.toString() });
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /CONFIG_INVALID/);
  assert.match(bare.stderr, /names no database/);

  const holder = await mysql.createConnection(target);
  try {
    const [r] = await holder.query<mysql.RowDataPacket[]>(
      "SELECT GET_LOCK(CONCAT('pg2my:', DATABASE()), 0) AS got",
    );
    assert.equal(String(r[0]?.got), '1');
    const locked = await runCli(['migrate'], { source, target });
    assert.equal(locked.code, 2, locked.stderr);
    assert.match(locked.stderr, /ALREADY_RUNNING/);
  } finally {
    await holder.end();
  }
  assert.deepEqual(await tables(target), [], 'a refused run writes nothing');
});

/** Run migrate and send SIGINT (`times` of them) once the copy has started; resolve with the exit code. */
function interrupted(
  source: string,
  target: string,
  times: number,
): Promise<{ code: number | null; stderr: string }> {
  const s = splitPassword(source);
  const t = splitPassword(target);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'migrate',
      '--source',
      s.url,
      '--target',
      t.url,
      '--log-format',
      'json',
      '--no-progress',
      '--chunk-rows',
      '2000',
      '-w',
      '1',
    ],
    {
      env: { ...process.env, PG2MY_SOURCE_PASSWORD: s.password, PG2MY_TARGET_PASSWORD: t.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let sent = false;
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (!sent && /"event":"table\.started"/.test(stderr)) {
      sent = true;
      for (let i = 0; i < times; i++) child.kill('SIGINT');
    }
  });
  child.stdout.resume();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('Ctrl-C exits 4 and the next run resumes identical; a second Ctrl-C exits 4 at once', async () => {
  const source = await freshPgDatabase(
    'it_cli_int',
    `CREATE TABLE big (id bigint PRIMARY KEY, v text);
     INSERT INTO big SELECT g, repeat('v', 100) FROM generate_series(1, 200000) g; ANALYZE big;`,
  );
  for (const times of [1, 2]) {
    const target = await freshMysqlDatabase(`it_cli_int_${times}`);
    const r = await interrupted(source, target, times);
    assert.equal(r.code, 4, r.stderr.slice(-2000));
    if (times === 1) assert.match(r.stderr, /rolling back the chunks in flight/);
    const again = await runCli(['migrate', '--no-progress'], { source, target });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /identical/i);
  }
});
