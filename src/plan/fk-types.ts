// Foreign-key type alignment (PURE). PostgreSQL lets a foreign key join comparable types (integer → bigint,
// real → double precision, timestamp(3) → timestamp(6)); MySQL/MariaDB need the same integer size, the same
// float type and the same DECIMAL on both sides. Columns joined by foreign keys form classes; each column of
// a class is planned with the widest type of its family in the class, which holds every value it held.
// Invariants: only value-preserving widenings (int2 < int4 < int8, float4 < float8, numeric(p,s) to a larger p
// of the same s, a larger fractional-second precision); the catalog is untouched (copy and verify read the
// source type), only the type the rules see changes; every widened column gets an FK_TYPE_WIDENED warning.

import { type Catalog, type Column, type ColumnType, qualified } from '../catalog/model.js';
import type { PlanWarning } from './model.js';

/** The type a column is planned with instead of its own, and why. */
export interface FkWidening {
  readonly type: ColumnType;
  /** `schema.table.column` of the class member whose type it takes. */
  readonly like: string;
  /** The foreign keys that join them (names), for the warning. */
  readonly via: readonly string[];
}

export interface FkTypes {
  /** By `schema.table`, then source column name. */
  readonly widened: ReadonlyMap<string, ReadonlyMap<string, FkWidening>>;
  readonly warnings: readonly PlanWarning[];
}

const INT_RANK: Readonly<Record<string, number>> = { int2: 1, int4: 2, int8: 3 };
const FLOAT_RANK: Readonly<Record<string, number>> = { float4: 1, float8: 2 };
const FSP_TYPES = new Set(['time', 'timetz', 'timestamp', 'timestamptz']);

/** The family a type widens within, or undefined (no widening for it). */
function family(t: ColumnType): string | undefined {
  if (t.array || t.enum) return undefined;
  if (t.name in INT_RANK) return 'int';
  if (t.name in FLOAT_RANK) return 'float';
  if (t.name === 'numeric' && t.precision !== undefined) return `numeric/${t.scale ?? 0}`;
  if (FSP_TYPES.has(t.name)) return t.name;
  return undefined;
}

/** How wide a type is within its family. */
function rank(t: ColumnType): number {
  if (t.name in INT_RANK) return INT_RANK[t.name]!;
  if (t.name in FLOAT_RANK) return FLOAT_RANK[t.name]!;
  if (t.name === 'numeric') return t.precision!;
  return t.fsp ?? 6;
}

/** `t` with the width of `wide` (same family); the domain and the formatted text of `t` stay. */
function widen(t: ColumnType, wide: ColumnType): ColumnType {
  if (t.name === 'numeric') return { ...t, precision: wide.precision! };
  if (FSP_TYPES.has(t.name)) return { ...t, fsp: wide.fsp ?? 6 };
  return { ...t, name: wide.name };
}

/** The FK-joined column classes of the catalog and the widening each member needs. */
export function fkTypes(catalog: Catalog): FkTypes {
  const tables = new Map(catalog.tables.map((t) => [qualified(t), t]));
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const fksOf = new Map<string, Set<string>>();
  const members = new Map<string, { table: string; col: Column }>();
  const addFk = (table: string, name: string, fk: string): string => {
    const k = `${table}.${name}`;
    const col = tables.get(table)?.columns.find((c) => c.name === name);
    if (col) members.set(k, { table, col });
    fksOf.set(k, (fksOf.get(k) ?? new Set()).add(fk));
    return k;
  };
  for (const t of catalog.tables) {
    for (const fk of t.foreignKeys) {
      if (!tables.has(qualified(fk.references))) continue;
      if (fk.onDelete === 'SET DEFAULT' || fk.onUpdate === 'SET DEFAULT') continue; // not converted
      fk.columns.forEach((c, i) => {
        const a = addFk(qualified(t), c, fk.name);
        const b = addFk(qualified(fk.references), fk.references.columns[i]!, fk.name);
        const [ra, rb] = [find(a), find(b)];
        if (ra !== rb) parent.set(ra, rb);
      });
    }
  }
  const classes = new Map<string, string[]>();
  for (const k of [...parent.keys()].sort()) {
    const r = find(k);
    classes.set(r, [...(classes.get(r) ?? []), k]);
  }
  const widened = new Map<string, Map<string, FkWidening>>();
  const warnings: PlanWarning[] = [];
  for (const keys of classes.values()) {
    const cols = keys.flatMap((k) => {
      const m = members.get(k);
      return m ? [{ k, ...m }] : [];
    });
    if (cols.length < 2) continue;
    const fam = family(cols[0]!.col.type);
    if (fam === undefined || cols.some((m) => family(m.col.type) !== fam)) continue;
    const widest = cols.reduce((w, m) => (rank(m.col.type) > rank(w.col.type) ? m : w));
    for (const m of cols) {
      if (rank(m.col.type) === rank(widest.col.type)) continue;
      const via = [...(fksOf.get(m.k) ?? [])].sort();
      const type = widen(m.col.type, widest.col.type);
      const byTable = widened.get(m.table) ?? new Map<string, FkWidening>();
      byTable.set(m.col.name, { type, like: widest.k, via });
      widened.set(m.table, byTable);
      warnings.push({
        code: 'FK_TYPE_WIDENED',
        object: m.k,
        message: `${m.col.type.formatted} is planned as ${widest.col.type.formatted}, the type of ${widest.k} it is joined to by foreign key ${via.join(', ')}: MySQL needs the same type on both sides of a foreign key. Every value is kept; values beyond ${m.col.type.formatted}'s range or precision are no longer rejected on the target`,
      });
    }
  }
  return { widened, warnings };
}
