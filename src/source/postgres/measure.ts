// Data measurements for mappings that depend on the data: which columns to measure, the one query per
// table that measures them, and how its row becomes column.stats. Pure: introspect.ts runs the query.
// Invariants: the only dynamic SQL in the PostgreSQL source; every name in it goes through escapeIdentifier
// and every alias is positional (n0_…, s1_…), so no name is ever spliced in unquoted. Read-only SELECT.

import pg from 'pg';
import type { Catalog, ColumnStats, Table } from '../../catalog/model.js';
import { MigrationError } from '../../errors.js';
import { type MeasureKind, measureKind } from '../../plan/bounded-columns.js';
import type { RawRow } from './parse-catalog.js';

/** One column to measure: its name and what to measure. */
export interface MeasureTarget {
  readonly column: string;
  readonly what: MeasureKind;
}

const SPECIALS = `('NaN', 'Infinity', '-Infinity')`;

/**
 * The one measurement query for a table: a single row with, for target k, `n{k}_specials`, `n{k}_digits`,
 * `n{k}_scale` (numeric), `s{k}_chars`, `s{k}_bytes` (string) or `b{k}_bytes` (bytes), each text, 0 when the
 * table holds no value. Strings are measured as text (char(n) without its padding); their bytes are UTF-8
 * bytes (convert_to unless the server encoding is already UTF8). bytea is measured in octets. Reads a partitioned table through its parent, and an
 * ordinary one with ONLY (inheritance children are tables of their own). PG 12+.
 */
export function measureSql(
  table: { readonly schema: string; readonly name: string; readonly partitioned: boolean },
  targets: readonly MeasureTarget[],
  utf8Server: boolean,
): string {
  const parts = targets.map((t, k) => {
    const q = pg.escapeIdentifier(t.column);
    if (t.what === 'numeric') {
      const plain = `${q} IS NOT NULL AND ${q}::text NOT IN ${SPECIALS}`;
      return [
        `count(*) FILTER (WHERE ${q}::text IN ${SPECIALS})::text AS n${k}_specials`,
        `coalesce(max(length(trunc(abs(${q}))::text)) FILTER (WHERE ${plain}), 0)::text AS n${k}_digits`,
        `coalesce(max(scale(${q})) FILTER (WHERE ${plain}), 0)::text AS n${k}_scale`,
      ].join(', ');
    }
    if (t.what === 'bytes') return `coalesce(max(octet_length(${q})), 0)::text AS b${k}_bytes`;
    const bytes = utf8Server ? `octet_length(${q}::text)` : `octet_length(convert_to(${q}::text, 'UTF8'))`;
    return [
      `coalesce(max(char_length(${q}::text)), 0)::text AS s${k}_chars`,
      `coalesce(max(${bytes}), 0)::text AS s${k}_bytes`,
    ].join(', ');
  });
  const from = `${table.partitioned ? '' : 'ONLY '}${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
  return `SELECT ${parts.join(',\n       ')}\nFROM ${from}`;
}

function count(row: RawRow, key: string): number {
  const n = Number(row[key]);
  if (row[key] == null || !Number.isSafeInteger(n))
    throw new MigrationError('INTERNAL', `Unexpected measurement value for ${key}.`);
  return n;
}

/**
 * The columns of `table` whose mapping depends on the data, in column order. `bounded` holds the table's
 * columns the planner needs indexable (bounded-columns.ts boundedColumns); measureKind decides per column,
 * the same decision the type rules rely on.
 */
export function measureTargets(table: Table, bounded: ReadonlySet<string>): MeasureTarget[] {
  return table.columns.flatMap((c) => {
    const what = measureKind(c, bounded.has(c.name));
    return what === undefined ? [] : [{ column: c.name, what }];
  });
}

/** Decode the single row of measureSql() into stats per column name. */
export function parseMeasureRow(targets: readonly MeasureTarget[], row: RawRow): Map<string, ColumnStats> {
  return new Map(
    targets.map((t, k): [string, ColumnStats] => {
      switch (t.what) {
        case 'numeric':
          return [
            t.column,
            {
              numericMaxIntDigits: count(row, `n${k}_digits`),
              numericMaxScale: count(row, `n${k}_scale`),
              numericSpecials: count(row, `n${k}_specials`),
            },
          ];
        case 'string':
          return [t.column, { maxChars: count(row, `s${k}_chars`), maxBytes: count(row, `s${k}_bytes`) }];
        default:
          return [t.column, { maxBytes: count(row, `b${k}_bytes`) }];
      }
    }),
  );
}

/** The key withStats() expects for a table: unambiguous even when names contain dots. */
export function tableKey(t: { readonly schema: string; readonly name: string }): string {
  return JSON.stringify([t.schema, t.name]);
}

/** A copy of `catalog` with measured stats attached; keys are tableKey(), then column name. */
export function withStats(
  catalog: Catalog,
  stats: ReadonlyMap<string, ReadonlyMap<string, ColumnStats>>,
): Catalog {
  return {
    ...catalog,
    tables: catalog.tables.map((t) => {
      const s = stats.get(tableKey(t));
      if (!s) return t;
      return {
        ...t,
        columns: t.columns.map((c) => {
          const cs = s.get(c.name);
          return cs ? { ...c, stats: cs } : c;
        }),
      };
    }),
  };
}
