// overrideTransform: a value overridden into a text type travels as PostgreSQL's own text (transform
// `text`), the canonical text verify compares (issue 10 point 4); JSON, BLOB from bytea, arrays and
// non-string targets keep the rule's transform.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Transform } from './model.js';
import { overrideTransform, parseTypeOverride } from './type-override.js';

const t = (base: Transform | undefined, type: string) =>
  overrideTransform(base, parseTypeOverride(type, 'x'));

test('every value conversion into a text type becomes the ::text of the value', () => {
  const all: Transform[] = [
    'none',
    'bool',
    'bytea',
    'timestamptz-utc',
    'timetz-utc',
    'money',
    'interval-iso',
  ];
  for (const base of [...all, 'interval-time', 'bit', 'text'] as Transform[])
    for (const type of ['varchar(40)', 'char(40)', 'text', 'longtext'])
      assert.equal(t(base, type), 'text', `${base} → ${type}`);
});

test('JSON, bytea into BLOB, arrays and non-string targets keep the rule; no rule: text or none', () => {
  assert.equal(t('timestamptz-utc', 'json'), 'timestamptz-utc');
  assert.equal(t('bytea', 'longblob'), 'bytea');
  assert.equal(t('none', 'longblob'), 'text');
  assert.equal(t('timestamptz-utc', 'varbinary(40)'), 'text');
  assert.equal(t('bytea', 'varbinary(40)'), 'bytea');
  assert.equal(t('array-json', 'longtext'), 'array-json');
  assert.equal(t('timestamptz-utc', 'datetime(6)'), 'timestamptz-utc');
  assert.equal(t('none', 'double'), 'none');
  assert.equal(t(undefined, 'varchar(10)'), 'text');
  assert.equal(t(undefined, 'bigint'), 'none');
});
