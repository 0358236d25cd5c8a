// Issue 11 (defect 6b): under `types.interval: time`, an interval with a year, month or day part has no
// TIME twin ('1 mon' used to become 720:00:00, '1 mon -30 days' 00:00:00, exit 0). The copy refuses it with
// DATA_REJECTED naming table, column, value and key; assess counts it as INTERVAL_OUT_OF_RANGE with example
// keys; intervals of hours, minutes and seconds only still copy exactly; `types.interval: text` keeps all.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { exitCodeFor, isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { assess, risk } from '../helpers/assess.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const SQL = `
CREATE TABLE fits (id int PRIMARY KEY, d interval);
INSERT INTO fits VALUES (1, '12:34:56.5'), (2, '-838:59:59'), (3, NULL), (4, '49 hours'), (5, '-00:00:00.000001');
CREATE TABLE parts (id int PRIMARY KEY, d interval);
INSERT INTO parts VALUES (1, '01:00:00'), (2, '1 mon'), (3, '1 year -360 days'), (4, '3 days'), (5, '1 mon -30 days'),
  (6, '-1 day +24:00:00'), (7, NULL), (8, '838:59:59');
ANALYZE;`;

for (const target of testTargets()) {
  test(`interval as TIME: a year, month or day part is refused at copy and counted by assess (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_ivparts_${target.dialect}`;
    const source = await freshPgDatabase(db, SQL);
    const types = { interval: 'time' };

    // assess: exactly the rows with a year, month or day part (epoch 0 for '1 mon -30 days' included).
    const r = await assess(source, await target.fresh(db), { types });
    const parts = risk(r, 'INTERVAL_OUT_OF_RANGE', 'public.parts', 'd');
    assert.equal(parts.severity, 'blocking');
    assert.equal(parts.blastRadius.rows, 5);
    assert.deepEqual([...(parts.blastRadius.exampleKeys ?? [])].sort(), [
      'id=2',
      'id=3',
      'id=4',
      'id=5',
      'id=6',
    ]);
    assert.equal(parts.config, 'types.interval: text');
    const fitsRisks = r.risks.filter(
      (x) => x.id === 'INTERVAL_OUT_OF_RANGE' && x.blastRadius.table === 'public.fits',
    );
    assert.deepEqual(fitsRisks, [], 'hours-only intervals within ±838:59:59 fit');

    // The copy refuses the first such row in key order, naming table, column, value and key; nothing silent.
    const refused = await target.fresh(db);
    await assert.rejects(
      runMigrate({
        config: parseConfig({ source, target: refused, types, tables: ['public.parts'] }),
        runId: 'ivparts-refused',
        sink: silentSink,
      }),
      (e: unknown) => {
        assert.ok(isMigrationError(e), String(e));
        assert.equal(e.code, 'DATA_REJECTED', e.message);
        assert.equal(exitCodeFor(e), 8);
        assert.match(e.message, /table parts /);
        assert.match(e.message, /column d: TIME cannot hold an interval with a month or day part/);
        assert.match(e.message, /value P1M, key id=2/);
        assert.match(e.message, /types\.interval: text/);
        return true;
      },
    );
    const conn = await mysql.createConnection(refused);
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'parts'",
      );
      if (Number(rows[0]?.n) > 0) {
        const [stored] = await conn.query<mysql.RowDataPacket[]>('SELECT CAST(d AS CHAR) AS d FROM parts');
        assert.deepEqual(stored, [], 'the refused chunk committed nothing (no 720:00:00 for 1 mon)');
      }
    } finally {
      await conn.end();
    }

    // Hours, minutes and seconds only: copied exactly as TIME, verify identical.
    const ok = await target.fresh(db);
    const m = await runMigrate({
      config: parseConfig({ source, target: ok, types, tables: ['public.fits'] }),
      runId: 'ivparts-fits',
      sink: silentSink,
    });
    assert.equal(m.verify?.identical, true);
    const c2 = await mysql.createConnection(ok);
    try {
      const [rows] = await c2.query<mysql.RowDataPacket[]>(
        'SELECT id, CAST(d AS CHAR) AS d FROM fits ORDER BY id',
      );
      assert.deepEqual(
        rows.map((x) => [Number(x.id), x.d]),
        [
          [1, '12:34:56.500000'],
          [2, '-838:59:59.000000'],
          [3, null],
          [4, '49:00:00.000000'],
          [5, '-00:00:00.000001'],
        ],
      );
    } finally {
      await c2.end();
    }

    // The advice: as ISO 8601 text every interval is kept, and the run verifies identical.
    const asText = await runMigrate({
      config: parseConfig({ source, target: await target.fresh(db), types: { interval: 'text' } }),
      runId: 'ivparts-text',
      sink: silentSink,
    });
    assert.equal(asText.verify?.identical, true);
  });
}
