// Issue 10 point 7: a STORED generated column whose expression pg2my can translate (arithmetic, lower(),
// ||, COALESCE, jsonb -> / ->>) becomes a real generated column on the target, is not copied, comes out
// identical (pg2my verify and the independent oracle, which compares generated columns too), and a target
// that computes differently is caught by verify. Untranslatable ones, and ones the target would refuse (PK,
// FK actions on a column they read, char(n)), are copied as plain values with a NotConverted entry.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { runVerify } from '../../src/pipeline/verify.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const SOURCE = `
  CREATE TABLE items (
    id int PRIMARY KEY,
    price numeric(10,2) NOT NULL,
    qty int NOT NULL,
    name text,
    sku varchar(20),
    doc jsonb,
    blob bytea,
    flag boolean,
    total numeric(12,2) GENERATED ALWAYS AS (price * qty) STORED,
    lname text GENERATED ALWAYS AS (lower(sku)) STORED,
    disc numeric(10,2) GENERATED ALWAYS AS (price * 0.855) STORED,
    label text GENERATED ALWAYS AS (name || '/' || sku || '#' || qty) STORED,
    nick text GENERATED ALWAYS AS (coalesce(sku, name, 'none')) STORED,
    kind varchar(40) GENERATED ALWAYS AS (doc->>'kind') STORED,
    inner_v text GENERATED ALWAYS AS (doc->'x'->>'y z') STORED,
    sub jsonb GENERATED ALWAYS AS (doc->'x') STORED,
    half int GENERATED ALWAYS AS (qty / 2) STORED,
    ival bigint GENERATED ALWAYS AS ((doc->'n')::bigint) STORED,
    bval boolean GENERATED ALWAYS AS ((doc->'b')::boolean) STORED,
    dval numeric(20,5) GENERATED ALWAYS AS ((doc->'d')::numeric) STORED,
    digest text GENERATED ALWAYS AS (md5(name)) STORED
  );
  CREATE INDEX items_kind ON items (kind);
  INSERT INTO items (id, price, qty, name, sku, doc) VALUES
    (1, 9.99, 3, 'Widget', 'W-1', '{"kind": "tool", "x": {"y z": "deep", "a": [1, 2]}, "n": 2.5, "b": true, "d": 2.000005}'),
    (2, 0.10, 7, 'GADGET Pro', NULL, '{"kind": null, "x": {"y z": null}}'),
    (3, 12345678.91, 0, NULL, 'S', '{"other": 1}'),
    (4, 1.00, -5, 'Quote "q" \\ back', 'Q', '{"kind": "say \\"hi\\"\\n", "x": {"y z": 7}, "n": -2.5, "b": false, "d": -2.000005}'),
    (5, 2.50, 2, 'Ünïcödé 😀', 'U', '{"kind": "日本", "x": []}'),
    (6, 3.00, 1, 'plain', 'P', NULL),
    (7, 4.00, 9, 'arr', 'A', '[1, 2]'),
    (8, 5.00, 11, 'obj', 'O', '{"kind": {"nested": true}, "x": {"y z": [true, false]}}');
  INSERT INTO items (id, price, qty, name, sku, doc)
    SELECT g, g * 0.25, g % 13, 'name ' || g, 'S' || g, jsonb_build_object('kind', 'k' || (g % 5), 'x', jsonb_build_object('y z', g), 'n', g * 1000003, 'b', g % 2 = 0, 'd', (g % 50) * 0.25 + 0.125)
      FROM generate_series(10, 400) g;
  -- Columns the load transforms (bytea via a SET clause, boolean) next to the skipped generated ones.
  UPDATE items SET blob = decode(md5(id::text), 'hex'), flag = id % 3 = 0 WHERE id % 4 <> 1;

  -- The target would refuse these as generated columns: copied as values instead.
  CREATE TABLE parents (id int PRIMARY KEY);
  INSERT INTO parents SELECT g FROM generate_series(1, 5) g;
  CREATE TABLE kids (
    id int PRIMARY KEY,
    pid int REFERENCES parents (id) ON UPDATE CASCADE,
    twice int GENERATED ALWAYS AS (pid * 2) STORED
  );
  INSERT INTO kids (id, pid) SELECT g, 1 + g % 5 FROM generate_series(1, 20) g;
  CREATE TABLE keyed (a int NOT NULL, b int GENERATED ALWAYS AS (a + 1) STORED PRIMARY KEY);
  INSERT INTO keyed (a) SELECT g FROM generate_series(1, 20) g;
  CREATE TABLE coded (id int PRIMARY KEY, code char(4), lc text GENERATED ALWAYS AS (lower(code)) STORED);
  INSERT INTO coded (id, code) VALUES (1, 'AB'), (2, 'ABCD'), (3, NULL);`;

const CONVERTED = [
  'total',
  'lname',
  'disc',
  'label',
  'nick',
  'kind',
  'inner_v',
  'sub',
  'half',
  'ival',
  'bval',
  'dval',
];

for (const target of testTargets()) {
  for (const loadMethod of ['load-data', 'insert'] as const) {
    test(`generated columns: translated ones are computed by the target and verified; others are copied (${target.dialect}, ${loadMethod})`, {
      skip: target.skip,
    }, async () => {
      const db = `it_gen_${target.dialect}_${loadMethod.replace('-', '_')}`;
      const source = await freshPgDatabase(db, SOURCE);
      const targetUrl = await target.fresh(db);
      const config = parseConfig({
        source,
        target: targetUrl,
        migrate: { loadMethod, initialChunkRows: 50 },
      });
      const r = await runMigrate({ config, runId: `gen-${target.dialect}`, sink: silentSink });
      assert.equal(r.loadMethod, loadMethod);

      // The plan says which happened, per column.
      const items = r.plan.tables.find((t) => t.target === 'items')!;
      const generated = items.columns.filter((c) => c.generated).map((c) => c.source);
      assert.deepEqual(generated, CONVERTED);
      const converted = r.plan.warnings.filter((w) => w.code === 'GENERATED_COLUMN').map((w) => w.object);
      assert.deepEqual(
        converted,
        CONVERTED.map((c) => `public.items.${c}`),
      );
      const nc = r.plan.notConverted.filter((n) => n.kind === 'generated column');
      const ncBy = new Map(nc.map((n) => [n.name, n.reason]));
      assert.deepEqual([...ncBy.keys()].sort(), ['coded.lc', 'items.digest', 'keyed.b', 'kids.twice']);
      assert.match(ncBy.get('items.digest')!, /md5/);
      assert.match(ncBy.get('kids.twice')!, /foreign key .*ON UPDATE CASCADE/);
      assert.match(ncBy.get('keyed.b')!, /primary key/);
      assert.match(ncBy.get('coded.lc')!, /char\(n\)/);
      for (const n of nc) assert.match(n.reason, /copied as plain values/);

      // Identical by pg2my's verify and by the oracle (which includes generated columns).
      assert.equal(
        r.verify?.identical,
        true,
        JSON.stringify(r.verify?.tables.filter((t) => t.status !== 'identical')),
      );
      const diffs = await oracleCompare(source, targetUrl, r.plan);
      for (const d of diffs)
        assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);

      const my = await mysql.createConnection(targetUrl);
      try {
        // Real generated columns on the target; the others are plain columns.
        const [cols] = await my.query<mysql.RowDataPacket[]>(
          `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, GENERATION_EXPRESSION AS g, EXTRA AS x
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
        );
        const info = new Map(cols.map((c) => [`${c.t}.${c.c}`, { g: String(c.g ?? ''), x: String(c.x) }]));
        for (const c of CONVERTED) {
          const i = info.get(`items.${c}`)!;
          assert.notEqual(i.g, '', `items.${c} has a generation expression`);
          assert.match(i.x, /STORED|PERSISTENT/i, `items.${c} is stored generated: ${i.x}`);
        }
        for (const c of ['items.digest', 'kids.twice', 'keyed.b', 'coded.lc']) {
          assert.equal(info.get(c)!.g, '', `${c} is a plain column`);
          assert.doesNotMatch(info.get(c)!.x, /GENERATED|PERSISTENT/i, c);
        }
        // New rows are computed by the target.
        await my.query(
          `INSERT INTO items (id, price, qty, name, sku, doc) VALUES (9000, 1.25, 4, 'New', NULL, '{"kind": "fresh", "x": {"y z": "v"}}')`,
        );
        const [rows] = await my.query<mysql.RowDataPacket[]>(
          'SELECT CAST(total AS CHAR) AS total, CAST(disc AS CHAR) AS disc, lname, label, nick, kind, inner_v, half FROM items WHERE id = 9000',
        );
        assert.deepEqual(
          { ...rows[0] },
          {
            total: '5.00',
            disc: '1.07',
            lname: null,
            label: null,
            nick: 'New',
            kind: 'fresh',
            inner_v: 'v',
            half: 2,
          },
        );
        await my.query('DELETE FROM items WHERE id = 9000');

        // A target that computes a generated column differently is found by verify, and one that is not
        // generated at all is structure drift.
        await my.query('ALTER TABLE items MODIFY lname text GENERATED ALWAYS AS (UPPER(sku)) STORED');
        await my.query('ALTER TABLE items MODIFY half int NULL');
      } finally {
        await my.end();
      }
      const v = await runVerify({
        config,
        runId: `gen-verify-${target.dialect}`,
        sink: silentSink,
        plan: r.plan,
      });
      assert.equal(v.identical, false);
      const bad = v.tables.filter((t) => t.status !== 'identical').map((t) => t.table);
      assert.deepEqual(bad, ['items']);
      assert.deepEqual(
        v.structure
          .filter((p) => /generated/.test(p.object))
          .map((p) => [p.table, p.object, p.expected, p.actual]),
        [['items', 'column half generated', 'stored generated', 'plain']],
      );
      const diff = v.tables.find((t) => t.table === 'items')!.different;
      assert.ok(
        diff.length > 0 && diff.every((d) => d.columns.join() === 'lname'),
        JSON.stringify(diff.slice(0, 3)),
      );
    });
  }
}
