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
