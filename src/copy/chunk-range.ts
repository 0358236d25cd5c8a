// A chunk: one contiguous slice of a table's key space, the unit of copy, checkpoint, retry and verify.
// Invariant: ranges of one table never overlap and their union is the whole key space; a chunk covers
// keys k with lo < k <= hi in byte order (PostgreSQL COLLATE "C", MySQL binary collation); null = unbounded.
// For ctid chunks lo/hi are heap block numbers and the range is lo <= block < hi.

import type { KeyPlan } from '../plan/model.js';

/** One key value as canonical text (integers in decimal, strings as they are). */
export type KeyValue = string;

export interface ChunkRange {
  /** The table as the run knows it: tableKey(TablePlan) — its target name, or database.name under schemaMap. */
  readonly table: string;
  /** Sequence number within the table, 0-based, in key order of creation. */
  readonly no: number;
  readonly kind: KeyPlan['kind'];
  /** Exclusive lower bound (one value per key column), or null for the start of the table. */
  readonly lo: readonly KeyValue[] | null;
  /** Inclusive upper bound, or null for the end of the table. */
  readonly hi: readonly KeyValue[] | null;
}

/** A chunk as committed on the target, with what was copied. */
export interface CommittedChunk extends ChunkRange {
  readonly rows: number;
  readonly bytes: number;
  readonly runId: string;
  /** For ctid chunks: the source table's relfilenode when the chunk was read (ctids name rows of one file). */
  readonly sourceFile?: string;
}
