// The measurement and the type rules cannot drift: a catalog measured exactly where plan/bounded-columns.ts
// says (the columns source/postgres/measure.ts measures) plans with the default config — the fixtures, and a
// table with every keyable type in every kind of key and index. And which columns count as bounded: PK,
// UNIQUE, plain and unique indexes, FKs on both sides; not partial, expression or GIN indexes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Catalog, Column, ColumnStats, ColumnType, Index, Table } from '../../src/catalog/model.js';
import { qualified } from '../../src/catalog/model.js';
import { MARIADB, MYSQL8 } from '../../src/dialect/capabilities.js';
import { boundedColumns, type MeasureKind, measureKind } from '../../src/plan/bounded-columns.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/plan/options.js';
import { buildPlan } from '../../src/plan/plan.js';
import { catalogTable } from '../helpers/catalog-builders.js';

const fixture = (name: string): Catalog =>
  JSON.parse(readFileSync(new URL(`../fixtures/catalogs/${name}.json`, import.meta.url), 'utf8')) as Catalog;

const col = (name: string, type: Partial<ColumnType> & { name: string }, nullable = true): Column => ({
  name,
  ordinal: 1,
  nullable,
  type: { formatted: type.name, ...type },
});
const ix = (name: string, columns: string[], over: Partial<Index> = {}): Index => ({
  name,
  unique: false,
  columns: columns.map((column) => ({ column, descending: false })),
  method: 'btree',
  backsConstraint: false,
  ...over,
});
const table = catalogTable;

const bytea20 = { schema: 'public', name: 'bytea20', notNull: false, checks: ['octet_length(VALUE) = 20'] };
/** Every keyable string/bytes type, each in another kind of key or index; plus indexes that are not converted. */
const KEYS: Catalog = {
  ...fixture('rails'),
  tables: [
    table(
      'blobs',
      [
        col('id', { name: 'bytea' }, false),
        col('t', { name: 'text' }),
        col('v', { name: 'varchar', formatted: 'character varying' }),
        col('c', { name: 'citext' }),
        col('ch', { name: 'bpchar', length: 1000, formatted: 'character(1000)' }),
        col('b', { name: 'bytea' }),
        col('d', { name: 'bytea', domain: bytea20, formatted: 'bytea20' }),
        col('n', { name: 'numeric' }),
        col('p', { name: 'text' }),
        col('g', { name: 'text' }),
        col('e', { name: 'text' }),
      ],
      {
        primaryKey: { name: 'blobs_pkey', columns: ['id'] },
        uniques: [{ name: 'blobs_c_key', columns: ['c'], nullsNotDistinct: false }],
        indexes: [
          ix('blobs_t_v', ['t', 'v']),
          ix('blobs_ch', ['ch']),
          ix('blobs_b', ['b']),
          ix('blobs_d', ['d'], { unique: true }),
          ix('blobs_p', ['p'], { predicate: "p <> ''" }),
          ix('blobs_g', ['g'], { method: 'gin' }),
          { ...ix('blobs_e', []), columns: [{ expression: 'lower(e)', descending: false }] },
        ],
      },
    ),
    table(
      'refs',
      [col('id', { name: 'int8' }, false), col('blob', { name: 'bytea' }), col('note', { name: 'text' })],
      {
        primaryKey: { name: 'refs_pkey', columns: ['id'] },
        foreignKeys: [
          {
            name: 'refs_blob_fkey',
            columns: ['blob'],
            references: { schema: 'public', name: 'blobs', columns: ['id'] },
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
            deferrable: false,
          },
        ],
      },
    ),
  ],
};

const SAMPLE: Readonly<Record<MeasureKind, ColumnStats>> = {
  numeric: { numericMaxIntDigits: 3, numericMaxScale: 2, numericSpecials: 0 },
  string: { maxChars: 40, maxBytes: 60 },
  bytes: { maxBytes: 20 },
};

/** The catalog as introspect returns it: stats on exactly the columns measureKind selects, nowhere else. */
function measuredAsSelected(catalog: Catalog): Catalog {
  const bounded = boundedColumns(catalog);
  return {
    ...catalog,
    tables: catalog.tables.map((t) => ({
      ...t,
      columns: t.columns.map(({ stats: _, ...c }) => {
        const what = measureKind(c, bounded.get(qualified(t))?.has(c.name) ?? false);
        return what ? { ...c, stats: SAMPLE[what] } : c;
      }),
    })),
  };
}

test('a catalog measured where bounded-columns says plans with the default config (no "not measured")', () => {
  for (const [name, catalog] of [
    ['rails', fixture('rails')],
    ['kitchen-sink', fixture('kitchen-sink')],
    ['keys', KEYS],
  ] as const)
    for (const dialect of [MYSQL8, MARIADB]) {
      const plan = buildPlan(measuredAsSelected(catalog), dialect, DEFAULT_PLAN_OPTIONS);
      assert.ok(plan.tables.length > 0, `${name} on ${dialect.name}`);
    }
});

test('bounded: PK, UNIQUE, plain and unique indexes, FKs on both sides; not partial, expression or GIN', () => {
  const b = boundedColumns(KEYS);
  assert.deepEqual([...(b.get('public.blobs') ?? [])].sort(), ['b', 'c', 'ch', 'd', 'id', 't', 'v']);
  assert.deepEqual([...(b.get('public.refs') ?? [])].sort(), ['blob', 'id']);
  const kinds = (t: Table) =>
    Object.fromEntries(
      t.columns.map((c) => [c.name, measureKind(c, b.get(qualified(t))?.has(c.name) ?? false)]),
    );
  assert.deepEqual(kinds(KEYS.tables[0]!), {
    id: 'bytes',
    t: 'string',
    v: 'string',
    c: 'string',
    ch: 'string',
    b: 'bytes',
    d: 'bytes',
    n: 'numeric',
    p: undefined,
    g: undefined,
    e: undefined,
  });
  assert.deepEqual(kinds(KEYS.tables[1]!), { id: undefined, blob: 'bytes', note: undefined });
});

test('planned with the measured lengths: VARCHAR/VARBINARY of max(255, longest), bytea in bytes', () => {
  const plan = buildPlan(measuredAsSelected(KEYS), MARIADB, DEFAULT_PLAN_OPTIONS);
  const create = plan.preData.find((op) => op.kind === 'createTable' && op.table === 'blobs');
  assert.ok(create?.kind === 'createTable');
  const types = Object.fromEntries(
    create.columns.map((c) => [c.name, `${c.type.name}(${c.type.args ?? ''})`]),
  );
  assert.deepEqual(
    { id: types.id, t: types.t, d: types.d, p: types.p },
    { id: 'VARBINARY(255)', t: 'VARCHAR(255)', d: 'VARBINARY(255)', p: 'LONGTEXT()' },
  );
});
