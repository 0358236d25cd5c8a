// Unit tests of the pure parts of the duplicate-key path: reading the server's 1062 text (MariaDB and
// MySQL 8 spellings) and the LOAD DATA statement, which always assigns the AUTO_INCREMENT column in SET
// (issue 10 point 2). The behaviour on the real servers is in test/integration/auto-increment-zero and
// duplicate-key-diagnosis.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnPlan } from '../../plan/model.js';
import { parseDuplicate } from './duplicate-key.js';
import { loadDataStatement } from './write-chunk.js';

test('parseDuplicate reads the entry and key of MariaDB and MySQL 8 messages', () => {
  assert.deepEqual(parseDuplicate("Duplicate entry '1' for key 'PRIMARY'"), { entry: '1', key: 'PRIMARY' });
  assert.deepEqual(parseDuplicate("Duplicate entry '1-ab' for key 'c.PRIMARY'"), {
    entry: '1-ab',
    key: 'c.PRIMARY',
  });
  assert.deepEqual(parseDuplicate("Duplicate entry 'it's' for key 'u_name'"), {
    entry: "it's",
    key: 'u_name',
  });
  assert.equal(parseDuplicate('Data truncated for column x at row 1'), undefined);
});

const col = (name: string, transform: ColumnPlan['transform'] = 'none'): ColumnPlan => ({
  source: name,
  target: name,
  sourceType: 'x',
  ruleId: 'x',
  transform,
  generated: false,
});

test('LOAD DATA assigns the AUTO_INCREMENT column through SET, with or without other SET columns', () => {
  const sql = loadDataStatement('t', [col('id'), col('v'), col('p', 'bytea')], 'id');
  assert.match(sql, /\(@v0, `v`, @v2\) SET `id` = @v0, `p` = UNHEX\(@v2\)$/);
  assert.match(loadDataStatement('t', [col('id'), col('v')], 'id'), /\(@v0, `v`\) SET `id` = @v0$/);
  assert.match(loadDataStatement('t', [col('id'), col('v')]), /\(`id`, `v`\)$/);
});
