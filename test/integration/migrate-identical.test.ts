// Issue 3's acceptance: the Rails-style and kitchen-sink samples migrate to MariaDB with content identical to
// the source, proved by an oracle that shares no code with pg2my (test/helpers/oracle.ts), on both load paths
// (LOAD DATA LOCAL and the INSERT fallback); a second run is a no-op; and a key that collides under a
// case-insensitive target collation fails loudly, naming the key, with nothing of that chunk left behind.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { exitCodeFor, isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshMysqlDatabase, freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/sql/${name}.sql`, import.meta.url), 'utf8');

for (const [name, loadMethod] of [
  ['rails', 'load-data'],
  ['kitchen-sink', 'load-data'],
  ['kitchen-sink', 'insert'],
] as const) {
  test(`migrate ${name} (${loadMethod}): identical by an independent comparison; a second run copies nothing`, async (t) => {
    const db = `it_ident_${name.replace('-', '_')}_${loadMethod.replace('-', '_')}`;
    const source = await freshPgDatabase(db, fixture(name));
    const target = await freshMysqlDatabase(db);
    // Small chunks, so every table is cut into several ranges.
    const config = parseConfig({
      source,
      target,
      migrate: { loadMethod, initialChunkRows: 7, maxChunkRows: 50 },
    });
    const r = await runMigrate({ config, runId: `ident-${name}`, sink: silentSink });
    t.diagnostic(
      `${name}: ${r.copy.rows} rows in ${r.copy.ms} ms (${Math.round((r.copy.rows / Math.max(1, r.copy.ms)) * 1000)} rows/s, chunks ${r.tables.reduce((s, x) => s + x.chunks, 0)})`,
    );
    assert.equal(r.loadMethod, loadMethod);
    assert.equal(r.verify?.identical, true, "pg2my's own verify");
    const diffs = await oracleCompare(source, target, r.plan);
    assert.equal(diffs.length, r.plan.tables.length);
    for (const d of diffs) {
      assert.ok(d.sourceRows > 0 || d.table === 'ar_internal_metadata', `${d.table} has rows`);
      assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);
    }
    const again = await runMigrate({ config, runId: `ident-${name}-2`, sink: silentSink });
    assert.equal(again.state, 'complete');
    assert.equal(again.copy.rows, 0);
    assert.equal(again.verify?.identical, true);
  });
}

test('the oracle is not blind: one changed value is found', async () => {
  const source = await freshPgDatabase('it_ident_oracle', fixture('rails'));
  const target = await freshMysqlDatabase('it_ident_oracle');
  const r = await runMigrate({
    config: parseConfig({ source, target }),
    runId: 'oracle',
    sink: silentSink,
    verify: 'none',
  });
  const my = await mysql.createConnection(target);
  await my.query(
    "UPDATE contents SET body = CONCAT(body, ' ') WHERE id = (SELECT MIN(id) FROM (SELECT id FROM contents) x)",
  );
  await my.end();
  const diffs = await oracleCompare(source, target, r.plan);
  const changed = diffs.filter((d) => d.onlySource.length || d.onlyTarget.length);
  assert.deepEqual(
    changed.map((d) => [d.table, d.onlySource.length, d.onlyTarget.length]),
    [['contents', 1, 1]],
  );
});

// One table per kind of change, each changed in one row on the target after a correct migrate (or, for the
// last three, a column the target or the plan lacks). blind_same is unchanged and must compare equal.
const BLIND_SQL = `
  CREATE TABLE blind_null (id int PRIMARY KEY, s text);
  INSERT INTO blind_null VALUES (1, 'a'), (2, NULL);
  CREATE TABLE blind_f8 (id int PRIMARY KEY, f double precision);
  INSERT INTO blind_f8 VALUES (1, 0.1), (2, 1);
  CREATE TABLE blind_f4 (id int PRIMARY KEY, f real);
  INSERT INTO blind_f4 VALUES (1, 0.1), (2, 1);
  CREATE TABLE blind_bytea (id int PRIMARY KEY, b bytea);
  INSERT INTO blind_bytea VALUES (1, '\\x00010203'), (2, '\\x');
  CREATE TABLE blind_bigjson (id int PRIMARY KEY, j jsonb);
  INSERT INTO blind_bigjson VALUES (1, '{"n": 9007199254740993}'), (2, '{"n": 1}');
  CREATE TABLE blind_zeros (id int PRIMARY KEY, j jsonb);
  INSERT INTO blind_zeros VALUES (1, '[1.50]'), (2, '[2]');
  CREATE TABLE blind_bit (id int PRIMARY KEY, b bit(8));
  INSERT INTO blind_bit VALUES (1, B'00101010'), (2, B'00000000');
  CREATE TABLE blind_varbit (id int PRIMARY KEY, v varbit(12));
  INSERT INTO blind_varbit VALUES (1, B'0101'), (2, B'');
  CREATE TABLE blind_dropped (id int PRIMARY KEY, a int, gone text);
  INSERT INTO blind_dropped VALUES (1, 1, 'x'), (2, 2, NULL);
  CREATE TABLE blind_empty (id int PRIMARY KEY, gone text);
  CREATE TABLE blind_unplanned (id int PRIMARY KEY, a int, p text);
  INSERT INTO blind_unplanned VALUES (1, 1, 'x');
  CREATE TABLE blind_gen (id int PRIMARY KEY, a int, g int GENERATED ALWAYS AS (a * 2) STORED);
  INSERT INTO blind_gen (id, a) VALUES (1, 1), (2, NULL);
  CREATE TABLE blind_same (id int PRIMARY KEY, j jsonb, b bit(4), v varbit, f4 real, f8 double precision, n numeric);
  INSERT INTO blind_same VALUES
    (1, '{"big": 12345678901234567890, "x": [1.50, 1e2, -0.0, 0.1]}', B'0001', B'1', 3.4028235e38, 5e-324, 1.50),
    (2, NULL, NULL, NULL, NULL, NULL, NULL);
  ANALYZE;`;

for (const target of testTargets()) {
  test(`the oracle is not blind: NULL→'', one ulp, one bytea byte, JSON numbers as written, bit strings, a generated column, a missing column (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_oracle_blind_${target.dialect}`;
    const source = await freshPgDatabase(db, BLIND_SQL);
    const targetUrl = await target.fresh(db);
    const r = await runMigrate({
      config: parseConfig({ source, target: targetUrl }),
      runId: db,
      sink: silentSink,
      verify: 'none',
    });
    // Before any change: every table compares equal.
    for (const d of await oracleCompare(source, targetUrl, r.plan))
      assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);

    const my = await mysql.createConnection(targetUrl);
    for (const sql of [
      "UPDATE blind_null SET s = '' WHERE id = 2",
      "UPDATE blind_f8 SET f = '0.10000000000000002' WHERE id = 1", // the next double after 0.1
      "UPDATE blind_f4 SET f = '0.10000000894069672' WHERE id = 1", // the next float4 after 0.1
      "UPDATE blind_bytea SET b = UNHEX('00010204') WHERE id = 1",
      `UPDATE blind_bigjson SET j = '{"n": 9007199254740992}' WHERE id = 1`,
      "UPDATE blind_zeros SET j = '[1.5]' WHERE id = 1",
      "UPDATE blind_bit SET b = b'00101011' WHERE id = 1",
      "UPDATE blind_varbit SET v = '0100' WHERE id = 1",
      'ALTER TABLE blind_dropped DROP COLUMN gone',
      'ALTER TABLE blind_empty DROP COLUMN gone',
      // The target computes a generated column: a different expression there is a difference in row 1.
      'ALTER TABLE blind_gen MODIFY g INT AS (a * 3) STORED',
    ])
      await my.query(sql);
    await my.end();
    // A column the planner would drop: the oracle reads the source catalog, not the plan's column list.
    const plan = {
      ...r.plan,
      tables: r.plan.tables.map((t) =>
        t.target === 'blind_unplanned' ? { ...t, columns: t.columns.filter((c) => c.source !== 'p') } : t,
      ),
    };
    const diffs = await oracleCompare(source, targetUrl, plan);
    const changed = diffs
      .filter((d) => d.onlySource.length || d.onlyTarget.length)
      .map((d) => [d.table, d.onlySource.length, d.onlyTarget.length, d.missingColumns]);
    // MySQL 8 stores a JSON 1.50 as the double 1.5 (the README's jsonb row): a documented change, not a difference.
    const zeros = target.dialect === 'mariadb' ? [['blind_zeros', 1, 1, []]] : [];
    assert.deepEqual(
      changed.sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        ['blind_bigjson', 1, 1, []],
        ['blind_bit', 1, 1, []],
        ['blind_bytea', 1, 1, []],
        ['blind_dropped', 3, 2, ['gone']],
        ['blind_empty', 1, 0, ['gone']],
        ['blind_f4', 1, 1, []],
        ['blind_f8', 1, 1, []],
        ['blind_gen', 1, 1, []],
        ['blind_null', 1, 1, []],
        ['blind_unplanned', 2, 1, ['p']],
        ['blind_varbit', 1, 1, []],
        ...zeros,
      ],
    );
    const by = new Map(diffs.map((d) => [d.table, d]));
    assert.equal(by.get('blind_empty')!.onlySource[0], 'no target column for source column gone');
    assert.match(by.get('blind_bigjson')!.onlySource[0]!, /9007199254740993/);
    assert.match(by.get('blind_bigjson')!.onlyTarget[0]!, /9007199254740992/);
    assert.match(by.get('blind_bit')!.onlyTarget[0]!, /00101011/);
    assert.ok(
      r.plan.tables.find((t) => t.target === 'blind_gen')!.columns.find((c) => c.source === 'g')!.generated,
      'g is planned as a generated column',
    );
    assert.deepEqual(by.get('blind_gen')!.onlyTarget, ['["1","1","3"]']);
  });
}

test('a primary key and a UNIQUE key that collide under a case-insensitive collation fail loudly, naming the key', async () => {
  const sql = `
    CREATE TABLE tags (name text PRIMARY KEY, n int);
    INSERT INTO tags SELECT 'tag' || g, g FROM generate_series(1, 50) g;
    INSERT INTO tags VALUES ('Ruby', 100), ('ruby', 101);
    CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE);
    INSERT INTO users VALUES (1, 'A@x.com'), (2, 'b@x.com'), (3, 'a@x.com');`;
  const source = await freshPgDatabase('it_dupkey', sql);
  // Default binary NO PAD collation: both tables migrate, all rows kept.
  const okTarget = await freshMysqlDatabase('it_dupkey_bin');
  const ok = await runMigrate({
    config: parseConfig({ source, target: okTarget }),
    runId: 'dup-bin',
    sink: silentSink,
  });
  assert.equal(ok.verify?.identical, true);

  // Case-insensitive keys: the PK collision stops the copy; nothing of that chunk is committed.
  const ciTarget = await freshMysqlDatabase('it_dupkey_ci');
  const config = parseConfig({
    source,
    target: ciTarget,
    tables: ['tags'],
    collation: { key: 'utf8mb4_unicode_ci' },
  });
  const err = await runMigrate({ config, runId: 'dup-ci', sink: silentSink }).then(
    () => assert.fail('migrate must fail'),
    (e: unknown) => e,
  );
  assert.ok(isMigrationError(err), String(err));
  assert.equal(err.code, 'DATA_REJECTED');
  assert.equal(exitCodeFor(err), 8);
  assert.match(err.message, /tags/);
  assert.match(err.message, /Duplicate entry '[Rr]uby' for key 'PRIMARY'/);
  const my = await mysql.createConnection(ciTarget);
  const [rows] = await my.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM tags');
  const [chunks] = await my.query<mysql.RowDataPacket[]>(
    'SELECT COALESCE(SUM(row_count), 0) AS n FROM _pg2my_chunks',
  );
  await my.end();
  assert.equal(Number(rows[0]!.n), Number(chunks[0]!.n), 'the table holds exactly the committed chunks');
  assert.ok(Number(rows[0]!.n) < 52, 'the colliding chunk was not committed');

  // A UNIQUE (not primary) key: found when the unique index is built after the load.
  const uTarget = await freshMysqlDatabase('it_dupkey_unique');
  const uErr = await runMigrate({
    config: parseConfig({
      source,
      target: uTarget,
      tables: ['users'],
      collation: { key: 'utf8mb4_unicode_ci' },
    }),
    runId: 'dup-unique',
    sink: silentSink,
  }).then(
    () => assert.fail('migrate must fail'),
    (e: unknown) => e,
  );
  assert.ok(isMigrationError(uErr), String(uErr));
  assert.equal(uErr.code, 'DATA_REJECTED');
  assert.match(uErr.message, /users/);
  assert.match(uErr.message, /Duplicate entry 'a@x\.com' for key/i);
});
