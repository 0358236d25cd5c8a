// Preflight, target side: MySQL/MariaDB version, the user's privileges on the target database, server
// settings that change how migrate runs or how the data behaves afterwards (local_infile, sql_mode,
// character set, lower_case_table_names, sql_require_primary_key, max_allowed_packet vs the largest source
// row), and that the database is empty or owned by a resumable run of this very plan.
// Invariants: read-only; every finding names the privilege or setting and the statement that fixes it.

import type { Catalog } from '../catalog/model.js';
import type { ConnectionSpec } from '../config/urls.js';
import { type MigrationPlan, tableKey } from '../plan/model.js';
import { resumeFingerprint } from '../plan/fingerprint.js';
import { TARGET_PRIVILEGES, type TargetFacts, targetPrivileges } from '../target/mysql/assess-queries.js';
import type { TargetSession } from '../target/mysql/connect.js';
import { decideOwnership, missingDatabases, readTargetView } from '../target/mysql/state-table.js';
import { blocking, type Findings, findings, tlsFinding } from './preflight.js';
import type { ScannedTable } from './scan-values.js';

const at = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10));

/** Target checks: version, TLS, privileges, settings, and that the database is empty or owned by a run of `plan`. */
export async function targetPreflight(
  session: TargetSession,
  spec: ConnectionSpec,
  facts: TargetFacts,
  catalog: Catalog | undefined,
  plan: MigrationPlan | undefined,
  loadMethod: string,
): Promise<Findings> {
  const f = findings();
  const [maj = 0, min = 0] = at(facts.version);
  const okVersion = session.flavour === 'mariadb' ? maj > 10 || (maj === 10 && min >= 6) : maj >= 8;
  f.checks.push({
    name: 'target version',
    status: okVersion ? 'pass' : 'fail',
    detail: `${facts.version} (${session.flavour})`,
  });
  if (!okVersion)
    f.risks.push(
      blocking(
        'TARGET_VERSION_UNSUPPORTED',
        `the target runs ${facts.version}`,
        'pg2my writes to MySQL 8.0+ and MariaDB 10.6+.',
        'Types, collations and DDL the plan uses are missing.',
        'Upgrade the target server.',
      ),
    );
  tlsFinding(f, 'target', spec, facts.ssl);
  if (facts.database === null) {
    f.risks.push(
      blocking(
        'TARGET_DATABASE_MISSING',
        'the target URL names no database',
        'pg2my writes into the database named at the end of the target URL.',
        'Nothing can be created.',
        'Add the database to the URL: mysql://user@host:3306/dbname.',
      ),
    );
    return f;
  }
  const held = await targetPrivileges(session.conn, facts.database);
  const missing = TARGET_PRIVILEGES.filter((p) => !held.has(p));
  f.checks.push({
    name: 'target privileges',
    status: missing.length ? 'fail' : 'pass',
    detail: missing.length
      ? `missing ${missing.join(', ')} on ${facts.database}`
      : `${TARGET_PRIVILEGES.join(', ')} on ${facts.database}`,
  });
  if (missing.length)
    f.risks.push(
      blocking(
        'TARGET_PRIVILEGE_MISSING',
        `${facts.user} lacks ${missing.join(', ')} on ${facts.database}`,
        `Read from information_schema USER_PRIVILEGES and SCHEMA_PRIVILEGES (including enabled roles): ${missing.join(', ')} missing on \`${facts.database}\`.`,
        'Migrate stops at the first statement that needs it.',
        `GRANT ${missing.join(', ')} ON \`${facts.database}\`.* TO ${facts.user};`,
        [...missing],
      ),
    );
  const li = facts.localInfile;
  f.checks.push({
    name: 'local_infile',
    status: li ? 'pass' : 'warn',
    detail: li ? 'ON (LOAD DATA LOCAL)' : 'OFF',
  });
  if (!li)
    f.risks.push({
      id: 'LOCAL_INFILE_DISABLED',
      severity: loadMethod === 'load-data' ? 'blocking' : 'medium',
      status: 'open',
      title: 'local_infile is OFF on the target',
      description: 'The server refuses LOAD DATA LOCAL INFILE.',
      impact:
        loadMethod === 'load-data'
          ? 'migrate.loadMethod is load-data: the copy fails.'
          : 'migrate falls back to multi-row INSERT, typically several times slower.',
      probability: 'certain',
      blastRadius: { objects: ['local_infile'] },
      mitigation: 'SET GLOBAL local_infile = ON on the target for the migration window.',
      config: 'migrate.loadMethod: insert',
    });
  const strict = /STRICT_(ALL|TRANS)_TABLES/.test(facts.sqlMode);
  f.checks.push({
    name: 'server sql_mode',
    status: strict ? 'pass' : 'warn',
    detail: facts.sqlMode || '(empty)',
  });
  if (!strict)
    f.risks.push({
      id: 'SQL_MODE_NOT_STRICT',
      severity: 'low',
      status: 'open',
      title: 'the target server default sql_mode is not strict',
      description: `GLOBAL sql_mode is "${facts.sqlMode}". pg2my sets a strict sql_mode in its own sessions, so migrate is unaffected.`,
      impact:
        'Application sessions that keep the default can truncate or coerce values silently after the migration.',
      probability: 'possible',
      blastRadius: { objects: ['sql_mode'] },
      mitigation: "Add STRICT_TRANS_TABLES to the server's sql_mode.",
    });
  const utf8 =
    facts.charsetServer === 'utf8mb4' && (facts.databaseCollation ?? 'utf8mb4').startsWith('utf8mb4');
  f.checks.push({
    name: 'character set',
    status: utf8 ? 'pass' : 'warn',
    detail: `server ${facts.charsetServer} / ${facts.collationServer}; database ${facts.databaseCollation ?? '?'}`,
  });
  if (!utf8)
    f.risks.push({
      id: 'CHARSET_NOT_UTF8MB4',
      severity: 'low',
      status: 'open',
      title: `target default character set is ${facts.charsetServer} / ${facts.databaseCollation ?? '?'}`,
      description:
        'pg2my declares utf8mb4 on every string column it creates, so migrated data is unaffected.',
      impact:
        'Tables the application creates later default to a character set that cannot hold every PostgreSQL string (emoji need utf8mb4).',
      probability: 'possible',
      blastRadius: { objects: ['character_set_server'] },
      mitigation: `ALTER DATABASE \`${facts.database}\` CHARACTER SET utf8mb4.`,
    });
  const upper = (plan?.tables ?? []).filter((t) => t.target !== t.target.toLowerCase()).map((t) => t.target);
  f.checks.push({
    name: 'lower_case_table_names',
    status: facts.lowerCaseTableNames !== 0 && upper.length ? 'warn' : 'pass',
    detail: String(facts.lowerCaseTableNames),
  });
  if (facts.lowerCaseTableNames !== 0 && upper.length)
    f.risks.push({
      id: 'LOWER_CASE_TABLE_NAMES',
      severity: 'medium',
      status: 'open',
      title: `lower_case_table_names=${facts.lowerCaseTableNames}: ${upper.length} table name(s) with capitals are stored in lower case`,
      description: `The server stores table names in lower case, e.g. ${upper.slice(0, 3).join(', ')}.`,
      impact: 'Tools that compare table names case-sensitively see different names.',
      probability: 'likely',
      blastRadius: { objects: upper.slice(0, 20) },
      mitigation: 'Expect lower-case table names on the target, or rename the tables in PostgreSQL.',
    });
  const noPk = (catalog?.tables ?? []).filter((t) => !t.primaryKey).map((t) => `${t.schema}.${t.name}`);
  if (facts.requirePrimaryKey && noPk.length)
    f.risks.push(
      blocking(
        'REQUIRE_PRIMARY_KEY',
        `sql_require_primary_key is ON and ${noPk.length} table(s) have no primary key`,
        'MySQL refuses CREATE TABLE without a primary key under sql_require_primary_key.',
        'Pre-data fails for those tables.',
        'Add primary keys in PostgreSQL, or SET GLOBAL sql_require_primary_key = OFF for the migration.',
        noPk,
      ),
    );
  // The ownership rule migrate applies (decideOwnership), so assess and migrate cannot disagree.
  const mapped = await mappedDatabases(session, plan, f);
  const planTables = new Set((plan?.tables ?? []).map(tableKey));
  const view = await readTargetView(session.conn, planTables, new Set(), mapped);
  const tables = view.tables;
  const owner = plan ? decideOwnership(view, planTables, resumeFingerprint(plan)) : undefined;
  const ok =
    tables.length === 0 ||
    (owner !== undefined && owner.state !== 'foreign' && owner.state !== 'plan-changed');
  f.checks.push({
    name: 'target database',
    status: ok ? 'pass' : 'fail',
    detail:
      tables.length === 0
        ? `${facts.database} is empty`
        : owner?.state === 'resume' || owner?.state === 'complete'
          ? `owned by run ${owner.run.runId} of this plan (${owner.state === 'complete' ? 'complete' : 'resumable'})`
          : owner?.state === 'fresh'
            ? `${owner.adopted.length} empty table(s) of this plan (as pg2my schema --apply leaves them)`
            : `${tables.length} table(s): ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}`,
  });
  if (!ok) {
    const changed = owner?.state === 'plan-changed';
    const foreign = owner?.state === 'foreign' ? owner.foreign : tables;
    f.risks.push(
      blocking(
        changed ? 'PLAN_CHANGED' : 'TARGET_NOT_EMPTY',
        changed
          ? `the target database ${facts.database} holds run ${owner.run.runId} of a different plan`
          : `the target database ${facts.database} has ${foreign.length} table(s) no run of this plan owns`,
        changed
          ? 'The source schema or the config changed since that run.'
          : 'pg2my migrates into an empty database (or the empty tables `pg2my schema --apply` created) so that nothing existing is overwritten or mixed in.',
        'migrate refuses to start.',
        changed
          ? 'Run migrate with --restart to start over, or restore the config that run used.'
          : 'Point the target URL at an empty database, or drop the tables there yourself.',
        foreign.slice(0, 20),
      ),
    );
  }
  return f;
}

/** max_allowed_packet vs the largest source row (pg_column_size, which counts TOAST-compressed values compressed). */
export function packetFindings(
  facts: TargetFacts,
  scanned: ReadonlyMap<string, ScannedTable>,
  scanMs?: number,
): Findings {
  const f = findings();
  const [table, largest] = [...scanned.entries()].reduce<[string, number]>(
    (m, [t, s]) => (s.largestRowBytes > m[1] ? [t, s.largestRowBytes] : m),
    ['', 0],
  );
  const packet = facts.maxAllowedPacket;
  const over = largest > packet;
  const near = !over && largest > packet / 2;
  f.checks.push({
    name: 'max_allowed_packet',
    status: over ? 'fail' : near ? 'warn' : 'pass',
    detail: `${packet} bytes; largest source row ${largest} bytes${table ? ` (${table})` : ''}, by max(pg_column_size(t.*)) in the value scan${scanMs === undefined ? '' : ` (${scanMs} ms for all tables)`}`,
  });
  if (over || near) {
    const want = 2 ** Math.ceil(Math.log2(Math.max(largest * 2, 1)));
    f.risks.push({
      id: 'MAX_ALLOWED_PACKET_TOO_SMALL',
      severity: over ? 'blocking' : 'medium',
      status: 'open',
      title: `${table}: largest row ${largest} bytes vs max_allowed_packet ${packet}`,
      description: `The largest row of ${table} takes ${largest} bytes as stored (compressed values count compressed; the text form sent to the target can be larger, bytea hex doubles).`,
      impact: over
        ? 'The target rejects the row ("packet too large") on load or when verify reads it back.'
        : 'Rows whose text form is larger than stored may pass the limit.',
      probability: over ? 'certain' : 'possible',
      blastRadius: { table },
      mitigation: `SET GLOBAL max_allowed_packet = ${Math.min(want, 1024 ** 3)} on the target.`,
    });
  }
  return f;
}

/**
 * The databases schemaMap puts tables in: each must exist and grant what the URL's database does
 * (blocking risks otherwise). Returns those that exist, for the ownership view.
 */
async function mappedDatabases(
  session: TargetSession,
  plan: MigrationPlan | undefined,
  f: Findings,
): Promise<string[]> {
  const wanted = [
    ...new Set((plan?.tables ?? []).flatMap((t) => (t.database === undefined ? [] : [t.database]))),
  ];
  if (wanted.length === 0) return [];
  const absent = await missingDatabases(session.conn, wanted);
  if (absent.length > 0)
    f.risks.push(
      blocking(
        'TARGET_DATABASE_MISSING',
        `schemaMap names database(s) that do not exist on the target: ${absent.join(', ')}`,
        'Tables of a mapped schema are created in the database schemaMap names, on the target server.',
        'Migrate stops before it writes anything.',
        absent.map((db) => `CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4;`).join(' '),
        absent,
      ),
    );
  const present = wanted.filter((db) => !absent.includes(db));
  for (const db of present) {
    const held = await targetPrivileges(session.conn, db);
    const missing = TARGET_PRIVILEGES.filter((p) => !held.has(p));
    f.checks.push({
      name: `target privileges on ${db} (schemaMap)`,
      status: missing.length ? 'fail' : 'pass',
      detail: missing.length
        ? `missing ${missing.join(', ')} on ${db}`
        : `${TARGET_PRIVILEGES.join(', ')} on ${db}`,
    });
    if (missing.length)
      f.risks.push(
        blocking(
          'TARGET_PRIVILEGE_MISSING',
          `the target user lacks ${missing.join(', ')} on ${db} (schemaMap)`,
          `Read from information_schema USER_PRIVILEGES and SCHEMA_PRIVILEGES: ${missing.join(', ')} missing on \`${db}\`.`,
          'Migrate stops at the first statement that needs it.',
          `GRANT ${missing.join(', ')} ON \`${db}\`.* TO the migration user;`,
          [...missing],
        ),
      );
  }
  return present;
}
