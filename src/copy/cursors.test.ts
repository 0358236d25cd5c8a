// Property tests for the chunk cursors over an in-memory key set (the KeyReader port is answered from a
// sorted array): whatever the row targets, a cursor's ranges are contiguous, numbered in key order inside
// the gap's number block, and together hold every key of the gap exactly once.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TablePlan } from '../plan/model.js';
import type { ChunkRange, KeyValue } from './chunk-range.js';
import { CHUNK_NO_SPACE, compareUtf8, type Gap, splitGap } from './chunks.js';
import { CtidCursor, type Cursor, IntCursor, type KeyReader, KeyCursor } from './cursors.js';

const table = (kind: TablePlan['key']['kind']): TablePlan => ({
  source: { schema: 'public', name: 't' },
  target: 't',
  columns: [
    {
      source: 'k',
      target: 'k',
      sourceType: kind === 'int' ? 'bigint' : 'text',
      ruleId: 'x',
      transform: 'none',
      generated: false,
    },
  ],
  key: { kind, columns: kind === 'ctid' ? [] : ['k'] },
  estimatedRows: 0,
  totalBytes: 0,
});

/** A KeyReader over sorted keys (ints as bigint, texts in byte order). */
function readerOver(keys: readonly string[], int: boolean): KeyReader {
  const cmp = (a: string, b: string) =>
    int ? (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0) : compareUtf8(a, b);
  const inRange = (k: string, lo: readonly KeyValue[] | null, hi: readonly KeyValue[] | null) =>
    (lo === null || cmp(k, lo[0]!) > 0) && (hi === null || cmp(k, hi[0]!) <= 0);
  return {
    async intKeyRange(lo, hi) {
      const ks = keys.filter((k) => inRange(k, lo, hi));
      return ks.length ? { min: BigInt(ks[0]!), max: BigInt(ks.at(-1)!) } : null;
    },
    async nthKeyAfter(lo, hi, n) {
      const k = keys.filter((x) => inRange(x, lo, hi))[n - 1];
      return k === undefined ? null : [k];
    },
  };
}

async function drain(c: Cursor, reader: KeyReader, targets: readonly number[]): Promise<ChunkRange[]> {
  const out: ChunkRange[] = [];
  for (let i = 0; !c.done; i++) {
    const r = await c.next(reader, targets[i % targets.length]!);
    if (r === null) break;
    out.push(r);
    assert.ok(out.length < 10_000, 'cursor does not terminate');
  }
  return out;
}

function assertCovers(ranges: readonly ChunkRange[], gap: Gap): void {
  assert.deepEqual(ranges[0]?.lo ?? null, gap.lo);
  assert.deepEqual(ranges.at(-1)?.hi ?? null, gap.hi);
  for (let i = 1; i < ranges.length; i++) {
    assert.deepEqual(ranges[i]!.lo, ranges[i - 1]!.hi, 'contiguous');
    assert.ok(ranges[i]!.no > ranges[i - 1]!.no, 'numbers grow in key order');
  }
  for (const r of ranges) assert.ok(r.no >= gap.noFrom && r.no < gap.noTo, 'number inside the gap block');
}

const whole: Gap = { lo: null, hi: null, noFrom: 0, noTo: CHUNK_NO_SPACE };

test('IntCursor: sub-gaps cover every key exactly once, whatever the row targets', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: -1000, max: 100_000 }), { maxLength: 300 }),
      fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 4 }),
      async (ints, targets, parts) => {
        const keys = [...ints].sort((a, b) => a - b).map(String);
        const reader = readerOver(keys, true);
        const bounds = keys.length > 1 ? [keys[Math.floor(keys.length / 2)]!] : [];
        const gaps =
          parts > 1
            ? splitGap(
                whole,
                bounds.map((b) => [b]),
              )
            : [whole];
        const seen: string[] = [];
        for (const g of gaps) {
          const c = new IntCursor(table('int'), g, 0.01);
          const ranges = await drain(c, reader, targets);
          assertCovers(ranges, g);
          for (const r of ranges) {
            const held = keys.filter(
              (k) =>
                (r.lo === null || BigInt(k) > BigInt(r.lo[0]!)) &&
                (r.hi === null || BigInt(k) <= BigInt(r.hi[0]!)),
            );
            seen.push(...held);
            c.observe(r, held.length);
          }
        }
        assert.deepEqual(seen, keys);
      },
    ),
    { seed: 20261124, numRuns: 150 },
  );
});

test('IntCursor: a sparse key space (-5, 0, 1, 100, 2^63-1) takes a few chunks, none of them empty', async () => {
  const keys = ['-5', '0', '1', '100', '9223372036854775807'];
  const c = new IntCursor(table('int'), whole, 1);
  const reader = readerOver(keys, true);
  const ranges: ChunkRange[] = [];
  const seen: string[] = [];
  while (!c.done) {
    const r = await c.next(reader, 2);
    if (r === null) break;
    ranges.push(r);
    assert.ok(ranges.length < 20, 'crosses the empty key space in a few chunks');
    const held = keys.filter(
      (k) =>
        (r.lo === null || BigInt(k) > BigInt(r.lo[0]!)) && (r.hi === null || BigInt(k) <= BigInt(r.hi[0]!)),
    );
    assert.ok(held.length > 0, `chunk ${r.no} (${r.lo} .. ${r.hi}] is empty`);
    seen.push(...held);
    c.observe(r, held.length);
  }
  assertCovers(ranges, whole);
  assert.deepEqual(seen, keys);
});

test('KeyCursor: text keys in byte order, each chunk about the target size', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 6 }), { maxLength: 200 }),
      fc.integer({ min: 1, max: 50 }),
      async (texts, n) => {
        const keys = [...texts].sort(compareUtf8);
        const ranges = await drain(new KeyCursor(table('text'), whole), readerOver(keys, false), [n]);
        assertCovers(ranges, whole);
        let total = 0;
        for (const r of ranges) {
          const held = keys.filter(
            (k) =>
              (r.lo === null || compareUtf8(k, r.lo[0]!) > 0) &&
              (r.hi === null || compareUtf8(k, r.hi[0]!) <= 0),
          );
          assert.ok(held.length <= n, `a chunk holds at most the target (${held.length} > ${n})`);
          total += held.length;
        }
        assert.equal(total, keys.length);
      },
    ),
    { seed: 7, numRuns: 150 },
  );
});

test('CtidCursor: block ranges from 0 to an open end', async () => {
  const c = new CtidCursor(table('ctid'), whole, 10, 100);
  const ranges = await drain(c, readerOver([], true), [250]);
  assert.deepEqual(
    ranges.map((r) => [r.lo, r.hi]),
    [
      [null, ['3']],
      [['3'], ['6']],
      [['6'], ['9']],
      [['9'], null],
    ],
  );
});

test('a gap with a single chunk number left ends in one chunk to the gap end', async () => {
  const gap: Gap = { lo: ['5'], hi: ['500'], noFrom: 41, noTo: 42 };
  const keys = Array.from({ length: 100 }, (_, i) => String(i * 10));
  const ranges = await drain(new IntCursor(table('int'), gap, 0.1), readerOver(keys, true), [3]);
  assert.deepEqual(ranges, [{ table: 't', no: 41, kind: 'int', lo: ['5'], hi: ['500'] }]);
});
