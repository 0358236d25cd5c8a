// Golden tests for verify's SQL: the statements for every table of the kitchen-sink and Rails catalog
// fixtures on MySQL 8 and MariaDB, compared byte for byte with test/golden/verify-*.sql (UPDATE_GOLDEN=1
// rewrites them; review the diff). Plus the invariants: identifiers quoted, values only as parameters.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Catalog } from '../catalog/model.js';
import { DIALECTS, type DialectName } from '../dialect/capabilities.js';
import { DEFAULT_PLAN_OPTIONS } from '../plan/options.js';
import { buildPlan } from '../plan/plan.js';
import * as q from './checksum-sql.js';
import { type ColumnNorm, sourceTypesFromCatalog } from './normalize.js';

const catalog = (name: string): Catalog =>
  JSON.parse(
    readFileSync(new URL(`../../test/fixtures/catalogs/${name}.json`, import.meta.url), 'utf8'),
  ) as Catalog;
const goldenUrl = (name: string, dialect: DialectName) =>
  new URL(`../../test/golden/verify-${name}.${dialect}.sql`, import.meta.url);

function shapes(name: string, dialect: DialectName): q.TableShape[] {
  const cat = catalog(name);
  const plan = buildPlan(cat, DIALECTS[dialect], DEFAULT_PLAN_OPTIONS);
  const types = sourceTypesFromCatalog(cat);
  return plan.tables.map((t) =>
    q.tableShape(
      t,
      plan,
      DIALECTS[dialect],
      types.get(`${t.source.schema}.${t.source.name}`),
      undefined,
      true,
    ),
  );
}

function render(name: string, dialect: DialectName): string {
  const out: string[] = [];
  const show = (label: string, st: q.Sql) =>
    out.push(`-- ${label}${st.params.length ? ` params=${JSON.stringify(st.params)}` : ''}\n${st.text};\n`);
  for (const t of shapes(name, dialect)) {
    out.push(
      `-- ===== ${t.source.schema}.${t.source.name} → ${t.target}: ${t.columns.map((c) => `${c.target}:${c.kind}`).join(' ')} key=${t.key.map((k) => `${k.col.target}:${k.order}`).join(',') || '(row hash)'}\n`,
    );
    const lo = t.key.map((k) => `lo-${k.col.target}`);
    const hi = t.key.map((k) => `hi-${k.col.target}`);
    const seg: q.Segment = t.key.length ? { kind: 'range', lo, hi } : { kind: 'hash', prefix: 'a' };
    for (const side of ['pg', 'my'] as const) {
      show(`${side} checksum`, q.checksumSql(side, t, seg));
      show(`${side} rows`, q.rowsSql(side, t, seg));
      if (t.key.length) show(`${side} nth key`, q.nthKeySql(side, t, seg, 10));
      else show(`${side} buckets`, q.bucketSql(side, t, 'a'));
    }
  }
  return out.join('\n');
}

for (const name of ['kitchen-sink', 'rails']) {
  for (const dialect of ['mysql8', 'mariadb'] as const) {
    test(`golden verify SQL: ${name} on ${dialect}`, () => {
      const sql = render(name, dialect);
      if (process.env.UPDATE_GOLDEN === '1') {
        writeFileSync(goldenUrl(name, dialect), sql);
        return;
      }
      const want = readFileSync(goldenUrl(name, dialect), 'utf8');
      assert.ok(
        sql === want,
        `verify SQL differs from test/golden/verify-${name}.${dialect}.sql; run with UPDATE_GOLDEN=1 and review the diff`,
      );
    });
  }
}

const col = (over: Partial<ColumnNorm>): ColumnNorm => ({
  source: 'c',
  target: 'c',
  kind: 'text',
  pgInput: 'plain',
  compare: 'exact',
  generated: false,
  src: { name: 'text', array: false, enum: false },
  precision: '',
  ...over,
});

test('identifiers are quoted with doubled quotes; values only ever travel as parameters', () => {
  const k = col({
    source: 'we"ird',
    target: 'we`ird',
    kind: 'int',
    src: { name: 'int8', array: false, enum: false },
  });
  const v = col({ source: "o'k", target: "o'k" });
  const t: q.TableShape = {
    source: { schema: 'sch"ema', name: 'ta"ble' },
    target: 'ta`ble',
    columns: [k, v],
    key: [{ col: k, order: 'native' }],
    sourceUtf8: true,
  };
  const evil = "1'; DROP TABLE x; --";
  const seg: q.Segment = { kind: 'range', lo: [evil], hi: ['9'] };
  const pgSql = q.rowsSql('pg', t, seg);
  assert.match(pgSql.text, /FROM "sch""ema"\."ta""ble" WHERE "we""ird" > \$1 AND "we""ird" <= \$2/);
  assert.deepEqual(pgSql.params, [evil, '9']);
  const mySql = q.rowsSql('my', t, seg);
  assert.match(mySql.text, /FROM `ta``ble` WHERE `we``ird` > CAST\(\? AS DECIMAL\(65,0\)\)/);
  assert.ok(!mySql.text.includes('DROP') && !pgSql.text.includes('DROP'));
  assert.ok(q.pgValue(v).includes(`"o'k"`) && q.myValue(v) === "`o'k`");
});

test('composite keys: PostgreSQL row comparison in byte order, MySQL expanded so both use the index', () => {
  const a = col({ source: 'a', target: 'a', kind: 'int', src: { name: 'int4', array: false, enum: false } });
  const b = col({ source: 'b', target: 'b' });
  const t: q.TableShape = {
    source: { schema: 's', name: 't' },
    target: 't',
    columns: [a, b],
    key: [
      { col: a, order: 'native' },
      { col: b, order: 'string' },
    ],
    sourceUtf8: true,
  };
  const seg: q.Segment = { kind: 'range', lo: ['1', 'x'], hi: null };
  assert.match(q.rowsSql('pg', t, seg).text, /WHERE \("a", "b" COLLATE "C"\) > \(\$1, \$2\)$/);
  assert.match(
    q.rowsSql('my', t, seg).text,
    /WHERE \(`a` > CAST\(\? AS DECIMAL\(65,0\)\) OR \(`a` = CAST\(\? AS DECIMAL\(65,0\)\) AND `b` > \?\)\)$/,
  );
  assert.deepEqual(q.rowsSql('my', t, seg).params, ['1', '1', 'x']);
  const upTo = q.rowsSql('my', t, { kind: 'range', lo: null, hi: ['1', 'x'] }).text;
  assert.match(
    upTo,
    /`a` < CAST\(\? AS DECIMAL\(65,0\)\) OR \(`a` = CAST\(\? AS DECIMAL\(65,0\)\) AND `b` <= \?\)/,
  );
});

test('non-UTF8 source databases hash the UTF-8 bytes', () => {
  const t: q.TableShape = {
    source: { schema: 's', name: 't' },
    target: 't',
    columns: [col({})],
    key: [],
    sourceUtf8: false,
  };
  assert.match(q.pgRowHash(t), /^md5\(convert_to\(coalesce\(octet_length\(convert_to\("c"::text, 'UTF8'\)\)/);
});
