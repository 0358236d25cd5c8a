// Tolerant planning, one pass not ten: a name clash in three schemas yields one rename fix per extra table,
// each to a distinct free name, and applying every fix as config makes the strict planner succeed; the
// strict path (schema, migrate) lists every decision in one error instead of the first.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Catalog } from '../catalog/model.js';
import { parseConfig, planOptionsFrom } from '../config/load-config.js';
import { DIALECTS } from '../dialect/capabilities.js';
import { isMigrationError } from '../errors.js';
import { buildPlan } from '../plan/plan.js';
import { buildPlanOrListAll, planTolerantly } from './plan-tolerant.js';

const rails = JSON.parse(
  readFileSync(new URL('../../test/fixtures/catalogs/rails.json', import.meta.url), 'utf8'),
) as Catalog;

/** `operators` (no foreign keys) also in schemas a and b: three tables that meet on one target name. */
function clashing(): Catalog {
  const t = rails.tables.find((x) => x.name === 'operators')!;
  return {
    ...rails,
    schemas: [...rails.schemas, 'a', 'b'],
    tables: [...rails.tables, { ...t, schema: 'a' }, { ...t, schema: 'b' }],
  } as Catalog;
}

test('a clash in three schemas: one rename fix per extra table, distinct names, and the fixes plan', () => {
  const options = planOptionsFrom(parseConfig({}));
  const r = planTolerantly(clashing(), DIALECTS.mariadb, options);
  assert.ok(r.plan, 'planning went on past the clashes');
  assert.equal(r.plan.tables.length, rails.tables.length + 2);
  const fixes = r.risks.map((x) => x.fix);
  assert.equal(fixes.length, 2);
  assert.ok(fixes.every((f) => f?.path[0] === 'rename'));
  const names = fixes.map((f) => f!.value);
  assert.equal(new Set(names).size, 2, `distinct names: ${names.join(', ')}`);
  const rename = Object.fromEntries(fixes.map((f) => [f!.path[1]!, f!.value]));
  const plan = buildPlan(clashing(), DIALECTS.mariadb, planOptionsFrom(parseConfig({ rename })));
  assert.equal(plan.tables.length, rails.tables.length + 2);
});

test('schema and migrate: every planner decision in one error, the first error kept in the details', () => {
  const options = planOptionsFrom(parseConfig({}));
  let thrown: unknown;
  try {
    buildPlanOrListAll(clashing(), DIALECTS.mariadb, options);
  } catch (e) {
    thrown = e;
  }
  assert.ok(isMigrationError(thrown));
  assert.equal(thrown.code, 'IDENTIFIER_INVALID');
  assert.match(thrown.message, /^2 decisions are needed/);
  assert.match(thrown.message, /1\. Tables .*\n {2}2\. Tables /);
  assert.equal(thrown.details.decisions, 2);
  assert.match(thrown.hint ?? '', /assess --config-out/);
  // One decision alone keeps its own message and hint.
  const one = { ...rails, tables: clashing().tables.slice(0, -1) } as Catalog;
  assert.throws(
    () => buildPlanOrListAll(one, DIALECTS.mariadb, options),
    (e) => isMigrationError(e) && !/decisions are needed/.test(e.message) && /rename/.test(e.hint ?? ''),
  );
});
