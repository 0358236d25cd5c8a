// Every privilege a migrate needs, checked before its first write, on both sides: CONNECT, schema USAGE and
// SELECT on each planned source table; SELECT … REFERENCES on each target database the plan writes to
// (the URL's and any schemaMap database). A missing one is PERMISSION_DENIED (exit 32) naming the
// privilege, the object and the GRANT that fixes it, and the target is left exactly as it was.

import { MigrationError } from '../errors.js';
import type { MigrationPlan } from '../plan/model.js';
import { missingSourcePrivileges } from '../source/postgres/assess-queries.js';
import type { SourceClient } from '../source/postgres/connect.js';
import { sessionIdentity, TARGET_PRIVILEGES, targetPrivileges } from '../target/mysql/assess-queries.js';
import type { TargetSession } from '../target/mysql/connect.js';
import { quoteIdent } from '../target/mysql/quote.js';

export async function refuseMissingPrivileges(
  source: SourceClient,
  target: TargetSession,
  plan: MigrationPlan,
): Promise<void> {
  const tables = plan.tables.map((t) => t.source);
  const schemas = [...new Set(tables.map((t) => t.schema))];
  const src = await missingSourcePrivileges(source, schemas, tables, []);
  if (src.length > 0) {
    const list = src.slice(0, 10).map((m) => `${m.privilege} on ${m.object}`);
    throw new MigrationError(
      'PERMISSION_DENIED',
      `The source role lacks ${list.join(', ')}${src.length > 10 ? `, … (${src.length} in all)` : ''}. Nothing was written.`,
      {
        details: { side: 'source', missing: list },
        hint: `GRANT ${src[0]!.privilege} ON ${src[0]!.object.replace(/^(table|schema|database) /, (w) => (w === 'table ' ? '' : w.toUpperCase()))} TO the migration role (or run as the tables' owner).`,
      },
    );
  }
  const { user, database } = await sessionIdentity(target.conn);
  const databases = [
    database,
    ...new Set(plan.tables.flatMap((t) => (t.database === undefined ? [] : [t.database]))),
  ].filter((d) => d !== '');
  for (const db of new Set(databases)) {
    const held = await targetPrivileges(target.conn, db);
    const missing = TARGET_PRIVILEGES.filter((p) => !held.has(p));
    if (missing.length === 0) continue;
    throw new MigrationError(
      'PERMISSION_DENIED',
      `The target user ${user} lacks ${missing.join(', ')} on database ${db}. Nothing was written.`,
      {
        details: { side: 'target', database: db, missing: [...missing] },
        hint: `GRANT ${missing.join(', ')} ON ${quoteIdent(db)}.* TO ${user.replace(/^(.*)@(.*)$/, "'$1'@'$2'")};`,
      },
    );
  }
}
