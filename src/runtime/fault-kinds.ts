// Every kind of fault the PostgreSQL and MySQL classifiers can name, and the error code (so the exit
// status) a copy ends with when a fault of that kind is permanent. One table for both classifiers and the
// copy: a kind is a member of the FaultKind union, so a misspelt kind cannot compile, and the table is
// exhaustive, so a new kind cannot be added without deciding its exit code.

import type { ErrorCode } from '../errors.js';

/** `CONNECT` stands for SOURCE_CONNECT_FAILED or TARGET_CONNECT_FAILED, by the side that failed. */
export const FAULT_KIND_CODE = {
  // Connections and the network: transient while the retry budget lasts.
  'connection-lost': 'TRANSIENT_EXHAUSTED',
  'connection-killed': 'TRANSIENT_EXHAUSTED',
  'connection-refused': 'CONNECT',
  network: 'TRANSIENT_EXHAUSTED',
  timeout: 'TRANSIENT_EXHAUSTED',
  'statement-timeout': 'TRANSIENT_EXHAUSTED',
  'server-shutdown': 'TRANSIENT_EXHAUSTED',
  'too-many-connections': 'TRANSIENT_EXHAUSTED',
  dns: 'CONNECT',
  tls: 'CONNECT',
  protocol: 'INTERNAL',
  // Concurrency: transient.
  deadlock: 'TRANSIENT_EXHAUSTED',
  'lock-wait': 'TRANSIENT_EXHAUSTED',
  serialization: 'TRANSIENT_EXHAUSTED',
  'snapshot-too-old': 'TRANSIENT_EXHAUSTED',
  // A COMMIT whose outcome is unknown: the checkpoint is read again, then the chunk retried.
  'commit-unknown': 'TRANSIENT_EXHAUSTED',
  'commit-failed': 'TRANSIENT_EXHAUSTED',
  'rollback-failed': 'TRANSIENT_EXHAUSTED',
  'statement-unknown': 'TRANSIENT_EXHAUSTED',
  // The server's resources: fix the server, then run again to resume.
  'disk-full': 'SERVER_FAILED',
  'table-full': 'SERVER_FAILED',
  'server-resources': 'SERVER_FAILED',
  'server-io': 'SERVER_FAILED',
  'read-only': 'SERVER_FAILED',
  corruption: 'SERVER_FAILED',
  // Who may do what.
  auth: 'PERMISSION_DENIED',
  privilege: 'PERMISSION_DENIED',
  // A value or row the target refuses: never retried, never stored changed.
  data: 'DATA_REJECTED',
  constraint: 'DATA_REJECTED',
  'check-constraint': 'DATA_REJECTED',
  'duplicate-key': 'DATA_REJECTED',
  'foreign-key': 'DATA_REJECTED',
  'packet-too-large': 'DATA_REJECTED',
  // Something the run relies on changed or vanished under it (a dropped table, database, column).
  'unknown-database': 'SCHEMA_DRIFT',
  'unknown-schema': 'SCHEMA_DRIFT',
  'unknown-table': 'SCHEMA_DRIFT',
  'unknown-column': 'SCHEMA_DRIFT',
  // SQL pg2my generated that a server refused: a bug in pg2my (or a server it does not support).
  syntax: 'INTERNAL',
  'syntax-or-access': 'INTERNAL',
  'not-supported': 'INTERNAL',
  'ddl-limit': 'INTERNAL',
  'transaction-state': 'INTERNAL',
  // The load path: auto falls back to INSERT; an explicit --load-method load-data cannot run.
  'local-infile-disabled': 'PREFLIGHT_FAILED',
  // We asked for it.
  cancelled: 'INTERRUPTED',
  interrupted: 'INTERRUPTED',
  unknown: 'INTERNAL',
} as const satisfies Record<string, ErrorCode | 'CONNECT'>;

export type FaultKind = keyof typeof FAULT_KIND_CODE;

/** The error code a permanent fault of `kind` on `side` ends a run with. */
export function errorCodeForFault(kind: FaultKind, side: 'source' | 'target'): ErrorCode {
  const code = FAULT_KIND_CODE[kind];
  if (code === 'CONNECT') return side === 'source' ? 'SOURCE_CONNECT_FAILED' : 'TARGET_CONNECT_FAILED';
  return code;
}
