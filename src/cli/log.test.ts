// Tests of the log line formats: the JSON envelope and field order, data fields that clash with it,
// values JSON cannot hold, one-line text output, level filtering and redaction of registered secrets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerSecret } from '../config/urls.js';
import type { RunEvent } from '../events.js';
import { createLogger, formatJsonLine, formatTextLine, sanitize } from './log.js';

const TS = '2026-11-24T10:56:33.123Z';
const e: RunEvent = {
  runId: 'RUN-1',
  step: 'copy',
  event: 'chunk.copied',
  level: 'info',
  msg: 'chunk 3 of public.users',
  table: 'public.users',
  chunk: '3',
  data: { no: 3, rows: 1000, bytes: 52_000, ms: 12, msg: 'clash', run_id: 'clash' },
};

test('formatJsonLine: envelope first, data after, clashing keys renamed, one line', () => {
  const line = formatJsonLine(e, 'FALLBACK', TS);
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
  const o = JSON.parse(line) as Record<string, unknown>;
  assert.deepEqual(Object.keys(o), [
    'ts',
    'level',
    'run_id',
    'step',
    'event',
    'msg',
    'table',
    'chunk',
    'no',
    'rows',
    'bytes',
    'ms',
    'data_msg',
    'data_run_id',
  ]);
  assert.equal(o.run_id, 'RUN-1');
  assert.equal(o.msg, 'chunk 3 of public.users');
  assert.equal(o.data_msg, 'clash');
});

test('formatJsonLine: the logger run id fills in for an event without one', () => {
  const o = JSON.parse(formatJsonLine({ ...e, runId: '' }, 'FALLBACK', TS)) as Record<string, unknown>;
  assert.equal(o.run_id, 'FALLBACK');
});

const odd: [string, unknown, unknown][] = [
  ['bigint', 12n, '12'],
  ['NaN', Number.NaN, null],
  ['Error', new Error('x'), { name: 'Error', message: 'x' }],
  ['bytes', Buffer.from('abc'), '<3 bytes>'],
  ['undefined dropped', { a: undefined, b: 1 }, { b: 1 }],
];
for (const [name, input, want] of odd)
  test(`sanitize: ${name}`, () => assert.deepEqual(sanitize(input), want));

test('sanitize: a cycle is cut, not a crash', () => {
  const a: Record<string, unknown> = { x: 1 };
  a.self = a;
  assert.deepEqual(sanitize(a), { x: 1, self: '[Circular]' });
  const line = formatJsonLine({ ...e, data: { a } }, 'R', TS);
  assert.match(line, /"\[Circular\]"/);
});

test('formatTextLine: one readable line with run id, where, message and fields', () => {
  const line = formatTextLine(
    { ...e, msg: 'two\nlines \u001b[31mred', data: { rows: 5, note: 'a b' } },
    'R',
    TS,
  );
  assert.equal(
    line,
    `${TS} INFO  [RUN-1] copy chunk.copied public.users#3: two\\nlines \\u001b[31mred rows=5 note="a b"\n`,
  );
});

test('createLogger: filters by level and never throws from a failing writer', () => {
  const lines: string[] = [];
  const log = createLogger({
    runId: 'R',
    format: 'json',
    minLevel: 'warn',
    write: (l) => lines.push(l),
    now: () => new Date(TS),
  });
  log.event({ ...e, level: 'info' });
  log.event({ ...e, level: 'debug' });
  log.event({ ...e, level: 'warn' });
  log.event({ ...e, level: 'error' });
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { level: string }).level),
    ['warn', 'error'],
  );
  const broken = createLogger({
    runId: 'R',
    format: 'text',
    write: () => {
      throw new Error('EPIPE');
    },
  });
  assert.doesNotThrow(() => broken.event(e));
});

test('formatJsonLine/formatTextLine: registered secrets are redacted, also inside JSON escapes', () => {
  const secret = 'S3cr3t-"log"-canary';
  registerSecret(secret);
  const ev: RunEvent = {
    ...e,
    msg: `failed with ${secret}`,
    data: { url: `mysql://u:${encodeURIComponent(secret)}@h/db`, [secret]: 1 },
  };
  for (const line of [formatJsonLine(ev, 'R', TS), formatTextLine(ev, 'R', TS)]) {
    assert.ok(!line.includes(secret), line);
    assert.ok(!line.includes(encodeURIComponent(secret)), line);
    assert.ok(!line.includes('S3cr3t-\\"log\\"-canary'), line);
    assert.match(line, /\*\*\*/);
  }
});
