// `pg2my verify` against real servers: the kitchen-sink (every type) and Rails samples are migrated, then
// (1) verify reports no difference at the checksum and full levels (no false positives), (2) one planted
// difference at a time — restored before the next — is found with the right key and column and exit 16,
// Verify always runs over the whole sample: with --tables the planner sees fewer foreign keys, so a column
// that is a key in the full plan (VARCHAR) may plan as LONGTEXT, which the structure check would report.
// (3) structure drift (a dropped index, a changed column type) is reported, (4) bigger tables cut into many
// segments verify identical and a change in the middle is bisected to its key.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { silentSink } from '../../src/events.js';
import { runVerify } from '../../src/pipeline/verify.js';
import type { VerifyReport } from '../../src/verify/verify.js';
import { assertNoSecrets, runCli } from '../helpers/cli.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { loadTarget } from '../helpers/verify-loader.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/sql/${name}.sql`, import.meta.url), 'utf8');
const DBS = { 'kitchen-sink': 'verify_kitchen_sink', rails: 'verify_rails' } as const;
type Sample = keyof typeof DBS;
const urls = new Map<Sample, { source: string; target: string }>();

before(async () => {
  for (const sample of Object.keys(DBS) as Sample[]) {
    const source = await freshPgDatabase(DBS[sample], fixture(sample));
    const target = await freshMysqlDatabase(DBS[sample]);
    // The samples are copied by the real `pg2my migrate` (verify off), then planted with differences.
    await runMigrate({
      config: parseConfig({ source, target }),
      runId: 'verify-setup',
      sink: silentSink,
      verify: 'none',
    });
    urls.set(sample, { source, target });
  }
});

async function verifyCli(sample: Sample, args: readonly string[] = []) {
  const r = await runCli(['verify', '--format', 'json', ...args], urls.get(sample)!);
  const servers = await testServers();
  assertNoSecrets(r.stdout + r.stderr, [servers.pgPassword, servers.mysqlPassword], 'verify output');
  assert.ok(r.stdout.trim().startsWith('{'), `JSON on stdout: ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as VerifyReport, stderr: r.stderr };
}

function verifyLib(sample: Sample, level: 'checksum' | 'full', extra: Record<string, unknown> = {}) {
  const config = parseConfig({ ...urls.get(sample)!, verify: { bisectRows: 2 }, ...extra });
  return runVerify({ config, runId: 'test', sink: silentSink, level });
}

async function onTarget(sample: Sample, sql: readonly string[]): Promise<void> {
  const conn = await mysql.createConnection(urls.get(sample)!.target);
  try {
    await conn.query('SET SESSION foreign_key_checks = 0');
    for (const s of sql) await conn.query(s);
  } finally {
    await conn.end();
  }
}

function assertIdentical(r: VerifyReport, what: string): void {
  const bad = r.tables.filter((t) => t.status !== 'identical');
  assert.deepEqual(bad, [], `${what}: every table identical`);
  assert.deepEqual(r.structure, [], `${what}: no structure problem`);
  assert.equal(r.identical, true);
}

for (const sample of Object.keys(DBS) as Sample[]) {
  test(`verify: ${sample} is identical at the checksum and full levels (no false positives)`, async () => {
    const checksum = await verifyCli(sample);
    assert.equal(checksum.code, 0, checksum.stderr);
    assertIdentical(checksum.report, 'checksum');
    assert.ok(checksum.report.tables.every((t) => t.rowsSource > 0 && t.rowsSource === t.rowsTarget));
    const full = await verifyCli(sample, ['--level', 'full', '--sample', '20']);
    assert.equal(full.code, 0, full.stderr);
    assertIdentical(full.report, 'full');
    assertIdentical(await verifyLib(sample, 'checksum'), 'checksum with bisectRows 2');
    const count = await verifyCli(sample, ['--level', 'count']);
    assert.equal(count.code, 0, count.stderr);
  });
}

interface Plant {
  readonly name: string;
  readonly sample: Sample;
  readonly table: string;
  /** Primary-key condition of the rows touched (backed up before, restored after). */
  readonly where: string;
  readonly sql: string;
  readonly expect: {
    missing?: string[][];
    extra?: string[][];
    different?: { key: string[]; columns: string[] }[];
  };
}

const PLANTS: readonly Plant[] = [
  {
    name: 'a case change in a unique string',
    sample: 'kitchen-sink',
    table: 'customers',
    where: 'id = 1',
    sql: "UPDATE customers SET username = 'Alice' WHERE id = 1",
    expect: { different: [{ key: ['1'], columns: ['username'] }] },
  },
  {
    name: 'one microsecond added to a timestamp',
    sample: 'kitchen-sink',
    table: 'customers',
    where: 'id = 2',
    sql: 'UPDATE customers SET created_at = created_at + INTERVAL 1 MICROSECOND WHERE id = 2',
    expect: { different: [{ key: ['2'], columns: ['created_at'] }] },
  },
  {
    name: 'one row deleted',
    sample: 'rails',
    table: 'feedbacks',
    where: 'id = 10',
    sql: 'DELETE FROM feedbacks WHERE id = 10',
    expect: { missing: [['10']] },
  },
  {
    name: 'one row added',
    sample: 'kitchen-sink',
    table: 'orders',
    where: 'id = 1000',
    sql: "INSERT INTO orders (id, customer_id, `order`, status, placed_at, total, note) VALUES (1000, 1, 99, 'open', '2024-01-01 00:00:00', 1.00, NULL)",
    expect: { extra: [['1000']] },
  },
  {
    name: "NULL changed to ''",
    sample: 'kitchen-sink',
    table: 'customers',
    where: 'id = 5',
    sql: "UPDATE customers SET full_name = '' WHERE id = 5",
    expect: { different: [{ key: ['5'], columns: ['full_name'] }] },
  },
  {
    name: 'a trailing space appended (text key)',
    sample: 'kitchen-sink',
    table: 'countries',
    where: "code = 'FR'",
    sql: "UPDATE countries SET name = CONCAT(name, ' ') WHERE code = 'FR'",
    expect: { different: [{ key: ['FR'], columns: ['name'] }] },
  },
  {
    name: 'one emoji swapped for another',
    sample: 'kitchen-sink',
    table: 'all_types',
    where: 'id = 1',
    sql: "UPDATE all_types SET c_text = CONCAT('🙃', SUBSTRING(c_text, 2)) WHERE id = 1",
    expect: { different: [{ key: ['1'], columns: ['c_text'] }] },
  },
  {
    name: 'one byte changed in a bytea',
    sample: 'kitchen-sink',
    table: 'all_types',
    where: 'id = 3',
    sql: "UPDATE all_types SET c_bytea = CONCAT(LEFT(c_bytea, 100), X'FF', SUBSTRING(c_bytea, 102)) WHERE id = 3",
    expect: { different: [{ key: ['3'], columns: ['c_bytea'] }] },
  },
  {
    name: 'the last digit of a numeric changed',
    sample: 'kitchen-sink',
    table: 'all_types',
    where: 'id = 1',
    sql: 'UPDATE all_types SET c_numeric = c_numeric - 0.000000001 WHERE id = 1',
    expect: { different: [{ key: ['1'], columns: ['c_numeric'] }] },
  },
  {
    name: 'one JSON value changed',
    sample: 'kitchen-sink',
    table: 'all_types',
    where: 'id = 3',
    sql: `UPDATE all_types SET c_jsonb = REPLACE(c_jsonb, '"b": 2', '"b": 3') WHERE id = 3`,
    expect: { different: [{ key: ['3'], columns: ['c_jsonb'] }] },
  },
  // Beyond the ten: a composite key and a one-ulp float change; a duplicate row gone from a keyless table.
  {
    name: 'a double one ulp off (composite key)',
    sample: 'kitchen-sink',
    table: 'measurements',
    where: "sensor_id = 2 AND taken_on = '2023-12-26'",
    sql: "UPDATE measurements SET reading = reading + reading * POW(2, -52) WHERE sensor_id = 2 AND taken_on = '2023-12-26'",
    expect: { different: [{ key: ['2', '2023-12-26'], columns: ['reading'] }] },
  },
];

test('verify: each planted difference is found with its key and column, exit 16', async (t) => {
  for (const p of PLANTS) {
    await t.test(p.name, async () => {
      const bak = `_bak_${p.table}`;
      await onTarget(p.sample, [
        `DROP TABLE IF EXISTS ${bak}`,
        `CREATE TABLE ${bak} AS SELECT * FROM ${p.table} WHERE ${p.where}`,
        p.sql,
      ]);
      try {
        const cli = await verifyCli(p.sample, ['--bisect-rows', '2']);
        assert.equal(cli.code, 16, cli.stderr);
        assert.equal(cli.report.identical, false);
        for (const r of [cli.report, await verifyLib(p.sample, 'full')]) {
          const tr = r.tables.find((x) => x.table === p.table)!;
          assert.equal(tr.status, 'different', `${r.level}: ${JSON.stringify(tr)}`);
          assert.deepEqual(tr.missing, p.expect.missing ?? [], `${r.level} missing`);
          assert.deepEqual(tr.extra, p.expect.extra ?? [], `${r.level} extra`);
          assert.deepEqual(tr.different, p.expect.different ?? [], `${r.level} different`);
          assert.deepEqual(r.structure, []);
        }
      } finally {
        await onTarget(p.sample, [
          `DELETE FROM ${p.table} WHERE ${p.where}`,
          `INSERT INTO ${p.table} SELECT * FROM ${bak}`,
          `DROP TABLE ${bak}`,
        ]);
      }
      assertIdentical(await verifyLib(p.sample, 'checksum'), `restored after ${p.name}`);
    });
  }
});

test('verify: a duplicate row deleted from a table without a key is found (multiset, not XOR)', async () => {
  await onTarget('kitchen-sink', ["DELETE FROM event_log WHERE message = 'started' LIMIT 1"]);
  try {
    const r = await verifyCli('kitchen-sink');
    assert.equal(r.code, 16, r.stderr);
    const tr = r.report.tables.find((x) => x.table === 'event_log')!;
    assert.equal(tr.rowsSource - tr.rowsTarget, 1);
    assert.equal(tr.missing.length, 1);
    assert.match(tr.missing[0]![0]!, /^#[0-9a-f]{16}$/);
    assert.deepEqual(tr.extra, []);
  } finally {
    await onTarget('kitchen-sink', [
      "INSERT INTO event_log VALUES ('2024-01-01 00:00:00', 'info', 'started', '{\"pid\": 1}')",
    ]);
  }
  assertIdentical(await verifyLib('kitchen-sink', 'checksum'), 'event_log restored');
});

test('verify: structure drift is reported (a dropped index, a changed column type)', async () => {
  await onTarget('rails', [
    'DROP INDEX index_operators_on_email ON operators',
    'ALTER TABLE contents MODIFY title VARCHAR(200) NOT NULL',
  ]);
  try {
    const r = await verifyCli('rails', ['--level', 'count']);
    assert.equal(r.code, 16, r.stderr);
    const objects = r.report.structure.map((p) => `${p.table}: ${p.object}`);
    assert.ok(objects.includes('operators: unique index index_operators_on_email'), objects.join('; '));
    assert.ok(objects.includes('contents: column title type'), objects.join('; '));
    const type = r.report.structure.find((p) => p.object === 'column title type')!;
    assert.deepEqual([type.expected, type.actual], ['varchar(255)', 'varchar(200)']);
  } finally {
    await onTarget('rails', [
      'ALTER TABLE contents MODIFY title VARCHAR(255) COLLATE utf8mb4_nopad_bin NOT NULL',
      'CREATE UNIQUE INDEX index_operators_on_email ON operators (email)',
    ]);
  }
  assertIdentical(await verifyLib('rails', 'checksum'), 'rails restored');
});

test('verify: many segments (int, text and composite keys) verify identical; a change mid-table is bisected to its key', async () => {
  const sql = `
    CREATE TABLE big_int (id bigint PRIMARY KEY, v text, f float8, n numeric(20,6), t timestamptz);
    INSERT INTO big_int SELECT g, md5(g::text) || repeat('é', g % 7), g / 7.0, g * 1.000001, timestamptz '2020-01-01' + g * interval '1.000001 s' FROM generate_series(-5000, 25000) g;
    CREATE TABLE big_text (k varchar(40) PRIMARY KEY, v int);
    INSERT INTO big_text SELECT md5(g::text) || CASE WHEN g % 3 = 0 THEN 'Ä' ELSE 'a' END, g FROM generate_series(1, 12000) g;
    CREATE TABLE big_pair (a int, b text, v bytea, PRIMARY KEY (a, b));
    INSERT INTO big_pair SELECT g % 10, md5(g::text), decode(md5(g::text), 'hex') FROM generate_series(1, 12000) g;
    ANALYZE;`;
  const source = await freshPgDatabase('verify_big', sql);
  const target = await freshMysqlDatabase('verify_big');
  await loadTarget(source, target);
  const config = parseConfig({ source, target, verify: { bisectRows: 50 } });
  const clean = await runVerify({ config, runId: 't', sink: silentSink, segmentRows: 2500 });
  assertIdentical(clean, 'big tables');
  for (const t of clean.tables) assert.ok(t.segments >= 4, `${t.table}: ${t.segments} segments`);

  const c = new pg.Client({ connectionString: source });
  await c.connect();
  const mid = (
    await c.query<{ k: string }>('SELECT k FROM big_text ORDER BY k COLLATE "C" OFFSET 6000 LIMIT 1')
  ).rows[0]!.k;
  const pair = (
    await c.query<{ b: string }>(
      'SELECT b FROM big_pair WHERE a = 4 ORDER BY b COLLATE "C" OFFSET 500 LIMIT 1',
    )
  ).rows[0]!.b;
  await c.end();
  const conn = await mysql.createConnection(target);
  await conn.query('UPDATE big_int SET f = f + 1 WHERE id = 12345');
  await conn.query('UPDATE big_text SET v = -v WHERE k = ?', [mid]);
  await conn.query("UPDATE big_pair SET v = X'00' WHERE a = 4 AND b = ?", [pair]);
  await conn.end();
  const r = await runVerify({ config, runId: 't', sink: silentSink, segmentRows: 2500 });
  const by = new Map(r.tables.map((t) => [t.table, t]));
  assert.deepEqual(by.get('big_int')!.different, [{ key: ['12345'], columns: ['f'] }]);
  assert.deepEqual(by.get('big_text')!.different, [{ key: [mid], columns: ['v'] }]);
  assert.deepEqual(by.get('big_pair')!.different, [{ key: ['4', pair], columns: ['v'] }]);
  for (const t of r.tables) assert.equal(t.mismatchedSegments, 1, t.table);
});

test('verify: non-default type decisions (interval/timetz as TIME, numeric/array as text, json as JSON, TIMESTAMP) and a 1 µs interval change', async () => {
  const sql = `
    CREATE TABLE decided (id int PRIMARY KEY, iv interval, tz timetz, n numeric, arr int[], js json, ts timestamptz(3), b bit(5), vb varbit(10), f4 real);
    INSERT INTO decided VALUES
      (1, '-01:02:03.5', '23:30:00+05:30', 1.50, '{1,2}', '{"b": 1,  "a": [1.0]}', '2024-02-29 12:00:00.123+01', B'10101', B'101', 3.4028235e38),
      (2, '838:59:59', '01:00:00.000001-03', -0.000, '{}', 'null', '1970-01-01 00:00:01+00', B'00000', B'', -1.17549435e-38),
      (3, '00:00:00.000001', NULL, 12345678901234567890.5, NULL, '[]', NULL, NULL, NULL, 0.1);
    ANALYZE;`;
  const source = await freshPgDatabase('verify_decided', sql);
  const target = await freshMysqlDatabase('verify_decided');
  const types = {
    interval: 'time',
    timetz: 'time',
    numeric: 'text',
    array: 'text',
    json: 'json',
    timestamptz: 'timestamp',
  };
  await loadTarget(source, target, { types });
  for (const level of ['checksum', 'full'] as const)
    assertIdentical(
      await runVerify({
        config: parseConfig({ source, target, types }),
        runId: 't',
        sink: silentSink,
        level,
      }),
      level,
    );
  const conn = await mysql.createConnection(target);
  await conn.query('UPDATE decided SET iv = ADDTIME(iv, "00:00:00.000001") WHERE id = 1');
  await conn.end();
  const r = await runVerify({ config: parseConfig({ source, target, types }), runId: 't', sink: silentSink });
  assert.deepEqual(r.tables[0]!.different, [{ key: ['1'], columns: ['iv'] }]);
});

test('verify: uuid, bytea, citext, enum, char and timestamptz keys segment and bisect in the same order on both sides', async () => {
  const sql = `
    CREATE EXTENSION IF NOT EXISTS citext;
    CREATE TYPE colour AS ENUM ('zeta', 'alpha', 'Émile', 'beta 😀');
    CREATE TABLE k_uuid (id uuid PRIMARY KEY, v int);
    INSERT INTO k_uuid SELECT md5(g::text)::uuid, g FROM generate_series(1, 3000) g;
    CREATE TABLE k_bytea (id bytea PRIMARY KEY, v int);
    INSERT INTO k_bytea SELECT decode(md5(g::text), 'hex'), g FROM generate_series(1, 3000) g;
    CREATE TABLE k_citext (id citext PRIMARY KEY, v int);
    INSERT INTO k_citext SELECT CASE WHEN g % 2 = 0 THEN upper(md5(g::text)) ELSE 'é' || md5(g::text) END, g FROM generate_series(1, 3000) g;
    CREATE TABLE k_enum (c colour, n int, v int, PRIMARY KEY (c, n));
    INSERT INTO k_enum SELECT (enum_range(NULL::colour))[1 + g % 4], g, g FROM generate_series(1, 3000) g;
    CREATE TABLE k_char (id char(12) PRIMARY KEY, v int);
    INSERT INTO k_char SELECT left(md5(g::text), 1 + g % 12), g FROM generate_series(1, 3000) g ON CONFLICT DO NOTHING;
    CREATE TABLE k_ts (t timestamptz PRIMARY KEY, v int);
    INSERT INTO k_ts SELECT timestamptz '2024-03-10 00:00:00-05' + g * interval '17 minutes 0.000001 s', g FROM generate_series(1, 3000) g;
    ANALYZE;`;
  const source = await freshPgDatabase('verify_keys', sql);
  const target = await freshMysqlDatabase('verify_keys');
  // Default config: the bytea, citext and char keys are measured (plan/bounded-columns.ts).
  await loadTarget(source, target);
  const config = parseConfig({ source, target, verify: { bisectRows: 20 } });
  const clean = await runVerify({ config, runId: 't', sink: silentSink, segmentRows: 400 });
  assertIdentical(clean, 'exotic keys');
  for (const t of clean.tables) assert.ok(t.segments >= 4, `${t.table}: ${t.segments} segments`);

  // Change the value of the row in the middle of each table (in byte order of its canonical key).
  const c = new pg.Client({ connectionString: source });
  await c.connect();
  const mid = async (table: string, key: string) =>
    (
      await c.query<{ k: string }>(
        `SELECT k FROM (SELECT ${key} AS k FROM ${table}) s ORDER BY k COLLATE "C" OFFSET 1500 LIMIT 1`,
      )
    ).rows[0]!.k;
  const keys = {
    k_uuid: await mid('k_uuid', 'id::text'),
    k_bytea: await mid('k_bytea', "encode(id, 'hex')"),
    k_citext: await mid('k_citext', 'id::text'),
    k_char: await mid('k_char', "rtrim(id::text, ' ')"),
    k_ts: await mid('k_ts', `to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`),
  };
  await c.end();
  const conn = await mysql.createConnection(target);
  await conn.query('UPDATE k_uuid SET v = -v WHERE id = ?', [keys.k_uuid]);
  await conn.query('UPDATE k_bytea SET v = -v WHERE id = UNHEX(?)', [keys.k_bytea]);
  await conn.query('UPDATE k_citext SET v = -v WHERE CAST(id AS BINARY) = CAST(? AS BINARY)', [
    keys.k_citext,
  ]);
  await conn.query("UPDATE k_enum SET v = -v WHERE c = 'Émile' AND n = 1502");
  await conn.query('UPDATE k_char SET v = -v WHERE id = ?', [keys.k_char]);
  await conn.query('UPDATE k_ts SET v = -v WHERE t = ?', [keys.k_ts]);
  await conn.end();
  const r = await runVerify({ config, runId: 't', sink: silentSink, segmentRows: 400 });
  const by = new Map(r.tables.map((t) => [t.table, t]));
  for (const [table, key] of Object.entries(keys))
    assert.deepEqual(by.get(table)!.different, [{ key: [key], columns: ['v'] }], table);
  assert.deepEqual(by.get('k_enum')!.different, [{ key: ['Émile', '1502'], columns: ['v'] }]);
  for (const t of r.tables)
    assert.deepEqual([t.missing, t.extra, t.mismatchedSegments], [[], [], 1], t.table);
});

test('verify --help teaches the levels and exit codes', async () => {
  const r = await runCli(['verify', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /checksum/);
  assert.match(r.stdout, /Exit status:/);
  assert.match(r.stdout, /16/);
});
