// Issue 10 point 4, structurally: for every column that lands in a text type (every kitchen-sink type
// overridden to longtext, and the default text mappings), the copy's SELECT expression and verify's
// PostgreSQL expression are the same SQL, so the text the copy writes is the text verify compares.
// (The integration test text-canonical.test.ts checks the stored texts on the real servers.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Catalog } from '../../src/catalog/model.js';
import { DIALECTS, type DialectName } from '../../src/dialect/capabilities.js';
import { DEFAULT_PLAN_OPTIONS } from '../../src/plan/options.js';
import { buildPlan } from '../../src/plan/plan.js';
import { selectExpr } from '../../src/source/postgres/read-chunk.js';
import { pgValue, tableShape } from '../../src/verify/checksum-sql.js';
import { sourceTypesFromCatalog } from '../../src/verify/normalize.js';

const catalog = JSON.parse(
  readFileSync(new URL('../fixtures/catalogs/kitchen-sink.json', import.meta.url), 'utf8'),
) as Catalog;
const allTypes = catalog.tables.find((t) => t.name === 'all_types')!;
const v = (name: string) => `"${name.replaceAll('"', '""')}"`;

function checkTextColumns(dialect: DialectName, columns: Record<string, { type: string }>): number {
  const plan = buildPlan(catalog, DIALECTS[dialect], { ...DEFAULT_PLAN_OPTIONS, columns });
  const sources = sourceTypesFromCatalog(catalog);
  let checked = 0;
  for (const tp of plan.tables) {
    const shape = tableShape(
      tp,
      plan,
      DIALECTS[dialect],
      sources.get(`${tp.source.schema}.${tp.source.name}`),
      undefined,
      true,
    );
    tp.columns.forEach((cp, i) => {
      const norm = shape.columns[i]!;
      if ((norm.kind !== 'text' && norm.kind !== 'char') || cp.generated) return;
      const where = `${tp.source.name}.${cp.source} (${cp.sourceType}, ${cp.ruleId}, ${cp.transform})`;
      const copy = selectExpr(cp);
      const verify = pgValue(norm);
      if (cp.transform === 'array-json') {
        // Verify renders arrays whose bounds do not start at 1 with their bounds (a difference); the copy
        // refuses them. Both give array_to_json's text for every other array.
        assert.match(verify, new RegExp(`THEN array_to_json\\(${v(cp.source)}\\)::text ELSE`), where);
        assert.match(copy, new RegExp(`THEN array_to_json\\(${v(cp.source)}\\) ELSE`), where);
      } else {
        // COPY writes an expression with its type's output function, which is its ::text for every type
        // but boolean (t/f); a boolean never reaches a text type without the `text` transform. CHAR
        // compares without trailing spaces on both sides.
        const cast = (x: string) => (x.endsWith('::text') ? x : `${x}::text`);
        const want = norm.kind === 'char' ? `rtrim(${cast(copy)}, ' ')` : cast(copy);
        assert.ok(cp.transform !== 'none' || cp.sourceType !== 'boolean', where);
        assert.equal(verify, want, `${where}: copy ${copy} vs verify ${verify}`);
      }
      checked++;
    });
  }
  return checked;
}

for (const dialect of ['mysql8', 'mariadb'] as const) {
  test(`every kitchen-sink column overridden to a text type is copied as the text verify compares (${dialect})`, () => {
    for (const type of ['longtext', 'varchar(200)', 'char(200)', 'tinytext']) {
      const columns = Object.fromEntries(
        allTypes.columns
          .filter((c) => c.name !== 'id' && c.type.name !== 'bytea')
          .map((c) => [`public.all_types.${c.name}`, { type }]),
      );
      const n = checkTextColumns(dialect, columns);
      assert.ok(n >= allTypes.columns.length - 3, `${type}: ${n} text columns checked`);
    }
  });

  test(`the default mappings to text types are copied as the text verify compares (${dialect})`, () => {
    assert.ok(checkTextColumns(dialect, {}) > 10);
  });
}
