// Renders report.html for realistic runs (a migrate whose verify found differences, a clean one) and
// opens it in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): the title and
// tables are visible, every planned row is there, the page requests nothing beyond its own file, and a
// full-page screenshot is taken (kept in $PG2MY_SCREENSHOT_DIR when set, for a person to look at).
// Needs Chromium: scripts/install-chromium.sh installs it.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import type { RunEvent } from '../../src/events.js';
import { renderHtml } from '../../src/report/html.js';
import { type RunSummary, summarize } from '../../src/report/summarize.js';

const CHROMIUM = '/usr/bin/chromium';
const RUN_ID = '20261124T105633Z-3f9a1c';
const dir = mkdtempSync(join(tmpdir(), 'pg2my-report-html-'));
const shots = process.env.PG2MY_SCREENSHOT_DIR ?? dir;
let browser: Browser | undefined;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-chromium.sh`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface TableSpec {
  name: string;
  rows: number;
  rowBytes: number;
  chunks: number;
  retries?: number;
  skipped?: number;
  ms: number;
}

const TABLES: readonly TableSpec[] = [
  { name: 'public.customers', rows: 184_220, rowBytes: 310, chunks: 4, ms: 3_900 },
  { name: 'public.orders', rows: 2_413_877, rowBytes: 142, chunks: 25, retries: 2, ms: 41_200 },
  { name: 'public.order_items', rows: 7_902_114, rowBytes: 64, chunks: 80, skipped: 31, ms: 52_800 },
  { name: 'public.products', rows: 12_480, rowBytes: 900, chunks: 1, ms: 820 },
  { name: 'public.payments', rows: 2_301_655, rowBytes: 120, chunks: 24, retries: 1, ms: 30_150 },
  { name: 'inventory.stock_levels', rows: 96_004, rowBytes: 48, chunks: 1, ms: 1_400 },
  { name: 'audit.events | "legacy"', rows: 1_250_000, rowBytes: 420, chunks: 13, ms: 26_700 },
];

/** The events a migrate + verify of TABLES would emit; `differences` plants a verify mismatch. */
function migrateEvents(differences: boolean): RunEvent[] {
  const out: RunEvent[] = [];
  const ev = (e: Omit<RunEvent, 'runId'>) => out.push({ runId: RUN_ID, ...e });
  ev({
    step: 'preflight',
    event: 'run.started',
    level: 'info',
    msg: 'migrate started',
    data: {
      command: 'migrate',
      source: 'app@pg.internal:5432/shop (tls verify-full)',
      target: 'app@mysql.internal:3306/shop (tls verify-full)',
      planFingerprint: 'sha256:9c41e0b7a2d4f3e1',
    },
  });
  const step = (s: RunEvent['step'], ms: number) => {
    ev({ step: s, event: 'step.started', level: 'info', msg: `${s} started` });
    ev({ step: s, event: 'step.finished', level: 'info', msg: `${s} finished`, data: { ms } });
  };
  step('preflight', 1_240);
  step('plan', 310);
  step('pre-data', 2_050);
  ev({
    step: 'copy',
    event: 'step.started',
    level: 'info',
    msg: 'copy started',
    data: { tables: TABLES.length },
  });
  for (const t of TABLES) {
    ev({
      step: 'copy',
      event: 'table.started',
      level: 'info',
      msg: `${t.name} started`,
      table: t.name,
      data: { rowsEstimated: t.rows, bytesEstimated: t.rows * t.rowBytes },
    });
    const perChunk = Math.ceil(t.rows / t.chunks);
    for (let no = 1; no <= t.chunks; no++) {
      const rows = Math.min(perChunk, t.rows - (no - 1) * perChunk);
      if (no <= (t.skipped ?? 0)) {
        ev({
          step: 'copy',
          event: 'chunk.skipped',
          level: 'info',
          msg: 'already copied',
          table: t.name,
          chunk: String(no),
          data: { no, rows },
        });
        continue;
      }
      if (no === 3 && t.retries) {
        for (let attempt = 1; attempt <= t.retries; attempt++)
          ev({
            step: 'copy',
            event: 'chunk.retried',
            level: 'warn',
            msg: 'connection reset by peer; retrying',
            table: t.name,
            chunk: String(no),
            data: { no, attempt, delayMs: 250 * attempt, kind: 'network', message: 'ECONNRESET' },
          });
      }
      ev({
        step: 'copy',
        event: 'chunk.copied',
        level: 'info',
        msg: `chunk ${no}`,
        table: t.name,
        chunk: String(no),
        data: { no, rows, bytes: rows * t.rowBytes, ms: Math.round(t.ms / t.chunks) },
      });
    }
    ev({
      step: 'copy',
      event: 'table.finished',
      level: 'info',
      msg: `${t.name} done`,
      table: t.name,
      data: { rows: t.rows, ms: t.ms },
    });
  }
  ev({ step: 'copy', event: 'step.finished', level: 'info', msg: 'copy finished', data: { ms: 98_400 } });
  ev({
    step: 'post-data',
    event: 'index.slow',
    level: 'warn',
    msg: 'index order_items_product_idx took 41 s to build; consider --index-parallelism 4',
    table: 'public.order_items',
  });
  step('post-data', 61_300);
  step('sequences', 180);
  ev({ step: 'verify', event: 'step.started', level: 'info', msg: 'verify started' });
  for (const t of TABLES) {
    const bad = differences && t.name === 'public.payments';
    ev({
      step: 'verify',
      event: 'verify.table',
      level: bad ? 'warn' : 'info',
      msg: `${t.name}: ${bad ? 'different' : 'identical'}`,
      table: t.name,
      data: {
        status: bad ? 'different' : 'identical',
        rowsSource: t.rows,
        rowsTarget: bad ? t.rows - 1 : t.rows,
      },
    });
    if (bad) {
      ev({
        step: 'verify',
        event: 'verify.mismatch',
        level: 'warn',
        msg: 'missing',
        table: t.name,
        data: { kind: 'missing', key: ['1884023'], columns: [] },
      });
      ev({
        step: 'verify',
        event: 'verify.mismatch',
        level: 'warn',
        msg: 'different',
        table: t.name,
        data: { kind: 'different', key: ['2001187'], columns: ['amount', 'captured_at'] },
      });
    }
  }
  ev({
    step: 'verify',
    event: 'step.finished',
    level: differences ? 'warn' : 'info',
    msg: differences ? 'target differs from source' : 'target identical to source',
    data: { ms: 47_900 },
  });
  const rows = TABLES.reduce((a, t) => a + t.rows, 0);
  ev({
    step: 'verify',
    event: 'run.finished',
    level: differences ? 'error' : 'info',
    msg: differences ? 'the target differs from the source' : 'migrate finished',
    data: {
      status: differences ? 'failed' : 'ok',
      exitCode: differences ? 16 : 0,
      rows,
      bytes: TABLES.reduce((a, t) => a + t.rows * t.rowBytes, 0),
      ms: 213_700,
      ...(differences
        ? {
            error: {
              code: 'VERIFY_MISMATCH',
              message: '1 of 7 tables differs from the source (public.payments: 1 missing, 1 different).',
              hint: 'Run `pg2my migrate` again to copy the missing rows, then `pg2my verify`.',
            },
          }
        : {}),
    },
  });
  return out;
}

function summaryFor(differences: boolean): RunSummary {
  return summarize(
    migrateEvents(differences),
    { runId: RUN_ID, command: 'migrate', startedAt: '2026-11-24T10:56:33.000Z' },
    {
      finishedAt: '2026-11-24T11:00:06.700Z',
      artifacts: [
        'plan.json',
        'schema.sql',
        'manifest.json',
        'verify.json',
        'events.ndjson',
        'summary.json',
        'report.md',
        'metrics.prom',
      ],
    },
  );
}

async function open(name: string, s: RunSummary) {
  mkdirSync(shots, { recursive: true });
  const file = join(shots, `${name}.html`);
  writeFileSync(file, renderHtml(s));
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests, file };
}

test('report.html renders in Chromium: title, header, every table row, verify and errors', async () => {
  const s = summaryFor(true);
  const { page, requests, file } = await open('report-differences', s);
  try {
    assert.equal(await page.title(), 'pg2my migrate — failed');
    const h1 = page.locator('h1');
    assert.ok(await h1.isVisible());
    assert.match(((await h1.textContent()) ?? '').replace(/\s+/g, ' '), /pg2my migrate FAILED/i);
    const tables = page.locator('h2:has-text("Tables") + section tbody tr');
    assert.equal(await tables.count(), TABLES.length);
    for (const t of TABLES)
      assert.ok(await page.locator('td.name', { hasText: t.name }).first().isVisible(), t.name);
    assert.equal(await page.locator('h2:has-text("Verify") + p + section tbody tr').count(), TABLES.length);
    assert.equal(await page.locator('h3:has-text("Rows that differ") + section tbody tr').count(), 2);
    assert.ok(await page.locator('.error-box', { hasText: 'VERIFY_MISMATCH' }).isVisible());
    assert.ok(await page.locator('ul.notices li.warn', { hasText: 'order_items_product_idx' }).isVisible());
    // The stylesheet applied (a system font stack, not the browser's serif default) and nothing was fetched.
    const font = await page.evaluate<string>('getComputedStyle(document.body).fontFamily');
    assert.match(font, /system-ui/);
    assert.deepEqual(requests, [pathToFileURL(file).href]);
    mkdirSync(shots, { recursive: true });
    const png = await page.screenshot({ path: join(shots, 'report-differences.png'), fullPage: true });
    assert.ok(png.length > 20_000, `screenshot has content (${png.length} bytes)`);
    assert.deepEqual([...png.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  } finally {
    await page.close();
  }
});

test('report.html for a clean run: ok status, no error box, steps listed', async () => {
  const s = summaryFor(false);
  const { page } = await open('report-ok', s);
  try {
    assert.equal(await page.title(), 'pg2my migrate — ok');
    assert.equal(await page.locator('.error-box').count(), 0);
    assert.equal(await page.locator('h2:has-text("Steps") + section tbody tr').count(), 7);
    assert.ok(await page.locator('.kpi', { hasText: 'Verified equal' }).isVisible());
    await page.screenshot({ path: join(shots, 'report-ok.png'), fullPage: true });
    assert.ok(readFileSync(join(shots, 'report-ok.png')).length > 20_000);
  } finally {
    await page.close();
  }
});
