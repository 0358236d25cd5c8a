// Connection URLs: parsing, TLS modes, and redaction. The only place a password is read from a URL.
// Invariants: a parsed URL's password never reaches a message, log line or report — use `describe()`
// or redactUrl(); every secret seen is registered so redactText() can scrub any text as a last defence.

import { MigrationError } from '../errors.js';

export type TlsMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export interface ConnectionSpec {
  readonly engine: 'postgresql' | 'mysql';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly tls: TlsMode;
  /** CA bundle file for verify-ca / verify-full; system CAs when absent. */
  readonly caFile: string | undefined;
}

const secrets = new Set<string>();

/** Remember a secret so that redactText() removes it (raw, URL-encoded, base64 and hex forms). */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < 3) return;
  secrets.add(secret);
  secrets.add(encodeURIComponent(secret));
  secrets.add(Buffer.from(secret).toString('base64'));
  secrets.add(Buffer.from(secret).toString('hex'));
}

/** Replace every registered secret in `text` with `***`. Cheap when no secret is registered. */
export function redactText(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

const TLS_ALIASES: Readonly<Record<string, TlsMode>> = {
  disable: 'disable',
  disabled: 'disable',
  require: 'require',
  required: 'require',
  'verify-ca': 'verify-ca',
  verify_ca: 'verify-ca',
  'verify-full': 'verify-full',
  verify_identity: 'verify-full',
};

/**
 * Parse a `postgres://` / `postgresql://` or `mysql://` / `mariadb://` URL. The password may also come
 * from `passwordEnv` names (first set wins) when the URL has none. TLS: `?sslmode=` (or `ssl-mode=`):
 * disable | require | verify-ca | verify-full; default `disable` on loopback hosts and `verify-full`
 * elsewhere, so a remote server is never used unencrypted or unverified unless asked for.
 */
export function parseConnectionUrl(
  raw: string,
  role: 'source' | 'target',
  passwordEnv: readonly string[] = [],
): ConnectionSpec {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Never echo the raw text: it may hold a password.
    throw new MigrationError('CONFIG_INVALID', `The ${role} URL is not a valid URL.`, {
      hint:
        role === 'source'
          ? 'Use postgres://user@host:5432/dbname (password in PG2MY_SOURCE_PASSWORD or PGPASSWORD).'
          : 'Use mysql://user@host:3306/dbname (password in PG2MY_TARGET_PASSWORD or MYSQL_PWD).',
    });
  }
  const scheme = u.protocol.replace(/:$/, '');
  const engine =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgresql'
      : scheme === 'mysql' || scheme === 'mariadb'
        ? 'mysql'
        : null;
  const want = role === 'source' ? 'postgresql' : 'mysql';
  if (engine !== want) {
    throw new MigrationError(
      'CONFIG_INVALID',
      `The ${role} URL must start with ${role === 'source' ? 'postgres://' : 'mysql://'} (got ${scheme}://).`,
    );
  }
  const password = u.password
    ? decodeURIComponent(u.password)
    : passwordEnv.map((k) => process.env[k]).find((v) => v);
  registerSecret(password);
  const host = u.hostname || 'localhost';
  const tlsRaw = (u.searchParams.get('sslmode') ?? u.searchParams.get('ssl-mode') ?? '').toLowerCase();
  let tls: TlsMode;
  if (tlsRaw === '') tls = isLoopback(host) ? 'disable' : 'verify-full';
  else {
    const t = TLS_ALIASES[tlsRaw];
    if (!t)
      throw new MigrationError('CONFIG_INVALID', `Unknown sslmode "${tlsRaw}" in the ${role} URL.`, {
        hint: 'Use disable, require, verify-ca or verify-full.',
      });
    tls = t;
  }
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    engine: want,
    host,
    port: u.port ? Number(u.port) : want === 'postgresql' ? 5432 : 3306,
    user: decodeURIComponent(u.username) || (want === 'postgresql' ? 'postgres' : 'root'),
    password,
    database: db || undefined,
    tls,
    caFile: u.searchParams.get('sslrootcert') ?? u.searchParams.get('ssl-ca') ?? undefined,
  };
}

/** `user@host:port/db (tls)` — safe for logs, errors and reports. */
export function describe(spec: ConnectionSpec): string {
  return `${spec.user}@${spec.host}:${spec.port}/${spec.database ?? ''} (tls ${spec.tls})`;
}

/** A URL with its password replaced by `***`; unparsable input becomes `<invalid url>`. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** True when the password was written inside the URL (visible in the process list if given as a flag). */
export function urlHasPassword(raw: string): boolean {
  try {
    return new URL(raw).password !== '';
  } catch {
    return false;
  }
}
