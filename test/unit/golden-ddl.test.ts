// Golden DDL: renderScript output for the kitchen-sink and Rails catalog fixtures on MySQL 8 and MariaDB,
// compared byte for byte with test/golden/*.sql (UPDATE_GOLDEN=1 rewrites them; review the diff). Also
// checks that the kitchen sink really covers every required PostgreSQL type and structural feature.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Catalog, Column, Table } from '../../src/catalog/model.js';
import { DIALECTS, type DialectName } from '../../src/dialect/capabilities.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/plan/options.js';
import { buildPlan } from '../../src/plan/plan.js';
import { renderScript } from '../../src/target/mysql/render-ddl.js';

const FIXTURES = ['kitchen-sink', 'rails'] as const;
const DIALECT_NAMES: readonly DialectName[] = ['mysql8', 'mariadb'];
const fixture = (name: string): Catalog =>
  JSON.parse(readFileSync(new URL(`../fixtures/catalogs/${name}.json`, import.meta.url), 'utf8')) as Catalog;
const goldenUrl = (name: string, dialect: DialectName) =>
  new URL(`../golden/${name}.${dialect}.sql`, import.meta.url);
const script = (name: string, dialect: DialectName) =>
  renderScript(buildPlan(fixture(name), DIALECTS[dialect], DEFAULT_PLAN_OPTIONS), DIALECTS[dialect]);

for (const name of FIXTURES) {
  for (const dialect of DIALECT_NAMES) {
    test(`golden DDL: ${name} on ${dialect}`, () => {
      const sql = script(name, dialect);
      if (process.env.UPDATE_GOLDEN === '1') {
        writeFileSync(goldenUrl(name, dialect), sql);
        return;
      }
      const want = readFileSync(goldenUrl(name, dialect), 'utf8');
      assert.ok(
        sql === want,
        `renderScript output differs from test/golden/${name}.${dialect}.sql; run with UPDATE_GOLDEN=1 and review the diff`,
      );
    });
  }
}

type Probe = (c: Column) => boolean;
const base =
  (n: string): Probe =>
  (c) =>
    c.type.name === n && !c.type.array && !c.type.domain;
const seqDefault = (c: Column) => /^nextval\(/.test(c.default ?? '');

/** Every PostgreSQL type the planner must map, as a predicate over kitchen-sink columns. */
const REQUIRED: readonly [label: string, probe: Probe][] = [
  ['smallint', base('int2')],
  ['integer', (c) => base('int4')(c) && !seqDefault(c)],
  ['bigint', (c) => base('int8')(c) && !seqDefault(c) && !c.identity],
  ['serial', (c) => c.type.name === 'int4' && seqDefault(c)],
  ['bigserial', (c) => c.type.name === 'int8' && seqDefault(c)],
  ['identity', (c) => c.identity !== undefined],
  ['numeric(p,s)', (c) => base('numeric')(c) && c.type.precision !== undefined],
  [
    'numeric unbounded (with stats)',
    (c) => base('numeric')(c) && c.type.precision === undefined && c.stats?.numericMaxScale !== undefined,
  ],
  ['real', base('float4')],
  ['double precision', base('float8')],
  ['boolean', base('bool')],
  ['character(n)', (c) => base('bpchar')(c) && c.type.length !== undefined],
  ['varchar(n)', (c) => base('varchar')(c) && (c.type.length ?? 0) > 0 && (c.type.length ?? 0) <= 16383],
  ['varchar(n > 16383)', (c) => base('varchar')(c) && (c.type.length ?? 0) > 16383],
  ['varchar', (c) => base('varchar')(c) && c.type.length === undefined],
  ['text', (c) => base('text')(c) && c.stats === undefined],
  ['text in a key (with stats)', (c) => base('text')(c) && c.stats?.maxChars !== undefined],
  ['bytea', base('bytea')],
  ['date', base('date')],
  ['time(p)', (c) => base('time')(c) && c.type.fsp !== undefined],
  ['timetz', base('timetz')],
  ['timestamp(p)', (c) => base('timestamp')(c) && c.type.fsp !== undefined],
  ['timestamptz', base('timestamptz')],
  ['timestamptz(p)', (c) => base('timestamptz')(c) && c.type.fsp !== undefined],
  ['interval', base('interval')],
  ['uuid', base('uuid')],
  ['json', base('json')],
  ['jsonb', base('jsonb')],
  ['1-D array', (c) => c.type.array?.dims === 1],
  ['2-D array', (c) => c.type.array?.dims === 2],
  ['enum', (c) => c.type.enum !== undefined && !c.type.array],
  ['domain with a CHECK', (c) => (c.type.domain?.checks.length ?? 0) > 0],
  ['inet', base('inet')],
  ['cidr', base('cidr')],
  ['macaddr', base('macaddr')],
  ['macaddr8', base('macaddr8')],
  ['money', base('money')],
  ['citext', base('citext')],
  ['tsvector', base('tsvector')],
  ['xml', base('xml')],
  ['bit(n)', (c) => base('bit')(c) && (c.type.length ?? 1) <= 64],
  ['bit varying', base('varbit')],
  ['oid', base('oid')],
  // Types without an exact MySQL twin (lossless defaults, issue 10 point 10).
  ['point', base('point')],
  ['polygon', base('polygon')],
  ['hstore', base('public.hstore')],
  ['int4range', base('int4range')],
  ['tstzrange', base('tstzrange')],
  ['numrange', base('numrange')],
  ['daterange', base('daterange')],
  ['custom range (uuidrange)', base('public.uuidrange')],
  ['multirange', base('int4multirange')],
  ['tsquery', base('tsquery')],
  ['pg_lsn', base('pg_lsn')],
  ['extension type (ltree)', base('public.ltree')],
];

test('kitchen sink: every required type has a column, a plan row and a golden line on both dialects', () => {
  const catalog = fixture('kitchen-sink');
  for (const dialect of DIALECT_NAMES) {
    const plan = buildPlan(catalog, DIALECTS[dialect], DEFAULT_PLAN_OPTIONS);
    const golden = readFileSync(goldenUrl('kitchen-sink', dialect), 'utf8');
    for (const [label, probe] of REQUIRED) {
      const found = catalog.tables.flatMap((t) => t.columns.filter(probe).map((c) => [t, c] as const))[0];
      assert.ok(found, `kitchen-sink has a ${label} column`);
      const [t, c] = found;
      const tp = plan.tables.find((x) => x.source.schema === t.schema && x.source.name === t.name);
      const cp = tp?.columns.find((x) => x.source === c.name);
      assert.ok(tp && cp, `${label}: ${t.name}.${c.name} is in the ${dialect} plan`);
      const createAt = golden.indexOf(`CREATE TABLE \`${tp.target}\` (`);
      const line = `\n  \`${cp.target}\` `;
      assert.ok(
        createAt >= 0 && golden.indexOf(line, createAt) > createAt,
        `${label}: ${tp.target}.${cp.target} has a line in the ${dialect} golden file`,
      );
    }
  }
});

test('kitchen sink: the structural features the golden files must show', () => {
  const catalog = fixture('kitchen-sink');
  const tables = catalog.tables;
  const any = (p: (t: Table) => boolean, what: string) => assert.ok(tables.some(p), what);
  any((t) => t.partitioning !== undefined, 'a partitioned parent');
  any((t) => t.checks.length > 0, 'a CHECK constraint');
  for (const action of ['CASCADE', 'SET NULL', 'SET DEFAULT'] as const)
    any((t) => t.foreignKeys.some((f) => f.onDelete === action), `an FK ON DELETE ${action}`);
  any(
    (t) => t.indexes.some((i) => i.columns.length > 1 && i.columns.some((c) => c.descending)),
    'a DESC multi-column index',
  );
  any((t) => t.indexes.some((i) => i.predicate !== undefined), 'a partial index');
  any((t) => t.indexes.some((i) => i.columns.some((c) => c.expression !== undefined)), 'an expression index');
  any((t) => t.indexes.some((i) => i.method === 'gin'), 'a GIN index');
  any(
    (t) => t.name.length === 70 && t.columns.some((c) => c.name.length === 70),
    'a 70-character table and column name',
  );
  any(
    (t) => t.columns.some((c) => c.name === 'order') && t.columns.some((c) => c.name === 'key'),
    'reserved-word columns order and key',
  );
  any(
    (t) =>
      [t.comment ?? '', ...t.columns.map((c) => c.comment ?? '')].some(
        (s) => s.includes('*/') && s.includes("'"),
      ),
    'a comment with */ and a quote',
  );
  const mysql = readFileSync(goldenUrl('kitchen-sink', 'mysql8'), 'utf8');
  for (const needle of [
    'ADD INDEX `orders_customer_placed_idx` (`customer_id` DESC, `placed_at` DESC)',
    'partial index public.orders.orders_open_idx',
    'index method public.products.products_search_idx',
    'expression index public.customers.customers_lower_full_name_idx',
    'foreign key public.tickets.tickets_customer_id_fkey',
    'PARTITIONED_TABLE public.measurements',
    "COMMENT='People who place orders. Not a comment terminator: */ and it''s fine.'",
  ]) {
    assert.ok(mysql.includes(needle), needle);
  }
});
