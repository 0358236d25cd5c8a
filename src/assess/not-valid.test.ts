// Unit tests for the NOT_VALID_CONSTRAINT risks built from a catalog, a plan and measured counts: every NOT
// VALID check, domain check and FK is listed with its count; an unmeasured count is "could not be counted",
// never 0; MySQL 8's NOT ENFORCED check is medium, a kept-semantics one low, one with no violating row info.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog, Column, Table } from '../catalog/model.js';
import { MARIADB, MYSQL8 } from '../dialect/capabilities.js';
import { DEFAULT_PLAN_OPTIONS } from '../plan/options.js';
import { buildPlan } from '../plan/plan.js';
import { notValidConstraints } from '../source/postgres/not-valid-counts.js';
import { notValidRisks } from './not-valid.js';
import { catalogTable } from '../../test/helpers/catalog-builders.js';

const int4 = (name: string, over: Partial<Column> = {}): Column => ({
  name,
  ordinal: 1,
  nullable: true,
  type: { name: 'int4', formatted: 'integer' },
  ...over,
});
const table = (name: string, columns: Column[], over: Partial<Table> = {}): Table =>
  catalogTable(name, columns, { primaryKey: { name: `${name}_pkey`, columns: ['id'] }, ...over });
const score = int4('score', {
  type: {
    name: 'int4',
    formatted: 'score',
    domain: {
      schema: 'public',
      name: 'score',
      notNull: false,
      checks: ['VALUE >= 0'],
      notValid: ['VALUE >= 0'],
    },
  },
});
const catalog: Catalog = {
  version: 1,
  source: { engine: 'postgresql', versionNum: 150000, version: '15', database: 'app', encoding: 'UTF8' },
  schemas: ['public'],
  tables: [
    table('items', [int4('id', { nullable: false }), int4('qty'), int4('parent_id'), score], {
      checks: [
        { name: 'items_qty_positive', expression: 'qty > 0', notValid: true },
        { name: 'items_id_check', expression: 'id > 0' },
      ],
      foreignKeys: [
        {
          name: 'items_parent_fk',
          columns: ['parent_id'],
          references: { schema: 'public', name: 'parents', columns: ['id'] },
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
          deferrable: false,
          notValid: true,
        },
      ],
    }),
    table('parents', [int4('id', { nullable: false })]),
  ],
  sequences: [],
  enums: [],
  domains: [],
  notConverted: [],
};

test('every NOT VALID constraint is found, validated ones are not', () => {
  assert.deepEqual(
    notValidConstraints(catalog).map((c) => [c.kind, c.name]),
    [
      ['CHECK', 'items_qty_positive'],
      ['FOREIGN KEY', 'items_parent_fk'],
      ['DOMAIN CHECK', 'score (domain public.score)'],
    ],
  );
});

test('risks carry the counts, the plan decision and a severity per dialect', () => {
  const found = notValidConstraints(catalog);
  const counts = [6, 'permission denied for table items', 0];
  const summary = (dialect: typeof MYSQL8) =>
    notValidRisks(found, buildPlan(catalog, dialect, DEFAULT_PLAN_OPTIONS), dialect, counts).map((r) => [
      r.id,
      r.blastRadius.objects?.[0],
      r.blastRadius.rows,
      r.severity,
    ]);
  assert.deepEqual(summary(MARIADB), [
    ['NOT_VALID_CONSTRAINT', 'items_qty_positive', 6, 'low'],
    ['NOT_VALID_CONSTRAINT', 'items_parent_fk', undefined, 'medium'],
    ['NOT_VALID_CONSTRAINT', 'score (domain public.score)', 0, 'info'],
  ]);
  assert.deepEqual(
    summary(MYSQL8).map((r) => r[3]),
    ['medium', 'medium', 'medium'],
  );
  const [check, fk] = notValidRisks(found, buildPlan(catalog, MYSQL8, DEFAULT_PLAN_OPTIONS), MYSQL8, counts);
  assert.match(check!.title, /6 existing rows violate it/);
  assert.match(check!.description, /NOT ENFORCED/);
  assert.match(fk!.title, /could not be counted \(permission denied/);
});

test('without a plan the risks are still listed', () => {
  const risks = notValidRisks(notValidConstraints(catalog), undefined, MARIADB, [1, 2, 3]);
  assert.equal(risks.length, 3);
  assert.match(risks[0]!.description, /plan could not be built/);
});
