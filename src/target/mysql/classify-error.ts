// Classifies errors from mysql2 (MySQL 8 / MariaDB) into transient / permanent / indeterminate / unknown.
// Decisions use only the numeric server errno, the SQLSTATE class, mysql2's fatal flag and code, and Node
// socket codes — never message text, which is localised and changes between versions. Tables are data.
// Overrides, in order: a connection loss while sending more than max_allowed_packet is permanent
// ('packet-too-large'); a connection loss during COMMIT is indeterminate ('commit-unknown').

import type { FaultKind } from '../../runtime/fault-kinds.js';
import type { FaultClassification } from '../../runtime/retry.js';

export type { FaultClassification } from '../../runtime/retry.js';

/** One row of a classification table. */
export interface MysqlErrorRule {
  readonly class: FaultClassification['class'];
  readonly kind: FaultKind;
  /** The connection is gone or untrustworthy; destroy it. Default false. */
  readonly discard?: boolean;
  /** A loss of the connection that may really be the server refusing an oversized packet. */
  readonly packetSensitive?: boolean;
  readonly hint?: string;
}

const T = (kind: FaultKind, extra: Omit<MysqlErrorRule, 'class' | 'kind'> = {}): MysqlErrorRule => ({
  class: 'transient',
  kind,
  ...extra,
});
const P = (kind: FaultKind, extra: Omit<MysqlErrorRule, 'class' | 'kind'> = {}): MysqlErrorRule => ({
  class: 'permanent',
  kind,
  ...extra,
});
const I = (kind: FaultKind, extra: Omit<MysqlErrorRule, 'class' | 'kind'> = {}): MysqlErrorRule => ({
  class: 'indeterminate',
  kind,
  ...extra,
});

const LOST = { discard: true, packetSensitive: true } as const;
const LOCAL_INFILE_HINT =
  'the server refuses LOAD DATA LOCAL (local_infile=OFF); pg2my falls back to INSERT, or set GLOBAL local_infile=ON';

/** Server errnos that mean the same on MySQL 8 and MariaDB. */
export const MYSQL_ERRNO_RULES: ReadonlyMap<number, MysqlErrorRule> = new Map<number, MysqlErrorRule>([
  // Transient: locks. After 1205 InnoDB rolled back the statement only: the transaction stays open and the
  // caller must ROLLBACK before retrying. After 1213 the whole transaction was rolled back.
  [1205, T('lock-wait')],
  [1213, T('deadlock')],
  // Transient: capacity.
  [1040, T('too-many-connections', { discard: true })],
  [1203, T('too-many-connections', { discard: true })],
  [1226, T('too-many-connections', { discard: true })],
  [1135, T('server-resources', { discard: true })],
  [1037, T('server-resources')],
  [1041, T('server-resources')],
  [1637, T('server-resources')],
  [1021, T('disk-full', { hint: 'the target server is out of disk space' })],
  // Transient: the connection or the statement was cut.
  [1053, T('server-shutdown', { discard: true })],
  [1927, T('connection-killed', { discard: true })], // MariaDB ER_CONNECTION_KILLED
  [1152, T('network', { discard: true })],
  [1158, T('network', { discard: true })],
  [1159, T('network', { discard: true })],
  [1160, T('network', { discard: true })],
  [1161, T('network', { discard: true })],
  [1317, T('interrupted')], // KILL QUERY
  [1969, T('statement-timeout')], // MariaDB max_statement_time
  [3024, T('statement-timeout')], // MySQL max_execution_time
  [2006, T('connection-lost', LOST)], // CR_SERVER_GONE_ERROR (libmysqlclient numbering)
  [2013, T('connection-lost', LOST)], // CR_SERVER_LOST
  [2055, T('connection-lost', LOST)], // CR_SERVER_LOST_EXTENDED
  // Transient: read-only during a failover; a new connection may reach the new primary.
  [1290, T('read-only', { discard: true })],
  [1836, T('read-only', { discard: true })],
  // Indeterminate: the server failed inside COMMIT / ROLLBACK.
  [1180, I('commit-failed', { discard: true })],
  [1181, I('rollback-failed', { discard: true })],
  // Permanent: access.
  [
    1045,
    P('auth', { discard: true, hint: 'wrong user or password, or the account REQUIRE SSL and TLS is off' }),
  ],
  [1044, P('privilege')],
  [1142, P('privilege')],
  [1143, P('privilege')],
  [1227, P('privilege')],
  // Permanent: objects and syntax.
  [1049, P('unknown-database')],
  [1146, P('unknown-table')],
  [1054, P('unknown-column')],
  [1064, P('syntax')],
  // Permanent: a value was refused.
  [1366, P('data')],
  [1406, P('data')],
  [1264, P('data')],
  [1292, P('data')],
  [1265, P('data')],
  [1048, P('data')],
  [1261, P('data')], // LOAD DATA row with too few fields
  [1262, P('data')], // LOAD DATA row with too many fields
  [1300, P('data')], // invalid character string for the column's charset
  [1411, P('data')],
  [3140, P('data')], // MySQL invalid JSON text
  [3819, P('check-constraint')],
  [4025, P('check-constraint')], // MariaDB ER_CONSTRAINT_FAILED (mysql8 overrides below)
  [1062, P('duplicate-key')],
  [1586, P('duplicate-key')],
  [1451, P('foreign-key')],
  [1452, P('foreign-key')],
  [1216, P('foreign-key')],
  [1217, P('foreign-key')],
  // Permanent: sizes and DDL limits.
  [
    1153,
    P('packet-too-large', {
      discard: true,
      hint: 'raise max_allowed_packet on the target or lower the batch size',
    }),
  ],
  [1114, P('table-full')],
  [1059, P('ddl-limit')],
  [1060, P('ddl-limit')],
  [1071, P('ddl-limit')],
  [1074, P('ddl-limit')],
  [1103, P('ddl-limit')],
  [1118, P('ddl-limit')],
  [1291, P('ddl-limit')],
  [1426, P('ddl-limit')],
  [1439, P('ddl-limit')],
  // Permanent: LOAD DATA LOCAL refused; the writer falls back to INSERT.
  [3948, P('local-infile-disabled', { hint: LOCAL_INFILE_HINT })], // MySQL 8
  [4166, P('local-infile-disabled', { hint: LOCAL_INFILE_HINT })], // MariaDB
  [1148, P('local-infile-disabled', { hint: LOCAL_INFILE_HINT })], // older servers' ER_NOT_ALLOWED_COMMAND
  [2068, P('local-infile-disabled', { hint: LOCAL_INFILE_HINT })], // CR_LOAD_DATA_LOCAL_INFILE_REJECTED
]);

/** Errnos whose meaning depends on the flavour; consulted before MYSQL_ERRNO_RULES. */
export const MYSQL_FLAVOUR_ERRNO_RULES: Readonly<
  Record<'mysql8' | 'mariadb', ReadonlyMap<number, MysqlErrorRule>>
> = {
  mysql8: new Map<number, MysqlErrorRule>([
    [4031, T('connection-lost', { discard: true })], // ER_CLIENT_INTERACTION_TIMEOUT: idle client dropped
    [4025, P('ddl-limit')], // ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE
  ]),
  // On MariaDB 4031 is ER_REFERENCED_TRG_DOES_NOT_EXIST: falls through to the SQLSTATE rules.
  mariadb: new Map<number, MysqlErrorRule>(),
};

const TLS: MysqlErrorRule = P('tls', {
  discard: true,
  hint: 'the TLS handshake failed: check the CA, the server certificate and its host name',
});

/** mysql2 codes and Node socket / TLS codes (an error's string `.code`). */
export const MYSQL_CODE_RULES: ReadonlyMap<string, MysqlErrorRule> = new Map<string, MysqlErrorRule>([
  ['PROTOCOL_CONNECTION_LOST', T('connection-lost', LOST)],
  ['PROTOCOL_SEQUENCE_TIMEOUT', T('timeout', { discard: true })], // mysql2's client-side query timeout
  ['ECONNRESET', T('connection-lost', LOST)],
  ['EPIPE', T('connection-lost', LOST)],
  ['ECONNABORTED', T('connection-lost', LOST)],
  ['ETIMEDOUT', T('timeout', { discard: true })],
  ['ECONNREFUSED', T('connection-refused', { discard: true })],
  ['EHOSTUNREACH', T('network', { discard: true })],
  ['ENETUNREACH', T('network', { discard: true })],
  ['ENETDOWN', T('network', { discard: true })],
  ['EAI_AGAIN', T('dns', { discard: true })],
  ['ENOTFOUND', P('dns', { discard: true, hint: 'the host name does not resolve' })],
  ['HANDSHAKE_SSL_ERROR', TLS],
  [
    'HANDSHAKE_NO_SSL_SUPPORT',
    P('tls', { discard: true, hint: 'TLS is required but the server has it off' }),
  ],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', TLS],
  ['UNABLE_TO_GET_ISSUER_CERT', TLS],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', TLS],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', TLS],
  ['SELF_SIGNED_CERT_IN_CHAIN', TLS],
  ['CERT_HAS_EXPIRED', TLS],
  ['CERT_NOT_YET_VALID', TLS],
  ['CERT_SIGNATURE_FAILURE', TLS],
  ['CERT_REVOKED', TLS],
]);

/** Code prefixes of Node's TLS / OpenSSL errors. */
const TLS_CODE_PREFIXES = ['ERR_TLS_', 'ERR_SSL_'] as const;

/** Rules by SQLSTATE class (first two characters), used when the errno is not in the tables. */
export const MYSQL_SQLSTATE_CLASS_RULES: ReadonlyMap<string, MysqlErrorRule> = new Map<
  string,
  MysqlErrorRule
>([
  ['08', T('connection-lost', LOST)],
  ['40', T('serialization')],
  ['22', P('data')],
  ['23', P('constraint')],
  ['28', P('auth', { discard: true })],
  ['42', P('syntax-or-access')],
  ['3D', P('unknown-database')],
  ['0A', P('not-supported')],
]);

/** A mysql2 error with `fatal: true` and no errno, such as "Can't add new command when connection is in closed state". */
const FATAL_NO_ERRNO: MysqlErrorRule = T('connection-lost', LOST);
const UNKNOWN: MysqlErrorRule = { class: 'unknown', kind: 'unknown', discard: true };

/** Context that changes a classification. */
export interface MysqlErrorContext {
  /** Server flavour; errnos that mean different things on each are only matched when it is known. */
  readonly flavour?: 'mysql8' | 'mariadb';
  /** Size in bytes of the statement or packet being sent when the error happened. */
  readonly bytesSent?: number;
  /** The server's max_allowed_packet. With bytesSent, turns a connection loss into 'packet-too-large'. */
  readonly maxAllowedPacket?: number;
  /** The failing statement was COMMIT: a lost connection leaves its outcome unknown ('indeterminate'). */
  readonly duringCommit?: boolean;
}

interface DriverFields {
  errno?: number;
  code?: string;
  sqlState?: string;
  fatal: boolean;
}

function fieldsOf(e: unknown): DriverFields | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const r = e as Record<string, unknown>;
  const f: DriverFields = { fatal: r.fatal === true };
  // Node system errors carry a negative errno (e.g. -104 for ECONNRESET): only positive ones are the server's.
  if (typeof r.errno === 'number' && Number.isInteger(r.errno) && r.errno > 0) f.errno = r.errno;
  if (typeof r.code === 'string' && r.code !== '') f.code = r.code;
  if (typeof r.sqlState === 'string' && /^[0-9A-Z]{5}$/.test(r.sqlState)) f.sqlState = r.sqlState;
  if (f.errno === undefined && f.code === undefined && f.sqlState === undefined && !f.fatal) return undefined;
  return f;
}

/** The first error in e, its cause chain or an AggregateError's errors that carries driver fields. */
function findDriverFields(e: unknown, depth = 0): DriverFields | undefined {
  if (depth > 8 || typeof e !== 'object' || e === null) return undefined;
  const own = fieldsOf(e);
  if (own !== undefined) return own;
  const r = e as { cause?: unknown; errors?: unknown };
  if (Array.isArray(r.errors)) {
    for (const inner of r.errors) {
      const f = findDriverFields(inner, depth + 1);
      if (f !== undefined) return f;
    }
  }
  return findDriverFields(r.cause, depth + 1);
}

function ruleFor(f: DriverFields, flavour: MysqlErrorContext['flavour']): MysqlErrorRule {
  if (f.errno !== undefined) {
    const byFlavour = flavour === undefined ? undefined : MYSQL_FLAVOUR_ERRNO_RULES[flavour].get(f.errno);
    // Flavour-only errnos (4031 on MySQL 8) are absent from the generic table, so they never match when the
    // flavour is MariaDB or unknown.
    const rule = byFlavour ?? MYSQL_ERRNO_RULES.get(f.errno);
    if (rule !== undefined) return rule;
  }
  if (f.code !== undefined) {
    const rule = MYSQL_CODE_RULES.get(f.code);
    if (rule !== undefined) return rule;
    if (TLS_CODE_PREFIXES.some((p) => f.code!.startsWith(p))) return TLS;
  }
  if (f.errno === undefined && f.fatal) return FATAL_NO_ERRNO;
  if (f.sqlState !== undefined) {
    const rule = MYSQL_SQLSTATE_CLASS_RULES.get(f.sqlState.slice(0, 2));
    if (rule !== undefined) return rule;
  }
  return UNKNOWN;
}

/**
 * Classify anything thrown by mysql2 (or by Node's net/tls under it). Looks through `cause` chains and
 * AggregateError.errors for the driver error. Never reads the message.
 *
 * Lock wait timeout (1205) leaves the transaction open: the caller must ROLLBACK before retrying.
 * 'local-infile-disabled' is permanent but tells the writer to fall back to INSERT.
 */
export function classifyMysqlError(e: unknown, ctx: MysqlErrorContext = {}): FaultClassification {
  const f = findDriverFields(e);
  const rule = f === undefined ? UNKNOWN : ruleFor(f, ctx.flavour);
  let out: MysqlErrorRule = rule;
  if (
    rule.packetSensitive === true &&
    ctx.bytesSent !== undefined &&
    ctx.maxAllowedPacket !== undefined &&
    ctx.bytesSent > ctx.maxAllowedPacket
  ) {
    out = MYSQL_ERRNO_RULES.get(1153)!;
  } else if (ctx.duringCommit === true && rule.class === 'transient' && rule.discard === true) {
    out = I('commit-unknown', {
      discard: true,
      hint: 'the connection was lost during COMMIT; the checkpoint tells whether it landed',
    });
  }
  return {
    class: out.class,
    kind: out.kind,
    discardConnection: out.discard === true,
    ...(f?.errno === undefined ? {} : { errno: f.errno }),
    ...(f?.sqlState === undefined ? {} : { sqlState: f.sqlState }),
    ...(f?.code === undefined ? {} : { code: f.code }),
    ...(out.hint === undefined ? {} : { hint: out.hint }),
  };
}
