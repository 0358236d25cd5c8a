// Retry with full-jitter exponential backoff under a total time budget, for transient database/network faults.
// The caller decides what is transient (classify); retry only decides when to try again and when to give up.
// Invariants: permanent errors are rethrown unchanged at once; an abort stops at once with INTERRUPTED (no
// further attempt, no sleep); exhaustion throws TRANSIENT_EXHAUSTED (retryable, cause = last error).
// Time comes from an injectable Clock and randomness from an injectable random(), so tests never sleep.

import { MigrationError } from '../errors.js';
import { type Clock, systemClock } from './clock.js';
import type { FaultKind } from './fault-kinds.js';

/** Backoff and give-up limits. Every field is optional; see DEFAULT_RETRY_POLICY for the defaults. */
export interface RetryPolicy {
  /** First backoff ceiling in ms; the n-th retry waits random(0, min(capMs, baseMs·2^(n−1))). Default 250. */
  readonly baseMs?: number;
  /** Largest backoff ceiling in ms. Default 30 000. */
  readonly capMs?: number;
  /** Attempts in total, the first included, for transient errors. Default 10. */
  readonly maxAttempts?: number;
  /** Attempts in total when the last error was classified 'unknown'. Default 2 (one retry). */
  readonly maxUnknownAttempts?: number;
  /** Wall budget in ms from the first attempt; no sleep is started that would end past it. Default 15 min. */
  readonly budgetMs?: number;
}

/** The defaults applied to every field a RetryPolicy leaves out. */
export const DEFAULT_RETRY_POLICY: Readonly<Required<RetryPolicy>> = Object.freeze({
  baseMs: 250,
  capMs: 30_000,
  maxAttempts: 10,
  maxUnknownAttempts: 2,
  budgetMs: 15 * 60_000,
});

export type RetryClass = 'transient' | 'permanent' | 'unknown';

export interface RetryInfo {
  /** Number (1-based) of the attempt that just failed. */
  readonly attempt: number;
  /** How long retry will now sleep before attempt + 1. */
  readonly delayMs: number;
  readonly error: unknown;
  readonly class: Exclude<RetryClass, 'permanent'>;
}

export interface RetryOptions {
  /** How to treat a thrown value. Callers map 'indeterminate' (see the classify-error modules) themselves. */
  readonly classify: (e: unknown) => RetryClass;
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Aborting stops retry at once with INTERRUPTED. fn should watch the same signal to stop its own work. */
  readonly signal?: AbortSignal;
  /** Called before each backoff sleep; for logs and metrics. Must not throw. */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Uniform random in [0, 1); default Math.random. Injected for deterministic tests. */
  readonly random?: () => number;
  /** Short description of the operation for error messages, e.g. `copy public.orders chunk 17`. */
  readonly what?: string;
}

/** Backoff ceiling before the retry that follows failed attempt `attempt` (1-based). */
export function backoffCeiling(attempt: number, baseMs: number, capMs: number): number {
  // 2^(attempt−1) overflows to Infinity for huge attempts; min() keeps it at cap.
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

function interrupted(what: string | undefined, cause: unknown, attempts: number): MigrationError {
  return new MigrationError('INTERRUPTED', `${what ?? 'operation'} interrupted`, {
    cause,
    retryable: true,
    details: { attempts },
    hint: 'run the same command again to resume',
  });
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Run `fn(attempt)` (attempt is 1-based) until it resolves, retrying transient failures with full-jitter
 * exponential backoff.
 *
 * - 'permanent' → the error is rethrown as is, with no retry.
 * - 'unknown' → retried only while attempt < maxUnknownAttempts (default: one retry); then rethrown as is,
 *   because an unclassified error may be a bug and must not be dressed up as a transient fault.
 * - 'transient' → retried until maxAttempts, or until the next sleep would end past budgetMs; then
 *   `MigrationError('TRANSIENT_EXHAUSTED')` with the last error as cause.
 * - signal aborted (before an attempt, during a sleep, or when an attempt fails) → `MigrationError('INTERRUPTED')`.
 *   An attempt already running is not raced: its result (success or failure) is awaited first, so the caller
 *   never has work still running after retry returns.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  opts: RetryOptions,
): Promise<T> {
  const p = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(policy) };
  if (!(p.maxAttempts >= 1) || !(p.maxUnknownAttempts >= 1) || !(p.baseMs >= 0) || !(p.capMs >= 0)) {
    throw new MigrationError('INTERNAL', `invalid retry policy ${JSON.stringify(p)}`);
  }
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const { signal } = opts;
  const start = clock.now();

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw interrupted(opts.what, signal.reason, attempt - 1);
    let error: unknown;
    try {
      return await fn(attempt);
    } catch (e) {
      error = e;
    }
    if (signal?.aborted) throw interrupted(opts.what, error, attempt);

    const cls = opts.classify(error);
    if (cls === 'permanent') throw error;
    if (cls === 'unknown' && attempt >= p.maxUnknownAttempts) throw error;

    const elapsed = clock.now() - start;
    const exhausted = (reason: string): MigrationError =>
      new MigrationError(
        'TRANSIENT_EXHAUSTED',
        `${opts.what ?? 'operation'} failed ${attempt} time${attempt === 1 ? '' : 's'} over ` +
          `${Math.round(elapsed / 1000)} s (${reason}); last error: ${messageOf(error)}`,
        {
          cause: error,
          retryable: true,
          details: { attempts: attempt, elapsedMs: Math.round(elapsed) },
          hint: 'run the same command again to resume',
        },
      );
    if (attempt >= p.maxAttempts) throw exhausted(`${p.maxAttempts} attempts allowed`);

    const r = random();
    const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
    const delayMs = Math.floor(unit * backoffCeiling(attempt, p.baseMs, p.capMs));
    if (elapsed + delayMs > p.budgetMs)
      throw exhausted(`retry budget of ${Math.round(p.budgetMs / 1000)} s spent`);

    opts.onRetry?.({ attempt, delayMs, error, class: cls });
    try {
      await clock.sleep(delayMs, signal);
    } catch {
      // Only an abort makes sleep reject.
      throw interrupted(opts.what, error, attempt);
    }
  }
}

function stripUndefined(policy: RetryPolicy): RetryPolicy {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(policy)) if (typeof v === 'number') out[k] = v;
  return out;
}

/**
 * What a database error classifier (target/mysql/classify-error, source/postgres/classify-error) says about
 * a thrown value. Driver-independent so that the copy engine handles both sides the same way.
 */
export interface FaultClassification {
  /**
   * - transient: retrying the same work can succeed.
   * - permanent: it will fail again; stop (or take a fallback path, see `kind`).
   * - indeterminate: a COMMIT may or may not have happened; re-read the checkpoint before doing anything.
   * - unknown: not recognised; retry treats it with maxUnknownAttempts.
   */
  readonly class: 'transient' | 'permanent' | 'indeterminate' | 'unknown';
  /** Stable label from one table for both classifiers, e.g. 'deadlock', 'connection-lost', 'data'. */
  readonly kind: FaultKind;
  /** Server error number (MySQL errno). */
  readonly errno?: number;
  /** Five-character SQLSTATE. */
  readonly sqlState?: string;
  /** Driver or Node socket code, e.g. 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST'. */
  readonly code?: string;
  /** The connection can no longer be trusted: destroy it instead of returning it to a pool. */
  readonly discardConnection: boolean;
  /** What the user can do about it, when there is something specific to say. */
  readonly hint?: string;
}

/**
 * Map a classification to what retry() understands. Indeterminate becomes 'permanent' on purpose: blindly
 * repeating work whose COMMIT may have landed could apply it twice; the caller must resolve it first.
 */
export function toRetryClass(c: FaultClassification): RetryClass {
  return c.class === 'indeterminate' ? 'permanent' : c.class;
}
