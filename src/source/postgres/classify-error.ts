// Classifies errors from `pg` (node-postgres) into transient / permanent / indeterminate / unknown.
// Server errors are decided by SQLSTATE (pg puts it in `.code`), exact code first, then its two-char class;
// Node socket and TLS codes as for MySQL. pg's own client-side errors carry no code at all, so those few are
// recognised by their fixed English text (pg's source strings, not server messages, which may be localised).
// Overrides: 57014 is 'cancelled' (permanent) when we cancelled; a connection loss during COMMIT is indeterminate.

import type { FaultKind } from '../../runtime/fault-kinds.js';
import type { FaultClassification } from '../../runtime/retry.js';

export type { FaultClassification } from '../../runtime/retry.js';

/** One row of a classification table. */
export interface PgErrorRule {
  readonly class: FaultClassification['class'];
  readonly kind: FaultKind;
  /** The client is gone or untrustworthy; destroy it (release(true)) instead of returning it to the pool. */
  readonly discard?: boolean;
  readonly hint?: string;
}

type Extra = Omit<PgErrorRule, 'class' | 'kind'>;
const T = (kind: FaultKind, extra: Extra = {}): PgErrorRule => ({ class: 'transient', kind, ...extra });
const P = (kind: FaultKind, extra: Extra = {}): PgErrorRule => ({ class: 'permanent', kind, ...extra });
const I = (kind: FaultKind, extra: Extra = {}): PgErrorRule => ({ class: 'indeterminate', kind, ...extra });
const LOST: Extra = { discard: true };

/** Exact SQLSTATEs; consulted before PG_SQLSTATE_CLASS_RULES. */
export const PG_SQLSTATE_RULES: ReadonlyMap<string, PgErrorRule> = new Map<string, PgErrorRule>([
  ['08P01', P('protocol', { discard: true })], // protocol_violation
  ['08007', I('commit-unknown', { discard: true })], // transaction_resolution_unknown
  ['40001', T('serialization')],
  ['40P01', T('deadlock')],
  ['40003', I('statement-unknown', { discard: true })], // statement_completion_unknown
  ['55P03', T('lock-wait')], // lock_not_available
  ['57014', T('statement-timeout')], // query_canceled (statement_timeout); see ctx.weCancelled
  ['57P01', T('server-shutdown', LOST)], // admin_shutdown (also pg_terminate_backend)
  ['57P02', T('server-shutdown', LOST)], // crash_shutdown
  ['57P03', T('server-shutdown', LOST)], // cannot_connect_now (starting up, recovery)
  ['57P05', T('connection-lost', LOST)], // idle_session_timeout
  ['57P04', P('unknown-database', { discard: true })], // database_dropped
  ['25P03', T('connection-lost', LOST)], // idle_in_transaction_session_timeout
  ['53100', T('disk-full')],
  ['53300', T('too-many-connections', LOST)],
  ['58000', T('server-io')],
  ['58030', T('server-io')],
  ['72000', T('snapshot-too-old')],
  ['28000', P('auth', { discard: true, hint: 'the server refused this user/host/database (pg_hba.conf)' })],
  ['28P01', P('auth', { discard: true, hint: 'wrong user or password' })],
  ['3D000', P('unknown-database', { discard: true })],
  ['3F000', P('unknown-schema')],
  ['42501', P('privilege')],
  ['42P01', P('unknown-table')],
  ['42703', P('unknown-column')],
  ['42601', P('syntax')],
  ['0A000', P('not-supported')],
  ['XX001', P('corruption')],
  ['XX002', P('corruption')],
]);

/** SQLSTATE classes (first two characters). */
export const PG_SQLSTATE_CLASS_RULES: ReadonlyMap<string, PgErrorRule> = new Map<string, PgErrorRule>([
  ['08', T('connection-lost', LOST)],
  ['53', T('server-resources')],
  ['22', P('data')],
  ['23', P('constraint')],
  ['25', P('transaction-state')],
  ['28', P('auth', { discard: true })],
  ['42', P('syntax-or-access')],
]);

const TLS: PgErrorRule = P('tls', {
  discard: true,
  hint: 'the TLS handshake failed: check sslmode, the CA, the server certificate and its host name',
});

/** Node socket and TLS codes. */
export const PG_CODE_RULES: ReadonlyMap<string, PgErrorRule> = new Map<string, PgErrorRule>([
  ['ECONNRESET', T('connection-lost', LOST)],
  ['EPIPE', T('connection-lost', LOST)],
  ['ECONNABORTED', T('connection-lost', LOST)],
  ['ETIMEDOUT', T('timeout', LOST)],
  ['ECONNREFUSED', T('connection-refused', LOST)],
  ['EHOSTUNREACH', T('network', LOST)],
  ['ENETUNREACH', T('network', LOST)],
  ['ENETDOWN', T('network', LOST)],
  ['EAI_AGAIN', T('dns', LOST)],
  ['ENOTFOUND', P('dns', { discard: true, hint: 'the host name does not resolve' })],
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

const TLS_CODE_PREFIXES = ['ERR_TLS_', 'ERR_SSL_'] as const;

/**
 * pg's and pg-pool's own code-less errors, by their exact message (pg 8.x source strings). Every one of
 * these means the client's connection is gone: discard the client and retry on a new one.
 */
export const PG_CLIENT_MESSAGE_RULES: ReadonlyMap<string, PgErrorRule> = new Map<string, PgErrorRule>([
  ['Connection terminated unexpectedly', T('connection-lost', LOST)],
  ['Connection terminated', T('connection-lost', LOST)],
  ['Connection terminated due to connection timeout', T('timeout', LOST)], // pg-pool connectionTimeoutMillis
  ['timeout exceeded when trying to connect', T('timeout', LOST)], // pg-pool, waiting for a free client
  ['timeout expired', T('timeout', LOST)], // pg Client connectionTimeoutMillis
  ['Query read timeout', T('timeout', LOST)], // pg query_timeout
  ['Client has encountered a connection error and is not queryable', T('connection-lost', LOST)],
  ['Client was closed and is not queryable', T('connection-lost', LOST)],
  [
    'The server does not support SSL connections',
    P('tls', { discard: true, hint: 'set sslmode=disable or enable SSL on the server' }),
  ],
  ['There was an error establishing an SSL connection', TLS],
]);

const UNKNOWN: PgErrorRule = { class: 'unknown', kind: 'unknown', discard: true };

/** Context that changes a classification. */
export interface PgErrorContext {
  /**
   * We sent the cancel (pg_cancel_backend or a CancelRequest, e.g. on Ctrl-C): a 57014 then is
   * 'cancelled' (permanent) instead of a statement timeout (transient).
   */
  readonly weCancelled?: boolean;
  /** The failing statement was COMMIT: a lost connection leaves its outcome unknown ('indeterminate'). */
  readonly duringCommit?: boolean;
}

const SQLSTATE_RE = /^[0-9A-Z]{5}$/;

function ruleForCode(code: string): PgErrorRule | undefined {
  const byCode = PG_CODE_RULES.get(code);
  if (byCode !== undefined) return byCode;
  if (TLS_CODE_PREFIXES.some((p) => code.startsWith(p))) return TLS;
  // Socket codes were tried first: 'EPIPE' is five upper-case letters too.
  if (SQLSTATE_RE.test(code)) {
    return PG_SQLSTATE_RULES.get(code) ?? PG_SQLSTATE_CLASS_RULES.get(code.slice(0, 2)) ?? UNKNOWN;
  }
  return undefined;
}

interface Found {
  readonly rule: PgErrorRule;
  readonly code?: string;
}

function find(e: unknown, depth = 0): Found | undefined {
  if (depth > 8 || typeof e !== 'object' || e === null) return undefined;
  const r = e as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
    constructor?: unknown;
  };
  if (typeof r.code === 'string' && r.code !== '') {
    const rule = ruleForCode(r.code);
    if (rule !== undefined) return { rule, code: r.code };
  }
  // Only plain Errors: a TypeError is a bug, whatever its text.
  if (Object.getPrototypeOf(e) === Error.prototype && typeof r.message === 'string') {
    const rule = PG_CLIENT_MESSAGE_RULES.get(r.message);
    if (rule !== undefined) return { rule };
  }
  if (Array.isArray(r.errors)) {
    for (const inner of r.errors) {
      const f = find(inner, depth + 1);
      if (f !== undefined) return f;
    }
  }
  return find(r.cause, depth + 1);
}

/**
 * Classify anything thrown by `pg`, `pg-pool` or `pg-copy-streams` (and Node's net/tls under them). Looks
 * through `cause` chains and AggregateError.errors. `sqlState` is set for server errors.
 *
 * After 40001/40P01/55P03/57014 the transaction is aborted: ROLLBACK before retrying on the same client.
 */
export function classifyPgError(e: unknown, ctx: PgErrorContext = {}): FaultClassification {
  const found = find(e);
  let rule = found?.rule ?? UNKNOWN;
  const code = found?.code;
  if (code === '57014' && ctx.weCancelled === true) rule = P('cancelled');
  else if (ctx.duringCommit === true && rule.class === 'transient' && rule.discard === true) {
    rule = I('commit-unknown', {
      discard: true,
      hint: 'the connection was lost during COMMIT; the checkpoint tells whether it landed',
    });
  }
  const isSqlState = code !== undefined && SQLSTATE_RE.test(code) && !PG_CODE_RULES.has(code);
  return {
    class: rule.class,
    kind: rule.kind,
    discardConnection: rule.discard === true,
    ...(isSqlState ? { sqlState: code } : {}),
    ...(code === undefined || isSqlState ? {} : { code }),
    ...(rule.hint === undefined ? {} : { hint: rule.hint }),
  };
}
