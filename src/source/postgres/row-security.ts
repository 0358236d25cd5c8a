// Row-level security must never hand the copy or verify a silent subset. Two guards: every source session
// runs with row_security = off (PostgreSQL then raises 42501 instead of filtering, as pg_dump relies on),
// and migrate and verify refuse, before anything is written or compared, every table whose policies
// apply to the role, naming the tables and the fix.

import type { QualifiedName } from '../../catalog/model.js';
import { MigrationError } from '../../errors.js';
import { rlsFilteredTables } from './assess-queries.js';
import type { SourceClient } from './connect.js';

/** PERMISSION_DENIED when row-level security applies to the role on any of `tables`. */
export async function refuseRowSecurity(
  client: SourceClient,
  tables: readonly (QualifiedName & { readonly rowSecurity?: boolean })[],
): Promise<void> {
  const candidates = tables.filter((t) => t.rowSecurity !== false);
  if (candidates.length === 0) return;
  const filtered = await rlsFilteredTables(client, candidates);
  if (filtered.length === 0) return;
  const list =
    filtered.slice(0, 10).join(', ') + (filtered.length > 10 ? `, … (${filtered.length} in all)` : '');
  throw new MigrationError(
    'PERMISSION_DENIED',
    `Row-level security applies to this role on ${list}: the copy and verify would see only the rows its policies allow.`,
    {
      details: { tables: filtered.slice(0, 50) },
      hint: 'Run as the tables’ owner (without FORCE ROW LEVEL SECURITY), a superuser, or a role with BYPASSRLS (ALTER ROLE … BYPASSRLS).',
    },
  );
}
