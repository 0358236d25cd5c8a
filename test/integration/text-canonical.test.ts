// Issue 10 point 4: a column mapped to a MySQL text type holds PostgreSQL's own text of the value (the
// `::text` cast in pg2my's source session: UTC, ISO dates, shortest round-trip floats), and verify compares
// exactly that. Following assess's advice (`columns.<col>.type: varchar(40)` for infinity, BC, year 10000,
// NaN, ±Infinity) must give a clean migrate whose own verify says identical, on every target.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { assess, risk } from '../helpers/assess.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const SQL = `
CREATE TABLE specials (id int PRIMARY KEY, d date, ts timestamptz, r real, f double precision);
INSERT INTO specials VALUES
  (1, 'infinity', 'infinity', 'NaN', 'NaN'),
  (2, '-infinity', '-infinity', 'Infinity', 'Infinity'),
  (3, '0044-03-15 BC', '0044-03-15 12:00:00+00 BC', '-Infinity', '-Infinity'),
  (4, '10000-01-01', '10000-01-01 00:00:00+00', 0.1, 0.1),
  (5, '2024-01-02', '2024-01-02 03:04:05.123456+00', 3.4028235e38, 1.7976931348623157e308),
  (6, '2024-02-29', '2024-01-02 03:04:05+05:30', '-0', 5e-324),
  (7, NULL, NULL, NULL, NULL);`;

/** The documented canonical texts: PostgreSQL's text output with TimeZone UTC, DateStyle ISO, shortest floats. */
const EXPECTED = [
  ['1', 'infinity', 'infinity', 'NaN', 'NaN'],
  ['2', '-infinity', '-infinity', 'Infinity', 'Infinity'],
  ['3', '0044-03-15 BC', '0044-03-15 12:00:00+00 BC', '-Infinity', '-Infinity'],
  ['4', '10000-01-01', '10000-01-01 00:00:00+00', '0.1', '0.1'],
  ['5', '2024-01-02', '2024-01-02 03:04:05.123456+00', '3.4028235e+38', '1.7976931348623157e+308'],
  ['6', '2024-02-29', '2024-01-01 21:34:05+00', '-0', '5e-324'],
  ['7', null, null, null, null],
];

for (const target of testTargets()) {
  test(`assess's varchar(40) advice for out-of-range dates and NaN/Infinity floats migrates identical, stored as PostgreSQL's text (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_canon_specials_${target.dialect}`;
    const source = await freshPgDatabase(db, SQL);
    const targetUrl = await target.fresh(db);
    // The advice comes from assess itself, not from this test.
    const report = await assess(source, targetUrl);
    const advice = [
      risk(report, 'DATE_INFINITE', 'public.specials', 'd'),
      risk(report, 'DATE_OUT_OF_RANGE', 'public.specials', 'd'),
      risk(report, 'DATE_INFINITE', 'public.specials', 'ts'),
      risk(report, 'DATE_OUT_OF_RANGE', 'public.specials', 'ts'),
      risk(report, 'NUMERIC_SPECIAL_VALUE', 'public.specials', 'r'),
      risk(report, 'NUMERIC_SPECIAL_VALUE', 'public.specials', 'f'),
    ].map((x) => x.config);
    const columns: Record<string, { type: string }> = {};
    for (const line of advice) {
      const m = /^columns\.(.+)\.type: (.+)$/.exec(line ?? '');
      assert.ok(m, `assess advises a column type: ${line}`);
      columns[m[1]!] = { type: m[2]! };
    }
    assert.deepEqual(Object.keys(columns).sort(), [
      'public.specials.d',
      'public.specials.f',
      'public.specials.r',
      'public.specials.ts',
    ]);
    const config = parseConfig({ source, target: targetUrl, columns });
    const r = await runMigrate({ config, runId: 'canon', sink: silentSink });
    assert.equal(r.verify?.identical, true, "pg2my's own verify says identical");
    const my = await mysql.createConnection(targetUrl);
    try {
      const [rows] = await my.query({
        sql: 'SELECT CAST(id AS CHAR), d, ts, r, f FROM specials ORDER BY id',
        rowsAsArray: true,
      });
      assert.deepEqual(rows, EXPECTED);
    } finally {
      await my.end();
    }
  });
}
