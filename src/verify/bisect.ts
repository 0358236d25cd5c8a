// Bisection of a mismatching segment (PURE algorithm over a port): split it, checksum the parts on both
// sides, descend only into parts that still differ, and once a part holds at most `bisectRows` rows on
// either side (or cannot be split further) fetch its rows from both sides and diff them in memory.
// Invariants: children of a split cover exactly their parent; a part whose checksums agree is never
// fetched; the walk stops early once `maxDiffs` differing rows are known (the result says it was cut short).

import type { RowDiff } from './compare-rows.js';
import { diffSize, isEmptyDiff, mergeDiffs, NO_DIFF } from './compare-rows.js';

/** A segment's row count and checksum (exact decimal text) on one side. */
export interface Checksum {
  readonly rows: number;
  readonly sum: string;
}

export interface Sides {
  readonly source: Checksum;
  readonly target: Checksum;
}

export interface Part<S> {
  readonly seg: S;
  readonly sides: Sides;
}

/** What bisection needs from the servers. Each call is one round trip per side, both sides at once. */
export interface BisectPort<S> {
  /**
   * Split `seg` into at least two parts that together cover it, with both sides' checksums; or null when
   * it cannot be split (a single key, or the deepest hash prefix).
   */
  split(seg: S, sides: Sides): Promise<readonly Part<S>[] | null>;
  /** Fetch the segment's rows from both sides and diff them. */
  diff(seg: S): Promise<RowDiff>;
}

export interface BisectOptions {
  /** Fetch rows once a part has at most this many rows on each side. */
  readonly bisectRows: number;
  /** Stop once this many differing rows are known. */
  readonly maxDiffs: number;
}

export interface BisectResult {
  readonly diff: RowDiff;
  /** Parts whose rows were fetched and diffed. */
  readonly leaves: number;
  /** Leaves whose checksums differed but whose rows are equal by value (e.g. JSON spelling on MySQL 8). */
  readonly resolvedLeaves: number;
  /** Split calls made. */
  readonly splits: number;
  /** The walk stopped at maxDiffs; more differences may exist. */
  readonly truncated: boolean;
}

/** Checksums agree: same row count and same sum. */
export function sameChecksum(s: Sides): boolean {
  return s.source.rows === s.target.rows && s.source.sum === s.target.sum;
}

/** Find the differing rows of one segment. Returns no diff at once when its checksums agree. */
export async function bisect<S>(
  seg: S,
  sides: Sides,
  port: BisectPort<S>,
  opts: BisectOptions,
): Promise<BisectResult> {
  const found: RowDiff[] = [];
  let count = 0;
  let leaves = 0;
  let resolvedLeaves = 0;
  let splits = 0;
  let truncated = false;

  const leaf = async (s: S): Promise<void> => {
    const d = await port.diff(s);
    leaves++;
    if (isEmptyDiff(d)) resolvedLeaves++;
    found.push(d);
    count += diffSize(d);
  };

  const visit = async (s: S, sd: Sides): Promise<void> => {
    if (sameChecksum(sd)) return;
    if (count >= opts.maxDiffs) {
      truncated = true;
      return;
    }
    if (Math.max(sd.source.rows, sd.target.rows) <= opts.bisectRows) return leaf(s);
    const parts = await port.split(s, sd);
    splits++;
    if (!parts || parts.length < 2) return leaf(s);
    for (const p of parts) await visit(p.seg, p.sides);
  };

  await visit(seg, sides);
  if (count > opts.maxDiffs) truncated = true;
  return { diff: found.length ? mergeDiffs(found) : NO_DIFF, leaves, resolvedLeaves, splits, truncated };
}

/**
 * Midpoint split of an integer key range (lo, hi] given the smallest and largest key present in it
 * (decimal texts). Returns the split point `mid` so that (lo, mid] and (mid, hi] are both non-empty
 * key ranges, or null when min = max (a single key).
 */
export function intMidpoint(min: string, max: string): string | null {
  const a = BigInt(min);
  const b = BigInt(max);
  if (a >= b) return null;
  // floor((a + b) / 2) for negative numbers too; a <= mid < b.
  const sum = a + b;
  const mid = sum >= 0n ? sum / 2n : -((-sum + 1n) / 2n);
  return mid.toString();
}
