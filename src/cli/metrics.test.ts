// Tests of metrics.prom: a line-by-line check of the Prometheus text format (HELP and TYPE before each
// family's samples, valid names, escaped label values, numeric values) and of the values themselves.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../events.js';
import { summarize } from '../report/summarize.js';
import { escapeLabelValue, renderMetrics } from './metrics.js';

const ev = (e: Omit<RunEvent, 'runId'>): RunEvent => ({ runId: 'R"1\\', ...e });

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})(?:,[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})*\\})? (?:[-+]?(?:\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?|Inf)|NaN)$`,
);

/** Validate exposition text; returns the samples as `name{labels}` → value. */
function parseExposition(text: string): Map<string, number> {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const help = new Set<string>();
  const type = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP (\S+) (.*)$/.exec(line);
    if (m) {
      assert.ok(!help.has(m[1]!), `one HELP per family: ${line}`);
      help.add(m[1]!);
      continue;
    }
    m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      assert.ok(help.has(m[1]!), `HELP before TYPE: ${line}`);
      type.set(m[1]!, m[2]!);
      continue;
    }
    m = SAMPLE.exec(line);
    assert.ok(m, `valid sample line: ${line}`);
    assert.ok(type.has(m[1]!), `TYPE before samples: ${line}`);
    const key = line.slice(0, line.lastIndexOf(' '));
    assert.ok(!samples.has(key), `no duplicate series: ${key}`);
    samples.set(key, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return samples;
}

test('escapeLabelValue', () => {
  for (const [input, want] of [
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['a\nb', 'a\\nb'],
  ] as const)
    assert.equal(escapeLabelValue(input), want);
});

test('renderMetrics: valid exposition with per-table counters and run info', () => {
  const table = 'public."odd\\name"\nx';
  const s = summarize(
    [
      ev({
        step: 'copy',
        event: 'chunk.copied',
        level: 'info',
        msg: '',
        table: 'public.users',
        data: { rows: 100, bytes: 4096 },
      }),
      ev({ step: 'copy', event: 'chunk.retried', level: 'warn', msg: '', table: 'public.users', data: {} }),
      ev({ step: 'copy', event: 'chunk.copied', level: 'info', msg: '', table, data: { rows: 1, bytes: 2 } }),
      ev({ step: 'copy', event: 'chunk.skipped', level: 'info', msg: '', table, data: { rows: 5 } }),
      ev({
        step: 'copy',
        event: 'run.finished',
        level: 'info',
        msg: '',
        data: { status: 'ok', exitCode: 0, ms: 1500 },
      }),
    ],
    { runId: 'R"1\\', command: 'migrate' },
  );
  const samples = parseExposition(renderMetrics(s));
  assert.equal(samples.get('pg2my_run_info{run_id="R\\"1\\\\",command="migrate",status="ok"}'), 1);
  assert.equal(samples.get('pg2my_rows_copied_total{table="public.users"}'), 100);
  assert.equal(samples.get('pg2my_bytes_copied_total{table="public.users"}'), 4096);
  assert.equal(samples.get('pg2my_chunk_retries_total{table="public.users"}'), 1);
  assert.equal(samples.get('pg2my_rows_copied_total{table="public.\\"odd\\\\name\\"\\nx"}'), 1);
  assert.equal(samples.get('pg2my_chunks_skipped_total{table="public.\\"odd\\\\name\\"\\nx"}'), 1);
  assert.equal(samples.get('pg2my_run_duration_seconds'), 1.5);
  assert.equal(samples.get('pg2my_run_exit_code'), 0);
});

test('renderMetrics: an empty, unfinished run is still valid (families without samples)', () => {
  const text = renderMetrics(summarize([], { runId: 'R', command: 'schema' }));
  const samples = parseExposition(text);
  assert.deepEqual([...samples.keys()], ['pg2my_run_info{run_id="R",command="schema",status="incomplete"}']);
  assert.match(text, /# TYPE pg2my_rows_copied_total counter\n/);
});
