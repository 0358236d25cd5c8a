// A source table that would take the name of pg2my's state tables (_pg2my_runs, _pg2my_chunks) in the
// target URL's database is IDENTIFIER_INVALID with a rename offered; renamed (or mapped to another
// database with schemaMap) it plans.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Catalog } from '../catalog/model.js';
import { MARIADB } from '../dialect/capabilities.js';
import { isMigrationError } from '../errors.js';
import { DEFAULT_PLAN_OPTIONS } from './options.js';
import { buildPlan } from './plan.js';

const rails = JSON.parse(
  readFileSync(new URL('../../test/fixtures/catalogs/rails.json', import.meta.url), 'utf8'),
) as Catalog;

for (const name of ['_pg2my_runs', '_PG2MY_chunks']) {
  test(`a source table named ${name} is refused with a rename, and plans once renamed`, () => {
    const t = rails.tables.find((x) => x.name === 'contents')!;
    const catalog: Catalog = { ...rails, tables: [...rails.tables, { ...t, name }] };
    assert.throws(
      () => buildPlan(catalog, MARIADB, DEFAULT_PLAN_OPTIONS),
      (e: unknown) =>
        isMigrationError(e) &&
        e.code === 'IDENTIFIER_INVALID' &&
        e.message.includes(`public.${name}`) &&
        (e.hint ?? '').includes(`rename: { "public.${name}"`),
    );
    const p = buildPlan(catalog, MARIADB, {
      ...DEFAULT_PLAN_OPTIONS,
      rename: { [`public.${name}`]: 'src_state' },
    });
    assert.ok(p.tables.some((x) => x.target === 'src_state'));
  });
}
