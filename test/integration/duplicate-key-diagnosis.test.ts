// Issue 10 point 2, the diagnosis: a duplicate key on the target names what actually collided, judged by
// the source. A real case-only collision under utf8mb4_unicode_ci blames the collation and names both
// keys (LOAD DATA and INSERT paths); a 0 renumbered by AUTO_INCREMENT (made to happen here with a plain sql_mode) is reported as a key
// the target changed, not as a collation collision. MariaDB, and MySQL 8 when PG2MY_TEST_MYSQL8_URL is set.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { countRowsWithKey } from '../../src/source/postgres/key-lookup.js';
import { explainDuplicate } from '../../src/target/mysql/duplicate-key.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

for (const target of testTargets()) {
  for (const loadMethod of ['load-data', 'insert'] as const)
    test(`a case-only key collision blames the collation and names both keys (${loadMethod}, ${target.dialect})`, {
      skip: target.skip,
    }, async () => {
      const db = `it_dupdiag_ci_${loadMethod.replace('-', '_')}_${target.dialect}`;
      const source = await freshPgDatabase(
        db,
        `CREATE TABLE tags (name text PRIMARY KEY, n int);
       INSERT INTO tags SELECT 'tag' || g, g FROM generate_series(1, 50) g;
       INSERT INTO tags VALUES ('Ruby', 100), ('ruby', 101);`,
      );
      const config = parseConfig({
        source,
        target: await target.fresh(db),
        collation: { key: 'utf8mb4_unicode_ci' },
        migrate: { loadMethod },
      });
      const err = await runMigrate({ config, runId: 'dupdiag-ci', sink: silentSink }).then(
        () => assert.fail('migrate must fail'),
        (e: unknown) => e,
      );
      assert.ok(isMigrationError(err), String(err));
      assert.equal(err.code, 'DATA_REJECTED');
      assert.equal(err.details.duplicateCause, 'collation', err.message);
      assert.match(err.message, /\(name\) = \('Ruby'\)/);
      assert.match(err.message, /\(name\) = \('ruby'\)/);
      assert.match(err.message, /distinct rows in PostgreSQL/);
      assert.match(err.message, /key collation treats values as equal/);
      assert.match(err.hint ?? '', /binary NO PAD/);
    });

  test(`a 0 renumbered by AUTO_INCREMENT is reported as a changed key, not a collation (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_dupdiag_zero_${target.dialect}`;
    const source = await freshPgDatabase(
      db,
      `CREATE TABLE t (id serial PRIMARY KEY, v text);
       INSERT INTO t (id, v) SELECT g, 'row ' || g FROM generate_series(0, 9) g;`,
    );
    const my = await mysql.createConnection(await target.fresh(db));
    const src = new pg.Client({ connectionString: source });
    await src.connect();
    try {
      await my.query('CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v LONGTEXT)');
      // Without NO_AUTO_VALUE_ON_ZERO the 0 becomes 1 and the real 1 is then a duplicate: what LOAD DATA
      // with a SET clause did on MariaDB before the fix.
      await my.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
      await my.query('START TRANSACTION');
      await my.query("INSERT IGNORE INTO t (id, v) VALUES (0, 'row 0'), (1, 'row 1'), (2, 'row 2')");
      const [warns] = await my.query<mysql.RowDataPacket[]>('SHOW WARNINGS');
      const dup = warns.find((w) => Number(w.Code) === 1062);
      assert.ok(dup, JSON.stringify(warns));
      const why = await explainDuplicate(
        {
          conn: my,
          chunk: { table: 't', no: 0, kind: 'int', lo: null, hi: ['9'] },
          into: { table: 't' },
          columns: ['id', 'v'].map((c) => ({
            source: c,
            target: c,
            sourceType: c === 'id' ? 'integer' : 'text',
            ruleId: 'test',
            transform: 'none' as const,
            generated: false,
          })),
          sourceKeyCount: (cols, values) =>
            countRowsWithKey(src, { schema: 'public', name: 't' }, cols, values),
          autoIncrement: 'id',
        },
        String(dup.Message),
      );
      await my.query('ROLLBACK');
      assert.equal(why.cause, 'changed-key', why.message);
      assert.match(why.message, /renumbered source key \(id\) = \('0'\)/);
      assert.match(why.message, /AUTO_INCREMENT column id/);
      assert.match(why.message, /\(id\) = \('1'\)/);
      assert.doesNotMatch(why.message, /collation treats/);
    } finally {
      await my.end();
      await src.end();
    }
  });
}
