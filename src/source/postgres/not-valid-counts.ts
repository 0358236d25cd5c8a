// Counts, on the source, the rows that violate each NOT VALID constraint of the catalog (PostgreSQL never
// checked them): for a CHECK the rows where its expression is FALSE (NULL passes, as in PostgreSQL), for a
// FOREIGN KEY the rows whose key columns are all non-NULL and have no parent (MATCH SIMPLE).
// Invariants: read-only SELECTs; names are quoted with escapeIdentifier; the CHECK expression is PostgreSQL's
// own pg_get_constraintdef text of that constraint, read in this session; a count that fails is an error
// message for that one constraint, never 0.

import pg from 'pg';
import type { Catalog, QualifiedName } from '../../catalog/model.js';
import type { SourceClient } from './connect.js';
import { checkExpression } from './parse-catalog.js';

const ident = (s: string) => pg.escapeIdentifier(s);
const rel = (t: QualifiedName) => `${ident(t.schema)}.${ident(t.name)}`;

/** Key of a constraint in the result: `schema.table.constraint`. */
export const notValidKey = (t: QualifiedName, constraint: string): string =>
  `${t.schema}.${t.name}.${constraint}`;

async function count(client: SourceClient, sql: string, values: unknown[] = []): Promise<number> {
  const r = await client.query<{ n: string }>({ text: sql, values });
  return Number(r.rows[0]?.n ?? 0);
}

/** Violating rows per NOT VALID constraint (see notValidKey); an error message where counting failed. */
export async function countNotValidViolations(
  client: SourceClient,
  catalog: Catalog,
): Promise<Map<string, number | string>> {
  const out = new Map<string, number | string>();
  for (const t of catalog.tables) {
    for (const ck of t.checks.filter((c) => c.notValid)) {
      try {
        const def = await client.query<{ def: string }>({
          text: `SELECT pg_catalog.pg_get_constraintdef(con.oid) AS def FROM pg_catalog.pg_constraint con
                  WHERE con.conrelid = $1::regclass AND con.conname = $2 AND con.contype = 'c'`,
          values: [rel(t), ck.name],
        });
        const text = def.rows[0]?.def;
        if (text === undefined) throw new Error('the constraint is gone from the source');
        out.set(
          notValidKey(t, ck.name),
          await count(
            client,
            `SELECT count(*)::text AS n FROM ${rel(t)} WHERE NOT (${checkExpression(text)})`,
          ),
        );
      } catch (e) {
        out.set(notValidKey(t, ck.name), e instanceof Error ? e.message : String(e));
      }
    }
    for (const fk of t.foreignKeys.filter((f) => f.notValid)) {
      const c = (n: string) => `c.${ident(n)}`;
      const sql =
        `SELECT count(*)::text AS n FROM ${rel(t)} c WHERE ${fk.columns.map((n) => `${c(n)} IS NOT NULL`).join(' AND ')} ` +
        `AND NOT EXISTS (SELECT 1 FROM ${rel(fk.references)} p WHERE ${fk.columns
          .map((n, i) => `p.${ident(fk.references.columns[i]!)} = ${c(n)}`)
          .join(' AND ')})`;
      try {
        out.set(notValidKey(t, fk.name), await count(client, sql));
      } catch (e) {
        out.set(notValidKey(t, fk.name), e instanceof Error ? e.message : String(e));
      }
    }
  }
  return out;
}
