// Table-driven tests for retry() and the clocks. No real sleeping: FakeClock drives every backoff,
// and nothing asserts on wall-clock time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, isMigrationError, type MigrationError } from '../errors.js';
import { FakeClock, systemClock } from './clock.js';
import { backoffCeiling, type RetryClass, type RetryInfo, type RetryPolicy, retry } from './retry.js';

type Outcome = { ok: string } | { fail: RetryClass } | { slowMs: number; next: Outcome };

class Tagged extends Error {
  constructor(readonly cls: RetryClass) {
    super(`boom (${cls})`);
  }
}

const classify = (e: unknown): RetryClass => (e instanceof Tagged ? e.cls : 'unknown');

async function runScenario(
  outcomes: readonly Outcome[],
  policy: RetryPolicy,
  random: () => number,
): Promise<{ result: unknown; calls: number[]; sleeps: number[]; infos: RetryInfo[]; clock: FakeClock }> {
  const clock = new FakeClock(1000);
  const calls: number[] = [];
  const infos: RetryInfo[] = [];
  const perform = async (o: Outcome): Promise<string> => {
    if ('slowMs' in o) {
      await clock.sleep(o.slowMs);
      return perform(o.next);
    }
    if ('ok' in o) return o.ok;
    throw new Tagged(o.fail);
  };
  const p = retry(
    (attempt) => {
      calls.push(attempt);
      const o = outcomes[attempt - 1];
      if (o === undefined) throw new Error(`unexpected attempt ${attempt}`);
      return perform(o);
    },
    policy,
    { classify, clock, random, onRetry: (i) => infos.push(i) },
  ).then(
    (v) => ({ value: v }),
    (e: unknown) => ({ error: e }),
  );
  await clock.runAll();
  const result = await p;
  // Sleeps of the attempts themselves ('slowMs') are in clock.sleeps too; keep only backoff ones.
  const sleeps = infos.map((i) => i.delayMs);
  return { result, calls, sleeps, infos, clock };
}

const T: Outcome = { fail: 'transient' };
const P: Outcome = { fail: 'permanent' };
const U: Outcome = { fail: 'unknown' };
const OK: Outcome = { ok: 'done' };
const half = (): number => 0.5;
const top = (): number => 1;

interface Case {
  name: string;
  outcomes: Outcome[];
  policy?: RetryPolicy;
  random?: () => number;
  expect: { value: string } | { code: 'TRANSIENT_EXHAUSTED' | 'rethrown'; cls?: RetryClass };
  calls: number;
  sleeps: number[];
}

const cases: Case[] = [
  { name: 'success at once', outcomes: [OK], expect: { value: 'done' }, calls: 1, sleeps: [] },
  {
    name: 'three transient failures then success, half jitter',
    outcomes: [T, T, T, OK],
    random: half,
    expect: { value: 'done' },
    calls: 4,
    sleeps: [125, 250, 500],
  },
  {
    name: 'zero jitter retries without waiting',
    outcomes: [T, T, OK],
    random: () => 0,
    expect: { value: 'done' },
    calls: 3,
    sleeps: [0, 0],
  },
  {
    name: 'permanent is rethrown with no retry',
    outcomes: [P],
    expect: { code: 'rethrown', cls: 'permanent' },
    calls: 1,
    sleeps: [],
  },
  {
    name: 'permanent after transient is rethrown',
    outcomes: [T, P],
    random: half,
    expect: { code: 'rethrown', cls: 'permanent' },
    calls: 2,
    sleeps: [125],
  },
  {
    name: 'unknown gets one retry then is rethrown',
    outcomes: [U, U],
    random: half,
    expect: { code: 'rethrown', cls: 'unknown' },
    calls: 2,
    sleeps: [125],
  },
  {
    name: 'unknown after transients is rethrown at once (2-attempt limit counts all attempts)',
    outcomes: [T, T, U],
    random: half,
    expect: { code: 'rethrown', cls: 'unknown' },
    calls: 3,
    sleeps: [125, 250],
  },
  {
    name: 'unknown then success',
    outcomes: [U, OK],
    random: half,
    expect: { value: 'done' },
    calls: 2,
    sleeps: [125],
  },
  {
    name: 'maxUnknownAttempts is configurable',
    outcomes: [U, U, U],
    policy: { maxUnknownAttempts: 3 },
    random: half,
    expect: { code: 'rethrown', cls: 'unknown' },
    calls: 3,
    sleeps: [125, 250],
  },
  {
    name: 'default 10 attempts, ceiling doubles up to the 30 s cap',
    outcomes: Array.from({ length: 10 }, () => T),
    random: top,
    expect: { code: 'TRANSIENT_EXHAUSTED' },
    calls: 10,
    sleeps: [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000],
  },
  {
    name: 'custom base, cap and attempts',
    outcomes: [T, T, T, T],
    policy: { baseMs: 10, capMs: 35, maxAttempts: 4 },
    random: top,
    expect: { code: 'TRANSIENT_EXHAUSTED' },
    calls: 4,
    sleeps: [10, 20, 35],
  },
  {
    name: 'maxAttempts 1 means no retry',
    outcomes: [T],
    policy: { maxAttempts: 1 },
    expect: { code: 'TRANSIENT_EXHAUSTED' },
    calls: 1,
    sleeps: [],
  },
  {
    name: 'budget stops before a sleep that would end past it',
    outcomes: [T, T, T, OK],
    policy: { budgetMs: 1000 },
    random: top,
    // 250 + 500 = 750 spent; the next 1000 ms sleep would end at 1750 > 1000.
    expect: { code: 'TRANSIENT_EXHAUSTED' },
    calls: 3,
    sleeps: [250, 500],
  },
  {
    name: 'time spent inside attempts counts against the budget',
    outcomes: [{ slowMs: 900, next: T }, T, OK],
    policy: { budgetMs: 1000 },
    random: half,
    // After attempt 1: elapsed 900, sleep 125 → 1025 > 1000.
    expect: { code: 'TRANSIENT_EXHAUSTED' },
    calls: 1,
    sleeps: [],
  },
  {
    name: 'a sleep ending exactly at the budget is allowed',
    outcomes: [T, OK],
    policy: { budgetMs: 250 },
    random: top,
    expect: { value: 'done' },
    calls: 2,
    sleeps: [250],
  },
  {
    name: 'out-of-range random values are clamped',
    outcomes: [T, T, T, OK],
    random: (() => {
      const seq = [-3, 7, Number.NaN];
      let i = 0;
      return () => seq[i++] ?? 0;
    })(),
    expect: { value: 'done' },
    calls: 4,
    sleeps: [0, 500, 0],
  },
];

for (const c of cases) {
  test(`retry: ${c.name}`, async () => {
    const { result, calls, sleeps } = await runScenario(c.outcomes, c.policy ?? {}, c.random ?? half);
    assert.deepEqual(
      calls,
      Array.from({ length: c.calls }, (_, i) => i + 1),
    );
    assert.deepEqual(sleeps, c.sleeps);
    if ('value' in c.expect) {
      assert.deepEqual(result, { value: c.expect.value });
      return;
    }
    assert.ok('error' in (result as object));
    const err = (result as { error: unknown }).error;
    if (c.expect.code === 'rethrown') {
      assert.ok(err instanceof Tagged, 'the original error object is rethrown');
      assert.equal(err.cls, c.expect.cls);
    } else {
      assert.ok(isMigrationError(err));
      assert.equal(err.code, 'TRANSIENT_EXHAUSTED');
      assert.equal(err.retryable, true);
      assert.equal(err.hint, 'run the same command again to resume');
      assert.ok(err.cause instanceof Tagged);
      assert.equal(err.details.attempts, c.calls);
      assert.equal(ERROR_CODES[err.code].exit, 1);
    }
  });
}

test('retry: the exhaustion cause is the last error, and onRetry sees every failure', async () => {
  const clock = new FakeClock();
  const errors = [new Tagged('transient'), new Tagged('transient'), new Tagged('transient')];
  const infos: RetryInfo[] = [];
  const p = retry(
    async (a) => {
      throw errors[a - 1];
    },
    { maxAttempts: 3 },
    { classify, clock, random: half, onRetry: (i) => infos.push(i), what: 'copy t chunk 1' },
  ).catch((e: unknown) => e);
  await clock.runAll();
  const err = (await p) as MigrationError;
  assert.equal(err.cause, errors[2]);
  assert.match(err.message, /^copy t chunk 1 failed 3 times/);
  assert.deepEqual(
    infos.map((i) => [i.attempt, i.delayMs, i.error, i.class]),
    [
      [1, 125, errors[0], 'transient'],
      [2, 250, errors[1], 'transient'],
    ],
  );
});

test('retry: already-aborted signal → INTERRUPTED without calling fn', async () => {
  const ac = new AbortController();
  ac.abort(new Error('SIGINT'));
  let calls = 0;
  const err = await retry(
    async () => {
      calls++;
      return 1;
    },
    {},
    { classify, clock: new FakeClock(), signal: ac.signal },
  ).catch((e: unknown) => e);
  assert.equal(calls, 0);
  assert.ok(isMigrationError(err));
  assert.equal(err.code, 'INTERRUPTED');
});

test('retry: abort during the backoff sleep stops at once with INTERRUPTED', async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  let calls = 0;
  const p = retry(
    async () => {
      calls++;
      throw new Tagged('transient');
    },
    {},
    { classify, clock, signal: ac.signal, random: top },
  ).catch((e: unknown) => e);
  await clock.advance(100); // first attempt failed, now in a 250 ms sleep
  assert.equal(clock.pendingCount, 1);
  ac.abort();
  const err = await p;
  assert.ok(isMigrationError(err));
  assert.equal(err.code, 'INTERRUPTED');
  assert.equal(calls, 1);
  assert.equal(clock.pendingCount, 0, 'the aborted sleep is gone');
});

test('retry: abort while an attempt runs → failure becomes INTERRUPTED, success is kept', async () => {
  for (const succeed of [false, true]) {
    const ac = new AbortController();
    const res = await retry(
      async () => {
        ac.abort();
        if (succeed) return 'value';
        throw new Tagged('transient');
      },
      {},
      { classify, clock: new FakeClock(), signal: ac.signal },
    ).catch((e: unknown) => e);
    if (succeed) assert.equal(res, 'value');
    else {
      assert.ok(isMigrationError(res));
      assert.equal(res.code, 'INTERRUPTED');
      assert.ok(res.cause instanceof Tagged);
    }
  }
});

test('retry: a permanent error is rethrown even when it is a MigrationError', async () => {
  const original = new Error('no');
  const err = await retry(
    async () => {
      throw original;
    },
    {},
    { classify: () => 'permanent', clock: new FakeClock() },
  ).catch((e: unknown) => e);
  assert.equal(err, original);
});

test('retry: invalid policy → INTERNAL', async () => {
  for (const policy of [
    { maxAttempts: 0 },
    { maxUnknownAttempts: 0 },
    { baseMs: -1 },
    { capMs: Number.NaN },
  ]) {
    const err = await retry(async () => 1, policy, { classify, clock: new FakeClock() }).catch(
      (e: unknown) => e,
    );
    assert.ok(isMigrationError(err));
    assert.equal(err.code, 'INTERNAL');
  }
});

test('backoffCeiling: doubles from base, capped, no overflow', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((a) => backoffCeiling(a, 250, 30_000)),
    [250, 500, 1000, 2000],
  );
  assert.equal(backoffCeiling(5000, 250, 30_000), 30_000);
  assert.equal(backoffCeiling(0, 250, 30_000), 250);
});

test('FakeClock: sleeps resolve in deadline order as time advances', async () => {
  const clock = new FakeClock(10);
  const order: string[] = [];
  void clock.sleep(30).then(() => order.push(`b@${clock.now()}`));
  void clock.sleep(10).then(() => order.push(`a@${clock.now()}`));
  void clock.sleep(30).then(() => order.push(`c@${clock.now()}`));
  void clock.sleep(-5).then(() => order.push(`z@${clock.now()}`));
  await clock.advance(0);
  assert.deepEqual(order, ['z@10']);
  await clock.advance(15);
  assert.deepEqual(order, ['z@10', 'a@20']);
  assert.equal(clock.now(), 25);
  await clock.advance(100);
  assert.deepEqual(order, ['z@10', 'a@20', 'b@40', 'c@40']);
  assert.equal(clock.now(), 125);
  assert.deepEqual(clock.sleeps, [30, 10, 30, 0]);
});

test('FakeClock: abort rejects with the reason and drops the sleep', async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  const reason = new Error('stop');
  const p = clock.sleep(1000, ac.signal);
  assert.equal(clock.pendingCount, 1);
  ac.abort(reason);
  await assert.rejects(p, (e) => e === reason);
  assert.equal(clock.pendingCount, 0);
  await assert.rejects(clock.sleep(5, ac.signal), (e) => e === reason);
});

test('FakeClock: runAll refuses to spin forever', async () => {
  const clock = new FakeClock();
  const loop = async (): Promise<void> => {
    for (;;) await clock.sleep(1);
  };
  void loop();
  await assert.rejects(clock.runAll(50), /still sleeping after 50 steps/);
});

test('systemClock: monotonic now() and an abortable sleep', async () => {
  const a = systemClock.now();
  const b = systemClock.now();
  assert.ok(b >= a);
  const ac = new AbortController();
  const p = systemClock.sleep(3_600_000, ac.signal); // would keep the test alive if the timer leaked
  ac.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(systemClock.sleep(1, pre.signal), { name: 'AbortError' });
  await systemClock.sleep(0);
});
