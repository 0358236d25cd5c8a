// Issue 10 point 3: a CHECK … NOT VALID with violating rows, a domain's NOT VALID CHECK and a FOREIGN KEY …
// NOT VALID with orphan rows migrate (they used to fail post-data with exit 8): rows identical by the independent oracle, both
// constraints exist on the target, new violating rows are rejected (MariaDB; MySQL 8 holds the CHECK NOT
// ENFORCED), verify's structure check is clean, and assess lists both with their violating row counts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { assess } from '../helpers/assess.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

// 60 items: qty is negative for every 10th (6 rows violate the CHECK); parent_id points nowhere for every
// 7th (8 orphans), is NULL for other multiples of 3 (NULL never violates), else 1 or 2; score (a domain
// with a NOT VALID CHECK) is negative for every 12th (5 rows).
const SOURCE_SQL = `
  CREATE DOMAIN nv_score AS int;
  CREATE TABLE parents (id int PRIMARY KEY, name text NOT NULL);
  INSERT INTO parents VALUES (1, 'one'), (2, 'two');
  CREATE TABLE items (
    id int PRIMARY KEY CHECK (id > 0),
    qty int,
    parent_id int,
    note text,
    score nv_score
  );
  INSERT INTO items
  SELECT g, CASE WHEN g % 10 = 0 THEN -g ELSE g END,
         CASE WHEN g % 7 = 0 THEN 1000 + g WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 2 END, 'note ' || g,
         CASE WHEN g % 12 = 0 THEN -1 ELSE g END
  FROM generate_series(1, 60) g;
  ALTER DOMAIN nv_score ADD CONSTRAINT nv_score_check CHECK (VALUE >= 0) NOT VALID;
  ALTER TABLE items ADD CONSTRAINT items_qty_positive CHECK (qty > 0) NOT VALID;
  ALTER TABLE items ADD CONSTRAINT items_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id) NOT VALID;
`;

async function rejects(conn: mysql.Connection, sql: string): Promise<number | undefined> {
  try {
    await conn.query(sql);
    return undefined;
  } catch (e) {
    return (e as { errno?: number }).errno;
  }
}

for (const target of testTargets()) {
  test(`NOT VALID CHECK and FK with violating rows migrate and keep PostgreSQL's semantics (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_notvalid_${target.dialect}`;
    const source = await freshPgDatabase(db, SOURCE_SQL);

    const report = await assess(source, await target.fresh(db));
    const nv = report.risks.filter((r) => r.id === 'NOT_VALID_CONSTRAINT');
    assert.deepEqual(
      nv.map((r) => [r.blastRadius.table, r.blastRadius.objects?.[0], r.blastRadius.rows]).sort(),
      [
        ['public.items', 'items_parent_fk', 8],
        ['public.items', 'items_qty_positive', 6],
        ['public.items', 'score (domain public.nv_score)', 5],
      ],
      report.risks.map((r) => `${r.id} ${r.title}`).join(' | '),
    );
    assert.ok(!report.risks.some((r) => r.id === 'PLAN_WARNING' && r.title.includes('NOT_VALID')));
    const check = nv.find((r) => r.blastRadius.objects?.[0] === 'items_qty_positive')!;
    assert.equal(check.severity, target.dialect === 'mysql8' ? 'medium' : 'low', check.title);

    const targetUrl = await target.fresh(db);
    const r = await runMigrate({
      config: parseConfig({ source, target: targetUrl }),
      runId: db,
      sink: silentSink,
    });
    assert.deepEqual(
      r.plan.warnings
        .filter((w) => w.code === 'NOT_VALID_CONSTRAINT')
        .map((w) => w.object)
        .sort(),
      [
        'public.items.items_parent_fk',
        'public.items.items_qty_positive',
        'public.items.score (domain public.nv_score)',
      ],
    );
    assert.deepEqual(r.verify?.structure, [], 'verify structure check');
    assert.equal(r.verify?.identical, true, "pg2my's own verify");
    for (const d of await oracleCompare(source, targetUrl, r.plan))
      assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);

    const my = await mysql.createConnection(targetUrl);
    try {
      const [checks] = await my.query<mysql.RowDataPacket[]>(
        `SELECT tc.CONSTRAINT_NAME AS n, tc.* FROM information_schema.TABLE_CONSTRAINTS tc
          WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME = 'items' AND tc.CONSTRAINT_TYPE IN ('CHECK', 'FOREIGN KEY')
          ORDER BY tc.CONSTRAINT_NAME`,
      );
      assert.deepEqual(
        checks.map((c) => c.n),
        ['items_id_check', 'items_parent_fk', 'items_qty_positive', 'items_score_check'],
      );
      for (const name of ['items_qty_positive', 'items_score_check'])
        assert.equal(
          checks.find((c) => c.n === name)?.ENFORCED,
          target.dialect === 'mysql8' ? 'NO' : undefined,
        );
      // New rows: the orphan FK and the still-valid CHECK reject on both; the NOT VALID CHECK on MariaDB.
      assert.equal(await rejects(my, 'INSERT INTO items VALUES (100, 1, 999, NULL, 1)'), 1452);
      assert.equal(
        await rejects(my, 'INSERT INTO items VALUES (-1, 1, 1, NULL, 1)'),
        target.dialect === 'mysql8' ? 3819 : 4025,
      );
      const notValid = target.dialect === 'mysql8' ? undefined : 4025;
      assert.equal(await rejects(my, 'INSERT INTO items VALUES (101, -1, 1, NULL, 1)'), notValid);
      assert.equal(await rejects(my, 'INSERT INTO items VALUES (102, 1, 1, NULL, -1)'), notValid);
      // Existing violating rows stay as they were copied.
      const [[row]] = await my.query<mysql.RowDataPacket[]>(
        'SELECT SUM(qty < 0) AS bad, SUM(parent_id > 2) AS orphans, SUM(score < 0) AS low FROM items WHERE id <= 60',
      );
      assert.deepEqual([Number(row!.bad), Number(row!.orphans), Number(row!.low)], [6, 8, 5]);
    } finally {
      await my.end();
    }
  });
}
