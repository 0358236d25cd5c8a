// Issue 10 point 8 on the real servers: target names chosen in the config. Two tables whose names differ
// only by case stop the plan with a hint that is a working `rename` (applied here as given); with it,
// migrate copies identical. A `columns.*.name` rename reaches the DDL, the indexes and FKs that use the
// column, the copy and verify. A rename key that names nothing, or a rename that clashes, is CONFIG_INVALID
// naming the key. Runs on MariaDB, and on MySQL 8 when PG2MY_TEST_MYSQL8_URL is set.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load-config.js';
import { isMigrationError, type MigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runAssess } from '../../src/pipeline/assess.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const CASE_SQL = `
  CREATE TABLE "Orders" (id int PRIMARY KEY, note text NOT NULL);
  CREATE TABLE orders (id int PRIMARY KEY, "Orders_id" int REFERENCES "Orders" (id), total numeric(10,2));
  INSERT INTO "Orders" SELECT g, 'upper ' || g FROM generate_series(1, 40) g;
  INSERT INTO orders SELECT g, g % 40 + 1, g * 1.25 FROM generate_series(1, 60) g;
  ANALYZE;`;

const COLUMN_SQL = `
  CREATE TABLE users (id int PRIMARY KEY, "Login" text NOT NULL UNIQUE, login_count int);
  CREATE INDEX users_count ON users (login_count, "Login");
  CREATE TABLE posts (id int PRIMARY KEY, author text NOT NULL REFERENCES users ("Login"), body text);
  INSERT INTO users SELECT g, 'user' || g, g FROM generate_series(1, 30) g;
  INSERT INTO posts SELECT g, 'user' || (g % 30 + 1), 'post ' || g FROM generate_series(1, 90) g;
  ANALYZE;`;

async function planError(config: ReturnType<typeof parseConfig>): Promise<MigrationError> {
  try {
    await runMigrate({ config, runId: 'names-refused', sink: silentSink, verify: 'none' });
  } catch (e) {
    if (isMigrationError(e)) return e;
    throw e;
  }
  assert.fail('migrate should have refused');
}

async function identical(source: string, target: string, r: Awaited<ReturnType<typeof runMigrate>>) {
  assert.equal(r.verify?.identical, true, "pg2my's own verify");
  const diffs = await oracleCompare(source, target, r.plan);
  assert.equal(diffs.length, r.plan.tables.length);
  for (const d of diffs) {
    assert.ok(d.sourceRows > 0, `${d.table} has rows`);
    assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);
  }
}

for (const target of testTargets()) {
  test(`tables "Orders" and orders: refused with a rename hint that works as given (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_names_case_${target.dialect}`;
    const source = await freshPgDatabase(db, CASE_SQL);
    const targetUrl = await target.fresh(db);
    const e = await planError(parseConfig({ source, target: targetUrl }));
    assert.equal(e.code, 'IDENTIFIER_INVALID');
    assert.match(e.message, /public\.Orders and public\.orders/);
    assert.doesNotMatch(e.hint ?? '', /schema filter/);
    assert.match(e.hint ?? '', /rename: \{ "public\.Orders": "orders_2" \}/);
    // assess lists the clash with the same fix in machine form (what --config-out writes).
    const report = await runAssess({
      config: parseConfig({ source, target: targetUrl }),
      runId: 'names-assess',
      sink: silentSink,
    });
    assert.deepEqual(report.risks.find((x) => x.id === 'IDENTIFIER_INVALID')?.fix, {
      path: ['rename', 'public.Orders'],
      value: 'orders_2',
    });
    // The fix in the details is config syntax: parse it as YAML and use it.
    const fix = parseYaml(String(e.details.fix)) as Record<string, unknown>;
    const config = parseConfig({ source, target: targetUrl, ...fix });
    const r = await runMigrate({ config, runId: 'names-case', sink: silentSink });
    assert.deepEqual(r.plan.tables.map((t) => [`${t.source.schema}.${t.source.name}`, t.target]).sort(), [
      ['public.Orders', 'orders_2'],
      ['public.orders', 'orders'],
    ]);
    await identical(source, targetUrl, r);
    const my = await mysql.createConnection(targetUrl);
    try {
      const [fk] = await my.query<mysql.RowDataPacket[]>(
        `SELECT TABLE_NAME AS t, REFERENCED_TABLE_NAME AS r FROM information_schema.KEY_COLUMN_USAGE
          WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL`,
      );
      assert.deepEqual(
        fk.map((x) => [x.t, x.r]),
        [['orders', 'orders_2']],
      );
    } finally {
      await my.end();
    }
  });

  test(`columns.*.name renames a column end to end, with the index, UNIQUE and FK that use it (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_names_col_${target.dialect}`;
    const source = await freshPgDatabase(db, COLUMN_SQL);
    const targetUrl = await target.fresh(db);
    const config = parseConfig({
      source,
      target: targetUrl,
      columns: {
        'public.users.Login': { name: 'user_login' },
        'public.posts.author': { name: 'author_login' },
        // The key the copy and verify split the table by.
        'public.posts.id': { name: 'post_id' },
      },
      migrate: { initialChunkRows: 7, maxChunkRows: 20 },
    });
    const r = await runMigrate({ config, runId: 'names-col', sink: silentSink, verify: 'full' });
    await identical(source, targetUrl, r);
    const my = await mysql.createConnection(targetUrl);
    try {
      const [cols] = await my.query<mysql.RowDataPacket[]>(
        `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('users', 'posts') ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      );
      assert.deepEqual(
        cols.map((x) => `${x.t}.${x.c}`),
        [
          'posts.post_id',
          'posts.author_login',
          'posts.body',
          'users.id',
          'users.user_login',
          'users.login_count',
        ],
      );
      const [ix] = await my.query<mysql.RowDataPacket[]>(
        `SELECT TABLE_NAME AS t, INDEX_NAME AS i, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS c
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'
          GROUP BY TABLE_NAME, INDEX_NAME ORDER BY TABLE_NAME, INDEX_NAME`,
      );
      const indexes = ix.map((x) => `${x.t}:${x.c}`);
      assert.ok(indexes.includes('users:login_count,user_login'), indexes.join(' '));
      assert.ok(indexes.includes('users:user_login'), indexes.join(' '));
      const [fk] = await my.query<mysql.RowDataPacket[]>(
        `SELECT COLUMN_NAME AS c, REFERENCED_TABLE_NAME AS r, REFERENCED_COLUMN_NAME AS rc
           FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL`,
      );
      assert.deepEqual(
        fk.map((x) => [x.c, x.r, x.rc]),
        [['author_login', 'users', 'user_login']],
      );
    } finally {
      await my.end();
    }
  });

  test(`a rename key that names nothing, or a rename that clashes, is CONFIG_INVALID naming the key (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_names_bad_${target.dialect}`;
    const source = await freshPgDatabase(db, COLUMN_SQL);
    const targetUrl = await target.fresh(db);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ rename: { 'public.Users': 'people' } }, /^rename\.public\.Users: table public\.Users is not part/],
      [{ rename: { users: 'people' } }, /^rename\.users: /],
      [{ columns: { 'public.users.login': { name: 'x' } } }, /^columns\.public\.users\.login\.name: /],
      [{ columns: { 'public.nope.id': { name: 'x' } } }, /^columns\.public\.nope\.id\.name: /],
      [
        { rename: { 'public.posts': 'USERS' } },
        /^rename\.public\.posts: tables public\.posts and public\.users/,
      ],
      [{ columns: { 'public.users.id': { name: 'LOGIN_COUNT' } } }, /^columns\.public\.users\.id\.name: /],
      [{ rename: { 'public.posts': 'p'.repeat(65) } }, /^rename\.public\.posts = "p+": the name is longer/],
      [{ schemaMap: { billing: 'app_billing' } }, /^schemaMap\.billing: schema billing is not part/],
    ];
    for (const [extra, message] of cases) {
      const e = await planError(parseConfig({ source, target: targetUrl, ...extra }));
      assert.equal(e.code, 'CONFIG_INVALID', JSON.stringify(extra));
      assert.match(e.message, message, JSON.stringify(extra));
    }
    const my = await mysql.createConnection(targetUrl);
    try {
      const [rows] = await my.query<mysql.RowDataPacket[]>(
        'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
      );
      assert.equal(Number(rows[0]?.n), 0, 'nothing was written to the target');
    } finally {
      await my.end();
    }
  });
}
