// Chunk cursors: walk one contiguous part (a Gap) of a table's key space chunk by chunk, cutting each
// next range to about the row target the copy asks for. Integer keys cut by arithmetic on the observed
// key density, text and composite keys by the n-th key, ctid tables by heap blocks.
// Invariants: a cursor's chunks are contiguous, never overlap, cover its whole gap, and are numbered in key
// order inside the gap's number block; a range, once handed out, is never recomputed (retries reuse it).

import { type TablePlan, tableKey } from '../plan/model.js';
import type { ChunkRange, KeyValue } from './chunk-range.js';
import { blockSpan, type Gap, intSpan } from './chunks.js';

/** The key queries a cursor needs, run inside the copy's snapshot. */
export interface KeyReader {
  intKeyRange(
    lo: readonly KeyValue[] | null,
    hi: readonly KeyValue[] | null,
  ): Promise<{ min: bigint; max: bigint } | null>;
  nthKeyAfter(
    lo: readonly KeyValue[] | null,
    hi: readonly KeyValue[] | null,
    n: number,
  ): Promise<KeyValue[] | null>;
}

export interface Cursor {
  readonly table: TablePlan;
  readonly done: boolean;
  /** The next range, of about `rows` rows; null when the gap is covered. */
  next(reader: KeyReader, rows: number): Promise<ChunkRange | null>;
  /** What the last range held: refines the density estimate. */
  observe(range: ChunkRange, rows: number): void;
}

const sameBound = (a: readonly KeyValue[] | null, b: readonly KeyValue[] | null): boolean =>
  a === null || b === null ? a === b : a.length === b.length && a.every((v, i) => v === b[i]);

abstract class BaseCursor implements Cursor {
  done = false;
  protected lo: readonly KeyValue[] | null;
  protected no: number;
  constructor(
    readonly table: TablePlan,
    protected readonly gap: Gap,
  ) {
    this.lo = gap.lo;
    this.no = gap.noFrom;
  }
  /** Whether this is the last number the gap may use. */
  protected get lastNumber(): boolean {
    return this.no + 1 >= this.gap.noTo;
  }
  protected emit(hi: readonly KeyValue[] | null, last: boolean): ChunkRange {
    const c: ChunkRange = {
      table: tableKey(this.table),
      no: this.no,
      kind: this.table.key.kind,
      lo: this.lo,
      hi,
    };
    this.no++;
    this.lo = hi;
    if (last || this.lastNumber || hi === null || sameBound(hi, this.gap.hi)) this.done = true;
    return c;
  }
  protected final(): ChunkRange {
    return this.emit(this.gap.hi, true);
  }
  abstract next(reader: KeyReader, rows: number): Promise<ChunkRange | null>;
  observe(_range: ChunkRange, _rows: number): void {}
}

/**
 * Integer key: spans computed from the density of keys (rows per key unit), refined per chunk. Each span
 * starts at the next key that exists (one index probe per chunk), so an empty stretch of the key space
 * (ids 0 and 2^63-1) is crossed in one chunk instead of one empty chunk per span.
 */
export class IntCursor extends BaseCursor {
  #max: bigint | undefined;
  #at: bigint | undefined;
  #density: number;
  #started = false;
  /** Per emitted chunk number, where its keys start (just before its first key), for the density. */
  readonly #starts = new Map<number, bigint>();
  constructor(table: TablePlan, gap: Gap, density: number) {
    super(table, gap);
    this.#density = density;
  }
  async next(reader: KeyReader, rows: number): Promise<ChunkRange | null> {
    if (this.done) return null;
    let start: bigint;
    if (!this.#started) {
      const r = await reader.intKeyRange(this.gap.lo, this.gap.hi);
      this.#started = true;
      if (r === null) return this.final();
      this.#max = r.max;
      this.#at = this.lo === null ? r.min - 1n : BigInt(this.lo[0]!);
      start = r.min - 1n > this.#at ? r.min - 1n : this.#at;
    } else {
      const r = await reader.intKeyRange([this.#at!.toString()], this.gap.hi);
      if (r === null) return this.final();
      start = r.min - 1n;
    }
    if (this.lastNumber) return this.final();
    const hi = start + intSpan(rows, this.#density);
    if (hi >= this.#max!) return this.final();
    this.#at = hi;
    this.#starts.set(this.no, start);
    return this.emit([hi.toString()], false);
  }
  override observe(range: ChunkRange, rows: number): void {
    const start = this.#starts.get(range.no);
    this.#starts.delete(range.no);
    if (range.hi === null || start === undefined || rows <= 0) return;
    const width = Number(BigInt(range.hi[0]!) - start);
    if (width > 0) this.#density = rows / width;
  }
}

/** Text or composite key: the next bound is the key `rows` rows further on, in key order. */
export class KeyCursor extends BaseCursor {
  async next(reader: KeyReader, rows: number): Promise<ChunkRange | null> {
    if (this.done) return null;
    if (this.lastNumber) return this.final();
    const hi = await reader.nthKeyAfter(this.lo, this.gap.hi, Math.max(1, rows));
    if (hi === null) return this.final();
    return this.emit(hi, false);
  }
}

/** No usable key: ranges of heap blocks (lo <= block < hi), the last one open-ended. */
export class CtidCursor extends BaseCursor {
  #rowsPerBlock: number;
  readonly #blocks: number;
  constructor(table: TablePlan, gap: Gap, blocks: number, rowsPerBlock: number) {
    super(table, gap);
    this.#blocks = blocks;
    this.#rowsPerBlock = rowsPerBlock;
  }
  async next(_reader: KeyReader, rows: number): Promise<ChunkRange | null> {
    if (this.done) return null;
    if (this.lastNumber) return this.final();
    const from = this.lo === null ? 0 : Number(this.lo[0]);
    const hi = from + blockSpan(rows, this.#rowsPerBlock);
    const limit = this.gap.hi === null ? this.#blocks : Number(this.gap.hi[0]);
    if (hi >= limit) return this.final();
    return this.emit([String(hi)], false);
  }
  override observe(range: ChunkRange, rows: number): void {
    const from = range.lo === null ? 0 : Number(range.lo[0]);
    if (range.hi === null || rows <= 0) return;
    const width = Number(range.hi[0]) - from;
    if (width > 0) this.#rowsPerBlock = rows / width;
  }
}
