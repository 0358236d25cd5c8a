// In-memory row diff (PURE): source rows against target rows, both already normalised to canonical text
// by the same SQL (checksum-sql.ts). By key: missing (in source only), extra (in target only), different
// (same key; the differing column names). Without a key: a multiset diff of row hashes.
// Invariants: output is deterministic (source order, then target order); a value is compared with
// valuesEqual (exact text, or parsed JSON for binary-JSON columns); duplicate rows are counted, not merged.

import type { ColumnNorm } from './normalize.js';
import { valuesEqual } from './normalize.js';

/** One fetched row: canonical texts in the table's column order, and its row hash (md5 hex). */
export interface FetchedRow {
  readonly values: readonly (string | null)[];
  readonly hash: string;
}

export interface DifferentRow {
  /** Canonical key texts (key column order); for keyless tables, `#` + the first 16 hex digits of the row hash. */
  readonly key: readonly string[];
  /** Target names of the columns whose values differ. */
  readonly columns: readonly string[];
}

export interface RowDiff {
  readonly missing: readonly (readonly string[])[];
  readonly extra: readonly (readonly string[])[];
  readonly different: readonly DifferentRow[];
}

export const NO_DIFF: RowDiff = { missing: [], extra: [], different: [] };

/** True when the diff lists nothing. */
export function isEmptyDiff(d: RowDiff): boolean {
  return d.missing.length === 0 && d.extra.length === 0 && d.different.length === 0;
}

/** Concatenate diffs (in order). */
export function mergeDiffs(diffs: readonly RowDiff[]): RowDiff {
  return {
    missing: diffs.flatMap((d) => d.missing),
    extra: diffs.flatMap((d) => d.extra),
    different: diffs.flatMap((d) => d.different),
  };
}

/** Total number of differing rows listed. */
export function diffSize(d: RowDiff): number {
  return d.missing.length + d.extra.length + d.different.length;
}

const keyOf = (row: FetchedRow, keyIdx: readonly number[]): string[] =>
  keyIdx.map((i) => row.values[i] ?? '');

/** Names of the columns whose values differ between two rows. */
export function differingColumns(
  columns: readonly Pick<ColumnNorm, 'target' | 'compare'>[],
  a: FetchedRow,
  b: FetchedRow,
): string[] {
  const out: string[] = [];
  columns.forEach((c, i) => {
    if (!valuesEqual(c, a.values[i] ?? null, b.values[i] ?? null)) out.push(c.target);
  });
  return out;
}

/**
 * Diff rows by key. `keyIdx` are the positions of the key columns in `columns`. Rows whose (non-empty)
 * hashes are equal are equal without comparing values (the hash covers every column).
 */
export function diffByKey(
  columns: readonly Pick<ColumnNorm, 'target' | 'compare'>[],
  keyIdx: readonly number[],
  source: readonly FetchedRow[],
  target: readonly FetchedRow[],
): RowDiff {
  const byKey = new Map<string, FetchedRow[]>();
  for (const row of target) {
    const k = JSON.stringify(keyOf(row, keyIdx));
    const list = byKey.get(k);
    if (list) list.push(row);
    else byKey.set(k, [row]);
  }
  const missing: string[][] = [];
  const different: DifferentRow[] = [];
  for (const row of source) {
    const key = keyOf(row, keyIdx);
    const list = byKey.get(JSON.stringify(key));
    const other = list?.shift();
    if (!other) {
      missing.push(key);
      continue;
    }
    if (other.hash === row.hash && row.hash !== '') continue;
    const cols = differingColumns(columns, row, other);
    if (cols.length > 0) different.push({ key, columns: cols });
  }
  const extra: string[][] = [];
  for (const row of target) {
    const list = byKey.get(JSON.stringify(keyOf(row, keyIdx)));
    if (list?.includes(row)) extra.push(keyOf(row, keyIdx));
  }
  return { missing, extra, different };
}

/**
 * Diff rows without a key: a multiset diff of row hashes (so duplicates count). Rows whose hash differs
 * only because of a JSON column's spelling are matched by comparing values, so they are not reported.
 * Keys in the result are `#<first 16 hex digits of the hash>`.
 */
export function diffMultiset(
  columns: readonly Pick<ColumnNorm, 'target' | 'compare'>[],
  source: readonly FetchedRow[],
  target: readonly FetchedRow[],
): RowDiff {
  const counts = new Map<string, number>();
  for (const r of target) counts.set(r.hash, (counts.get(r.hash) ?? 0) + 1);
  const onlySource: FetchedRow[] = [];
  for (const r of source) {
    const n = counts.get(r.hash) ?? 0;
    if (n > 0) counts.set(r.hash, n - 1);
    else onlySource.push(r);
  }
  const onlyTarget: FetchedRow[] = [];
  for (const r of target) {
    const n = counts.get(r.hash) ?? 0;
    if (n > 0) {
      counts.set(r.hash, n - 1);
      onlyTarget.push(r);
    }
  }
  // Pair up rows that are equal by value (possible only when a column compares as parsed JSON).
  const missing: string[][] = [];
  for (const r of onlySource) {
    const j = onlyTarget.findIndex((t) => differingColumns(columns, r, t).length === 0);
    if (j >= 0) onlyTarget.splice(j, 1);
    else missing.push([`#${r.hash.slice(0, 16)}`]);
  }
  return { missing, extra: onlyTarget.map((r) => [`#${r.hash.slice(0, 16)}`]), different: [] };
}

/** Keep at most `max` entries in total (missing first, then extra, then different). */
export function truncateDiff(d: RowDiff, max: number): { diff: RowDiff; truncated: boolean } {
  if (diffSize(d) <= max) return { diff: d, truncated: false };
  const missing = d.missing.slice(0, max);
  const extra = d.extra.slice(0, Math.max(0, max - missing.length));
  const different = d.different.slice(0, Math.max(0, max - missing.length - extra.length));
  return { diff: { missing, extra, different }, truncated: true };
}
