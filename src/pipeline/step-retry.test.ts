// Which failures of a whole step (preflight, post-data, sequences, verify) are retried: lost connections,
// restarts and "too many connections" once the server was reached; never a first contact to a wrong address,
// a refused password, a data error, or an inner retry that already gave up.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MigrationError } from '../errors.js';
import { classifyStepFault, retryStep } from './step-retry.js';
import type { RunEvent } from '../events.js';

const sys = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const pgErr = (code: string, msg = code) => Object.assign(new Error(msg), { code, severity: 'FATAL' });
const connectFailed = (side: 'source' | 'target', cause: unknown) =>
  new MigrationError(
    side === 'source' ? 'SOURCE_CONNECT_FAILED' : 'TARGET_CONNECT_FAILED',
    'cannot connect',
    {
      cause,
    },
  );
const both = { source: true, target: true };
const none = { source: false, target: false };

test('a lost connection mid-step is transient', () => {
  assert.equal(classifyStepFault(sys('ECONNRESET'), both), 'transient');
  assert.equal(classifyStepFault(sys('EPIPE'), both), 'transient');
  assert.equal(
    classifyStepFault(pgErr('57P01', 'terminating connection due to administrator command'), both),
    'transient',
  );
});

test('a failed reconnect to a server reached before is transient: reset, restart, too many connections', () => {
  for (const side of ['source', 'target'] as const) {
    assert.equal(classifyStepFault(connectFailed(side, sys('ECONNRESET')), both), 'transient', side);
    assert.equal(classifyStepFault(connectFailed(side, sys('ECONNREFUSED')), both), 'transient', side);
  }
  assert.equal(
    classifyStepFault(connectFailed('source', pgErr('57P03', 'the database system is starting up')), both),
    'transient',
  );
  assert.equal(
    classifyStepFault(connectFailed('source', pgErr('53300', 'too many connections for role "app"')), both),
    'transient',
  );
});

test('a first contact is retried only when the server answered and dropped us', () => {
  assert.equal(classifyStepFault(connectFailed('source', sys('ECONNRESET')), none), 'transient');
  assert.equal(
    classifyStepFault(connectFailed('source', pgErr('53300', 'too many connections')), none),
    'transient',
  );
  assert.equal(classifyStepFault(connectFailed('target', sys('ETIMEDOUT')), none), 'permanent');
  assert.equal(classifyStepFault(connectFailed('source', sys('ENOTFOUND')), none), 'permanent');
  assert.equal(classifyStepFault(connectFailed('source', sys('ECONNREFUSED')), none), 'permanent');
  assert.equal(
    classifyStepFault(connectFailed('target', sys('ECONNREFUSED')), { source: true, target: false }),
    'permanent',
  );
});

test('a refused password, a data error, an interrupt or a spent inner retry is permanent', () => {
  assert.equal(
    classifyStepFault(connectFailed('source', pgErr('28P01', 'password authentication failed')), both),
    'permanent',
  );
  assert.equal(classifyStepFault(new MigrationError('DATA_REJECTED', 'x'), both), 'permanent');
  assert.equal(
    classifyStepFault(new MigrationError('INTERRUPTED', 'x', { retryable: true }), both),
    'permanent',
  );
  assert.equal(
    classifyStepFault(new MigrationError('TRANSIENT_EXHAUSTED', 'x', { retryable: true }), both),
    'permanent',
  );
  assert.equal(classifyStepFault(new MigrationError('ALREADY_RUNNING', 'x'), both), 'permanent');
});

test('a MigrationError wrapping a lost connection is transient; wrapping a refused statement it is not', () => {
  const wrap = (cause: unknown) =>
    new MigrationError('PREFLIGHT_FAILED', 'Table t: the target refused adding index i', { cause });
  assert.equal(classifyStepFault(wrap(sys('ECONNRESET')), both), 'transient');
  const dupKey = Object.assign(new Error('Duplicate entry'), {
    errno: 1062,
    code: 'ER_DUP_ENTRY',
    sqlState: '23000',
  });
  assert.equal(classifyStepFault(wrap(dupKey), both), 'permanent');
});

test('retryStep runs the step again after a transient fault and says so in a step.retried event', async () => {
  const events: RunEvent[] = [];
  let calls = 0;
  const out = await retryStep(
    { policy: { baseMs: 0, capMs: 0 }, reached: both, sink: (e) => events.push(e), runId: 'r1' },
    'post-data',
    'post-data',
    async () => {
      calls++;
      if (calls < 3) throw sys('ECONNRESET');
      return 'ok';
    },
  );
  assert.equal(out, 'ok');
  assert.equal(calls, 3);
  const retried = events.filter((e) => e.event === 'step.retried');
  assert.equal(retried.length, 2);
  assert.ok(retried.every((e) => e.step === 'post-data' && e.runId === 'r1' && e.level === 'warn'));
});

test('retryStep does not retry a permanent fault', async () => {
  let calls = 0;
  await assert.rejects(
    retryStep(
      { policy: { baseMs: 0 }, reached: both, sink: () => {}, runId: 'r1' },
      'verify',
      'verify',
      async () => {
        calls++;
        throw new MigrationError('DATA_REJECTED', 'no');
      },
    ),
    /no/,
  );
  assert.equal(calls, 1);
});
