// Table-driven tests for the copy's key-space arithmetic: adaptive sizing, integer spans, splitting into
// sub-ranges, the gaps left by committed chunks (resume), number spaces in key order, and order checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChunkRange } from './chunk-range.js';
import {
  blockSpan,
  CHUNK_NO_SPACE,
  compareUtf8,
  densityOf,
  intSpan,
  isComplete,
  nextChunkRows,
  orderProblem,
  splitBlocks,
  splitGap,
  splitIntRange,
  uncoveredRanges,
} from './chunks.js';

const O = { chunkSeconds: 2, initialChunkRows: 20_000, maxChunkRows: 1_000_000 };

test('nextChunkRows: start, adapt to the rate, limit each step, clamp', () => {
  const cases: [string, number | undefined, { rows: number; ms: number } | undefined, typeof O, number][] = [
    ['first chunk', undefined, undefined, O, 20_000],
    ['rate says 2 s = 40k rows', 20_000, { rows: 20_000, ms: 1000 }, O, 40_000],
    ['rate says 10x: limited to 4x', 20_000, { rows: 20_000, ms: 100 }, O, 80_000],
    ['rate says /10: limited to /4', 20_000, { rows: 20_000, ms: 20_000 }, O, 5000],
    ['empty chunk grows 4x', 20_000, { rows: 0, ms: 5 }, O, 80_000],
    ['instant chunk grows 4x', 20_000, { rows: 10, ms: 0 }, O, 80_000],
    ['max clamps', 900_000, { rows: 900_000, ms: 100 }, O, 1_000_000],
    ['floor is 1000', 1500, { rows: 1500, ms: 100_000 }, O, 1000],
    ['floor is initial when smaller', 10, { rows: 10, ms: 100_000 }, { ...O, initialChunkRows: 10 }, 10],
    ['initial above max', undefined, undefined, { ...O, maxChunkRows: 500 }, 500],
    ['tiny max', 1, { rows: 1, ms: 1 }, { ...O, initialChunkRows: 1, maxChunkRows: 1 }, 1],
  ];
  for (const [name, prev, obs, o, want] of cases) assert.equal(nextChunkRows(prev, obs, o), want, name);
});

test('intSpan and densityOf', () => {
  assert.equal(densityOf(100, 0n, 100n), 1);
  assert.equal(densityOf(100, 0n, 1000n), 0.1);
  assert.equal(densityOf(0, 0n, 10n), 0);
  assert.equal(densityOf(5, 10n, 10n), 0);
  assert.equal(intSpan(1000, 1), 1000n);
  assert.equal(intSpan(1000, 0.1), 10_000n);
  assert.equal(intSpan(1000, 3), 334n);
  assert.equal(intSpan(1, 1e9), 1n);
  assert.equal(intSpan(1000, 0), 1000n, 'unknown density: one unit per row');
  assert.equal(intSpan(1e6, 1e-300), BigInt(Number.MAX_SAFE_INTEGER));
  assert.equal(blockSpan(1000, 100), 10);
  assert.equal(blockSpan(1000, 0), 1);
  assert.equal(blockSpan(1, 100), 1);
});

test('splitIntRange: equal widths, never past max, fewer parts for narrow ranges', () => {
  const cases: [bigint, bigint, number, string[]][] = [
    [1n, 100n, 4, ['25', '50', '75']],
    [1n, 100n, 1, []],
    [1n, 3n, 8, ['1', '2']],
    [5n, 5n, 4, []],
    [-10n, 9n, 2, ['-1']],
    [1n, 0n, 4, []],
    [9223372036854775000n, 9223372036854775807n, 2, ['9223372036854775403']],
  ];
  for (const [min, max, parts, want] of cases)
    assert.deepEqual(splitIntRange(min, max, parts), want, `${min}..${max} / ${parts}`);
});

test('splitBlocks', () => {
  assert.deepEqual(splitBlocks(100, 4), ['25', '50', '75']);
  assert.deepEqual(splitBlocks(3, 8), ['1', '2']);
  assert.deepEqual(splitBlocks(1, 8), []);
  assert.deepEqual(splitBlocks(10, 3), ['4', '8']);
});

const ch = (no: number, lo: string | null, hi: string | null): ChunkRange => ({
  table: 't',
  no,
  kind: 'int',
  lo: lo === null ? null : [lo],
  hi: hi === null ? null : [hi],
});

test('uncoveredRanges: the complement of committed chunks, with number spaces in key order', () => {
  const cases: [
    string,
    ChunkRange[],
    { lo: string | null; hi: string | null; noFrom: number; noTo: number }[],
  ][] = [
    ['nothing committed', [], [{ lo: null, hi: null, noFrom: 0, noTo: CHUNK_NO_SPACE }]],
    ['complete', [ch(0, null, '10'), ch(1, '10', '20'), ch(2, '20', null)], []],
    ['complete, unsorted input', [ch(2, '20', null), ch(0, null, '10'), ch(1, '10', '20')], []],
    ['one whole-table chunk', [ch(0, null, null)], []],
    [
      'tail missing',
      [ch(0, null, '10'), ch(1, '10', '20')],
      [{ lo: '20', hi: null, noFrom: 2, noTo: CHUNK_NO_SPACE }],
    ],
    [
      'two sub-ranges, each with a missing tail',
      [ch(0, null, '10'), ch(1, '10', '20'), ch(1000, '50', '60')],
      [
        { lo: '20', hi: '50', noFrom: 2, noTo: 1000 },
        { lo: '60', hi: null, noFrom: 1001, noTo: CHUNK_NO_SPACE },
      ],
    ],
    ['head missing', [ch(500, '50', null)], [{ lo: null, hi: '50', noFrom: 0, noTo: 500 }]],
  ];
  for (const [name, committed, want] of cases) {
    const got = uncoveredRanges(committed).map((g) => ({
      lo: g.lo?.[0] ?? null,
      hi: g.hi?.[0] ?? null,
      noFrom: g.noFrom,
      noTo: g.noTo,
    }));
    assert.deepEqual(got, want, name);
    assert.equal(isComplete(committed), want.length === 0 && committed.length > 0, `${name}: isComplete`);
  }
});

test('composite bounds are compared as whole tuples', () => {
  const c = (no: number, lo: string[] | null, hi: string[] | null): ChunkRange => ({
    table: 't',
    no,
    kind: 'composite',
    lo,
    hi,
  });
  assert.deepEqual(uncoveredRanges([c(0, null, ['1', 'a']), c(1, ['1', 'a'], null)]), []);
  assert.equal(uncoveredRanges([c(0, null, ['1', 'a']), c(1, ['1', 'b'], null)]).length, 1);
  assert.equal(uncoveredRanges([c(0, null, ['1', 'a']), c(1, ['1'], null)]).length, 1);
});

test('splitGap: parts share the number space in key order', () => {
  const whole = { lo: null, hi: null, noFrom: 0, noTo: CHUNK_NO_SPACE };
  const parts = splitGap(whole, [['10'], ['20'], ['30']]);
  assert.equal(parts.length, 4);
  assert.deepEqual(
    parts.map((p) => [p.lo?.[0] ?? null, p.hi?.[0] ?? null]),
    [
      [null, '10'],
      ['10', '20'],
      ['20', '30'],
      ['30', null],
    ],
  );
  for (let i = 1; i < parts.length; i++) {
    assert.ok(parts[i]!.noFrom > parts[i - 1]!.noFrom);
    assert.equal(parts[i]!.noFrom, parts[i - 1]!.noTo);
  }
  assert.equal(parts[3]!.noTo, CHUNK_NO_SPACE);
  // A small number space allows fewer parts; the boundaries picked stay spread out.
  const small = splitGap({ lo: ['0'], hi: ['100'], noFrom: 10, noTo: 10 + 2 * 1024 }, [
    ['25'],
    ['50'],
    ['75'],
  ]);
  assert.equal(small.length, 2);
  assert.deepEqual(small[0]!.hi, ['50']);
  assert.deepEqual(small[1]!.lo, ['50']);
  assert.deepEqual(splitGap({ lo: null, hi: null, noFrom: 0, noTo: 5 }, [['1']]), [
    { lo: null, hi: null, noFrom: 0, noTo: 5 },
  ]);
});

test('compareUtf8 is byte order, not UTF-16 order', () => {
  // U+FF61 (3 UTF-8 bytes) sorts before U+1F600 (4 bytes) in UTF-8, after it in UTF-16 code units.
  assert.ok(compareUtf8('\uff61', '😀') < 0);
  assert.ok('\uff61' > '😀');
  assert.ok(compareUtf8('B', 'a') < 0);
  assert.equal(compareUtf8('x', 'x'), 0);
});

test('orderProblem finds overlapping or out-of-order chunks', () => {
  assert.equal(orderProblem('int', [ch(0, null, '10'), ch(1, '10', null)]), undefined);
  assert.equal(orderProblem('int', [ch(0, null, '10'), ch(5, '30', null)]), undefined, 'gaps are fine');
  assert.match(orderProblem('int', [ch(0, null, '10'), ch(1, '5', null)]) ?? '', /before the previous/);
  assert.match(orderProblem('int', [ch(0, null, '9'), ch(1, '10', '10')]) ?? '', /lo 10 ≥ hi 10/);
  assert.match(orderProblem('int', [ch(0, null, null), ch(1, '10', '20')]) ?? '', /ends the table/);
  assert.equal(orderProblem('int', [ch(0, null, '9'), ch(1, '10', '100')]), undefined, 'numeric, not text');
  assert.equal(orderProblem('composite', [ch(0, null, '10'), ch(1, '5', null)]), undefined);
});
