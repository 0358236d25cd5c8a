// Builders for hand-made catalog tables in unit tests: one `public` table with ordinals assigned, no keys,
// indexes or constraints unless `over` gives them, and fixed planner estimates. Pure data, no I/O.

import type { Column, Table } from '../../src/catalog/model.js';

export const catalogTable = (name: string, columns: Column[], over: Partial<Table> = {}): Table => ({
  schema: 'public',
  name,
  columns: columns.map((c, i) => ({ ...c, ordinal: i + 1 })),
  uniques: [],
  indexes: [],
  foreignKeys: [],
  checks: [],
  rowSecurity: false,
  estimatedRows: 10,
  totalBytes: 8192,
  ...over,
});
