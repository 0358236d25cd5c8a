// Every `columns:` key must name a column of the migration: a type or collation override whose key matches
// nothing (a typo, a wrong schema) is CONFIG_INVALID naming the key, not silently ignored.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { filterCatalog } from '../catalog/filter.js';
import type { Catalog } from '../catalog/model.js';
import { MARIADB } from '../dialect/capabilities.js';
import { isMigrationError } from '../errors.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from './options.js';
import { buildPlan } from './plan.js';

const rails = JSON.parse(
  readFileSync(new URL('../../test/fixtures/catalogs/rails.json', import.meta.url), 'utf8'),
) as Catalog;

const withColumns = (columns: PlanOptions['columns']): PlanOptions => ({ ...DEFAULT_PLAN_OPTIONS, columns });

test('a columns override whose key names no column is CONFIG_INVALID naming the key', () => {
  for (const key of [
    'public.contents.titel',
    'contents.title',
    'public.content.title',
    'public.contents.Title',
  ]) {
    assert.throws(
      () => buildPlan(rails, MARIADB, withColumns({ [key]: { type: 'varchar(320)' } })),
      (e: unknown) =>
        isMigrationError(e) && e.code === 'CONFIG_INVALID' && e.message.startsWith(`columns.${key}:`),
      key,
    );
  }
  const p = buildPlan(rails, MARIADB, withColumns({ 'public.contents.title': { type: 'varchar(320)' } }));
  const title = p.tables.find((t) => t.target === 'contents')?.columns.find((c) => c.target === 'title');
  assert.match(title?.ruleId ?? '', /^config:/, 'the override with a right key applies');
});

test('a columns key for a table that --tables/--exclude left out is not an error (the config serves other runs)', () => {
  const catalog = filterCatalog(rails, { exclude: ['public.contents'] });
  const p = buildPlan(catalog, MARIADB, withColumns({ 'public.contents.title': { type: 'varchar(320)' } }));
  assert.ok(!p.tables.some((t) => t.target === 'contents'));
  assert.throws(
    () => buildPlan(catalog, MARIADB, withColumns({ 'public.contentz.title': { type: 'varchar(320)' } })),
    (e: unknown) => isMigrationError(e) && e.code === 'CONFIG_INVALID',
  );
});
