// Source-side lookup of one key value, for explaining a duplicate-key failure on the target: how many rows
// of the table PostgreSQL holds under exactly this key (its own equality, its own types).
// Invariants: read-only; the values are bound parameters that PostgreSQL types from the key columns, so
// the comparison is PostgreSQL's; a value that does not parse as the column's type counts as no row.

import type { QualifiedName } from '../../catalog/model.js';
import type { SourceClient } from './connect.js';

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Rows of `table` whose `columns` equal `values` (text, one per column) in PostgreSQL, or undefined when
 * PostgreSQL rejects a value as input for its column's type (then no row can have it).
 */
export async function countRowsWithKey(
  client: SourceClient,
  table: QualifiedName,
  columns: readonly string[],
  values: readonly string[],
): Promise<number | undefined> {
  if (columns.length === 0 || columns.length !== values.length) return undefined;
  const where = columns.map((c, i) => `${ident(c)} = $${i + 1}`).join(' AND ');
  try {
    const r = await client.query({
      text: `SELECT count(*)::text AS n FROM ${ident(table.schema)}.${ident(table.name)} WHERE ${where}`,
      values: [...values],
      rowMode: 'array',
    });
    return Number((r.rows[0] as string[] | undefined)?.[0] ?? 0);
  } catch {
    return undefined;
  }
}
