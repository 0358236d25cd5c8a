// Per-table verify work over one lane (a source client + a target connection): the table's shape from the
// plan, its segments (the copy's committed chunks when they cover the key space, else cut here), segment
// checksums on both servers at once, the bisection port, full-level paging and sampling.
// Invariants: every statement comes from checksum-sql.ts; each question is one round trip per side with
// both sides in flight together; segments of one table never overlap and together cover the whole table.

import type { ChunkRange } from '../copy/chunk-range.js';
import type { SourceClient } from '../source/postgres/connect.js';
import { pgRows } from '../source/postgres/verify-queries.js';
import type { TargetSession } from '../target/mysql/connect.js';
import { myRows } from '../target/mysql/verify-queries.js';
import type { BisectPort, Checksum, Part, Sides } from './bisect.js';
import { intMidpoint } from './bisect.js';
import * as q from './checksum-sql.js';
import type { Segment, Side, Sql, TableShape } from './checksum-sql.js';
import type { FetchedRow, RowDiff } from './compare-rows.js';
import { diffByKey, diffMultiset } from './compare-rows.js';

/** One verify session pair. */
export interface Lane {
  readonly source: SourceClient;
  readonly target: TargetSession['conn'];
}

/** Run a statement on one side of a lane. */
export function run(lane: Lane, side: Side, st: Sql): Promise<(string | null)[][]> {
  return side === 'pg' ? pgRows(lane.source, st) : myRows(lane.target, st);
}

/** Run the same question on both sides at once. */
export function both<T>(
  lane: Lane,
  build: (side: Side) => Sql,
  read: (rows: (string | null)[][]) => T,
): Promise<[T, T]> {
  return Promise.all([run(lane, 'pg', build('pg')).then(read), run(lane, 'my', build('my')).then(read)]);
}

const readChecksum = (rows: (string | null)[][]): Checksum => ({
  rows: Number(rows[0]?.[0] ?? 0),
  sum: String(rows[0]?.[1] ?? '0'),
});
const readRows = (rows: (string | null)[][]): FetchedRow[] =>
  rows.map((r) => ({ values: r.slice(0, -1), hash: r[r.length - 1] ?? '' }));

/** Count and checksum of a segment on both sides. */
export async function checksumBoth(lane: Lane, t: TableShape, seg: Segment): Promise<Sides> {
  const [source, target] = await both(lane, (s) => q.checksumSql(s, t, seg), readChecksum);
  return { source, target };
}

/** Fetch a segment's rows on both sides. */
export function rowsBoth(lane: Lane, t: TableShape, seg: Segment): Promise<[FetchedRow[], FetchedRow[]]> {
  return both(lane, (s) => q.rowsSql(s, t, seg), readRows);
}

export const keyIndexes = (t: TableShape): number[] => t.key.map((k) => t.columns.indexOf(k.col));

/** Segments from the copy's committed chunks, when they cover the key space contiguously and compare natively. */
export function segmentsFromChunks(
  t: TableShape,
  chunks: readonly ChunkRange[] | undefined,
): Segment[] | null {
  if (!chunks || chunks.length === 0 || t.key.length === 0) return null;
  if (!t.key.every((k) => k.order === 'native' || k.order === 'string')) return null;
  const sorted = [...chunks].sort((a, b) => a.no - b.no);
  const same = (a: readonly string[] | null, b: readonly string[] | null) =>
    JSON.stringify(a) === JSON.stringify(b);
  if (sorted[0]!.lo !== null || sorted[sorted.length - 1]!.hi !== null) return null;
  for (let i = 1; i < sorted.length; i++) if (!same(sorted[i]!.lo, sorted[i - 1]!.hi)) return null;
  if (sorted.some((c) => c.kind === 'ctid' || (c.lo && c.lo.length !== t.key.length))) return null;
  return sorted.map((c) => ({ kind: 'range', lo: c.lo, hi: c.hi }));
}

/** Cut a keyed table into segments of about `segmentRows` source rows. */
export async function cutSegments(
  lane: Lane,
  t: TableShape,
  estimatedRows: number,
  segmentRows: number,
): Promise<Segment[]> {
  const whole: Segment = { kind: 'range', lo: null, hi: null };
  if (estimatedRows >= 0 && estimatedRows <= segmentRows) return [whole];
  const k = t.key[0]!;
  if (t.key.length === 1 && k.col.kind === 'int' && k.order === 'native') {
    const rows = await run(lane, 'pg', q.boundsSql('pg', t, whole));
    const [lo, hi] = rows[0] ?? [];
    if (lo == null || hi == null) return [whole];
    const min = BigInt(lo);
    const span = BigInt(hi) - min + 1n;
    const est = estimatedRows >= 0 ? BigInt(estimatedRows) : span;
    const wanted = (est + BigInt(segmentRows) - 1n) / BigInt(segmentRows) || 1n;
    const n = wanted < span ? wanted : span;
    const width = (span + n - 1n) / n;
    const segs: Segment[] = [];
    let prev: string[] | null = null;
    for (let i = 1n; i < n; i++) {
      const b = [(min - 1n + width * i).toString()];
      segs.push({ kind: 'range', lo: prev, hi: b });
      prev = b;
    }
    segs.push({ kind: 'range', lo: prev, hi: null });
    return segs;
  }
  const bounds = (await run(lane, 'pg', q.quantileKeysSql(t, segmentRows))).map((r) => r.map((v) => v ?? ''));
  const segs: Segment[] = [];
  let prev: string[] | null = null;
  for (const b of bounds) {
    segs.push({ kind: 'range', lo: prev, hi: b });
    prev = b;
  }
  segs.push({ kind: 'range', lo: prev, hi: null });
  return segs;
}

function minMax(vals: (string | null | undefined)[], pick: 'min' | 'max'): string | null {
  const xs = vals.filter((v): v is string => v != null).map((v) => BigInt(v));
  if (xs.length === 0) return null;
  xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return (pick === 'min' ? xs[0]! : xs[xs.length - 1]!).toString();
}

/** The bisection port for key-range segments of a keyed table, on one lane. */
export function rangePort(lane: Lane, t: TableShape): BisectPort<Segment> {
  const keyIdx = keyIndexes(t);
  const intKey = t.key.length === 1 && t.key[0]!.col.kind === 'int' && t.key[0]!.order === 'native';
  return {
    async split(seg, sides): Promise<Part<Segment>[] | null> {
      if (seg.kind !== 'range') return null;
      let mid: string[] | null = null;
      if (intKey) {
        const [s, g] = await both(
          lane,
          (side) => q.boundsSql(side, t, seg),
          (r) => r[0] ?? [],
        );
        const m = intMidpoint(minMax([s[0], g[0]], 'min') ?? '0', minMax([s[1], g[1]], 'max') ?? '0');
        mid = m === null ? null : [m];
      } else {
        const side: Side = sides.source.rows >= sides.target.rows ? 'pg' : 'my';
        const n = side === 'pg' ? sides.source.rows : sides.target.rows;
        if (n < 2) return null;
        const rows = await run(lane, side, q.nthKeySql(side, t, seg, Math.floor((n - 1) / 2)));
        mid = rows[0] ? rows[0].map((v) => v ?? '') : null;
      }
      if (!mid || (seg.hi && JSON.stringify(seg.hi) === JSON.stringify(mid))) return null;
      const parts: Segment[] = [
        { kind: 'range', lo: seg.lo, hi: mid },
        { kind: 'range', lo: mid, hi: seg.hi },
      ];
      const out: Part<Segment>[] = [];
      for (const p of parts) out.push({ seg: p, sides: await checksumBoth(lane, t, p) });
      return out;
    },
    async diff(seg): Promise<RowDiff> {
      const [s, g] = await rowsBoth(lane, t, seg);
      return diffByKey(t.columns, keyIdx, s, g);
    },
  };
}

/** Checksums of the 16 hash buckets under `prefix` on both sides, as parts (absent buckets count as empty). */
export async function hashBuckets(lane: Lane, t: TableShape, prefix: string): Promise<Part<Segment>[]> {
  const [s, g] = await both(
    lane,
    (side) => q.bucketSql(side, t, prefix),
    (rows) => new Map(rows.map((r) => [r[0] ?? '', { rows: Number(r[1] ?? 0), sum: String(r[2] ?? '0') }])),
  );
  const empty: Checksum = { rows: 0, sum: '0' };
  const buckets = [...new Set([...s.keys(), ...g.keys()])].sort();
  return buckets.map((b) => ({
    seg: { kind: 'hash', prefix: b },
    sides: { source: s.get(b) ?? empty, target: g.get(b) ?? empty },
  }));
}

/** The bisection port for row-hash buckets (tables without a usable key), on one lane. */
export function hashPort(lane: Lane, t: TableShape): BisectPort<Segment> {
  return {
    async split(seg) {
      if (seg.kind !== 'hash' || seg.prefix.length >= 16) return null;
      return hashBuckets(lane, t, seg.prefix);
    },
    async diff(seg) {
      const [s, g] = await rowsBoth(lane, t, seg);
      return diffMultiset(t.columns, s, g);
    },
  };
}

/** Full level for one key-range segment: page through the source in key order and diff each window. */
export async function fullRange(
  lane: Lane,
  t: TableShape,
  seg: Extract<Segment, { kind: 'range' }>,
  pageRows: number,
): Promise<{ diff: RowDiff[]; rowsSource: number; rowsTarget: number }> {
  const keyIdx = keyIndexes(t);
  const diffs: RowDiff[] = [];
  let [rowsSource, rowsTarget] = [0, 0];
  let lo = seg.lo;
  for (;;) {
    const src = readRows(
      await run(
        lane,
        'pg',
        q.rowsSql('pg', t, { kind: 'range', lo, hi: seg.hi }, { limit: pageRows, hash: false }),
      ),
    );
    const last = src[src.length - 1];
    const hi = src.length < pageRows || !last ? seg.hi : keyIdx.map((i) => last.values[i] ?? '');
    const tgt = readRows(
      await run(lane, 'my', q.rowsSql('my', t, { kind: 'range', lo, hi }, { hash: false })),
    );
    rowsSource += src.length;
    rowsTarget += tgt.length;
    diffs.push(diffByKey(t.columns, keyIdx, src, tgt));
    if (hi === seg.hi) break;
    lo = hi;
  }
  return { diff: diffs, rowsSource, rowsTarget };
}

/** `--sample n`: n random source keys, compared field by field with the target. */
export async function sampleRows(lane: Lane, t: TableShape, n: number): Promise<RowDiff[]> {
  if (n <= 0 || t.key.length === 0) return [];
  const keys = (await run(lane, 'pg', q.sampleKeysSql(t, n))).map((r) => r.map((v) => v ?? ''));
  const out: RowDiff[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const [s, g] = await both(lane, (side) => q.rowsByKeysSql(side, t, batch), readRows);
    out.push(diffByKey(t.columns, keyIndexes(t), s, g));
  }
  return out;
}
