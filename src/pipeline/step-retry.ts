// Retry of a whole step (preflight, pre-data, post-data, sequences, verify) after a transient fault: a lost
// connection, a server restart, a deadlock, too many connections. Every such step is idempotent (it reads
// what is there before it writes), so running it again from its start is safe.
// Invariants: a first contact that fails for a reason that may be a wrong URL (refused, DNS, TLS, password,
// timeout) is not retried, so a typo fails at once; once a side was reached in this run, a refused or reset
// (re)connect to it is transient (a restart).

import type { Config } from '../config/schema.js';
import { isMigrationError, MigrationError } from '../errors.js';
import type { EventSink, RunStep } from '../events.js';
import type { FaultKind } from '../runtime/fault-kinds.js';
import type { RetryClass, RetryPolicy } from '../runtime/retry.js';
import { retry } from '../runtime/retry.js';
import { classifyPgError } from '../source/postgres/classify-error.js';
import { classifyMysqlError } from '../target/mysql/classify-error.js';

/** Which servers this run has reached at least once; set by the caller after its first connect to each. */
export interface Reached {
  source: boolean;
  target: boolean;
}

function classifyDriver(e: unknown, reconnect: boolean): RetryClass {
  const my = classifyMysqlError(e);
  const pg = classifyPgError(e);
  const cls = (c: { class: string; kind: string }): string => {
    if (c.class === 'indeterminate') return 'transient'; // the step re-reads its state first
    if (reconnect && c.kind === 'connection-refused') return 'transient'; // a server restarting
    return c.class;
  };
  const m = cls(my);
  const p = cls(pg);
  if (m === 'permanent' && my.kind !== 'unknown') return 'permanent';
  if (p === 'permanent' && pg.kind !== 'unknown') return 'permanent';
  if (m === 'transient' || p === 'transient') return 'transient';
  return 'unknown';
}

/** Faults of a first connect that say nothing about the URL being wrong. */
const FIRST_CONTACT_TRANSIENT: ReadonlySet<FaultKind> = new Set([
  'connection-lost',
  'too-many-connections',
  'server-shutdown',
]);

/** transient / permanent / unknown for a failure of a whole step. */
export function classifyStepFault(e: unknown, reached: Readonly<Reached>): RetryClass {
  if (!isMigrationError(e)) return classifyDriver(e, true);
  switch (e.code) {
    case 'INTERRUPTED':
    case 'ALREADY_RUNNING':
    case 'TRANSIENT_EXHAUSTED': // an inner retry already spent its budget
      return 'permanent';
    case 'SOURCE_CONNECT_FAILED':
    case 'TARGET_CONNECT_FAILED': {
      const side = e.code === 'SOURCE_CONNECT_FAILED' ? 'source' : 'target';
      if (e.cause === undefined) return 'permanent';
      if (reached[side]) return classifyDriver(e.cause, true);
      // First contact: only a server that answered and then dropped us is worth another try.
      const kind = side === 'source' ? classifyPgError(e.cause).kind : classifyMysqlError(e.cause).kind;
      return FIRST_CONTACT_TRANSIENT.has(kind) ? 'transient' : 'permanent';
    }
  }
  if (e.retryable) return 'transient';
  // A MigrationError that wraps a driver error (e.g. "the target refused adding index …: ECONNRESET"):
  // a fault of the connection, not of the statement, is transient.
  if (e.cause !== undefined && !isMigrationError(e.cause) && classifyDriver(e.cause, true) === 'transient')
    return 'transient';
  return 'permanent';
}

/** The run's backoff policy from its config (`migrate.retry`), for chunks and steps alike. */
export function retryPolicyOf(config: Config): RetryPolicy {
  const r = config.migrate.retry;
  return { maxAttempts: r.maxAttempts, baseMs: r.baseMs, capMs: r.capMs, budgetMs: r.budgetSeconds * 1000 };
}

export interface StepRetryContext {
  readonly policy: RetryPolicy;
  readonly reached: Reached;
  readonly sink: EventSink;
  readonly runId: string;
  readonly signal?: AbortSignal;
}

/**
 * Run `fn` and run it again from its start after a transient fault, with the run's backoff policy.
 * `fn` must be idempotent and must (re)open what it needs on every attempt.
 */
export function retryStep<T>(
  ctx: StepRetryContext,
  step: RunStep,
  what: string,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  return retry(fn, ctx.policy, {
    classify: (e) => classifyStepFault(e, ctx.reached),
    what,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onRetry: (i) =>
      ctx.sink({
        runId: ctx.runId,
        step,
        event: 'step.retried',
        level: 'warn',
        msg: `${what} failed (attempt ${i.attempt}), retrying in ${i.delayMs} ms: ${messageOf(i.error)}`,
        data: { attempt: i.attempt, delayMs: i.delayMs, error: messageOf(i.error), class: i.class },
      }),
  });
}

function messageOf(e: unknown): string {
  if (e instanceof MigrationError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
