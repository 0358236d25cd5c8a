// Unit tests for PostgreSQL NOT VALID constraints from catalog to SQL, per dialect: the plan carries the
// flag and a NOT_VALID_CONSTRAINT warning; MySQL 8 renders the CHECK NOT ENFORCED, MariaDB a plain CHECK;
// schema.sql adds them last between the session settings that skip existing rows; validated constraints
// are rendered exactly as before.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog, Column, Table } from '../../catalog/model.js';
import { MARIADB, MYSQL8 } from '../../dialect/capabilities.js';
import type { DdlOp } from '../../plan/model.js';
import { DEFAULT_PLAN_OPTIONS } from '../../plan/options.js';
import { buildPlan } from '../../plan/plan.js';
import { isNotValidOp, renderOp, renderScript, uncheckedSession } from './render-ddl.js';
import { catalogTable } from '../../../test/helpers/catalog-builders.js';

const int4 = (name: string, nullable = true): Column => ({
  name,
  ordinal: 1,
  nullable,
  type: { name: 'int4', formatted: 'integer' },
});
const table = (name: string, columns: Column[], over: Partial<Table> = {}): Table =>
  catalogTable(name, columns, { primaryKey: { name: `${name}_pkey`, columns: ['id'] }, ...over });
const catalog: Catalog = {
  version: 1,
  source: { engine: 'postgresql', versionNum: 150000, version: '15', database: 'app', encoding: 'UTF8' },
  schemas: ['public'],
  tables: [
    table('items', [int4('id', false), int4('qty'), int4('parent_id')], {
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
    table('parents', [int4('id', false)]),
  ],
  sequences: [],
  enums: [],
  domains: [],
  notConverted: [],
};

const named = (ops: readonly DdlOp[], name: string) => ops.find((o) => 'name' in o && o.name === name)!;

test('the plan marks NOT VALID ops and warns what it does on each dialect', () => {
  for (const dialect of [MYSQL8, MARIADB]) {
    const p = buildPlan(catalog, dialect, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(
      p.postData.filter(isNotValidOp).map((o) => ('name' in o ? o.name : '')),
      ['items_parent_fk', 'items_qty_positive'],
    );
    assert.equal(isNotValidOp(named(p.postData, 'items_id_check')), false);
    const warnings = p.warnings.filter((w) => w.code === 'NOT_VALID_CONSTRAINT');
    assert.deepEqual(
      warnings.map((w) => w.object),
      ['public.items.items_parent_fk', 'public.items.items_qty_positive'],
    );
    const checkWarning = warnings[1]!.message;
    assert.match(checkWarning, dialect === MYSQL8 ? /NOT ENFORCED/ : /check_constraint_checks=0/);
  }
});

test('MySQL 8 renders a NOT VALID CHECK NOT ENFORCED; MariaDB a plain CHECK; a validated CHECK is unchanged', () => {
  const my = buildPlan(catalog, MYSQL8, DEFAULT_PLAN_OPTIONS);
  const maria = buildPlan(catalog, MARIADB, DEFAULT_PLAN_OPTIONS);
  assert.equal(
    renderOp(named(my.postData, 'items_qty_positive'), MYSQL8),
    'ALTER TABLE `items` ADD CONSTRAINT `items_qty_positive` CHECK ((`qty` > 0)) NOT ENFORCED',
  );
  assert.equal(
    renderOp(named(maria.postData, 'items_qty_positive'), MARIADB),
    'ALTER TABLE `items` ADD CONSTRAINT `items_qty_positive` CHECK ((`qty` > 0))',
  );
  assert.equal(
    renderOp(named(my.postData, 'items_id_check'), MYSQL8),
    'ALTER TABLE `items` ADD CONSTRAINT `items_id_check` CHECK ((`id` > 0))',
  );
});

test('session settings: foreign_key_checks for NOT VALID FKs, check_constraint_checks only on MariaDB', () => {
  const maria = buildPlan(catalog, MARIADB, DEFAULT_PLAN_OPTIONS).postData.filter(isNotValidOp);
  assert.deepEqual(uncheckedSession(maria, MARIADB), {
    before: ['SET SESSION foreign_key_checks = 0', 'SET SESSION check_constraint_checks = 0'],
    after: ['SET SESSION foreign_key_checks = 1', 'SET SESSION check_constraint_checks = 1'],
  });
  const my = buildPlan(catalog, MYSQL8, DEFAULT_PLAN_OPTIONS).postData.filter(isNotValidOp);
  assert.deepEqual(uncheckedSession(my, MYSQL8), {
    before: ['SET SESSION foreign_key_checks = 0'],
    after: ['SET SESSION foreign_key_checks = 1'],
  });
  assert.deepEqual(uncheckedSession([], MARIADB), { before: [], after: [] });
});

test('schema.sql adds the NOT VALID constraints last, between the session settings', () => {
  const sql = renderScript(buildPlan(catalog, MARIADB, DEFAULT_PLAN_OPTIONS), MARIADB);
  const at = (s: string) => {
    const i = sql.indexOf(s);
    assert.ok(i >= 0, `${s} in schema.sql`);
    return i;
  };
  const off = at('SET SESSION check_constraint_checks = 0;');
  assert.ok(at('`items_id_check` CHECK') < off);
  assert.ok(off < at('`items_qty_positive` CHECK'));
  assert.ok(off < at('`items_parent_fk` FOREIGN KEY'));
  assert.ok(at('`items_qty_positive` CHECK') < at('SET SESSION check_constraint_checks = 1;'));
});
