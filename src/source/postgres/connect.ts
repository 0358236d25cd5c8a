// Opens PostgreSQL source sessions: connect timeout, TLS mode, and the session settings every read relies on.
// Invariants: every value comes back as text (no JS Date, no Number for int8/numeric, no parsed JSON), the
// session runs in UTC with ISO date and interval styles and hex bytea, and a client 'error' event never
// crashes the process. Connection errors are MigrationErrors that name user@host:port/db, never a password.

import pg from 'pg';
import { readCaFile, tlsRefusedHint } from '../../config/tls-files.js';
import { type ConnectionSpec, describe } from '../../config/urls.js';
import { MigrationError } from '../../errors.js';

/** An open source session (a pg client); other layers use this name instead of importing pg. */
export type SourceClient = pg.Client;

/** Every type as its text form: pg's default parsers lose precision (int8, timestamps, json duplicates). */
const TEXT_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/** Session settings that make the text forms canonical. */
export const SOURCE_SESSION_SQL = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'iso_8601'",
  "SET bytea_output = 'hex'",
  "SET client_encoding = 'UTF8'",
  'SET extra_float_digits = 3',
  "SET application_name = 'pg2my'",
  // A policy that would filter rows raises 42501 instead of hiding them (see row-security.ts).
  'SET row_security = off',
].join('; ');

export interface SourceConnectOptions {
  /** Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Statement timeout for this session in ms; 0 (default) = none. */
  readonly statementTimeoutMs?: number;
}

/**
 * TLS options. verify-full leaves the identity check to node's tls with `host` set by pg, so an IP host is
 * checked against the certificate's IP entries and a DNS host against its DNS names (measured, see
 * test/integration/tls-verify.test.ts). A CA file that cannot be read is CONFIG_INVALID naming it.
 */
function tlsConfig(spec: ConnectionSpec): pg.ClientConfig['ssl'] {
  if (spec.tls === 'disable') return false;
  const ca = readCaFile(spec);
  if (spec.tls === 'require') return { rejectUnauthorized: false };
  if (spec.tls === 'verify-ca')
    return { rejectUnauthorized: true, ...(ca ? { ca } : {}), checkServerIdentity: () => undefined };
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
}

/** The pg client config for a spec (exported for the copy path, which opens its own COPY clients). */
export function sourceClientConfig(spec: ConnectionSpec, opts: SourceConnectOptions = {}): pg.ClientConfig {
  return {
    host: spec.host,
    port: spec.port,
    user: spec.user,
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    database: spec.database ?? 'postgres',
    ssl: tlsConfig(spec),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    keepAlive: true,
    types: TEXT_TYPES,
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
  };
}

const HINTS: Readonly<Record<string, string>> = {
  '28P01': 'The password was refused: check PG2MY_SOURCE_PASSWORD / PGPASSWORD or the URL.',
  '28000': 'The role or pg_hba.conf entry does not allow this login.',
  '3D000': 'The database does not exist: check the database name at the end of the source URL.',
  ECONNREFUSED: 'Nothing listens there: is PostgreSQL running, and are host and port right?',
  ENOTFOUND: 'The host name does not resolve.',
};

/** Connect, apply the session settings, and return the client. Throws SOURCE_CONNECT_FAILED. */
export async function connectSource(
  spec: ConnectionSpec,
  opts: SourceConnectOptions = {},
): Promise<pg.Client> {
  const client = new pg.Client(sourceClientConfig(spec, opts));
  // An idle client whose server goes away emits 'error'; unhandled, that kills the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(SOURCE_SESSION_SQL);
    return client;
  } catch (e) {
    await client.end().catch(() => {});
    const code = (e as { code?: string }).code ?? '';
    const reason = e instanceof Error ? e.message : String(e);
    throw new MigrationError(
      'SOURCE_CONNECT_FAILED',
      `Cannot connect to the PostgreSQL source ${describe(spec)}: ${reason}`,
      {
        details: { target: describe(spec), code },
        retryable: code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || /timeout/i.test(reason),
        hint:
          HINTS[code] ??
          tlsRefusedHint(code) ??
          (/timeout/i.test(reason)
            ? 'The server did not answer in time (--connect-timeout).'
            : 'Check the source URL.'),
        cause: e,
      },
    );
  }
}
