// `pg2my assess` against real servers: every value and schema risk is planted in a fresh PostgreSQL database
// and assess must find it with the right table, column and count; planner errors become blocking risks
// without stopping the run; and the acceptance case — the Rails sample with case/accent/trailing-space/emoji
// duplicates under a UNIQUE index is a blocking collision under a case-insensitive key collation and a
// mitigated one under the default binary NO PAD collation. (Clean verdict, privileges, CLI: assess-cli.test.ts.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import pg from 'pg';
import { schemaRisks } from '../../src/assess/schema-risks.js';
import type { Catalog } from '../../src/catalog/model.js';
import { MARIADB } from '../../src/dialect/capabilities.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/plan/options.js';
import { buildPlan } from '../../src/plan/plan.js';
import { introspect } from '../../src/source/postgres/introspect.js';
import { assess, risk, VALUES_SQL } from '../helpers/assess.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/sql/${name}.sql`, import.meta.url), 'utf8');

test('assess finds every planted value risk with its table, column, count and example keys', async () => {
  const source = await freshPgDatabase('assess_values', VALUES_SQL);
  const target = await freshMysqlDatabase('assess_values');
  const r = await assess(source, target, {
    columns: {
      'public.events.price': { type: 'decimal(6,2)' },
      'public.events.note': { type: 'varchar(10)' },
    },
  });
  const t = 'public.events';
  const dates = risk(r, 'DATE_OUT_OF_RANGE', t, 'happened_on');
  assert.equal(dates.blastRadius.rows, 3, 'year 0999, year 10000 and 44 BC');
  assert.deepEqual([...(dates.blastRadius.exampleKeys ?? [])].sort(), ['id=1', 'id=2', 'id=5']);
  assert.equal(dates.severity, 'blocking');
  const inf = risk(r, 'DATE_INFINITE', t, 'happened_at');
  assert.equal(inf.blastRadius.rows, 2);
  assert.deepEqual([...(inf.blastRadius.exampleKeys ?? [])].sort(), ['id=3', 'id=4']);
  const price = risk(r, 'NUMERIC_OUT_OF_RANGE', t, 'price');
  assert.equal(price.blastRadius.rows, 2, '12345.67 and 99999.99 need 5 integer digits; DECIMAL(6,2) has 4');
  assert.deepEqual([...(price.blastRadius.exampleKeys ?? [])].sort(), ['id=6', 'id=7']);
  assert.equal(risk(r, 'NUMERIC_SPECIAL_VALUE', t, 'ratio').blastRadius.rows, 1, 'NaN in numeric');
  const score = risk(r, 'NUMERIC_SPECIAL_VALUE', t, 'score');
  assert.equal(score.blastRadius.rows, 2, 'NaN and Infinity in double precision; -1e300 is finite');
  const note = risk(r, 'STRING_TOO_LONG', t, 'note');
  assert.equal(note.blastRadius.rows, 2, '11 and 12 characters into VARCHAR(10); 10 fits');
  assert.equal(
    note.config,
    'columns.public.events.note.type: varchar(12)',
    'the fix names the longest value',
  );
  const arr = risk(r, 'ARRAY_LOWER_BOUND', t, 'tags');
  assert.equal(arr.blastRadius.rows, 1);
  assert.deepEqual(arr.blastRadius.exampleKeys, ['id=11']);
  assert.equal(arr.config, 'types.array: text');
  assert.equal(r.verdict, 'blocked');
  const facts = r.tables.find((x) => x.table === t);
  assert.equal(facts?.rows, 11);
  assert.equal(facts?.exact, true);
});

test('planner errors do not stop assess: each is a blocking risk and the rest is still measured', async () => {
  const source = await freshPgDatabase(
    'assess_decide',
    `CREATE TABLE m (id int PRIMARY KEY, amount numeric);
     INSERT INTO m VALUES (1, 'NaN'), (2, 1.5);
     CREATE TABLE k (id int PRIMARY KEY, code text UNIQUE);
     INSERT INTO k VALUES (1, repeat('a', 1000)), (2, 'short');
     CREATE TABLE d (id int PRIMARY KEY, day date, doc json, raw bytea);
     INSERT INTO d VALUES (1, '0999-01-01', '{"a":"x\\u0000y"}', '\\x00ff'), (2, NULL, '{"a":"\\\\u0000"}', '\\x41');
     ANALYZE;`,
  );
  const target = await freshMysqlDatabase('assess_decide');
  const r = await assess(source, target, {
    types: { json: 'json' },
    columns: { 'public.d.raw': { type: 'varchar(10)' } },
  });
  const nan = risk(r, 'DECISION_REQUIRED', 'public.m', 'amount');
  assert.match(nan.mitigation, /types\.numeric/);
  assert.match(risk(r, 'DECISION_REQUIRED', 'public.k', 'code').description, /1000 characters/);
  assert.ok(
    !r.risks.some((x) => x.id === 'STRING_TOO_LONG'),
    'no finding caused by a provisional stand-in type',
  );
  assert.equal(risk(r, 'DATE_OUT_OF_RANGE', 'public.d', 'day').blastRadius.rows, 1);
  const json = risk(r, 'NUL_CHARACTER', 'public.d', 'doc');
  assert.equal(json.blastRadius.rows, 1, 'an escaped backslash before u0000 is not a NUL');
  assert.equal(json.config, 'types.json: text');
  assert.equal(risk(r, 'NUL_CHARACTER', 'public.d', 'raw').blastRadius.rows, 1);
  assert.equal(r.verdict, 'blocked');
});

const LONG = `t${'x'.repeat(69)}`;
const SCHEMA_SQL = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE "${LONG}" (id int PRIMARY KEY, "select" int);
CREATE TABLE wide (id int PRIMARY KEY, a varchar(500), b varchar(500), c text, d int);
CREATE INDEX wide_a_b ON wide (a, b);
CREATE INDEX wide_partial ON wide (d) WHERE d > 0;
CREATE INDEX wide_expr ON wide (lower(c));
CREATE VIEW wide_view AS SELECT id, a FROM wide;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER wide_touch BEFORE UPDATE ON wide FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE wide ENABLE ROW LEVEL SECURITY;
CREATE POLICY wide_mine ON wide USING (d = 1);
CREATE TABLE loose (a int, b text);
CREATE TABLE almost (a int NOT NULL UNIQUE, b text);
CREATE TABLE secret (id int PRIMARY KEY);
INSERT INTO wide (id, a, b, c, d) VALUES (1, 'a', 'b', 'c', 1), (2, 'a', 'b', 'c', 2);
INSERT INTO loose VALUES (1, 'x'), (1, 'x');
ANALYZE;`;

test('assess reports schema risks, not-converted objects, and source privileges and row security', async () => {
  const source = await freshPgDatabase('assess_schema', SCHEMA_SQL);
  const target = await freshMysqlDatabase('assess_schema');
  const r = await assess(source, target);
  // PostgreSQL cuts identifiers to 63 bytes (NAMEDATALEN 64), so MySQL's 64 characters always suffice for
  // a stock server: the planted 70-character name arrives as 63 characters and needs no shortening.
  const pgName = LONG.slice(0, 63);
  assert.ok(!r.risks.some((x) => x.id === 'IDENTIFIER_TOO_LONG'));
  assert.equal(risk(r, 'RESERVED_WORD', `public.${pgName}`, 'select').severity, 'low');
  // A catalog from a server built with a larger NAMEDATALEN can hold it: the plan shortens it, assess says so.
  const client = new pg.Client({ connectionString: source });
  await client.connect();
  const catalog = await introspect(client).finally(() => client.end());
  const longCatalog: Catalog = {
    ...catalog,
    tables: catalog.tables.map((t) => (t.name === pgName ? { ...t, name: LONG } : t)),
  };
  const plan = buildPlan(longCatalog, MARIADB, DEFAULT_PLAN_OPTIONS);
  const long = schemaRisks(longCatalog, plan, MARIADB).find((x) => x.id === 'IDENTIFIER_TOO_LONG');
  assert.ok(long, 'the 70-character table name is reported with what it becomes');
  assert.match(long.description, /70 characters/);
  const renamed = plan.renamed.find((x) => x.from === LONG);
  assert.equal(renamed?.to.length, 64);
  assert.ok(long.title.endsWith(`becomes ${renamed?.to}`));
  const idx = risk(r, 'INDEX_KEY_TOO_LONG', 'public.wide', 'a, b');
  assert.match(idx.title, /4000 bytes/);
  assert.equal(risk(r, 'NO_PRIMARY_KEY', 'public.loose').severity, 'medium');
  const almost = risk(r, 'NO_PRIMARY_KEY', 'public.almost');
  assert.equal(almost.severity, 'low', 'a NOT NULL unique key can stand in');
  assert.match(almost.title, /almost_a_key/);
  const nc = r.risks.filter((x) => x.id === 'NOT_CONVERTED').map((x) => x.title);
  for (const kind of [
    'view',
    'trigger',
    'function',
    'partial index',
    'expression index',
    'policy',
    'extension',
  ])
    assert.ok(
      nc.some((t) => t.startsWith(`${kind} `)),
      `${kind} is listed as not converted; got ${nc.join(' | ')}`,
    );
  assert.equal(
    r.risks.find((x) => x.id === 'NOT_CONVERTED' && x.title.startsWith('policy '))?.severity,
    'high',
  );
  assert.equal(r.verdict, 'blocked', 'the 4000-byte index cannot be created on MySQL 8');

  // A reader role: not the owner, no BYPASSRLS, and no SELECT on one table.
  const servers = await testServers();
  const admin = new pg.Client({ connectionString: source });
  await admin.connect();
  const role = 'pg2my_assess_reader';
  const password = `pw-${Date.now()}-reader`;
  try {
    await admin.query(`DROP OWNED BY ${role}`).catch(() => {});
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    await admin.query(`REVOKE SELECT ON secret FROM ${role}`);
    const u = new URL(servers.pgUrl('assess_schema'));
    u.username = role;
    u.password = password;
    const rr = await assess(u.toString(), target);
    const priv = rr.risks.find((x) => x.id === 'SOURCE_PRIVILEGE_MISSING');
    assert.ok(priv, rr.risks.map((x) => x.id).join(', '));
    assert.deepEqual(priv.blastRadius.objects, ['SELECT on table public.secret']);
    assert.equal(risk(rr, 'RLS_NOT_BYPASSED', 'public.wide').severity, 'blocking');
  } finally {
    await admin.query(`DROP OWNED BY ${role}`).catch(() => {});
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
    await admin.end();
  }
});

const COLLIDING = `
UPDATE contents SET body = body || ' #' || id WHERE body IS NOT NULL;
INSERT INTO contents (line_group_id, title, body, created_at, updated_at)
SELECT 1, 'dup ' || v, v, now(), now()
FROM unnest(ARRAY['Hello', 'hello', 'résumé', 'resume', 'x', 'x ', '😀', '😃']) AS v;
CREATE UNIQUE INDEX index_contents_on_body ON contents (body);
ANALYZE;`;

test('acceptance: Rails contents.body duplicates collide under utf8mb4_unicode_ci and not under the default', async () => {
  const source = await freshPgDatabase('assess_rails', fixture('rails') + COLLIDING);
  const target = await freshMysqlDatabase('assess_rails');

  const ci = await assess(source, target, { collation: { key: 'utf8mb4_unicode_ci' } });
  const open = risk(ci, 'COLLATION_COLLISION', 'public.contents', 'body');
  assert.equal(open.status, 'open');
  assert.equal(open.severity, 'blocking');
  assert.equal(open.blastRadius.rows, 8, 'four pairs of distinct values');
  assert.deepEqual([...(open.blastRadius.exampleKeys ?? [])].sort(), [
    '["Hello","hello"]',
    '["resume","résumé"]',
    '["x","x "]',
    '["😀","😃"]',
  ]);
  for (const kind of ['case', 'accent', 'trailing-space', 'emoji-or-supplementary'])
    assert.ok(open.description.includes(kind), `${kind} is named: ${open.description}`);
  assert.equal(ci.verdict, 'blocked');

  const bin = await assess(source, target);
  const mitigated = risk(bin, 'COLLATION_COLLISION', 'public.contents', 'body');
  assert.equal(mitigated.status, 'mitigated', 'the binary NO PAD key collation keeps them apart');
  assert.equal(mitigated.blastRadius.rows, 8);
  assert.notEqual(bin.verdict, 'blocked');
  assert.ok(!bin.risks.some((x) => x.id === 'COLLATION_COLLISION' && x.status === 'open'));
});
