// Issue 10 point 10: what real application schemas hold and MySQL refuses as declared. An integer FK to a
// bigint key (widened, FK_TYPE_WIDENED), a character(n) FK to a varchar key (joined as is), an FK naming a
// UNIQUE key's columns in another order (pairs put in the key's order), ON DELETE SET
// NULL on a NOT NULL column (planned as NO ACTION: the delete is refused on both sides), and types without
// a MySQL twin (point, hstore, ranges incl. a custom uuidrange, multirange, tsvector, tsquery, inet, polygon)
// kept losslessly with a TYPE_NOTE. Each migrates with the defaults, identical by pg2my's verify (migrate's
// and a full `verify`) and by the independent oracle; assess says what it changes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { runVerify } from '../../src/pipeline/verify.js';
import { assess } from '../helpers/assess.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const FK_SQL = `
  CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE posts (
    id serial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id) ON DELETE SET NULL,
    editor_id integer REFERENCES users (id) ON DELETE SET NULL,
    title text);
  CREATE TABLE units (id int PRIMARY KEY, class_id int NOT NULL, UNIQUE (id, class_id));
  CREATE TABLE unit_lines (class_id int, unit_id int, FOREIGN KEY (class_id, unit_id) REFERENCES units (class_id, id));
  INSERT INTO units SELECT g, g % 3 FROM generate_series(1, 9) g;
  INSERT INTO unit_lines SELECT g % 3, g FROM generate_series(1, 9) g;
  CREATE TABLE languages (code varchar(6) PRIMARY KEY);
  CREATE TABLE docs (id int PRIMARY KEY, lang char(6) REFERENCES languages (code));
  INSERT INTO languages VALUES ('en'), ('de-CH'), ('pt-BR');
  INSERT INTO docs SELECT g, (ARRAY['en', 'de-CH', 'pt-BR', NULL])[1 + g % 4] FROM generate_series(1, 20) g;
  INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 30) g;
  INSERT INTO posts (user_id, editor_id, title)
  SELECT 1 + g % 30, CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 7 END, 'post ' || g FROM generate_series(1, 100) g;
`;

const TYPES_SQL = `
  CREATE EXTENSION hstore;
  CREATE TYPE uuidrange AS RANGE (subtype = uuid);
  CREATE TABLE specials (
    id int PRIMARY KEY, pt point, h hstore, r4 int4range, rtz tstzrange, rn numrange, rd daterange,
    ru uuidrange, mr int4multirange, tv tsvector, tq tsquery, ip inet, poly polygon);
  INSERT INTO specials VALUES
    (1, '(0.1,-2.5)', 'a=>1, b=>NULL, "c d"=>"x\\"y", é=>ü', '[1,5)', '[2024-01-01 10:00:00.123456+02,infinity)',
     '(1.50,3.141592653589793238462643383279)', '[2024-02-29,2024-03-01]',
     '[00000000-0000-0000-0000-000000000001,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11)', '{[1,3),[5,7)}',
     'a fat:2A cat''s sat', 'fat & (rat | !cat)', '2001:db8::1/64', '((0,0),(1,1),(1e300,-0.000001))'),
    (2, '(1e-300,NaN)', '', 'empty', '(,)', 'empty', '(,2024-01-01)', 'empty', '{}', '', 'x', '10.0.0.1', '((1,2))'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  INSERT INTO specials (id, pt, h, r4, ip)
  SELECT g, point(g / 7.0, -g), hstore('k' || g, g::text), int4range(g, g + g % 5), ('10.1.' || g % 256 || '.1')::inet
  FROM generate_series(4, 60) g;
`;

async function pgRejects(url: string, sql: string): Promise<string | undefined> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await c.query(sql);
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  } finally {
    await c.end();
  }
}

async function migrateIdentical(source: string, targetUrl: string, runId: string) {
  const config = parseConfig({ source, target: targetUrl });
  const r = await runMigrate({ config, runId, sink: silentSink });
  assert.equal(r.verify?.identical, true, "migrate's verify");
  for (const d of await oracleCompare(source, targetUrl, r.plan))
    assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);
  const again = await runVerify({ config, runId: `${runId}-verify`, sink: silentSink, level: 'full' });
  assert.equal(again.identical, true, 'pg2my verify, full level');
  return r;
}

for (const target of testTargets()) {
  test(`integer FK to a bigint key and SET NULL on a NOT NULL column migrate with the defaults (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_realschema_fk_${target.dialect}`;
    const source = await freshPgDatabase(db, FK_SQL);
    const report = await assess(source, await target.fresh(db));
    assert.notEqual(report.verdict, 'blocked', report.risks.map((x) => `${x.id} ${x.title}`).join(' | '));
    const said = report.risks.filter((x) => x.id === 'PLAN_WARNING').map((x) => x.title);
    for (const what of [
      'public.posts.user_id (FK_TYPE_WIDENED)',
      'public.posts.editor_id (FK_TYPE_WIDENED)',
      'public.posts.posts_user_id_fkey (FK_SET_NULL_NOT_NULL)',
    ])
      assert.ok(
        said.some((t) => t.startsWith(what)),
        `assess says ${what}; it said: ${said.join(' | ')}`,
      );

    const targetUrl = await target.fresh(db);
    const r = await migrateIdentical(source, targetUrl, db);
    assert.deepEqual(
      r.plan.warnings
        .filter((w) => w.code.startsWith('FK_'))
        .map((w) => `${w.code} ${w.object}`)
        .sort(),
      [
        'FK_SET_NULL_NOT_NULL public.posts.posts_user_id_fkey',
        'FK_TYPE_WIDENED public.posts.editor_id',
        'FK_TYPE_WIDENED public.posts.user_id',
      ],
    );
    const my = await mysql.createConnection(targetUrl);
    try {
      const [cols] = await my.query<mysql.RowDataPacket[]>(
        "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'posts' ORDER BY ORDINAL_POSITION",
      );
      assert.deepEqual(
        cols.map((c) => `${c.c} ${c.t}`),
        ['id int(11)', 'user_id bigint(20)', 'editor_id bigint(20)', 'title longtext'].map((s) =>
          target.dialect === 'mysql8' ? s.replace(/\(\d+\)/, '') : s,
        ),
      );
      const [rules] = await my.query<mysql.RowDataPacket[]>(
        'SELECT CONSTRAINT_NAME AS n, DELETE_RULE AS d FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY n',
      );
      assert.deepEqual(
        rules.map((x) => `${x.n} ${x.d}`),
        [
          'docs_lang_fkey NO ACTION',
          'posts_editor_id_fkey SET NULL',
          'posts_user_id_fkey NO ACTION',
          'unit_lines_class_id_unit_id_fkey NO ACTION',
        ],
      );
      // Same behaviour on both: deleting a user that a post's user_id points to is refused; one only an
      // editor_id points to is allowed and nulls editor_id.
      assert.equal(await pgRejects(source, 'DELETE FROM users WHERE id = 1'), '23502');
      await assert.rejects(
        my.query('DELETE FROM users WHERE id = 1'),
        (e: { errno?: number }) => e.errno === 1451,
      );
      // user 2 is a post's user (post 1) — pick a user referenced only as editor: none exist, so add one.
      await my.query("INSERT INTO users (id, name) VALUES (1000, 'editor only')");
      await my.query('UPDATE posts SET editor_id = 1000 WHERE id = 1');
      await my.query('DELETE FROM users WHERE id = 1000');
      const [[p1]] = await my.query<mysql.RowDataPacket[]>('SELECT editor_id FROM posts WHERE id = 1');
      assert.equal(p1!.editor_id, null);
    } finally {
      await my.end();
    }
  });

  test(`point, hstore, ranges, tsvector, inet and other types without a MySQL twin migrate losslessly (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_realschema_types_${target.dialect}`;
    const source = await freshPgDatabase(db, TYPES_SQL);
    const report = await assess(source, await target.fresh(db));
    assert.ok(
      !report.risks.some((x) => x.id === 'TYPE_UNMAPPABLE' || x.severity === 'blocking'),
      report.risks.map((x) => `${x.id} ${x.title}`).join(' | '),
    );
    // A range type's constructor functions belong to the type: not listed as functions left behind.
    assert.deepEqual(
      report.risks.filter((x) => x.id === 'NOT_CONVERTED' && /range/.test(x.title)).map((x) => x.title),
      [],
    );
    const targetUrl = await target.fresh(db);
    const r = await migrateIdentical(source, targetUrl, db);
    const notes = r.plan.warnings.filter((w) => w.code === 'TYPE_NOTE').map((w) => w.object);
    for (const c of ['pt', 'h', 'r4', 'rtz', 'rn', 'rd', 'ru', 'mr', 'tq', 'poly'])
      assert.ok(notes.includes(`public.specials.${c}`), `a TYPE_NOTE names ${c}: ${notes.join(', ')}`);
    const cols = r.plan.tables[0]!.columns;
    assert.deepEqual(Object.fromEntries(cols.map((c) => [c.source, c.ruleId])), {
      id: 'int4',
      pt: 'geometric',
      h: 'hstore',
      r4: 'range',
      rtz: 'range',
      rn: 'range',
      rd: 'range',
      ru: 'pg-text',
      mr: 'range',
      tv: 'tsvector',
      tq: 'tsquery',
      ip: 'inet',
      poly: 'geometric',
    });
    // The stored forms are PostgreSQL's own (session in UTC, shortest exact floats) and hstore's JSON.
    const my = await mysql.createConnection(targetUrl);
    try {
      const [[row]] = await my.query<mysql.RowDataPacket[]>(
        'SELECT pt, CAST(h AS CHAR) AS h, rtz, rn, ru, tq, poly FROM specials WHERE id = 1',
      );
      assert.equal(row!.pt, '(0.1,-2.5)');
      assert.deepEqual(JSON.parse(row!.h), { a: '1', b: null, 'c d': 'x"y', é: 'ü' });
      assert.equal(row!.rtz, '["2024-01-01 08:00:00.123456+00",infinity)');
      assert.equal(row!.rn, '(1.50,3.141592653589793238462643383279)');
      assert.equal(row!.ru, '[00000000-0000-0000-0000-000000000001,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11)');
      assert.equal(row!.tq, "'fat' & ( 'rat' | !'cat' )");
      assert.equal(row!.poly, '((0,0),(1,1),(1e+300,-1e-06))');
    } finally {
      await my.end();
    }
  });
}
