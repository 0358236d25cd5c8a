// Unit tests for bisection over an in-memory port: for random tables and random damage (rows missing,
// extra, changed; duplicates), bisecting a segment finds exactly what a full row diff finds, fetches only
// small parts, and stops early at maxDiffs. Also the integer midpoint.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { type BisectPort, bisect, intMidpoint, type Sides } from './bisect.js';
import { diffByKey, type FetchedRow } from './compare-rows.js';

type Seg = { lo: bigint | null; hi: bigint | null };
const COLS = [
  { target: 'id', compare: 'exact' as const },
  { target: 'v', compare: 'exact' as const },
];
const row = (id: bigint, v: string): FetchedRow => ({
  values: [id.toString(), v],
  hash: createHash('md5').update(`${id}|${v}`).digest('hex'),
});
const inSeg = (s: Seg) => (r: FetchedRow) => {
  const k = BigInt(r.values[0]!);
  return (s.lo === null || k > s.lo) && (s.hi === null || k <= s.hi);
};
const checksum = (rows: FetchedRow[]) => ({
  rows: rows.length,
  sum: rows.reduce((n, r) => n + BigInt(`0x${r.hash.slice(0, 16)}`), 0n).toString(),
});

function memoryPort(src: FetchedRow[], tgt: FetchedRow[], log: number[]): BisectPort<Seg> {
  const sides = (s: Seg): Sides => ({
    source: checksum(src.filter(inSeg(s))),
    target: checksum(tgt.filter(inSeg(s))),
  });
  return {
    async split(s) {
      const keys = [...src, ...tgt].filter(inSeg(s)).map((r) => BigInt(r.values[0]!));
      if (keys.length === 0) return null;
      keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const [min, max] = [keys[0]!, keys[keys.length - 1]!];
      const mid = intMidpoint(min.toString(), max.toString());
      if (mid === null) return null;
      const parts: Seg[] = [
        { lo: s.lo, hi: BigInt(mid) },
        { lo: BigInt(mid), hi: s.hi },
      ];
      return parts.map((p) => ({ seg: p, sides: sides(p) }));
    },
    async diff(s) {
      const a = src.filter(inSeg(s));
      const b = tgt.filter(inSeg(s));
      log.push(Math.max(a.length, b.length));
      return diffByKey(COLS, [0], a, b);
    },
  };
}

const sortKeys = (ks: readonly (readonly string[])[]) => [...ks].map((k) => k.join()).sort();

test('bisection finds exactly what a full diff finds, fetching only small parts', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.bigInt({ min: -10_000n, max: 10_000n }), { minLength: 0, maxLength: 400 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'change', 'add')), { maxLength: 8 }),
      fc.integer({ min: 1, max: 20 }),
      async (ids, damage, bisectRows) => {
        const src = ids.map((id) => row(id, `v${id}`));
        let tgt = [...src];
        for (const [n, kind] of damage) {
          const i = tgt.length ? n % tgt.length : 0;
          if (kind === 'drop' && tgt.length) tgt = tgt.filter((_, j) => j !== i);
          else if (kind === 'change' && tgt.length)
            tgt = tgt.map((r, j) => (j === i ? row(BigInt(r.values[0]!), `${r.values[1]}x`) : r));
          else if (kind === 'add') tgt = [...tgt, row(20_000n + BigInt(n), 'new')];
        }
        const want = diffByKey(COLS, [0], src, tgt);
        const all: Seg = { lo: null, hi: null };
        const log: number[] = [];
        const port = memoryPort(src, tgt, log);
        const sides: Sides = { source: checksum(src), target: checksum(tgt) };
        const got = await bisect(all, sides, port, { bisectRows, maxDiffs: 1000 });
        assert.deepEqual(sortKeys(got.diff.missing), sortKeys(want.missing));
        assert.deepEqual(sortKeys(got.diff.extra), sortKeys(want.extra));
        assert.deepEqual(
          sortKeys(got.diff.different.map((d) => d.key)),
          sortKeys(want.different.map((d) => d.key)),
        );
        assert.ok(
          log.every((n) => n <= Math.max(bisectRows, 1)),
          `fetched parts ${log} ≤ ${bisectRows}`,
        );
        assert.equal(got.truncated, false);
      },
    ),
    { numRuns: 200 },
  );
});

test('equal checksums fetch nothing; maxDiffs stops the walk early', async () => {
  const src = Array.from({ length: 1000 }, (_, i) => row(BigInt(i), 'a'));
  const log: number[] = [];
  const same = await bisect(
    { lo: null, hi: null },
    { source: checksum(src), target: checksum(src) },
    memoryPort(src, src, log),
    { bisectRows: 10, maxDiffs: 5 },
  );
  assert.equal(same.leaves, 0);
  assert.deepEqual(log, []);
  const tgt = src.map((r, i) => (i % 10 === 0 ? row(BigInt(i), 'b') : r));
  const cut = await bisect(
    { lo: null, hi: null },
    { source: checksum(src), target: checksum(tgt) },
    memoryPort(src, tgt, log),
    { bisectRows: 10, maxDiffs: 5 },
  );
  assert.equal(cut.truncated, true);
  assert.ok(cut.diff.different.length >= 5 && cut.diff.different.length < 100);
});

test('intMidpoint splits any integer range into two non-empty halves', () => {
  assert.equal(intMidpoint('1', '2'), '1');
  assert.equal(intMidpoint('-3', '-2'), '-3');
  assert.equal(intMidpoint('-1', '0'), '-1');
  assert.equal(intMidpoint('5', '5'), null);
  assert.equal(intMidpoint('-9223372036854775808', '9223372036854775807'), '-1');
  fc.assert(
    fc.property(fc.bigInt(), fc.bigInt(), (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const m = intMidpoint(lo.toString(), hi.toString());
      if (lo === hi) return m === null;
      const mid = BigInt(m!);
      return lo <= mid && mid < hi;
    }),
  );
});
