// The run's control session on the target: it holds the run lock (GET_LOCK) and writes the run's state rows.
// It sits idle during the copy, so a network fault can take it down unnoticed; a heartbeat finds that,
// reconnects with backoff and takes the lock again. Invariant: the run never goes on without the lock: if
// another run took it meanwhile, `lost` is aborted with ALREADY_RUNNING and every later use throws.

import type { ConnectionSpec } from '../config/urls.js';
import { describe } from '../config/urls.js';
import { MigrationError } from '../errors.js';
import type { EventSink } from '../events.js';
import { type RetryPolicy, retry } from '../runtime/retry.js';
import { classifyMysqlError } from '../target/mysql/classify-error.js';
import { connectTarget, type TargetConnectOptions, type TargetSession } from '../target/mysql/connect.js';
import { tryRunLock } from '../target/mysql/state-table.js';

const HEARTBEAT_MS = 5000;

function lockTaken(spec: ConnectionSpec): MigrationError {
  return new MigrationError('ALREADY_RUNNING', `Another pg2my run holds the lock on ${describe(spec)}.`, {
    hint: 'Wait for it to finish (or stop it); a crashed run releases the lock when its connection closes.',
  });
}

export class ControlSession {
  #session: TargetSession;
  #checking: Promise<TargetSession> | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Aborted (with ALREADY_RUNNING) when the lock was lost to another run. */
  readonly lost = new AbortController();

  private constructor(
    session: TargetSession,
    private readonly spec: ConnectionSpec,
    private readonly opts: TargetConnectOptions,
    private readonly policy: RetryPolicy,
    private readonly sink: EventSink,
    private readonly runId: string,
  ) {
    this.#session = session;
  }

  /** Connect and take the run lock; ALREADY_RUNNING when another run holds it. */
  static async open(
    spec: ConnectionSpec,
    opts: TargetConnectOptions,
    policy: RetryPolicy,
    sink: EventSink,
    runId: string,
  ): Promise<ControlSession> {
    const s = await connectTarget(spec, opts);
    if (
      !(await tryRunLock(s.conn).catch(async (e: unknown) => {
        await s.conn.end().catch(() => {});
        throw e;
      }))
    ) {
      await s.conn.end().catch(() => {});
      throw lockTaken(spec);
    }
    return new ControlSession(s, spec, opts, policy, sink, runId);
  }

  /** The session as it is now, for reads during preflight (before anything is idle for long). */
  get session(): TargetSession {
    return this.#session;
  }

  /** A live session that holds the lock: pings, and reconnects + relocks if the session was lost. */
  ensure(): Promise<TargetSession> {
    if (this.lost.signal.aborted) return Promise.reject(this.lost.signal.reason);
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<TargetSession> {
    try {
      await this.#session.conn.query('SELECT 1');
      return this.#session;
    } catch {
      this.#session.conn.destroy();
    }
    this.sink({
      runId: this.runId,
      step: 'copy',
      event: 'control.reconnect',
      level: 'warn',
      msg: 'the control session (run lock) was lost; reconnecting',
    });
    const s = await retry(() => connectTarget(this.spec, this.opts), this.policy, {
      classify: (e) => {
        const c = classifyMysqlError((e as { cause?: unknown }).cause ?? e);
        return c.class === 'indeterminate' ? 'transient' : c.class;
      },
      what: 'reconnecting the control session',
    });
    if (!(await tryRunLock(s.conn))) {
      await s.conn.end().catch(() => {});
      const e = lockTaken(this.spec);
      this.lost.abort(e);
      throw e;
    }
    this.#session = s;
    return s;
  }

  /** Check the session every few seconds while long steps run (the copy). */
  startHeartbeat(): void {
    this.#timer ??= setInterval(() => {
      this.ensure().catch(() => {});
    }, HEARTBEAT_MS);
    this.#timer.unref();
  }

  stopHeartbeat(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async close(): Promise<void> {
    this.stopHeartbeat();
    await this.#checking?.catch(() => {});
    await this.#session.conn.end().catch(() => this.#session.conn.destroy());
  }
}
