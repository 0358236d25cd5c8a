// Tests of report.html: the html`` helper escapes every interpolation (table-driven), the page is
// self-contained (no script, no external URL), and hostile values from a run cannot inject markup.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEvent } from '../events.js';
import { escapeHtml, Html, html, renderHtml } from './html.js';
import { summarize } from './summarize.js';

const interpolations: [string, unknown, string][] = [
  ['text', 'a<b>&"\'', '<p>a&lt;b&gt;&amp;&quot;&#39;</p>'],
  ['number', 42, '<p>42</p>'],
  ['null', null, '<p></p>'],
  ['false', false, '<p></p>'],
  ['list', ['<', html`<i>x</i>`], '<p>&lt;<i>x</i></p>'],
  ['nested fragment', html`<b>${'<'}</b>`, '<p><b>&lt;</b></p>'],
];

for (const [name, value, want] of interpolations) {
  test(`html\`\`: ${name}`, () => assert.equal(html`<p>${value as never}</p>`.value, want));
}

test('escapeHtml covers the five special characters', () => {
  assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  assert.ok(html`${'x'}` instanceof Html);
});

const ev = (e: Omit<RunEvent, 'runId'>): RunEvent => ({ runId: 'R-html', ...e });
const hostile = '<script>alert(1)</script>"onmouseover="x';

test('renderHtml: self-contained page, hostile values escaped everywhere', () => {
  const s = summarize(
    [
      ev({
        step: 'preflight',
        event: 'run.started',
        level: 'info',
        msg: '',
        data: { command: 'migrate', source: hostile, target: 't' },
      }),
      ev({
        step: 'copy',
        event: 'table.started',
        level: 'info',
        msg: '',
        table: hostile,
        data: { rowsEstimated: 5 },
      }),
      ev({
        step: 'copy',
        event: 'chunk.copied',
        level: 'info',
        msg: '',
        table: hostile,
        data: { rows: 5, bytes: 50 },
      }),
      ev({
        step: 'copy',
        event: 'table.finished',
        level: 'info',
        msg: '',
        table: hostile,
        data: { rows: 5, ms: 10 },
      }),
      ev({
        step: 'verify',
        event: 'verify.table',
        level: 'warn',
        msg: '',
        table: hostile,
        data: { status: 'different' },
      }),
      ev({
        step: 'verify',
        event: 'verify.mismatch',
        level: 'warn',
        msg: '',
        table: hostile,
        data: { kind: 'different', key: [hostile], columns: [hostile] },
      }),
      ev({
        step: 'assess',
        event: 'assess.risk',
        level: 'warn',
        msg: hostile,
        data: { id: 'X', severity: hostile },
      }),
      ev({ step: 'copy', event: 'odd.thing', level: 'error', msg: hostile }),
      ev({
        step: 'copy',
        event: 'run.finished',
        level: 'error',
        msg: '',
        data: { status: 'failed', exitCode: 1, error: { code: 'X', message: hostile, hint: hostile } },
      }),
    ],
    { runId: 'R-html', command: 'migrate' },
    { artifacts: ['plan.json', 'a b&c.sql'] },
  );
  const page = renderHtml(s);
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /<title>pg2my migrate — failed<\/title>/);
  assert.ok(!/<script/i.test(page), 'no script element, not even from data');
  assert.ok(!page.includes('"onmouseover='), 'attribute values cannot be broken out of');
  assert.ok(!/(?:src|href)="(?:https?:)?\/\//i.test(page), 'no external assets');
  assert.ok(!/@import|url\(/i.test(page), 'no external CSS');
  assert.ok(page.includes('href="a%20b%26c.sql"'), 'artifact links are relative and encoded');
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('renderHtml: an empty run still renders', () => {
  const page = renderHtml(summarize([], { runId: 'R', command: 'schema' }));
  assert.match(page, /<h1>pg2my schema <span class="pill incomplete">incomplete<\/span><\/h1>/);
  assert.match(page, /<\/html>\n$/);
});
