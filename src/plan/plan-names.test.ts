// Tests of the planner's naming from config: `rename` and `columns.*.name` are used exactly and reach every
// op that names the table or column; clashes and unusable names are CONFIG_INVALID naming the key; a clash
// of source names offers a working rename; schemaMap puts tables (and their ops) in a database, and a FK
// into the URL's database names it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog, Column, Table } from '../catalog/model.js';
import { MYSQL8 } from '../dialect/capabilities.js';
import { isMigrationError, type MigrationError } from '../errors.js';
import type { DdlOp } from './model.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from './options.js';
import { buildPlan } from './plan.js';

const int = (name: string): Column => ({
  name,
  ordinal: 1,
  nullable: false,
  type: { name: 'int4', formatted: 'integer' },
});
const table = (schema: string, name: string, columns: string[], over: Partial<Table> = {}): Table => ({
  schema,
  name,
  columns: columns.map((c, i) => ({ ...int(c), ordinal: i + 1 })),
  primaryKey: { name: `${name}_pkey`, columns: [columns[0]!] },
  uniques: [],
  indexes: [],
  foreignKeys: [],
  checks: [],
  rowSecurity: false,
  estimatedRows: 1,
  totalBytes: 8192,
  ...over,
});
const catalog = (tables: Table[]): Catalog => ({
  version: 1,
  source: { engine: 'postgresql', versionNum: 160004, version: '16.4', database: 'app', encoding: 'UTF8' },
  schemas: [...new Set(tables.map((t) => t.schema))],
  tables,
  sequences: [],
  enums: [],
  domains: [],
  notConverted: [],
});
const opts = (o: Partial<PlanOptions>): PlanOptions => ({ ...DEFAULT_PLAN_OPTIONS, ...o });
const fails = (fn: () => unknown): MigrationError => {
  try {
    fn();
  } catch (e) {
    if (isMigrationError(e)) return e;
    throw e;
  }
  assert.fail('expected a MigrationError');
};

const fk = (name: string, columns: string[], schema: string, table: string, refColumns: string[]) => ({
  name,
  columns,
  references: { schema, name: table, columns: refColumns },
  onDelete: 'NO ACTION' as const,
  onUpdate: 'NO ACTION' as const,
  deferrable: false,
  notValid: false,
});

test('a case clash of table names offers a rename that, applied, plans', () => {
  const c = catalog([table('public', 'Orders', ['id']), table('public', 'orders', ['id'])]);
  const e = fails(() => buildPlan(c, MYSQL8, DEFAULT_PLAN_OPTIONS));
  assert.equal(e.code, 'IDENTIFIER_INVALID');
  assert.deepEqual(e.details.fixPath, ['rename', 'public.Orders']);
  assert.equal(e.details.fixValue, 'orders_2');
  assert.match(e.hint ?? '', /rename: \{ "public\.Orders": "orders_2" \}/);
  const p = buildPlan(c, MYSQL8, opts({ rename: { 'public.Orders': 'orders_2' } }));
  assert.deepEqual(
    p.tables.map((t) => t.target),
    ['orders_2', 'orders'],
  );
  assert.deepEqual(p.renamed, [{ kind: 'table', scope: 'database', from: 'Orders', to: 'orders_2' }]);
  assert.equal(
    fails(() => buildPlan(c, MYSQL8, opts({ rename: { 'public.Orders': 'ORDERS' } }))).code,
    'CONFIG_INVALID',
  );
});

test('a renamed column is renamed in the primary key, indexes and the foreign keys on both sides', () => {
  const users = table('public', 'users', ['Login', 'n'], {
    indexes: [
      {
        name: 'users_n',
        unique: false,
        columns: [
          { column: 'n', descending: false },
          { column: 'Login', descending: true },
        ],
        method: 'btree',
        backsConstraint: false,
      },
    ],
  });
  const posts = table('public', 'posts', ['id', 'author'], {
    foreignKeys: [fk('posts_author_fkey', ['author'], 'public', 'users', ['Login'])],
  });
  const p = buildPlan(
    catalog([posts, users]),
    MYSQL8,
    opts({
      columns: { 'public.users.Login': { name: 'login' }, 'public.posts.author': { name: 'author_login' } },
    }),
  );
  const all: DdlOp[] = [...p.preData, ...p.postData];
  const create = all.find((o) => o.kind === 'createTable' && o.table === 'users');
  assert.ok(create?.kind === 'createTable');
  assert.deepEqual(
    create.columns.map((x) => x.name),
    ['login', 'n'],
  );
  assert.deepEqual(create.primaryKey?.columns, ['login']);
  const ix = all.find((o) => o.kind === 'addIndex');
  assert.ok(ix?.kind === 'addIndex');
  assert.deepEqual(
    ix.parts.map((x) => x.column),
    ['n', 'login'],
  );
  const f = all.find((o) => o.kind === 'addForeignKey');
  assert.ok(f?.kind === 'addForeignKey');
  assert.deepEqual([f.columns, f.refColumns], [['author_login'], ['login']]);
  assert.deepEqual(
    p.tables.find((t) => t.target === 'users')?.columns.map((x) => [x.source, x.target]),
    [
      ['Login', 'login'],
      ['n', 'n'],
    ],
  );
});

test('config names that name nothing, clash or cannot be stored are CONFIG_INVALID naming the key', () => {
  const c = catalog([table('public', 'a', ['id', 'x']), table('public', 'b', ['id'])]);
  const cases: [Partial<PlanOptions>, string][] = [
    [{ rename: { 'public.c': 'c2' } }, 'rename.public.c'],
    [{ rename: { 'public.A': 'c2' } }, 'rename.public.A'],
    [{ rename: { 'public.a': 'B' } }, 'rename.public.a'],
    [{ rename: { 'public.a': 'x ' } }, 'rename.public.a'],
    [{ rename: { 'public.a': '🙂' } }, 'rename.public.a'],
    [{ columns: { 'public.a.y': { name: 'z' } } }, 'columns.public.a.y.name'],
    [{ columns: { 'public.a.x': { name: 'ID' } } }, 'columns.public.a.x.name'],
    [{ columns: { 'public.a.x': { name: 'x'.repeat(65) } } }, 'columns.public.a.x.name'],
    [{ schemaMap: { billing: 'b' } }, 'schemaMap.billing'],
    [{ schemaMap: { public: 'a.b' } }, 'schemaMap.public'],
  ];
  for (const [o, key] of cases) {
    const e = fails(() => buildPlan(c, MYSQL8, opts(o)));
    assert.equal(e.code, 'CONFIG_INVALID', key);
    assert.ok(e.message.startsWith(`${key}`), `${key}: ${e.message}`);
  }
  // A type override for a column is not a rename: no check that it names a column here.
  assert.ok(buildPlan(c, MYSQL8, opts({ columns: { 'public.a.x': { type: 'bigint' } } })));
});

test('an unstorable source name is refused with a rename offered in config syntax', () => {
  const e = fails(() => buildPlan(catalog([table('public', 'tab🙂', ['id'])]), MYSQL8, DEFAULT_PLAN_OPTIONS));
  assert.equal(e.code, 'IDENTIFIER_INVALID');
  assert.match(e.hint ?? '', /rename: \{ "public\.tab🙂": "tab_" \}/);
  assert.deepEqual([e.details.fixPath, e.details.fixValue], [['rename', 'public.tab🙂'], 'tab_']);
  const p = buildPlan(
    catalog([table('public', 'tab🙂', ['id'])]),
    MYSQL8,
    opts({ rename: { 'public.tab🙂': 'tab_' } }),
  );
  assert.equal(p.tables[0]?.target, 'tab_');
});

test('schemaMap: same table name in two schemas, each in its database; a FK into the URL database names it', () => {
  const customers = table('public', 'customers', ['id']);
  const pub = table('public', 'invoices', ['id', 'billed'], {
    foreignKeys: [fk('pub_billed_fkey', ['billed'], 'billing', 'invoices', ['id'])],
  });
  const bill = table('billing', 'invoices', ['id', 'customer'], {
    foreignKeys: [fk('bill_customer_fkey', ['customer'], 'public', 'customers', ['id'])],
  });
  const c = catalog([bill, customers, pub]);
  const e = fails(() => buildPlan(c, MYSQL8, DEFAULT_PLAN_OPTIONS));
  assert.equal(e.code, 'IDENTIFIER_INVALID');
  assert.match(e.hint ?? '', /schemaMap: \{ "public": "public_db" \}/);
  const noUrl = fails(() => buildPlan(c, MYSQL8, opts({ schemaMap: { billing: 'app_billing' } })));
  assert.equal(noUrl.code, 'CONFIG_INVALID');
  assert.match(noUrl.message, /^schemaMap: foreign key bill_customer_fkey/);
  // public mapped to the URL's own database is the same as public unmapped; a typo is still caught.
  const typo = fails(() =>
    buildPlan(c, MYSQL8, opts({ schemaMap: { pubic: 'app' }, targetDatabase: 'app' })),
  );
  assert.match(typo.message, /^schemaMap\.pubic: /);
  const p = buildPlan(
    c,
    MYSQL8,
    opts({ schemaMap: { public: 'app', billing: 'app_billing' }, targetDatabase: 'app' }),
  );
  assert.deepEqual(
    p.tables.map((t) => [t.database ?? null, t.target]),
    [
      ['app_billing', 'invoices'],
      [null, 'customers'],
      [null, 'invoices'],
    ],
  );
  const fks = p.postData.filter((o) => o.kind === 'addForeignKey');
  assert.deepEqual(
    fks.map((o) => [o.database ?? null, o.table, o.refDatabase ?? null, o.refTable]),
    [
      ['app_billing', 'invoices', 'app', 'customers'],
      [null, 'invoices', 'app_billing', 'invoices'],
    ],
  );
  const creates = p.preData.map((o) => [o.database ?? null, o.table]);
  assert.deepEqual(creates, [
    ['app_billing', 'invoices'],
    [null, 'customers'],
    [null, 'invoices'],
  ]);
});
