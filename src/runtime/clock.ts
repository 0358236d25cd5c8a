// Injectable time: a monotonic clock plus an abortable sleep, so retry and pacing logic is testable.
// `systemClock` is backed by performance.now() (never Date.now(): wall-clock jumps must not move deadlines).
// `FakeClock` never sleeps for real: time moves only when a test calls advance(), which resolves due sleeps
// in deadline order. Invariant: an aborted sleep rejects with the signal's reason and leaves no timer behind.

import { performance } from 'node:perf_hooks';

/** Monotonic time source with an abortable sleep. */
export interface Clock {
  /** Monotonic milliseconds (arbitrary origin); only differences are meaningful. */
  now(): number;
  /**
   * Resolve after `ms` milliseconds (negative or NaN counts as 0). Rejects with `signal.reason` as soon as
   * `signal` aborts, including when it is already aborted on entry.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function sanitize(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** The real clock: performance.now() and setTimeout. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, sanitize(ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface PendingSleep {
  readonly due: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * A manually driven clock for tests. `now()` starts at `start` (default 0) and moves only through
 * `advance(ms)` / `runAll()`. Sleeps are resolved in (deadline, creation) order as time passes them.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #pending: PendingSleep[] = [];
  /** Every sleep duration requested, in call order (after clamping to ≥ 0). Handy for asserting backoff. */
  readonly sleeps: number[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Number of sleeps not yet due. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const d = sanitize(ms);
    this.sleeps.push(d);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        this.#pending = this.#pending.filter((p) => p !== entry);
        reject(abortReason(signal!));
      };
      const entry: PendingSleep = {
        due: this.#now + d,
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#pending.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Move time forward by `ms`, resolving each sleep whose deadline is passed, in order, with `now()` set to
   * that sleep's deadline when it resolves. Awaits a macrotask turn after each so that code continuing
   * after the sleep (and scheduling new sleeps) runs before time moves further.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + sanitize(ms);
    for (;;) {
      await settle();
      const next = this.#nextDue();
      if (next === undefined || next.due > target) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      if (next.due > this.#now) this.#now = next.due;
      next.resolve();
    }
    this.#now = target;
    await settle();
  }

  /**
   * Resolve sleeps one after another (jumping time to each deadline) until none is pending, or `maxSteps`
   * sleeps were resolved (default 10 000, guards against code that sleeps forever in a loop).
   */
  async runAll(maxSteps = 10_000): Promise<void> {
    for (let i = 0; i < maxSteps; i++) {
      await settle();
      const next = this.#nextDue();
      if (next === undefined) return;
      this.#pending = this.#pending.filter((p) => p !== next);
      if (next.due > this.#now) this.#now = next.due;
      next.resolve();
    }
    throw new Error(`FakeClock.runAll: still sleeping after ${maxSteps} steps`);
  }

  #nextDue(): PendingSleep | undefined {
    let best: PendingSleep | undefined;
    for (const p of this.#pending) {
      if (best === undefined || p.due < best.due || (p.due === best.due && p.seq < best.seq)) best = p;
    }
    return best;
  }
}

/** Let pending promise reactions run: one macrotask turn drains the microtask queue fully. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
