// PostgreSQL client/server version parsing and the compatibility rule pg_dump enforces (pure).
// Invariant: pg_dump refuses a server whose major version is newer than its own, and pg_restore must be at
// least as new as the pg_dump that wrote the archive; both are checked before anything runs.

import { MigrationError } from '../errors.js';

export interface PgVersion {
  /** Major version as PostgreSQL numbers it: 15, 16, …; 9.6 for the old two-part majors. */
  readonly major: number;
  /** The version text as reported, e.g. `15.18`. */
  readonly text: string;
}

/** Parse `pg_dump (PostgreSQL) 15.18 (Debian …)` (or pg_restore's); undefined when unrecognised. */
export function parseClientVersion(output: string): PgVersion | undefined {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(output);
  if (!m) return undefined;
  const first = Number(m[1]);
  const second = m[2] === undefined ? 0 : Number(m[2]);
  const major = first >= 10 ? first : Number(`${first}.${second}`);
  return { major, text: m[0].replace(/^\(PostgreSQL\)\s+/, '') };
}

/** From `server_version_num` (150018 → 15, 90624 → 9.6) and `server_version` text. */
export function serverVersion(versionNum: number, text: string): PgVersion {
  const major =
    versionNum >= 100000
      ? Math.floor(versionNum / 10000)
      : Number(`${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}`);
  return { major, text: text.split(' ')[0] ?? text };
}

/**
 * PREFLIGHT_FAILED when pg_dump is older than the server, or pg_restore older than pg_dump; names both
 * versions and the fix. Returns nothing when compatible.
 */
export function checkClientVersions(opts: {
  server: PgVersion;
  pgDump: PgVersion;
  pgRestore: PgVersion;
  pgDumpPath: string;
}): void {
  const { server, pgDump, pgRestore } = opts;
  if (pgDump.major < server.major)
    throw new MigrationError(
      'PREFLIGHT_FAILED',
      `pg_dump ${pgDump.text} (${opts.pgDumpPath}) is older than the source server (PostgreSQL ${server.text}): pg_dump refuses to dump a server of a newer major version.`,
      {
        details: { pgDump: pgDump.text, server: server.text, pgDumpPath: opts.pgDumpPath },
        hint: `Install the PostgreSQL ${server.major} client tools (or newer) and pass their directory with --pg-bin, e.g. --pg-bin /usr/lib/postgresql/${server.major}/bin.`,
      },
    );
  if (pgRestore.major < pgDump.major)
    throw new MigrationError(
      'PREFLIGHT_FAILED',
      `pg_restore ${pgRestore.text} is older than pg_dump ${pgDump.text}: it cannot read the archive pg_dump writes.`,
      {
        details: { pgDump: pgDump.text, pgRestore: pgRestore.text },
        hint: 'Use pg_dump and pg_restore from the same PostgreSQL installation (--pg-bin DIR).',
      },
    );
}
