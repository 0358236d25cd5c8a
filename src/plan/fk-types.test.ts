// Foreign keys between columns MySQL would not join as declared: lossless widening of FK-joined classes
// (int → bigint, either direction and across hops; float4 → float8; numeric precision; timestamp fsp),
// SET NULL on a NOT NULL column planned as NO ACTION, and a clear DECISION_REQUIRED where nothing lossless fits.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog, Column, ColumnType, FkAction, ForeignKey, Table } from '../catalog/model.js';
import { MARIADB, MYSQL8 } from '../dialect/capabilities.js';
import { isMigrationError } from '../errors.js';
import type { DdlOp, MigrationPlan } from './model.js';
import { DEFAULT_PLAN_OPTIONS } from './options.js';
import { buildPlan } from './plan.js';

const col = (name: string, type: Partial<ColumnType> & { name: string }, nullable = true): Column => ({
  name,
  ordinal: 1,
  nullable,
  type: { formatted: type.name, ...type },
});
const fk = (
  name: string,
  columns: string[],
  table: string,
  refColumns: string[],
  over: Partial<ForeignKey> = {},
) =>
  ({
    name,
    columns,
    references: { schema: 'public', name: table, columns: refColumns },
    onDelete: 'NO ACTION' as FkAction,
    onUpdate: 'NO ACTION' as FkAction,
    deferrable: false,
    ...over,
  }) satisfies ForeignKey;
const table = (name: string, columns: Column[], pk: string | undefined, fks: ForeignKey[] = []): Table => ({
  schema: 'public',
  name,
  columns: columns.map((c, i) => ({ ...c, ordinal: i + 1 })),
  ...(pk ? { primaryKey: { name: `${name}_pkey`, columns: [pk] } } : {}),
  uniques: [],
  indexes: [],
  foreignKeys: fks,
  checks: [],
  rowSecurity: false,
  estimatedRows: 10,
  totalBytes: 8192,
});
const catalog = (tables: Table[]): Catalog => ({
  version: 1,
  source: { engine: 'postgresql', versionNum: 150000, version: '15', database: 'app', encoding: 'UTF8' },
  schemas: ['public'],
  tables,
  sequences: [],
  enums: [],
  domains: [],
  notConverted: [],
});
const typeOf = (p: MigrationPlan, t: string, c: string) => {
  const op = p.preData.find((o) => o.kind === 'createTable' && o.table === t);
  const tc = op?.kind === 'createTable' ? op.columns.find((x) => x.name === c) : undefined;
  return tc ? `${tc.type.name}${tc.type.args ? `(${tc.type.args.join(',')})` : ''}` : undefined;
};
const fks = (p: MigrationPlan) =>
  p.postData.filter((o): o is Extract<DdlOp, { kind: 'addForeignKey' }> => o.kind === 'addForeignKey');

test('an integer FK to a bigint key is widened to BIGINT, with a warning; the source type stays in the plan', () => {
  const users = table('users', [col('id', { name: 'int8' }, false)], 'id');
  const posts = table(
    'posts',
    [col('id', { name: 'int4' }, false), col('user_id', { name: 'int4', formatted: 'integer' })],
    'id',
    [fk('posts_user_id_fkey', ['user_id'], 'users', ['id'])],
  );
  for (const d of [MYSQL8, MARIADB]) {
    const p = buildPlan(catalog([users, posts]), d, DEFAULT_PLAN_OPTIONS);
    assert.equal(typeOf(p, 'posts', 'user_id'), 'BIGINT');
    assert.equal(typeOf(p, 'posts', 'id'), 'INT', 'a column outside the FK keeps its type');
    assert.equal(p.tables.find((t) => t.target === 'posts')!.columns[1]!.sourceType, 'integer');
    const w = p.warnings.find((x) => x.code === 'FK_TYPE_WIDENED');
    assert.equal(w?.object, 'public.posts.user_id');
    assert.match(w!.message, /integer is planned as int8.*public\.users\.id.*posts_user_id_fkey/);
    assert.equal(fks(p).length, 1);
  }
});

test('widening goes to the widest type of the FK-joined class, whichever side it is on, across hops', () => {
  // b.ref (bigint) → a.id (integer PK) and c.x (smallint) → a.id: all three become BIGINT.
  const a = table('a', [col('id', { name: 'int4' }, false)], 'id');
  const b = table('b', [col('id', { name: 'int8' }, false), col('ref', { name: 'int8' })], 'id', [
    fk('b_ref_fkey', ['ref'], 'a', ['id']),
  ]);
  const c = table('c', [col('x', { name: 'int2' })], undefined, [fk('c_x_fkey', ['x'], 'a', ['id'])]);
  const f = table('f', [col('r', { name: 'float4' }), col('t', { name: 'timestamp', fsp: 3 })], undefined, [
    fk('f_r_fkey', ['r'], 'g', ['r']),
    fk('f_t_fkey', ['t'], 'g', ['t']),
  ]);
  const g = table('g', [col('r', { name: 'float8' }, false), col('t', { name: 'timestamp' }, false)], 'r');
  const n1 = table('n1', [col('v', { name: 'numeric', precision: 10, scale: 2 }, false)], 'v');
  const n2 = table('n2', [col('v', { name: 'numeric', precision: 8, scale: 2 })], undefined, [
    fk('n2_v_fkey', ['v'], 'n1', ['v']),
  ]);
  const p = buildPlan(catalog([a, b, c, f, g, n1, n2]), MARIADB, DEFAULT_PLAN_OPTIONS);
  assert.deepEqual(
    [typeOf(p, 'a', 'id'), typeOf(p, 'b', 'ref'), typeOf(p, 'c', 'x')],
    ['BIGINT', 'BIGINT', 'BIGINT'],
  );
  assert.equal(typeOf(p, 'f', 'r'), 'DOUBLE');
  assert.equal(typeOf(p, 'f', 't'), 'DATETIME(6)');
  assert.equal(typeOf(p, 'n2', 'v'), 'DECIMAL(10,2)');
  assert.deepEqual(
    p.warnings
      .filter((w) => w.code === 'FK_TYPE_WIDENED')
      .map((w) => w.object)
      .sort(),
    ['public.a.id', 'public.c.x', 'public.f.r', 'public.f.t', 'public.n2.v'],
  );
});

test('character(n) → varchar(m) of one collation needs no widening: InnoDB joins them as they are', () => {
  const language = table('language', [col('code', { name: 'varchar', length: 6 }, false)], 'code');
  const invoice = table('invoice', [col('lang', { name: 'bpchar', length: 6 })], undefined, [
    fk('invoice_lang_fkey', ['lang'], 'language', ['code']),
  ]);
  const p = buildPlan(catalog([language, invoice]), MARIADB, DEFAULT_PLAN_OPTIONS);
  assert.deepEqual([typeOf(p, 'invoice', 'lang'), typeOf(p, 'language', 'code')], ['CHAR(6)', 'VARCHAR(6)']);
  assert.equal(fks(p).length, 1);
});

test('an FK naming the columns of a UNIQUE key in another order is planned in the order of the key (InnoDB needs it)', () => {
  const unit = {
    ...table('unit', [col('id', { name: 'int4' }, false), col('class_id', { name: 'int4' }, false)], 'id'),
    uniques: [{ name: 'unit_id_class_id_key', columns: ['id', 'class_id'], nullsNotDistinct: false }],
  };
  const ac = table(
    'unit_ac',
    [col('class_id', { name: 'int4' }), col('bu_id', { name: 'int4' })],
    undefined,
    [fk('unit_ac_class_id_bu_id_fkey', ['class_id', 'bu_id'], 'unit', ['class_id', 'id'])],
  );
  const p = buildPlan(catalog([unit, ac]), MARIADB, DEFAULT_PLAN_OPTIONS);
  const [f] = fks(p);
  assert.deepEqual(
    [f?.columns, f?.refColumns],
    [
      ['bu_id', 'class_id'],
      ['id', 'class_id'],
    ],
  );
  // An FK whose order already leads an index keeps its order.
  const ok = table('ok', [col('a', { name: 'int4' }), col('b', { name: 'int4' })], undefined, [
    fk('ok_fkey', ['a', 'b'], 'unit', ['id', 'class_id']),
  ]);
  const [g] = fks(buildPlan(catalog([unit, ok]), MARIADB, DEFAULT_PLAN_OPTIONS));
  assert.deepEqual(g?.columns, ['a', 'b']);
});

test('types no lossless widening can join stop the plan with DECISION_REQUIRED naming both columns', () => {
  const parent = table('parent', [col('code', { name: 'numeric', precision: 10, scale: 2 }, false)], 'code');
  const child = table('child', [col('code', { name: 'numeric', precision: 10, scale: 3 })], undefined, [
    fk('child_code_fkey', ['code'], 'parent', ['code']),
  ]);
  assert.throws(
    () => buildPlan(catalog([parent, child]), MYSQL8, DEFAULT_PLAN_OPTIONS),
    (e) =>
      isMigrationError(e) &&
      e.code === 'DECISION_REQUIRED' &&
      e.message.includes('public.child.code') &&
      e.message.includes('public.parent.code') &&
      e.message.includes('child_code_fkey') &&
      e.details.configKey === 'columns.public.child.code.type',
  );
});

test('ON DELETE / ON UPDATE SET NULL on a NOT NULL column is planned as NO ACTION, with a warning', () => {
  const users = table('users', [col('id', { name: 'int8' }, false)], 'id');
  const cols = [
    col('id', { name: 'int8' }, false),
    col('user_id', { name: 'int8' }, false),
    col('editor_id', { name: 'int8' }),
  ];
  const posts = table('posts', cols, 'id', [
    fk('posts_user_fk', ['user_id'], 'users', ['id'], { onDelete: 'SET NULL', onUpdate: 'SET NULL' }),
    fk('posts_editor_fk', ['editor_id'], 'users', ['id'], { onDelete: 'SET NULL', onUpdate: 'CASCADE' }),
  ]);
  for (const d of [MYSQL8, MARIADB]) {
    const p = buildPlan(catalog([users, posts]), d, DEFAULT_PLAN_OPTIONS);
    const byName = new Map(fks(p).map((f) => [f.name, f]));
    assert.deepEqual(
      [byName.get('posts_user_fk')?.onDelete, byName.get('posts_user_fk')?.onUpdate],
      ['NO ACTION', 'NO ACTION'],
    );
    assert.deepEqual(
      [byName.get('posts_editor_fk')?.onDelete, byName.get('posts_editor_fk')?.onUpdate],
      ['SET NULL', 'CASCADE'],
    );
    const ws = p.warnings.filter((w) => w.code === 'FK_SET_NULL_NOT_NULL');
    assert.deepEqual(
      ws.map((w) => w.object),
      ['public.posts.posts_user_fk', 'public.posts.posts_user_fk'],
    );
    assert.match(
      ws[0]!.message,
      /ON DELETE SET NULL on NOT NULL column user_id is planned as ON DELETE NO ACTION/,
    );
  }
});
