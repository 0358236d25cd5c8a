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

/**
 * Register the password of a URL (userinfo, as written and decoded, and `?password=`) without validating
 * the rest; never throws. Called as soon as a URL is known, before anything can be logged or written.
 */
export function registerUrlSecrets(raw: string | undefined): void {
  if (!raw) return;
  try {
    const u = new URL(raw);
    registerSecret(u.password);
    try {
      registerSecret(decodeURIComponent(u.password));
    } catch {
      // a malformed escape: the raw form is registered, parseConnectionUrl will refuse the URL
    }
    registerSecret(u.searchParams.get('password') ?? undefined);
  } catch {
    // not a URL: nothing to register; the text redaction below still scrubs URL-shaped secrets
  }
}

/** `scheme://user:PASSWORD@` and `?password=…` / `&password=…` in any text, whether registered or not. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi;
const QUERY_PASSWORD = /([?&]password=)[^&\s"'#]+/gi;

/**
 * Replace every registered secret in `text` with `***`, and every password written inside a URL (as
 * userinfo or `password=` parameter) even if it was never registered. Cheap when nothing matches.
 */
export function redactText(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  if (out.includes('://') || out.includes('password=')) {
    out = out.replace(URL_PASSWORD, '$1***@').replace(QUERY_PASSWORD, '$1***');
  }
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

/** Query parameters a URL may carry; any other is refused, so a typo never silently does nothing. */
const KNOWN_PARAMS: ReadonlySet<string> = new Set([
  'sslmode',
  'ssl-mode',
  'sslrootcert',
  'ssl-ca',
  'password',
]);

function invalidUrl(role: 'source' | 'target', message: string, hint?: string): MigrationError {
  return new MigrationError('CONFIG_INVALID', message, {
    hint:
      hint ??
      (role === 'source'
        ? 'Use postgres://user@host:5432/dbname (password in PG2MY_SOURCE_PASSWORD or PGPASSWORD).'
        : 'Use mysql://user@host:3306/dbname (password in PG2MY_TARGET_PASSWORD or MYSQL_PWD).'),
  });
}

/** decodeURIComponent that names the URL part (never its text: it may be a password) when an escape is bad. */
function decodePart(raw: string, part: string, role: 'source' | 'target'): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidUrl(
      role,
      `The ${role} URL's ${part} has a malformed %-escape.`,
      'Write a literal % as %25, and encode other special characters as %XX (encodeURIComponent).',
    );
  }
}

/**
 * The port as written in the URL's authority, checked before WHATWG parsing, so that a bad port is named
 * (the URL parser would only say "invalid URL"). Returns undefined when no port is written.
 */
function writtenPort(raw: string, role: 'source' | 'target'): number | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(raw)?.[1];
  if (authority === undefined) return undefined;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const m = hostPort.startsWith('[')
    ? /^\[[^\]]*\](?::(.*))?$/.exec(hostPort)
    : /^[^:]*(?::(.*))?$/.exec(hostPort);
  const text = m?.[1];
  if (text === undefined || text === '') return undefined;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535))
    throw invalidUrl(
      role,
      `The ${role} URL's port "${text.slice(0, 12)}" is not a number from 1 to 65535.`,
      `Write the port as a number, e.g. ${role === 'source' ? 'postgres://user@host:5432/db' : 'mysql://user@host:3306/db'}.`,
    );
  return port;
}

/**
 * Parse a `postgres://` / `postgresql://` or `mysql://` / `mariadb://` URL. The password may also come
 * from `?password=` or from `passwordEnv` names (first set wins) when the URL has none. TLS: `?sslmode=`
 * (or `ssl-mode=`): disable | require | verify-ca | verify-full; default `disable` on loopback hosts and
 * `verify-full` elsewhere, so a remote server is never used unencrypted or unverified unless asked for.
 * IPv6 literals are written in brackets (`[::1]`). Unknown query parameters, malformed %-escapes and
 * ports outside 1–65535 (0 included) are CONFIG_INVALID naming the part, never echoing the URL.
 */
export function parseConnectionUrl(
  raw: string,
  role: 'source' | 'target',
  passwordEnv: readonly string[] = [],
): ConnectionSpec {
  const port = writtenPort(raw, role);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Never echo the raw text: it may hold a password.
    throw invalidUrl(role, `The ${role} URL is not a valid URL.`);
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
  const queryPassword = u.searchParams.get('password');
  registerSecret(queryPassword ?? undefined);
  const urlPassword = u.password ? decodePart(u.password, 'password', role) : undefined;
  registerSecret(urlPassword);
  for (const key of u.searchParams.keys())
    if (!KNOWN_PARAMS.has(key))
      throw invalidUrl(
        role,
        `The ${role} URL has an unknown parameter "${key.slice(0, 40)}".`,
        `Known parameters: ${[...KNOWN_PARAMS].join(', ')}.`,
      );
  const password =
    urlPassword || queryPassword || passwordEnv.map((k) => process.env[k]).find((v) => v) || undefined;
  registerSecret(password);
  // WHATWG keeps the brackets of an IPv6 literal in hostname; the drivers want the bare address.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
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
  const db = decodePart(u.pathname.replace(/^\//, ''), 'database name', role);
  return {
    engine: want,
    host,
    port: port ?? (want === 'postgresql' ? 5432 : 3306),
    user: decodePart(u.username, 'user name', role) || (want === 'postgresql' ? 'postgres' : 'root'),
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

/** A URL with its password (userinfo or `?password=`) replaced by `***`; unparsable input becomes `<invalid url>`. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** True when the password was written inside the URL (visible in the process list if given as a flag). */
export function urlHasPassword(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.password !== '' || u.searchParams.has('password');
  } catch {
    return false;
  }
}
