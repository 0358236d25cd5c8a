// Which columns the type rules need bounded (indexable: in a PK, a converted UNIQUE or index, or an FK on
// either side) and which columns pg2my measures in the source. ONE decision, used by the planner (through
// keyColumnSets → RuleContext.bounded) and by source/postgres/measure.ts, so the two cannot drift.
// Invariant: every column whose rule reads ColumnStats is measured; a rule never meets an unmeasured column
// that pg2my could have measured. Pure: reads the catalog only.

import type { Catalog, Column } from '../catalog/model.js';
import { qualified } from '../catalog/model.js';
import { PG_BYTES_TYPES, PG_STRING_TYPES } from '../catalog/type-families.js';
import { analyseIndexes, keyColumnSets } from './post-data.js';

/** What to measure in a column: numeric digits/scale, string characters/UTF-8 bytes, or octet length. */
export type MeasureKind = 'numeric' | 'string' | 'bytes';

/**
 * The bounded columns of every table, by qualified table name: key columns (PK, converted UNIQUE, FK on
 * either side) and columns of converted indexes — exactly the sets buildPlan gives the type rules.
 */
export function boundedColumns(catalog: Catalog): Map<string, Set<string>> {
  const candidates = new Map(catalog.tables.map((t) => [qualified(t), analyseIndexes(t)]));
  const { key, indexed } = keyColumnSets(catalog, candidates);
  const out = new Map<string, Set<string>>();
  for (const m of [key, indexed])
    for (const [table, cols] of m) out.set(table, new Set([...(out.get(table) ?? []), ...cols]));
  return out;
}

/**
 * What to measure in `col` (undefined: nothing), given whether it is bounded. Unbounded numeric always
 * (types.numeric: measure); a bounded string (text, varchar, bpchar, citext, or a domain over one), also when
 * its declared length already fits a key (the length decides per dialect; assess reads the longest value); a
 * bounded bytea (or a domain over it). Arrays never.
 */
export function measureKind(col: Column, bounded: boolean): MeasureKind | undefined {
  const t = col.type;
  if (t.array) return undefined;
  if (t.name === 'numeric' && t.precision === undefined) return 'numeric';
  if (!bounded) return undefined;
  if (PG_STRING_TYPES.has(t.name)) return 'string';
  if (PG_BYTES_TYPES.has(t.name)) return 'bytes';
  return undefined;
}
