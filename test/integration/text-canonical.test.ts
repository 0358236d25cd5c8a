// Issue 10 point 4: a column mapped to a MySQL text type holds PostgreSQL's own text of the value (the
// `::text` cast in pg2my's source session: UTC, ISO dates, shortest round-trip floats), and verify compares
// exactly that. Following assess's advice (`columns.<col>.type: varchar(40)` for infinity, BC, year 10000,
// NaN, ±Infinity) must give a clean migrate whose own verify says identical, on every target.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
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

  test(`arrays overridden to CHAR, VARCHAR and a BLOB keep their JSON text and verify identical (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_canon_arrays_${target.dialect}`;
    const source = await freshPgDatabase(
      db,
      `CREATE TABLE arrs (id int PRIMARY KEY, a int[], b text[], c jsonb[], d bytea[]);
       INSERT INTO arrs VALUES (1, '{1,2}', '{"x y",NULL}', ARRAY['{"k": [1]}'::jsonb], '{"\\\\x00ff"}'),
         (2, '{}', '{}', '{}', '{}'), (3, NULL, NULL, NULL, NULL), (4, '{{1,2},{3,4}}', '{"é"}', '{null}', NULL);`,
    );
    const targetUrl = await target.fresh(db);
    const columns = {
      'public.arrs.a': { type: 'char(100)' },
      'public.arrs.b': { type: 'varchar(100)' },
      'public.arrs.c': { type: 'longblob' },
      'public.arrs.d': { type: 'char(100)' },
    };
    const r = await runMigrate({
      config: parseConfig({ source, target: targetUrl, columns }),
      runId: 'canon-arr',
      sink: silentSink,
    });
    assert.equal(r.verify?.identical, true, "pg2my's own verify says identical");
    const my = await mysql.createConnection(targetUrl);
    try {
      const [rows] = await my.query({
        sql: 'SELECT CAST(id AS CHAR), a, b, CONVERT(c USING utf8mb4), d FROM arrs ORDER BY id',
        rowsAsArray: true,
      });
      assert.deepEqual(rows, [
        ['1', '[1,2]', '["x y",null]', '[{"k": [1]}]', '["\\\\x00ff"]'],
        ['2', '[]', '[]', '[]', '[]'],
        ['3', null, null, null, null],
        ['4', '[[1,2],[3,4]]', '["é"]', '[null]', null],
      ]);
    } finally {
      await my.end();
    }
  });

  test(`every kitchen-sink type overridden to longtext holds PostgreSQL's ::text and verifies identical (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_canon_all_${target.dialect}`;
    const source = await freshPgDatabase(
      db,
      readFileSync(new URL('../fixtures/sql/kitchen-sink.sql', import.meta.url), 'utf8'),
    );
    const targetUrl = await target.fresh(db);
    // The documented session, set here independently of pg2my's code.
    const p = new pg.Client({ connectionString: source, types: { getTypeParser: () => (v: string) => v } });
    await p.connect();
    let expected: Map<string, Record<string, string | null>>;
    let cols: { name: string; array: boolean; bytea: boolean }[];
    try {
      await p.query(
        "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 1",
      );
      const meta = await p.query<{ name: string; array: string; bytea: string }>(
        `SELECT attname AS name, (t.typcategory = 'A')::text AS array, (t.typname = 'bytea')::text AS bytea
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
          WHERE attrelid = 'public.all_types'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id'
          ORDER BY attnum`,
      );
      // Every value arrives as text (no type parsers), booleans as 'true'/'false'.
      cols = meta.rows.map((m) => ({ name: m.name, array: m.array === 'true', bytea: m.bytea === 'true' }));
      const exprs = cols.map((c) => {
        const v = `"${c.name}"`;
        if (c.array) return `array_to_json(${v})::text AS ${v}`;
        if (c.bytea) return `encode(${v}, 'hex') AS ${v}`;
        return `${v}::text AS ${v}`;
      });
      const r = await p.query(`SELECT id::text AS id, ${exprs.join(', ')} FROM all_types`);
      expected = new Map(r.rows.map((row) => [row.id as string, row as Record<string, string | null>]));
    } finally {
      await p.end();
    }
    const columns = Object.fromEntries(
      cols.map((c) => [`public.all_types.${c.name}`, { type: c.bytea ? 'longblob' : 'longtext' }]),
    );
    const config = parseConfig({ source, target: targetUrl, tables: ['public.all_types'], columns });
    const r = await runMigrate({ config, runId: 'canon-all', sink: silentSink });
    assert.equal(r.verify?.identical, true, "pg2my's own verify says identical");
    const my = await mysql.createConnection(targetUrl);
    try {
      const sel = cols.map((c) =>
        c.bytea
          ? `LOWER(HEX(\`${c.name}\`)) AS \`${c.name}\``
          : `CONVERT(\`${c.name}\` USING utf8mb4) AS \`${c.name}\``,
      );
      const [rows] = await my.query<mysql.RowDataPacket[]>(
        `SELECT CAST(id AS CHAR) AS id, ${sel.join(', ')} FROM all_types`,
      );
      assert.equal(rows.length, expected.size);
      for (const row of rows) {
        const want = expected.get(String(row.id));
        for (const c of cols) assert.equal(row[c.name], want?.[c.name], `id ${row.id} column ${c.name}`);
      }
    } finally {
      await my.end();
    }
  });
}
