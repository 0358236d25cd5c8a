// One error type for the whole tool: a stable code, a retryable flag, JSON-safe details and the cause.
// Codes live in one `as const` table that also drives the exit codes and the README's table.
// Invariant: messages and details never carry passwords (connection info goes through redactUrl).

/** Every error code, with the process exit status it maps to and a one-line meaning for docs. */
export const ERROR_CODES = {
  CONFIG_INVALID: { exit: 2, meaning: 'bad flag, config file or URL' },
  SOURCE_CONNECT_FAILED: { exit: 32, meaning: 'could not connect to PostgreSQL' },
  TARGET_CONNECT_FAILED: { exit: 32, meaning: 'could not connect to the MySQL/MariaDB target' },
  PERMISSION_DENIED: { exit: 32, meaning: 'a privilege the tool needs is missing' },
  PREFLIGHT_FAILED: { exit: 64, meaning: 'a check before any write refused to go on' },
  TARGET_NOT_EMPTY: { exit: 64, meaning: 'the target has tables that no resumable run of this plan owns' },
  PLAN_CHANGED: { exit: 64, meaning: 'a run exists for a different plan or config; use --restart' },
  DECISION_REQUIRED: { exit: 64, meaning: 'a lossy or ambiguous mapping needs an explicit config decision' },
  TYPE_UNMAPPABLE: { exit: 64, meaning: 'a column type has no lossless MySQL mapping' },
  IDENTIFIER_INVALID: { exit: 64, meaning: 'a name cannot be represented on the target' },
  SCHEMA_DRIFT: {
    exit: 64,
    meaning: 'a table, column or database the run relies on changed or vanished while it ran',
  },
  DATA_REJECTED: { exit: 8, meaning: 'a value would be rejected or changed by the target' },
  SERVER_FAILED: {
    exit: 33,
    meaning: 'a server could not go on (disk full, read-only, corruption); fix it and run again to resume',
  },
  TRANSIENT_EXHAUSTED: {
    exit: 1,
    meaning: 'transient faults outlasted the retry budget; run again to resume',
  },
  INTERRUPTED: { exit: 4, meaning: 'stopped by a signal; run again to resume' },
  ALREADY_RUNNING: { exit: 2, meaning: 'another run holds the lock on this target' },
  VERIFY_MISMATCH: { exit: 16, meaning: 'the target differs from the source' },
  BACKUP_FAILED: {
    exit: 16,
    meaning:
      'pg_dump failed, or its dump did not restore to a copy identical to the source; do not rely on it',
  },
  INTERNAL: { exit: 255, meaning: 'a bug in pg2my' },
} as const satisfies Record<string, { exit: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

const BRAND = Symbol.for('pg2my.MigrationError');

/** The only error class pg2my throws on purpose. Recognise it with isMigrationError(), not instanceof. */
export class MigrationError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: ErrorDetails;
  /** What the user can do about it, one sentence. */
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { details?: ErrorDetails; retryable?: boolean; hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MigrationError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details ?? {};
    this.hint = opts.hint;
  }

  /** JSON form for logs and reports: no stack, no cause object (its message only). */
  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? this.cause.message : undefined;
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
      hint: this.hint,
      cause,
    };
  }
}

export function isMigrationError(e: unknown): e is MigrationError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** Exit status for any thrown value: the code's exit for MigrationError, 255 otherwise. */
export function exitCodeFor(e: unknown): number {
  return isMigrationError(e) ? ERROR_CODES[e.code].exit : 255;
}
