// Counts, on the source, the rows that violate each NOT VALID constraint of the catalog (PostgreSQL never
// checked them): for a CHECK (a table's or a domain's) the rows where its expression is FALSE (NULL passes,
// as in PostgreSQL), for a FOREIGN KEY the rows whose key columns are all non-NULL and have no parent
// (MATCH SIMPLE). Invariants: read-only SELECTs; names are quoted with escapeIdentifier; a table CHECK is
// PostgreSQL's own pg_get_constraintdef text read in this session; a domain CHECK is evaluated with VALUE
// bound to the column in a sub-select; a count that fails is that constraint's error message, never 0.

import pg from 'pg';
import type { Catalog, ForeignKey, QualifiedName, Table } from '../../catalog/model.js';
import type { SourceClient } from './connect.js';
import { checkExpression } from './parse-catalog.js';

const ident = (s: string) => pg.escapeIdentifier(s);
const rel = (t: QualifiedName) => `${ident(t.schema)}.${ident(t.name)}`;

/** One NOT VALID constraint of the catalog. */
export type NotValidConstraint = { readonly table: Table } & (
  | { readonly kind: 'CHECK'; readonly name: string }
  | { readonly kind: 'FOREIGN KEY'; readonly name: string; readonly fk: ForeignKey }
  | {
      readonly kind: 'DOMAIN CHECK';
      /** `column (domain schema.name)`: how the plan's warning names it. */
      readonly name: string;
      readonly column: string;
      readonly expression: string;
    }
);

/** Every NOT VALID constraint of the catalog, in catalog order (tables, then checks, FKs, domain checks). */
export function notValidConstraints(catalog: Catalog): NotValidConstraint[] {
  return catalog.tables.flatMap((table): NotValidConstraint[] => [
    ...table.checks.filter((c) => c.notValid).map((c) => ({ table, kind: 'CHECK' as const, name: c.name })),
    ...table.foreignKeys
      .filter((fk) => fk.notValid)
      .map((fk) => ({ table, kind: 'FOREIGN KEY' as const, name: fk.name, fk })),
    ...table.columns.flatMap((c) => {
      const d = c.type.domain;
      return (d?.notValid ?? []).map((expression) => ({
        table,
        kind: 'DOMAIN CHECK' as const,
        name: `${c.name} (domain ${d!.schema}.${d!.name})`,
        column: c.name,
        expression,
      }));
    }),
  ]);
}

async function countSql(client: SourceClient, c: NotValidConstraint): Promise<string> {
  const t = rel(c.table);
  switch (c.kind) {
    case 'CHECK': {
      const def = await client.query<{ def: string }>({
        text: `SELECT pg_catalog.pg_get_constraintdef(con.oid) AS def FROM pg_catalog.pg_constraint con
                WHERE con.conrelid = $1::regclass AND con.conname = $2 AND con.contype = 'c'`,
        values: [t, c.name],
      });
      const text = def.rows[0]?.def;
      if (text === undefined) throw new Error('the constraint is gone from the source');
      return `SELECT count(*)::text AS n FROM ${t} WHERE NOT (${checkExpression(text)})`;
    }
    case 'DOMAIN CHECK':
      // Inside the sub-select an unqualified VALUE resolves to x.value, the column's value.
      return `SELECT count(*)::text AS n FROM ${t} AS t WHERE NOT (SELECT (${c.expression}) FROM (SELECT t.${ident(c.column)} AS value) AS x)`;
    case 'FOREIGN KEY': {
      const col = (n: string) => `c.${ident(n)}`;
      const parent = c.fk.columns.map((n, i) => `p.${ident(c.fk.references.columns[i]!)} = ${col(n)}`);
      return (
        `SELECT count(*)::text AS n FROM ${t} AS c WHERE ${c.fk.columns.map((n) => `${col(n)} IS NOT NULL`).join(' AND ')} ` +
        `AND NOT EXISTS (SELECT 1 FROM ${rel(c.fk.references)} AS p WHERE ${parent.join(' AND ')})`
      );
    }
  }
}

/** Violating rows of each constraint (same order as `constraints`); an error message where counting failed. */
export async function countNotValidViolations(
  client: SourceClient,
  constraints: readonly NotValidConstraint[],
): Promise<(number | string)[]> {
  const out: (number | string)[] = [];
  for (const c of constraints) {
    try {
      const r = await client.query<{ n: string }>(await countSql(client, c));
      out.push(Number(r.rows[0]?.n ?? 0));
    } catch (e) {
      out.push(e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}
