// Unit tests for the in-memory row diff: by key (missing, extra, different with column names, JSON by
// value), without a key (multiset: duplicates count), and the cap on listed rows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffByKey, diffMultiset, type FetchedRow, truncateDiff } from './compare-rows.js';

const COLS = [
  { target: 'id', compare: 'exact' as const },
  { target: 'name', compare: 'exact' as const },
  { target: 'doc', compare: 'json' as const },
];
const r = (values: (string | null)[], hash = values.join('|')): FetchedRow => ({ values, hash });

test('diff by key: missing, extra and different rows with the differing column names', () => {
  const src = [r(['1', 'a', '{}']), r(['2', 'b', '{}']), r(['3', null, '{"x": 1}']), r(['4', 'd', '[1]'])];
  const tgt = [r(['1', 'a', '{}']), r(['3', '', '{"x":1}']), r(['4', 'D', '[2]']), r(['9', 'z', '{}'])];
  const d = diffByKey(COLS, [0], src, tgt);
  assert.deepEqual(d.missing, [['2']]);
  assert.deepEqual(d.extra, [['9']]);
  assert.deepEqual(d.different, [
    { key: ['3'], columns: ['name'] },
    { key: ['4'], columns: ['name', 'doc'] },
  ]);
});

test('rows whose hashes differ only by JSON spelling are not reported', () => {
  const d = diffByKey(COLS, [0], [r(['1', 'a', '{"a": 1, "b": [1.0]}'])], [r(['1', 'a', '{"b":[1],"a":1}'])]);
  assert.deepEqual(d, { missing: [], extra: [], different: [] });
});

test('composite keys and duplicate target keys', () => {
  const cols = [
    { target: 'a', compare: 'exact' as const },
    { target: 'b', compare: 'exact' as const },
  ];
  const d = diffByKey(cols, [0, 1], [r(['1', 'x'])], [r(['1', 'x']), r(['1', 'x'])]);
  assert.deepEqual(d.extra, [['1', 'x']]);
  assert.deepEqual(d.missing, []);
});

test('multiset diff: a missing duplicate is found (XOR would cancel pairs), JSON spelling is tolerated', () => {
  const dup = r(['t', 'started', '{"pid": 1}'], 'aaaaaaaaaaaaaaaa1111');
  const d = diffMultiset(COLS, [dup, dup, r(['t', 'x', '{}'], 'bbbb')], [dup, r(['t', 'x', '{ }'], 'cccc')]);
  assert.deepEqual(d.missing, [['#aaaaaaaaaaaaaaaa']]);
  assert.deepEqual(d.extra, []);
  const e = diffMultiset(COLS, [r(['t', 'a', '{}'], 'dddd')], [r(['t', 'b', '{}'], 'eeee')]);
  assert.deepEqual([e.missing, e.extra], [[['#dddd']], [['#eeee']]]);
});

test('truncateDiff keeps at most max entries', () => {
  const d = { missing: [['1'], ['2']], extra: [['3']], different: [{ key: ['4'], columns: ['x'] }] };
  assert.deepEqual(truncateDiff(d, 10), { diff: d, truncated: false });
  const t = truncateDiff(d, 3);
  assert.equal(t.truncated, true);
  assert.deepEqual(t.diff, { missing: [['1'], ['2']], extra: [['3']], different: [] });
});
