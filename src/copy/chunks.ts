// Key-space arithmetic for the copy (PURE): adaptive chunk sizing, integer spans from observed density,
// splitting a table's key space into parallel sub-ranges, and the uncovered gaps left by committed chunks.
// Invariants: sub-ranges and gaps are contiguous and never overlap; chunk numbers grow in key order inside
// a table (numbers are sparse: each sub-range owns a block of the number space), so sorting a table's chunks
// by number sorts them by key, also across resumes that cut the remaining gaps differently.

import type { ChunkRange, KeyValue } from './chunk-range.js';

/** Size of one table's chunk-number space; every number stays a safe integer, also in MySQL BIGINT. */
export const CHUNK_NO_SPACE = 2 ** 40;

/** The smallest chunk adaptation shrinks to (unless initialChunkRows or maxChunkRows are smaller). */
export const MIN_CHUNK_ROWS = 1000;

/** Largest factor by which one chunk's row target may grow or shrink relative to the previous one. */
export const MAX_STEP = 4;

export interface SizingOptions {
  readonly chunkSeconds: number;
  readonly initialChunkRows: number;
  readonly maxChunkRows: number;
}

/** What the previous chunk of the same lane observed. */
export interface Observation {
  readonly rows: number;
  readonly ms: number;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Row target for the next chunk: initialChunkRows first, then rows/s observed on the last chunk times
 * chunkSeconds, changed by at most MAX_STEP per chunk, within [min(MIN_CHUNK_ROWS, initial), maxChunkRows].
 * An empty or instantaneous chunk says nothing about the rate: the target then grows by MAX_STEP.
 */
export function nextChunkRows(
  previousTarget: number | undefined,
  observed: Observation | undefined,
  o: SizingOptions,
): number {
  const max = Math.max(1, o.maxChunkRows);
  const min = Math.max(1, Math.min(MIN_CHUNK_ROWS, o.initialChunkRows, max));
  if (previousTarget === undefined || observed === undefined)
    return Math.round(clamp(o.initialChunkRows, min, max));
  let want: number;
  if (observed.rows <= 0 || observed.ms <= 0) want = previousTarget * MAX_STEP;
  else want = (observed.rows / observed.ms) * 1000 * o.chunkSeconds;
  want = clamp(want, previousTarget / MAX_STEP, previousTarget * MAX_STEP);
  return Math.max(1, Math.round(clamp(want, min, max)));
}

/** Rows per key unit of an integer range (lo, hi]; 0 when the range is empty or inverted. */
export function densityOf(rows: number, lo: bigint, hi: bigint): number {
  const width = hi - lo;
  return width > 0n && rows > 0 ? rows / Number(width) : 0;
}

/** Key units an integer chunk should span to hold about `rows` rows at `density` rows per unit (≥ 1). */
export function intSpan(rows: number, density: number): bigint {
  if (!(density > 0) || !Number.isFinite(density)) return BigInt(Math.max(1, Math.round(rows)));
  const units = Math.ceil(rows / density);
  if (!Number.isFinite(units) || units > Number.MAX_SAFE_INTEGER) return BigInt(Number.MAX_SAFE_INTEGER);
  return BigInt(Math.max(1, units));
}

/** Heap blocks a ctid chunk should span for about `rows` rows at `rowsPerBlock` (≥ 1). */
export function blockSpan(rows: number, rowsPerBlock: number): number {
  if (!(rowsPerBlock > 0) || !Number.isFinite(rowsPerBlock)) return 1;
  return Math.max(1, Math.ceil(rows / rowsPerBlock));
}

/**
 * Inner boundaries that cut the integer keys min..max into `parts` sub-ranges of equal width: the result has
 * parts−1 increasing values b, and the sub-ranges are (−∞, b1], (b1, b2], …, (b_last, +∞). Fewer boundaries
 * when the range is narrower than `parts`.
 */
export function splitIntRange(min: bigint, max: bigint, parts: number): KeyValue[] {
  if (parts <= 1 || max < min) return [];
  const span = max - min + 1n;
  const n = BigInt(parts) < span ? BigInt(parts) : span;
  const width = (span + n - 1n) / n;
  const out: KeyValue[] = [];
  for (let i = 1n; i < n; i++) {
    const b = min - 1n + width * i;
    if (b >= max) break;
    out.push(b.toString());
  }
  return out;
}

/** Inner block boundaries that cut blocks 0..blocks−1 into `parts` sub-ranges [b_i, b_i+1). */
export function splitBlocks(blocks: number, parts: number): KeyValue[] {
  if (parts <= 1 || blocks <= 1) return [];
  const n = Math.min(parts, blocks);
  const width = Math.ceil(blocks / n);
  const out: KeyValue[] = [];
  for (let b = width; b < blocks; b += width) out.push(String(b));
  return out;
}

/** A contiguous part of a table's key space still to copy, with the chunk numbers it may use. */
export interface Gap {
  /** Exclusive lower bound (ctid: inclusive first block), null = start of the table. */
  readonly lo: readonly KeyValue[] | null;
  /** Inclusive upper bound (ctid: exclusive block), null = end of the table. */
  readonly hi: readonly KeyValue[] | null;
  /** Chunk numbers this gap may use: noFrom ≤ no < noTo, in key order. */
  readonly noFrom: number;
  readonly noTo: number;
}

const sameBound = (a: readonly KeyValue[] | null, b: readonly KeyValue[] | null): boolean =>
  a === null || b === null ? a === b : a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The parts of a table's key space not covered by `committed` (any order; sorted here by number). Adjacent
 * chunks share a bound (one's hi is the next one's lo); a gap is wherever they do not. No chunks → one gap
 * over the whole table with the whole number space.
 */
export function uncoveredRanges(committed: readonly ChunkRange[]): Gap[] {
  const sorted = [...committed].sort((a, b) => a.no - b.no);
  const gaps: Gap[] = [];
  let prevHi: readonly KeyValue[] | null = null;
  let prevNo = -1;
  let started = false;
  for (const c of sorted) {
    if (!started) {
      if (c.lo !== null) gaps.push({ lo: null, hi: c.lo, noFrom: 0, noTo: c.no });
      started = true;
    } else if (!sameBound(prevHi, c.lo)) {
      gaps.push({ lo: prevHi, hi: c.lo, noFrom: prevNo + 1, noTo: c.no });
    }
    prevHi = c.hi;
    prevNo = c.no;
    if (c.hi === null) break;
  }
  if (!started) return [{ lo: null, hi: null, noFrom: 0, noTo: CHUNK_NO_SPACE }];
  if (prevHi !== null) gaps.push({ lo: prevHi, hi: null, noFrom: prevNo + 1, noTo: CHUNK_NO_SPACE });
  return gaps;
}

/** True when the committed chunks cover the whole key space without a gap. */
export function isComplete(committed: readonly ChunkRange[]): boolean {
  return committed.length > 0 && uncoveredRanges(committed).length === 0;
}

/**
 * Cut `gap` at `bounds` (increasing inner boundaries strictly inside it) into sub-gaps, sharing the gap's
 * number space out evenly so that numbers stay in key order. Fewer parts when the number space is too small.
 */
export function splitGap(gap: Gap, bounds: readonly (readonly KeyValue[])[]): Gap[] {
  const parts = Math.min(bounds.length + 1, Math.max(1, Math.floor((gap.noTo - gap.noFrom) / 1024)));
  if (parts <= 1) return [gap];
  // Keep evenly spread boundaries when the number space forces fewer parts.
  const picked: (readonly KeyValue[])[] = [];
  for (let i = 1; i < parts; i++) picked.push(bounds[Math.floor((i * (bounds.length + 1)) / parts) - 1]!);
  const step = Math.floor((gap.noTo - gap.noFrom) / parts);
  const out: Gap[] = [];
  for (let i = 0; i < parts; i++) {
    out.push({
      lo: i === 0 ? gap.lo : picked[i - 1]!,
      hi: i === parts - 1 ? gap.hi : picked[i]!,
      noFrom: gap.noFrom + i * step,
      noTo: i === parts - 1 ? gap.noTo : gap.noFrom + (i + 1) * step,
    });
  }
  return out;
}

/** Byte-order comparison of two strings as UTF-8 (PostgreSQL COLLATE "C", MySQL binary collations). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Check that integer or text chunks are in strictly increasing key order by number and do not overlap;
 * returns a description of the first problem, or undefined. Composite and ctid chunks are not checked.
 */
export function orderProblem(kind: ChunkRange['kind'], committed: readonly ChunkRange[]): string | undefined {
  if (kind !== 'int' && kind !== 'text') return undefined;
  const cmp = (a: string, b: string): number =>
    kind === 'int' ? (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0) : compareUtf8(a, b);
  const sorted = [...committed].sort((a, b) => a.no - b.no);
  let prevHi: string | null | undefined;
  for (const c of sorted) {
    const lo = c.lo?.[0] ?? null;
    const hi = c.hi?.[0] ?? null;
    if (lo !== null && hi !== null && cmp(lo, hi) >= 0) return `chunk ${c.no} has lo ${lo} ≥ hi ${hi}`;
    if (prevHi === null) return `chunk ${c.no} follows a chunk that ends the table`;
    if (prevHi !== undefined && (lo === null || cmp(prevHi, lo) > 0))
      return `chunk ${c.no} starts at ${lo ?? 'the start'} before the previous chunk's end ${prevHi}`;
    prevHi = hi;
  }
  return undefined;
}
