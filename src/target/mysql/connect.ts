// Opens MySQL 8 / MariaDB target sessions: connect timeout, TLS mode, strict session settings, and the
// server's flavour. Invariants: every session runs with strict sql_mode, time_zone '+00:00' and utf8mb4;
// values come back as strings (BIGINT, DECIMAL, DATETIME, JSON), never lossy JS numbers or Dates; the
// server can never make the client read a local file (no connection-level infile factory); a connection
// 'error' event never crashes the process; errors name user@host:port/db and never the password;
// under verify-full the server certificate matches the URL's host (IP or DNS name) before credentials go out.

import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import mysqlCore from 'mysql2';
import type mysql from 'mysql2/promise';
import { readCaFile, tlsRefusedHint } from '../../config/tls-files.js';
import { type ConnectionSpec, describe } from '../../config/urls.js';
import { type DialectName, dialectForVersion } from '../../dialect/capabilities.js';
import { MigrationError } from '../../errors.js';

/** sql_mode for every session: reject, never truncate or coerce; keep explicit 0 in AUTO_INCREMENT columns. */
export const TARGET_SQL_MODE =
  'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';

export interface TargetConnectOptions {
  /** Default 5000 ms. */
  readonly connectTimeoutMs?: number;
}

export interface TargetSession {
  readonly conn: mysql.Connection;
  readonly flavour: DialectName;
  /** VERSION() text, e.g. `10.11.19-MariaDB-0+deb12u1` or `8.0.40`. */
  readonly version: string;
  readonly maxAllowedPacket: number;
  readonly localInfile: boolean;
}

/**
 * mysql2 TLS options. The chain (CA, dates) is checked by node's tls (rejectUnauthorized); the host name is
 * NOT left to mysql2's verifyIdentity: for an IP host mysql2 passes no servername, and node then checks the
 * certificate against 'localhost' (measured: a DNS:localhost certificate passed for 127.0.0.1, and an
 * IP:127.0.0.1 one failed). verify-full checks the identity itself instead, in openVerified() below.
 */
function tlsConfig(spec: ConnectionSpec): mysql.ConnectionOptions['ssl'] {
  if (spec.tls === 'disable') return undefined;
  const ca = readCaFile(spec);
  if (spec.tls === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, verifyIdentity: false, ...(ca ? { ca } : {}) };
}

/** The part of mysql2's core connection that verify-full hooks: startTLS(onSecure) and the TLS stream. */
interface CoreTls {
  startTLS(onSecure: (err?: Error) => void): void;
  stream: unknown;
}

/** The URL's host against the peer certificate; an Error when it does not match or there is none. */
function identityError(host: string, stream: unknown): Error | undefined {
  const peer = (stream as Partial<TLSSocket>).getPeerCertificate?.(true) as PeerCertificate | undefined;
  if (!peer || Object.keys(peer).length === 0) return new Error('the server sent no certificate');
  return checkServerIdentity(host, peer);
}

/**
 * Open a mysql2 connection. Under verify-full, mysql2's startTLS is wrapped so that the certificate is
 * checked against spec.host when the TLS handshake completes and before mysql2 sends the credentials
 * (ClientHandshake calls sendCredentials only from startTLS's callback without an error); a mismatch
 * ends the handshake with the tls error. If a mysql2 upgrade bypassed the hook, `verified` stays false and
 * the connection is closed before any query.
 */
async function openVerified(
  spec: ConnectionSpec,
  options: mysql.ConnectionOptions,
): Promise<mysql.Connection> {
  const core = mysqlCore.createConnection(options);
  let verified = false;
  if (spec.tls === 'verify-full') {
    const hooked = core as unknown as CoreTls;
    const startTLS = hooked.startTLS;
    if (typeof startTLS !== 'function') {
      core.destroy();
      throw new Error('mysql2 has no startTLS to hook: cannot verify the server identity');
    }
    hooked.startTLS = function (this: CoreTls, onSecure) {
      startTLS.call(this, (err) => {
        if (err) return onSecure(err);
        const bad = identityError(spec.host, this.stream);
        if (bad) return onSecure(bad);
        verified = true;
        onSecure();
      });
    };
  }
  await new Promise<void>((resolve, reject) => {
    core.once('connect', () => resolve());
    core.once('error', reject);
  });
  if (spec.tls === 'verify-full' && !verified) {
    core.destroy();
    throw new Error('the server identity was not verified (mysql2 did not run the TLS hook)');
  }
  return core.promise();
}

/** mysql2 options for a spec. JSON columns come back as their text; dates, decimals and bigints as strings. */
export function targetConnectionOptions(
  spec: ConnectionSpec,
  opts: TargetConnectOptions = {},
): mysql.ConnectionOptions {
  const ssl = tlsConfig(spec);
  return {
    host: spec.host,
    port: spec.port,
    user: spec.user,
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    ...(spec.database !== undefined ? { database: spec.database } : {}),
    ...(ssl ? { ssl } : {}),
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    charset: 'UTF8MB4_BIN',
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    multipleStatements: false,
    typeCast: (field, next) => (field.type === 'JSON' ? field.string('utf8') : next()),
  };
}

const HINTS: Readonly<Record<string, string>> = {
  ER_ACCESS_DENIED_ERROR:
    'Access denied: check the user and PG2MY_TARGET_PASSWORD / MYSQL_PWD; an account that REQUIRE SSL also gets this over plain TCP (add ?sslmode=require).',
  ER_BAD_DB_ERROR:
    'The database does not exist on the target: create it first (CREATE DATABASE … CHARACTER SET utf8mb4).',
  ECONNREFUSED: 'Nothing listens there: is the MySQL/MariaDB server running, and are host and port right?',
  ENOTFOUND: 'The host name does not resolve.',
  ETIMEDOUT: 'The server did not answer in time (--connect-timeout).',
};

/** Connect, apply the strict session settings, read the flavour and limits. Throws TARGET_CONNECT_FAILED. */
export async function connectTarget(
  spec: ConnectionSpec,
  opts: TargetConnectOptions = {},
): Promise<TargetSession> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await openVerified(spec, targetConnectionOptions(spec, opts));
    // mysql2 emits 'error' on the underlying connection when the server goes away while idle.
    (conn as unknown as { connection: { on(ev: string, f: () => void): void } }).connection.on(
      'error',
      () => {},
    );
    await conn.query(
      `SET SESSION sql_mode = '${TARGET_SQL_MODE}', time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_bin`,
    );
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT VERSION() AS v, @@max_allowed_packet AS map, @@local_infile AS li',
    );
    const row: mysql.RowDataPacket = rows[0] ?? ({} as mysql.RowDataPacket);
    const version = String(row.v);
    const flavour = dialectForVersion(version);
    if (!flavour) {
      throw new MigrationError(
        'PREFLIGHT_FAILED',
        `The target ${describe(spec)} runs ${version}; pg2my needs MySQL 8.0+ or MariaDB 10.6+.`,
      );
    }
    return { conn, flavour, version, maxAllowedPacket: Number(row.map), localInfile: String(row.li) === '1' };
  } catch (e) {
    await conn?.end().catch(() => {});
    if (e instanceof MigrationError) throw e;
    const code = (e as { code?: string }).code ?? '';
    const reason = e instanceof Error ? e.message : String(e);
    throw new MigrationError(
      'TARGET_CONNECT_FAILED',
      `Cannot connect to the target ${describe(spec)}: ${reason}`,
      {
        details: { target: describe(spec), code },
        retryable: code === 'ECONNREFUSED' || code === 'ETIMEDOUT',
        hint: HINTS[code] ?? tlsRefusedHint(code) ?? 'Check the target URL.',
        cause: e,
      },
    );
  }
}
