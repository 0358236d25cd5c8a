// Table-driven tests of the event fold: each case is a list of events and the fields of the summary
// they must produce. Also: unknown and malformed events fold without throwing, and lists are capped.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../events.js';
import { MAX_LISTED, type RunSummary, summarize } from './summarize.js';

type Ev = Omit<RunEvent, 'runId'>;
const ev = (e: Ev): RunEvent => ({ runId: 'R1', ...e });
const started: Ev = {
  step: 'preflight',
  event: 'run.started',
  level: 'info',
  msg: 'start',
  data: {
    command: 'migrate',
    source: 'app@pg:5432/app (tls disable)',
    target: 'app@my:3306/app (tls disable)',
  },
};
const copied = (table: string, no: number, rows: number, bytes: number): Ev => ({
  step: 'copy',
  event: 'chunk.copied',
  level: 'info',
  msg: `chunk ${no}`,
  table,
  chunk: String(no),
  data: { no, rows, bytes, ms: 10 },
});

const cases: {
  name: string;
  events: Ev[];
  expect: (s: RunSummary) => void;
}[] = [
  {
    name: 'no events: incomplete, empty lists',
    events: [],
    expect: (s) => {
      assert.equal(s.status, 'incomplete');
      assert.equal(s.exitCode, null);
      assert.equal(s.command, 'migrate-default');
      assert.deepEqual(s.tables, []);
      assert.equal(s.verify, null);
      assert.equal(s.totals.ms, null);
    },
  },
  {
    name: 'run.started sets command, source, target and fingerprint',
    events: [{ ...started, data: { ...started.data, planFingerprint: 'abc123' } }],
    expect: (s) => {
      assert.equal(s.command, 'migrate');
      assert.equal(s.source, 'app@pg:5432/app (tls disable)');
      assert.equal(s.target, 'app@my:3306/app (tls disable)');
      assert.equal(s.planFingerprint, 'abc123');
      assert.equal(s.status, 'incomplete');
    },
  },
  {
    name: 'a copied table: rows, bytes, chunks, ms and rows/s',
    events: [
      started,
      {
        step: 'copy',
        event: 'table.started',
        level: 'info',
        msg: 't',
        table: 'public.users',
        data: { rowsEstimated: 300, bytesEstimated: 3000 },
      },
      copied('public.users', 1, 100, 1000),
      copied('public.users', 2, 150, 1500),
      {
        step: 'copy',
        event: 'table.finished',
        level: 'info',
        msg: 'done',
        table: 'public.users',
        data: { rows: 250, ms: 500 },
      },
      {
        step: 'copy',
        event: 'run.finished',
        level: 'info',
        msg: 'ok',
        data: { status: 'ok', exitCode: 0, rows: 250, bytes: 2500, ms: 2000 },
      },
    ],
    expect: (s) => {
      assert.equal(s.status, 'ok');
      assert.equal(s.exitCode, 0);
      assert.deepEqual(s.tables, [
        {
          table: 'public.users',
          rows: 250,
          rowsCopied: 250,
          bytes: 2500,
          rowsEstimated: 300,
          bytesEstimated: 3000,
          chunks: 2,
          retries: 0,
          skippedChunks: 0,
          skippedRows: 0,
          ms: 500,
          rowsPerSecond: 500,
          status: 'done',
        },
      ]);
      assert.equal(s.totals.rows, 250);
      assert.equal(s.totals.bytes, 2500);
      assert.equal(s.totals.ms, 2000);
      assert.equal(s.totals.rowsPerSecond, 125);
    },
  },
  {
    name: 'retries and resume: retried chunks counted, skipped chunks add to rows but not to rows/s',
    events: [
      started,
      {
        step: 'copy',
        event: 'chunk.skipped',
        level: 'info',
        msg: 'already copied',
        table: 't',
        data: { no: 1, rows: 1000 },
      },
      {
        step: 'copy',
        event: 'chunk.retried',
        level: 'warn',
        msg: 'connection reset',
        table: 't',
        data: { no: 2, attempt: 1, delayMs: 100, kind: 'network', message: 'reset' },
      },
      {
        step: 'copy',
        event: 'chunk.retried',
        level: 'warn',
        msg: 'connection reset',
        table: 't',
        data: { no: 2, attempt: 2, delayMs: 200, kind: 'network', message: 'reset' },
      },
      copied('t', 2, 500, 5000),
      { step: 'copy', event: 'table.finished', level: 'info', msg: 'done', table: 't', data: { ms: 1000 } },
    ],
    expect: (s) => {
      const t = s.tables[0]!;
      assert.equal(t.rows, 1500);
      assert.equal(t.rowsCopied, 500);
      assert.equal(t.retries, 2);
      assert.equal(t.skippedChunks, 1);
      assert.equal(t.skippedRows, 1000);
      assert.equal(t.rowsPerSecond, 500);
      assert.equal(s.totals.retries, 2);
      assert.equal(s.totals.skippedChunks, 1);
      assert.deepEqual(s.warnings, [], 'retries are counted per table, not listed as warnings');
    },
  },
  {
    name: 'a table that never finished is incomplete and has no rate',
    events: [copied('t', 1, 10, 100)],
    expect: (s) => {
      assert.equal(s.tables[0]!.status, 'incomplete');
      assert.equal(s.tables[0]!.rowsPerSecond, null);
      assert.equal(s.tables[0]!.ms, null);
    },
  },
  {
    name: 'steps: durations summed over repeats, an open step is unfinished',
    events: [
      { step: 'plan', event: 'step.started', level: 'info', msg: '' },
      { step: 'plan', event: 'step.finished', level: 'info', msg: '', data: { ms: 40 } },
      { step: 'copy', event: 'step.started', level: 'info', msg: '' },
      { step: 'plan', event: 'step.started', level: 'info', msg: '' },
      { step: 'plan', event: 'step.finished', level: 'info', msg: '', data: { ms: 2 } },
    ],
    expect: (s) => {
      assert.deepEqual(s.steps, [
        { step: 'plan', ms: 42, status: 'finished' },
        { step: 'copy', ms: null, status: 'unfinished' },
      ]);
    },
  },
  {
    name: 'failed run: status, exit code and a MigrationError-shaped error',
    events: [
      started,
      {
        step: 'copy',
        event: 'run.finished',
        level: 'error',
        msg: 'failed',
        data: {
          status: 'failed',
          exitCode: 1,
          error: { code: 'TRANSIENT_EXHAUSTED', message: 'gave up', hint: 'run again' },
        },
      },
    ],
    expect: (s) => {
      assert.equal(s.status, 'failed');
      assert.equal(s.exitCode, 1);
      assert.deepEqual(s.error, { code: 'TRANSIENT_EXHAUSTED', message: 'gave up', hint: 'run again' });
      assert.deepEqual(s.errors, [], 'the final error has its own field');
    },
  },
  {
    name: 'failed run with a plain-string error',
    events: [
      {
        step: 'copy',
        event: 'run.finished',
        level: 'error',
        msg: 'x',
        data: { status: 'failed', exitCode: 255, error: 'boom' },
      },
    ],
    expect: (s) => assert.deepEqual(s.error, { code: null, message: 'boom', hint: null }),
  },
  {
    name: 'verify: identical/equal both read as equal; counts from mismatch events when absent',
    events: [
      {
        step: 'verify',
        event: 'verify.table',
        level: 'info',
        msg: '',
        table: 'a',
        data: { status: 'identical', rowsSource: 5, rowsTarget: 5 },
      },
      {
        step: 'verify',
        event: 'verify.table',
        level: 'info',
        msg: '',
        table: 'b',
        data: { status: 'equal', rowsSource: 1, rowsTarget: 1, missing: 0, extra: 0, different: 0 },
      },
      {
        step: 'verify',
        event: 'verify.table',
        level: 'warn',
        msg: '',
        table: 'c',
        data: { status: 'different', rowsSource: 3, rowsTarget: 2 },
      },
      {
        step: 'verify',
        event: 'verify.mismatch',
        level: 'warn',
        msg: '',
        table: 'c',
        data: { kind: 'missing', key: ['7'], columns: [] },
      },
      {
        step: 'verify',
        event: 'verify.mismatch',
        level: 'warn',
        msg: '',
        table: 'c',
        data: { kind: 'different', key: ['8', 'x'], columns: ['name', 'email'] },
      },
      {
        step: 'verify',
        event: 'verify.table',
        level: 'error',
        msg: '',
        table: 'd',
        data: { status: 'error', rowsSource: 0, rowsTarget: 0, error: 'permission denied' },
      },
    ],
    expect: (s) => {
      const v = s.verify!;
      assert.equal(v.equal, 2);
      assert.equal(v.different, 1);
      assert.equal(v.errors, 1);
      const c = v.tables.find((t) => t.table === 'c')!;
      assert.deepEqual([c.missing, c.extra, c.different], [1, 0, 1]);
      assert.equal(v.tables.find((t) => t.table === 'd')!.error, 'permission denied');
      assert.deepEqual(v.mismatches[1], {
        table: 'c',
        kind: 'different',
        key: '["8","x"]',
        columns: ['name', 'email'],
      });
      assert.deepEqual(s.warnings, []);
      assert.deepEqual(s.errors, []);
    },
  },
  {
    name: 'assess risks are collected with their severity',
    events: [
      {
        step: 'assess',
        event: 'assess.risk',
        level: 'warn',
        msg: 'text too long',
        table: 'public.t',
        data: { id: 'TEXT_TOO_LONG', severity: 'high', title: 'values longer than the target column' },
      },
    ],
    expect: (s) =>
      assert.deepEqual(s.risks, [
        {
          id: 'TEXT_TOO_LONG',
          severity: 'high',
          title: 'values longer than the target column',
          table: 'public.t',
        },
      ]),
  },
  {
    name: 'unknown events are counted; their warnings and errors are listed',
    events: [
      { step: 'post-data', event: 'index.slow', level: 'warn', msg: 'index took long', table: 't' },
      { step: 'sequences', event: 'something.new', level: 'error', msg: 'odd', data: { x: 1 } },
      { step: 'sequences', event: 'something.new', level: 'debug', msg: 'odd' },
    ],
    expect: (s) => {
      assert.deepEqual(s.eventCounts, { 'index.slow': 1, 'something.new': 2 });
      assert.deepEqual(s.warnings, [
        { level: 'warn', step: 'post-data', event: 'index.slow', msg: 'index took long', table: 't' },
      ]);
      assert.equal(s.errors.length, 1);
    },
  },
  {
    name: 'malformed data fields read as absent',
    events: [
      {
        step: 'copy',
        event: 'chunk.copied',
        level: 'info',
        msg: '',
        table: 't',
        data: { rows: 'many', bytes: Number.NaN },
      },
      { step: 'copy', event: 'table.finished', level: 'info', msg: '', table: 't', data: null as never },
      { step: 'copy', event: 'chunk.copied', level: 'info', msg: 'no table' },
      { step: 'copy', event: 'run.finished', level: 'info', msg: '', data: { exitCode: 0 } },
    ],
    expect: (s) => {
      assert.equal(s.tables.length, 1);
      assert.equal(s.tables[0]!.rows, 0);
      assert.equal(s.tables[0]!.chunks, 1);
      assert.equal(s.status, 'ok', 'exit code 0 without a status reads as ok');
    },
  },
];

for (const c of cases) {
  test(`summarize: ${c.name}`, () => {
    const s = summarize(c.events.map(ev), { runId: 'R1', command: 'migrate-default', startedAt: 'T0' });
    assert.equal(s.runId, 'R1');
    assert.equal(s.startedAt, 'T0');
    c.expect(s);
    // The summary is JSON-safe: it survives a round trip unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  });
}

test('summarize: long lists are capped and the rest counted', () => {
  const events: RunEvent[] = [];
  for (let i = 0; i < MAX_LISTED + 5; i++) {
    events.push(ev({ step: 'copy', event: 'x.warn', level: 'warn', msg: `w${i}` }));
    events.push(
      ev({
        step: 'verify',
        event: 'verify.mismatch',
        level: 'warn',
        msg: '',
        table: 't',
        data: { kind: 'extra', key: [String(i)] },
      }),
    );
  }
  const s = summarize(events, { runId: 'R1', command: 'verify' });
  assert.equal(s.warnings.length, MAX_LISTED);
  assert.equal(s.warningsOmitted, 5);
  assert.equal(s.verify!.mismatches.length, MAX_LISTED);
  assert.equal(s.verify!.mismatchesOmitted, 5);
  assert.equal(s.verify!.tables[0]!.extra, MAX_LISTED + 5, 'counts include the omitted ones');
});

test('summarize: end options give wall time and artifacts when run.finished has no ms', () => {
  const s = summarize(
    [],
    { runId: 'R1', command: 'schema' },
    { finishedAt: 'T1', elapsedMs: 1234, artifacts: ['plan.json'] },
  );
  assert.equal(s.totals.ms, 1234);
  assert.equal(s.finishedAt, 'T1');
  assert.deepEqual(s.artifacts, ['plan.json']);
});
