// Tests of the TTY progress display with an injected clock and writer: the lines it renders (bar,
// rows, rate, ETA, overall line), width cutting, redraw throttling, text printed above the display,
// and that a disabled display writes nothing but that text.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../events.js';
import { applyProgressEvent, createProgress, newProgressState, renderProgress } from './progress.js';

const ev = (e: Omit<RunEvent, 'runId' | 'level' | 'msg'>): RunEvent => ({
  runId: 'R',
  level: 'info',
  msg: '',
  ...e,
});

test('renderProgress: a table line and the overall line', () => {
  const s = newProgressState();
  applyProgressEvent(
    s,
    ev({ step: 'copy', event: 'step.started', data: { tables: 3, rowsEstimated: 4000 } }),
    0,
  );
  applyProgressEvent(
    s,
    ev({ step: 'copy', event: 'table.started', table: 'public.users', data: { rowsEstimated: 2000 } }),
    0,
  );
  applyProgressEvent(
    s,
    ev({ step: 'copy', event: 'chunk.copied', table: 'public.users', data: { rows: 1000 } }),
    1000,
  );
  const lines = renderProgress(s, 2000, 200);
  assert.deepEqual(lines, [
    '  public.users [██████████░░░░░░░░░░]  50%  1.00k/2.00k rows  500 rows/s  ETA 2.0 s',
    'copy: 0/3 tables done  1.00k/4.00k rows  500 rows/s  ETA 6.0 s  elapsed 2.0 s',
  ]);
});

test('renderProgress: unknown estimate, finished tables, resumed chunks and width cutting', () => {
  const s = newProgressState();
  applyProgressEvent(s, ev({ step: 'copy', event: 'table.started', table: 'a', data: {} }), 0);
  applyProgressEvent(s, ev({ step: 'copy', event: 'chunk.skipped', table: 'a', data: { rows: 50 } }), 0);
  applyProgressEvent(
    s,
    ev({ step: 'copy', event: 'table.started', table: 'b', data: { rowsEstimated: 10 } }),
    0,
  );
  applyProgressEvent(s, ev({ step: 'copy', event: 'table.finished', table: 'b', data: {} }), 0);
  const lines = renderProgress(s, 1000, 200);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^ {2}a {8}\[·{20}\] {3}\?% {2}50\/\? rows {2}0 rows\/s {2}ETA \?$/);
  assert.match(lines[1]!, /^copy: 1 tables done {2}50 rows {2}elapsed 1\.0 s$/);
  for (const l of renderProgress(s, 1000, 30)) assert.ok([...l].length <= 29, l);
});

test('createProgress: throttled redraws with cursor moves, text above, erase on close', async () => {
  const writes: string[] = [];
  let t = 0;
  const p = createProgress({
    enabled: true,
    write: (x) => writes.push(x),
    now: () => t,
    columns: () => 120,
    intervalMs: 100,
  });
  p.event(ev({ step: 'copy', event: 'table.started', table: 't', data: { rowsEstimated: 10 } }));
  assert.equal(writes.length, 1, 'first event draws at once');
  assert.ok(!writes[0]!.includes('\x1b[2F'), 'nothing to move over yet');
  p.event(ev({ step: 'copy', event: 'chunk.copied', table: 't', data: { rows: 5 } }));
  assert.equal(writes.length, 1, 'second event within the interval waits');
  p.above('WARN line\n');
  assert.equal(writes.length, 2);
  assert.ok(writes[1]!.startsWith('\x1b[2F\x1b[JWARN line\n'), 'erases the two drawn lines, prints, redraws');
  assert.match(writes[1]!, /\x1b\[2K {2}t {8}\[██████████░{10}\] {2}50%/);
  t = 500;
  p.close();
  assert.equal(writes.at(-1), '\x1b[2F\x1b[J');
  p.event(ev({ step: 'copy', event: 'chunk.copied', table: 't', data: { rows: 5 } }));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(writes.at(-1), '\x1b[2F\x1b[J', 'nothing after close');
});

test('createProgress: disabled writes only text given to above()', () => {
  const writes: string[] = [];
  const p = createProgress({ enabled: false, write: (x) => writes.push(x) });
  p.event(ev({ step: 'copy', event: 'table.started', table: 't', data: {} }));
  p.above('line\n');
  p.close();
  assert.deepEqual(writes, ['line\n']);
});
