// The relfilenode of source tables: a ctid names a row only within one physical file, and VACUUM FULL,
// CLUSTER or pg_repack give a table a new file (new ctids, same rows). A resume compares the file its
// ctid checkpoints were read from with the table's file now. Read-only; a name the server does not know
// (or a partitioned parent, which has no file) gives no entry.

import type { QualifiedName } from '../../catalog/model.js';
import type { SourceClient } from './connect.js';

/** relfilenode (as text) of each table that has one, in the order given, keyed by index. */
export async function relationFiles(
  client: SourceClient,
  tables: readonly QualifiedName[],
): Promise<(string | undefined)[]> {
  if (tables.length === 0) return [];
  const r = await client.query<{ f: string | null }>(
    `SELECT pg_relation_filenode(to_regclass(format('%I.%I', x.s, x.n)))::text AS f
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(s, n, i) ORDER BY x.i`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return r.rows.map((row) => row.f ?? undefined);
}
