// Argument vectors and environments for pg_dump / pg_restore (pure). Connection details travel in the
// environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE…), never in argv, so no password
// or conninfo string shows in the process list, and no name can be read as an option or a conninfo.

import type { ConnectionSpec } from '../config/urls.js';

/** The child's environment: the parent's minus every PG* and PG2MY_* variable, plus the spec's. `clientMajor`: the tool's major version. */
export function pgClientEnv(
  spec: ConnectionSpec,
  database: string,
  parent: Readonly<Record<string, string | undefined>>,
  connectTimeoutMs = 5000,
  clientMajor = 0,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent))
    if (v !== undefined && !k.startsWith('PG') && !k.startsWith('PG2MY_')) env[k] = v;
  env.PGHOST = spec.host;
  env.PGPORT = String(spec.port);
  env.PGUSER = spec.user;
  env.PGDATABASE = database;
  env.PGAPPNAME = 'pg2my-backup';
  env.PGCONNECT_TIMEOUT = String(Math.max(2, Math.ceil(connectTimeoutMs / 1000)));
  env.PGSSLMODE = spec.tls;
  // pg2my verifies against the system CAs when no CA file is given; libpq does so with `system` (16+),
  // older clients fall back to ~/.postgresql/root.crt.
  if (spec.caFile) env.PGSSLROOTCERT = spec.caFile;
  else if (spec.tls.startsWith('verify') && clientMajor >= 16) env.PGSSLROOTCERT = 'system';
  if (spec.password !== undefined) env.PGPASSWORD = spec.password;
  return env;
}

/** pg_dump argv: custom format, into `file`, reading the exported snapshot; no connection details. */
export function pgDumpArgs(file: string, snapshot: string): string[] {
  return ['--format=custom', `--file=${file}`, `--snapshot=${snapshot}`, '--no-password'];
}

/** pg_restore argv that lists the archive's table of contents. */
export function pgRestoreListArgs(file: string): string[] {
  return ['--list', '--', file];
}

/** pg_restore argv that restores into the database named by PGDATABASE, stopping at the first error. */
export function pgRestoreArgs(file: string, database: string): string[] {
  return [
    '--exit-on-error',
    '--no-owner',
    '--no-privileges',
    '--no-password',
    `--dbname=${database}`,
    '--',
    file,
  ];
}
