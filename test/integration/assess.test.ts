// `pg2my assess` against real servers: every risk is planted in a fresh PostgreSQL database and assess
// must find it with the right table, column and count; a clean database gives a clean verdict; the Rails
// sample with case/accent/trailing-space/emoji duplicates under a UNIQUE index is a blocking collision with
// a case-insensitive key collation and a mitigated one with the default binary NO PAD collation.
// Restricted roles (PostgreSQL reader, MariaDB user) are created per test and dropped afterwards.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { AssessReport, Risk, RiskId } from '../../src/assess/report.js';
import { schemaRisks } from '../../src/assess/schema-risks.js';
import type { Catalog } from '../../src/catalog/model.js';
import { parseConfig } from '../../src/config/load-config.js';
import { MARIADB } from '../../src/dialect/capabilities.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/plan/options.js';
import { buildPlan } from '../../src/plan/plan.js';
import { introspect } from '../../src/source/postgres/introspect.js';
import { silentSink } from '../../src/events.js';
import { runAssess } from '../../src/pipeline/assess.js';
import { assertNoSecrets, runCli } from '../helpers/cli.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/sql/${name}.sql`, import.meta.url), 'utf8');

function assess(source: string, target: string, extra: Record<string, unknown> = {}): Promise<AssessReport> {
  return runAssess({ config: parseConfig({ source, target, ...extra }), runId: 'test', sink: silentSink });
}

/** The one open risk with this id on this table (and column); fails listing what was found otherwise. */
function risk(r: AssessReport, id: RiskId, table: string, column?: string): Risk {
  const found = r.risks.filter(
    (x) =>
      x.id === id &&
      x.blastRadius.table === table &&
      (column === undefined || x.blastRadius.column === column),
  );
  assert.equal(
    found.length,
    1,
    `${id} on ${table}${column ? `.${column}` : ''}: found ${found.length}; all: ${r.risks.map((x) => `${x.id} ${x.title}`).join(' | ')}`,
  );
  return found[0]!;
}

const VALUES_SQL = `
CREATE TABLE events (
  id int PRIMARY KEY, happened_on date, happened_at timestamp, price numeric(12,2), ratio numeric(10,2),
  score double precision, note varchar(100), tags int[]);
INSERT INTO events (id, happened_on, happened_at, price, ratio, score, note, tags) VALUES
  (1, '0999-12-31', '2024-01-01', 1.5, 1, 1, 'ok', '{1,2}'),
  (2, '10000-01-01', NULL, NULL, NULL, NULL, NULL, NULL),
  (3, '2024-01-01', 'infinity', NULL, NULL, NULL, NULL, NULL),
  (4, NULL, '-infinity', NULL, NULL, NULL, NULL, NULL),
  (5, '0044-03-15 BC', NULL, NULL, NULL, NULL, NULL, NULL),
  (6, NULL, NULL, 12345.67, NULL, NULL, NULL, NULL),
  (7, NULL, NULL, 99999.99, 'NaN', NULL, NULL, NULL),
  (8, NULL, NULL, 9999.99, NULL, 'NaN', NULL, NULL),
  (9, NULL, NULL, NULL, NULL, 'Infinity', 'eleven char', NULL),
  (10, NULL, NULL, NULL, NULL, '-1e300', 'twelve chars', NULL),
  (11, NULL, NULL, NULL, NULL, NULL, 'ten chars!', '[0:1]={1,2}');
ANALYZE;`;

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

test('assess names a missing target privilege of a restricted MariaDB user', async () => {
  const servers = await testServers();
  const source = await freshPgDatabase(
    'assess_priv',
    'CREATE TABLE t (id int PRIMARY KEY, v text); ANALYZE;',
  );
  await freshMysqlDatabase('assess_priv');
  const root = await mysql.createConnection(servers.mysqlUrl());
  const user = 'pg2my_assess_user';
  const password = `pw-${Date.now()}-target`;
  try {
    for (const host of ['%', 'localhost', '127.0.0.1']) {
      await root.query('DROP USER IF EXISTS ?@?', [user, host]);
      await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
      await root.query('GRANT ALL PRIVILEGES ON `assess_priv`.* TO ?@?', [user, host]);
      await root.query('REVOKE REFERENCES ON `assess_priv`.* FROM ?@?', [user, host]);
    }
    const u = new URL(servers.mysqlUrl('assess_priv'));
    u.username = user;
    u.password = password;
    const r = await assess(source, u.toString());
    const p = r.risks.find((x) => x.id === 'TARGET_PRIVILEGE_MISSING');
    assert.ok(p, r.risks.map((x) => x.id).join(', '));
    assert.deepEqual(p.blastRadius.objects, ['REFERENCES']);
    assert.equal(p.severity, 'blocking');
    assert.equal(r.verdict, 'blocked');
  } finally {
    for (const host of ['%', 'localhost', '127.0.0.1'])
      await root.query('DROP USER IF EXISTS ?@?', [user, host]).catch(() => {});
    await root.end();
  }
});

test('a clean database is ready; a target with foreign tables is blocked', async () => {
  const source = await freshPgDatabase(
    'assess_clean',
    `CREATE TABLE items (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name varchar(50) NOT NULL,
       price numeric(10,2), made date);
     INSERT INTO items (name, price, made) SELECT 'item ' || g, g * 1.25, date '2024-01-01' + g FROM generate_series(1, 500) g;
     ANALYZE;`,
  );
  const target = await freshMysqlDatabase('assess_clean');
  const r = await assess(source, target);
  const open = r.risks.filter((x) => x.status === 'open' && x.severity !== 'info');
  assert.deepEqual(
    open.map((x) => `${x.id} ${x.title}`),
    [],
  );
  assert.equal(r.verdict, 'ready');
  assert.equal(r.tables[0]?.rows, 500);
  assert.ok(r.estimate && r.estimate.bytesPerSecond > 0, 'the probe measured a throughput');
  assert.match(r.estimate.method, /COPY of 500 rows/);

  const servers = await testServers();
  const c = await mysql.createConnection(servers.mysqlUrl('assess_clean'));
  await c.query('CREATE TABLE leftover (id int PRIMARY KEY)');
  await c.end();
  const r2 = await assess(source, target);
  assert.deepEqual(r2.risks.find((x) => x.id === 'TARGET_NOT_EMPTY')?.blastRadius.objects, ['leftover']);
  assert.equal(r2.verdict, 'blocked');
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

test('assess CLI: blocked exits 64, --out writes assess.md and assess.json, no secret in any output', async () => {
  const servers = await testServers();
  const source = await freshPgDatabase('assess_cli', VALUES_SQL);
  const target = await freshMysqlDatabase('assess_cli');
  const out = mkdtempSync(join(tmpdir(), 'pg2my-assess-'));
  try {
    const r = await runCli(['assess', '--format', 'md', '--out', out], { source, target });
    const secrets = [servers.pgPassword, servers.mysqlPassword];
    assertNoSecrets(r.stdout + r.stderr, secrets, 'assess output');
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, /PREFLIGHT_FAILED/);
    assert.match(r.stdout, /## Blocking/);
    assert.ok(existsSync(join(out, 'assess.md')) && existsSync(join(out, 'assess.json')));
    const json = JSON.parse(readFileSync(join(out, 'assess.json'), 'utf8')) as AssessReport;
    assert.equal(json.verdict, 'blocked');
    assert.ok(json.risks.some((x) => x.id === 'DATE_OUT_OF_RANGE'));
    assertNoSecrets(
      readFileSync(join(out, 'assess.md'), 'utf8') + JSON.stringify(json),
      secrets,
      'assess files',
    );
    const help = await runCli(['assess', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Verdict and exit status/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
