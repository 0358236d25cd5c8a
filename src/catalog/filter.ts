// Narrows a catalog to the tables a run should move (--tables / --exclude), keeping it self-consistent.
// Invariant: no kept table references a dropped one; each foreign key cut this way is listed in
// notConverted with its reason, never dropped silently.

import type { Catalog, NotConverted, Table } from './model.js';

/** `schema.table` or bare `table` (matches any schema). */
function matches(t: Table, pattern: string): boolean {
  return pattern.includes('.') ? pattern === `${t.schema}.${t.name}` : pattern === t.name;
}

/** Keep the tables named in `only` (all when absent) minus those in `exclude`. */
export function filterCatalog(
  catalog: Catalog,
  opts: { only?: readonly string[] | undefined; exclude?: readonly string[] | undefined },
): Catalog {
  const only = opts.only && opts.only.length > 0 ? opts.only : undefined;
  const exclude = opts.exclude ?? [];
  if (!only && exclude.length === 0) return catalog;
  const kept = catalog.tables.filter(
    (t) => (!only || only.some((p) => matches(t, p))) && !exclude.some((p) => matches(t, p)),
  );
  const keptNames = new Set(kept.map((t) => `${t.schema}.${t.name}`));
  const cut: NotConverted[] = [];
  const tables = kept.map((t) => {
    const fks = t.foreignKeys.filter((fk) => {
      const ok = keptNames.has(`${fk.references.schema}.${fk.references.name}`);
      if (!ok) {
        cut.push({
          kind: 'foreign key',
          schema: t.schema,
          name: `${t.name}.${fk.name}`,
          reason: `foreign key to ${fk.references.schema}.${fk.references.name}, which this run does not migrate (--tables/--exclude)`,
        });
      }
      return ok;
    });
    return fks.length === t.foreignKeys.length ? t : { ...t, foreignKeys: fks };
  });
  const filteredOut = [
    ...(catalog.filteredOut ?? []),
    ...catalog.tables
      .filter((t) => !keptNames.has(`${t.schema}.${t.name}`))
      .map((t) => `${t.schema}.${t.name}`),
  ];
  return { ...catalog, tables, filteredOut, notConverted: [...catalog.notConverted, ...cut] };
}
