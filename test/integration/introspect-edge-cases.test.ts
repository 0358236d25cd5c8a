// introspect() edge cases against the real test PostgreSQL, in one database built here: NaN/Infinity and
// empty unbounded numerics, negative numeric scale, interval/bit typmods, nested domains, arrays of
// domains and varchar(n), composite types, dropped columns, FKs to a partitioned table, trigger clones,
// INCLUDE and expression indexes, an exclusion constraint, odd identifiers, schema selection and errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import type { Catalog, Column, Table } from '../../src/catalog/model.js';
import { parseConnectionUrl } from '../../src/config/urls.js';
import { isMigrationError } from '../../src/errors.js';
import { connectSource } from '../../src/source/postgres/connect.js';
import { type IntrospectOptions, introspect } from '../../src/source/postgres/introspect.js';
import { freshPgDatabase } from '../helpers/servers.js';

async function read(url: string, opts: IntrospectOptions = {}): Promise<Catalog> {
  const client: pg.Client = await connectSource(parseConnectionUrl(url, 'source'));
  try {
    return await introspect(client, opts);
  } finally {
    await client.end();
  }
}
function table(c: Catalog, name: string, schema: string): Table {
  const t = c.tables.find((x) => x.schema === schema && x.name === name);
  assert.ok(t, `table ${schema}.${name}`);
  return t;
}
function col(t: Table, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `column ${t.name}.${name}`);
  return c;
}
const index = (t: Table, name: string) => t.indexes.find((i) => i.name === name);

const EXTRAS = `
CREATE SCHEMA app;
CREATE SCHEMA "Other";
CREATE DOMAIN app.code AS varchar(20) CHECK (VALUE <> '');
CREATE DOMAIN app.strict_code AS app.code NOT NULL CHECK (length(VALUE) > 1);
CREATE DOMAIN app.int_list AS integer[];
CREATE TYPE app.pair AS (a int, b int);
CREATE TABLE app.nums (id int PRIMARY KEY, n numeric, empty_n numeric, neg numeric(5,-2), iv interval(3),
  ids interval day to second(2), b bit(8), vb varbit(16), dropped int, tags varchar(10)[], l app.int_list,
  p app.pair);
CREATE TABLE app.coded (c app.strict_code);
ALTER TABLE app.nums DROP COLUMN dropped;
INSERT INTO app.nums (id, n) VALUES (1, 'NaN'), (2, 'Infinity'), (3, '-Infinity'), (4, 123456.5),
  (5, -0.000001), (6, 1e30), (7, NULL);
CREATE TABLE app.bookings (room int, during tsrange, EXCLUDE USING gist (during WITH &&));
CREATE TABLE app.parent (id int, day date, PRIMARY KEY (id, day)) PARTITION BY LIST (day);
CREATE TABLE app.parent_a PARTITION OF app.parent FOR VALUES IN ('2024-01-01');
CREATE TABLE app.parent_b PARTITION OF app.parent FOR VALUES IN ('2024-01-02');
CREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE PROCEDURE app.tidy() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TRIGGER parent_noop BEFORE INSERT ON app.parent FOR EACH ROW EXECUTE FUNCTION app.noop();
CREATE TABLE app.child (id int, day date, b int DEFAULT 0, a int, note text,
  CONSTRAINT child_ba_key UNIQUE (b, a),
  CONSTRAINT child_parent_fk FOREIGN KEY (id, day) REFERENCES app.parent ON UPDATE CASCADE ON DELETE SET DEFAULT
    DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT child_note_check CHECK (note <> 'x') NOT VALID);
CREATE INDEX child_inc_idx ON app.child (a) INCLUDE (note);
CREATE UNIQUE INDEX child_lower_note_idx ON app.child (lower(note));
CREATE TABLE app.never (id int) WITH (autovacuum_enabled = false);
CREATE SEQUENCE app.standalone START 100 INCREMENT 5 MINVALUE 100 MAXVALUE 1000 CYCLE;
CREATE TABLE "Other"."Weird.Name ""q""" ("Key Col" char(6) PRIMARY KEY, "ñ" text UNIQUE);
INSERT INTO "Other"."Weird.Name ""q""" VALUES ('ab', '日本'), ('abcdef', NULL);
`;

test('extras: edge-case types, measurements, constraints and schema selection', async () => {
  const url = await freshPgDatabase('introspect_extras', EXTRAS);
  const c = await read(url);
  assert.deepEqual(c.schemas, ['Other', 'app']);
  const nums = table(c, 'nums', 'app');
  assert.deepEqual(
    nums.columns.map((x) => [x.ordinal, x.name]),
    ['id', 'n', 'empty_n', 'neg', 'iv', 'ids', 'b', 'vb', 'tags', 'l', 'p'].map((n, i) => [i + 1, n]),
  );
  assert.deepEqual(col(nums, 'n').stats, { numericMaxIntDigits: 31, numericMaxScale: 6, numericSpecials: 3 });
  assert.deepEqual(col(nums, 'empty_n').stats, {
    numericMaxIntDigits: 0,
    numericMaxScale: 0,
    numericSpecials: 0,
  });
  assert.deepEqual([col(nums, 'neg').type.precision, col(nums, 'neg').type.scale], [5, -2]);
  assert.equal(col(nums, 'iv').type.fsp, 3);
  assert.equal(col(nums, 'ids').type.fsp, 2);
  assert.equal(col(nums, 'b').type.length, 8);
  assert.equal(col(nums, 'vb').type.length, 16);
  assert.deepEqual(col(nums, 'tags').type, {
    name: 'varchar',
    formatted: 'character varying(10)[]',
    length: 10,
    array: { dims: 1 },
  });
  assert.deepEqual(col(table(c, 'coded', 'app'), 'c').type, {
    name: 'varchar',
    formatted: 'app.strict_code',
    length: 20,
    domain: {
      schema: 'app',
      name: 'strict_code',
      notNull: true,
      checks: ['length(VALUE::text) > 1', "VALUE::text <> ''::text"],
    },
  });
  assert.deepEqual(col(nums, 'l').type.array, { dims: 1 });
  assert.equal(col(nums, 'l').type.name, 'int4');
  assert.equal(col(nums, 'p').type.name, 'app.pair', 'a composite can never pass for a built-in');
  assert.equal(col(nums, 'neg').stats, undefined, 'bounded numerics are not measured');

  const child = table(c, 'child', 'app');
  assert.deepEqual(child.uniques, [{ name: 'child_ba_key', columns: ['b', 'a'], nullsNotDistinct: false }]);
  assert.deepEqual(child.foreignKeys, [
    {
      name: 'child_parent_fk',
      columns: ['id', 'day'],
      references: { schema: 'app', name: 'parent', columns: ['id', 'day'] },
      onDelete: 'SET DEFAULT',
      onUpdate: 'CASCADE',
      deferrable: true,
    },
  ]);
  assert.deepEqual(child.checks, [{ name: 'child_note_check', expression: "note <> 'x'::text" }]);
  assert.deepEqual(index(child, 'child_inc_idx')?.columns, [{ column: 'a', descending: false }]);
  assert.equal(col(child, 'note').stats, undefined, 'only an expression of it is unique');

  const parent = table(c, 'parent', 'app');
  assert.equal(parent.partitioning?.strategy, 'list');
  assert.equal(parent.estimatedRows, -1);
  assert.equal(table(c, 'never', 'app').estimatedRows, -1);

  const weird = table(c, 'Weird.Name "q"', 'Other');
  assert.deepEqual(col(weird, 'Key Col').stats, { maxChars: 6, maxBytes: 6 });
  assert.deepEqual(col(weird, 'ñ').stats, { maxChars: 2, maxBytes: 6 });

  assert.deepEqual(
    c.sequences.find((s) => s.name === 'standalone'),
    {
      schema: 'app',
      name: 'standalone',
      dataType: 'bigint',
      start: '100',
      increment: '5',
      min: '100',
      max: '1000',
      cycle: true,
    },
  );
  assert.deepEqual(
    c.notConverted.map((n) => [n.kind, n.schema, n.name]),
    [
      ['exclusion constraint', 'app', 'bookings.bookings_during_excl'],
      ['function', 'app', 'noop()'],
      ['procedure', 'app', 'tidy()'],
      ['trigger', 'app', 'parent.parent_noop'],
    ],
  );
  assert.match(c.notConverted[0]?.reason ?? '', /EXCLUDE USING gist \(during WITH &&\)/);

  const onlyOther = await read(url, { schemas: ['Other'] });
  assert.deepEqual(onlyOther.schemas, ['Other']);
  assert.deepEqual(onlyOther.sequences, []);
  assert.deepEqual(
    onlyOther.tables.map((t) => t.name),
    ['Weird.Name "q"'],
  );
  await assert.rejects(read(url, { schemas: ['app', 'nope'] }), (e) => {
    assert.ok(isMigrationError(e));
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.match(e.message, /"nope"/);
    return true;
  });
});
