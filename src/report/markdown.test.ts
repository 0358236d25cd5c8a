// Tests of report.md: cell escaping (table-driven), the sections a summary produces, and that hostile
// values (pipes, newlines, HTML) cannot add table columns or rows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../events.js';
import { mdCell, renderMarkdown } from './markdown.js';
import { summarize } from './summarize.js';

const cells: [string, string][] = [
  ['plain', 'plain'],
  ['order_items', 'order_items'],
  ['_leading', '\\_leading'],
  ['a|b', 'a\\|b'],
  ['a\\|b', 'a\\\\\\|b'],
  ['line1\nline2', 'line1<br>line2'],
  ['crlf\r\nend', 'crlf<br>end'],
  ['<script>', '&lt;script&gt;'],
  ['a & b', 'a &amp; b'],
  ['*bold* `code` [link]', '\\*bold\\* \\`code\\` \\[link\\]'],
  ['bell\u0007', 'bell\\x07'],
];

for (const [input, want] of cells) {
  test(`mdCell(${JSON.stringify(input)})`, () => assert.equal(mdCell(input), want));
}

const ev = (e: Omit<RunEvent, 'runId'>): RunEvent => ({ runId: 'R-md', ...e });

test('renderMarkdown: header, tables, steps, verify and notices', () => {
  const s = summarize(
    [
      ev({
        step: 'preflight',
        event: 'run.started',
        level: 'info',
        msg: '',
        data: {
          command: 'migrate',
          source: 'app@pg:5432/app (tls disable)',
          target: 'app@my:3306/app (tls disable)',
        },
      }),
      ev({ step: 'copy', event: 'step.started', level: 'info', msg: '' }),
      ev({
        step: 'copy',
        event: 'table.started',
        level: 'info',
        msg: '',
        table: 'public.users',
        data: { rowsEstimated: 10 },
      }),
      ev({
        step: 'copy',
        event: 'chunk.copied',
        level: 'info',
        msg: '',
        table: 'public.users',
        data: { rows: 10, bytes: 2_500_000 },
      }),
      ev({
        step: 'copy',
        event: 'table.finished',
        level: 'info',
        msg: '',
        table: 'public.users',
        data: { rows: 10, ms: 2000 },
      }),
      ev({ step: 'copy', event: 'step.finished', level: 'info', msg: '', data: { ms: 2100 } }),
      ev({
        step: 'verify',
        event: 'verify.table',
        level: 'info',
        msg: '',
        table: 'public.users',
        data: { status: 'equal', rowsSource: 10, rowsTarget: 10 },
      }),
      ev({
        step: 'post-data',
        event: 'index.slow',
        level: 'warn',
        msg: 'slow | index\nsecond line',
        table: 'public.users',
      }),
      ev({
        step: 'copy',
        event: 'run.finished',
        level: 'info',
        msg: '',
        data: { status: 'ok', exitCode: 0, ms: 3000 },
      }),
    ],
    { runId: 'R-md', command: 'migrate' },
  );
  const md = renderMarkdown(s);
  assert.match(md, /^# pg2my migrate: OK\n/);
  assert.match(md, /\| Run id \| R-md \|/);
  assert.match(md, /\| Source \| app@pg:5432\/app \(tls disable\) \|/);
  assert.match(md, /\| Status \| OK \(exit 0\) \|/);
  assert.match(md, /\| public\.users \| 10 \| 2\.50 \| 5 \| 1 \| 0 \| 2\.0 s \| done \|/);
  assert.match(md, /\| copy \| 2\.1 s \| finished \|/);
  assert.match(md, /## Verify\n\n1 equal, 0 different, 0 failed to verify \(of 1 tables\)\./);
  assert.match(md, /- post-data: public\.users: slow \\\| index second line \(index\.slow\)/);
  assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
});

test('renderMarkdown: a hostile table name stays inside its cell', () => {
  const name = 'evil|name\n| injected | row |<img src=x>';
  const s = summarize(
    [
      ev({
        step: 'copy',
        event: 'chunk.copied',
        level: 'info',
        msg: '',
        table: name,
        data: { rows: 1, bytes: 1 },
      }),
      ev({
        step: 'copy',
        event: 'table.finished',
        level: 'info',
        msg: '',
        table: name,
        data: { rows: 1, ms: 1 },
      }),
    ],
    { runId: 'R', command: 'migrate' },
  );
  const md = renderMarkdown(s);
  const tableLines = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('evil'));
  assert.equal(tableLines.length, 1, 'one row for the table');
  // Unescaped pipes delimit cells: the row has exactly as many as the header.
  const pipes = (l: string) => l.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length;
  const header = md.split('\n').find((l) => l.startsWith('| Table |'))!;
  assert.equal(pipes(tableLines[0]!), pipes(header));
  assert.ok(!md.includes('<img'), 'no raw HTML from data');
});

test('renderMarkdown: failed run shows the error and its hint; incomplete run says so', () => {
  const failed = summarize(
    [
      ev({
        step: 'copy',
        event: 'run.finished',
        level: 'error',
        msg: '',
        data: {
          status: 'failed',
          exitCode: 1,
          error: { code: 'TRANSIENT_EXHAUSTED', message: 'gave up', hint: 'run again' },
        },
      }),
    ],
    { runId: 'R', command: 'migrate' },
  );
  const md = renderMarkdown(failed);
  assert.match(md, /^# pg2my migrate: FAILED/);
  assert.match(md, /\*\*TRANSIENT_EXHAUSTED: gave up\*\*/);
  assert.match(md, /Hint: run again/);
  assert.match(renderMarkdown(summarize([], { runId: 'R', command: 'schema' })), /INCOMPLETE/);
});
