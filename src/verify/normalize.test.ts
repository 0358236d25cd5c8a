// Unit tests for verify's column normal forms: the kind chosen for every kitchen-sink column on both
// dialects, key orders, and the JSON canonical form used to settle MySQL 8 JSON mismatches row by row.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Catalog } from '../catalog/model.js';
import { DIALECTS } from '../dialect/capabilities.js';
import { DEFAULT_PLAN_OPTIONS } from '../plan/options.js';
import { buildPlan } from '../plan/plan.js';
import { tableShape } from './checksum-sql.js';
import {
  canonicalJson,
  canonicalNumber,
  keyOrderOf,
  sourceTypesFromCatalog,
  valuesEqual,
} from './normalize.js';

const catalog = JSON.parse(
  readFileSync(new URL('../../test/fixtures/catalogs/kitchen-sink.json', import.meta.url), 'utf8'),
) as Catalog;

function kinds(dialect: 'mysql8' | 'mariadb'): Record<string, string> {
  const plan = buildPlan(catalog, DIALECTS[dialect], DEFAULT_PLAN_OPTIONS);
  const types = sourceTypesFromCatalog(catalog);
  const tp = plan.tables.find((t) => t.target === 'all_types')!;
  const shape = tableShape(tp, plan, DIALECTS[dialect], types.get('public.all_types'), undefined, true);
  return Object.fromEntries(
    shape.columns.map((c) => [c.target, `${c.kind}${c.pgInput === 'plain' ? '' : `/${c.pgInput}`}`]),
  );
}

test('every kitchen-sink type gets the normal form its target type needs', () => {
  const k = kinds('mariadb');
  const want: Record<string, string> = {
    c_int2: 'int',
    c_int8: 'int',
    c_numeric_12_2: 'decimal/numeric',
    c_numeric: 'decimal/numeric',
    c_money: 'decimal/numeric',
    c_real: 'float',
    c_double: 'float',
    c_bool: 'bool',
    c_char: 'char',
    c_varchar: 'text',
    c_text: 'text',
    c_bytea: 'bytes',
    c_date: 'date',
    c_time: 'time',
    c_time3: 'time',
    c_timetz: 'text',
    c_timestamp: 'datetime',
    c_timestamptz: 'datetime/utc',
    c_interval: 'text',
    c_uuid: 'char',
    c_json: 'text',
    c_jsonb: 'text',
    c_int_array: 'text/array-json',
    c_mood: 'text',
    c_positive: 'int',
    c_citext: 'text',
  };
  for (const [c, kind] of Object.entries(want)) assert.equal(k[c], kind, c);
  // MySQL 8's JSON is binary and normalises: compared by parsed value there.
  const m = kinds('mysql8');
  assert.equal(m.c_jsonb, 'json');
  assert.equal(m.c_int_array, 'json/array-json');
  assert.equal(m.c_json, 'text', 'json → LONGTEXT stays byte-exact');
});

test('key orders: native where both engines order alike, byte order for strings, canonical otherwise', () => {
  const base = {
    source: 'k',
    target: 'k',
    pgInput: 'plain',
    compare: 'exact',
    generated: false,
    precision: '',
  } as const;
  const t = (name: string) => ({ name, array: false, enum: false });
  assert.equal(keyOrderOf({ ...base, kind: 'int', src: t('int8') }, null), 'native');
  assert.equal(keyOrderOf({ ...base, kind: 'text', src: t('text') }, 'utf8mb4_0900_bin'), 'string');
  assert.equal(keyOrderOf({ ...base, kind: 'text', src: t('text') }, 'utf8mb4_nopad_bin'), 'string');
  assert.equal(
    keyOrderOf({ ...base, kind: 'text', src: t('text') }, 'utf8mb4_bin'),
    'canonical',
    'PAD SPACE',
  );
  assert.equal(keyOrderOf({ ...base, kind: 'text', src: t('citext') }, 'utf8mb4_0900_as_ci'), 'canonical');
  assert.equal(keyOrderOf({ ...base, kind: 'char', src: t('uuid') }, 'ascii_bin'), 'native');
  assert.equal(keyOrderOf({ ...base, kind: 'bytes', src: t('bytea') }, null), 'bytes');
  assert.equal(
    keyOrderOf({ ...base, kind: 'text', src: { name: 'mood', array: false, enum: true } }, null),
    'canonical',
  );
  assert.equal(
    keyOrderOf({ ...base, kind: 'time', pgInput: 'interval', src: t('interval') }, null),
    'canonical',
  );
});

test('canonical JSON: key order, white space, duplicates and number spelling do not matter; values do', () => {
  assert.equal(canonicalJson('{"b": 2, "a": [1, "x"]}'), canonicalJson('{"a":[1,"x"],"b":2}'));
  assert.equal(canonicalJson('{"a": 1,  "a" : 2}'), canonicalJson('{"a": 2}'));
  assert.equal(canonicalJson('[1.50, 15e-1, 0.0, -0]'), canonicalJson('[1.5, 1.5, 0, 0]'));
  assert.equal(canonicalJson('"\\u0041\\n😀"'), canonicalJson('"A\\n😀"'));
  assert.notEqual(canonicalJson('{"big": 9007199254740993}'), canonicalJson('{"big": 9007199254740992}'));
  assert.notEqual(canonicalJson('[1, 2]'), canonicalJson('[2, 1]'));
  assert.notEqual(canonicalJson('{"a": "1"}'), canonicalJson('{"a": 1}'));
  assert.equal(canonicalJson('not json'), '!not json');
  assert.equal(canonicalNumber('-123.4500e2'), '-12345e0');
  assert.equal(canonicalNumber('0.000'), '0');
  assert.ok(valuesEqual({ compare: 'json' }, '{"a": 1.0}', '{"a":1}'));
  assert.ok(!valuesEqual({ compare: 'exact' }, '{"a": 1.0}', '{"a":1}'));
  assert.ok(!valuesEqual({ compare: 'json' }, null, 'null'));
});

test('canonical JSON agrees with JSON.parse equality on arbitrary documents', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const a = JSON.stringify(v);
      const b = JSON.stringify(v, null, 2);
      return canonicalJson(a) === canonicalJson(b) && !canonicalJson(a).startsWith('!');
    }),
  );
});
