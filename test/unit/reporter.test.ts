// Tests of the CLI reporter against a real temp directory: run directory and file modes (0700/0600
// even with umask 0), events.ndjson (one JSON line per event, run_id on each), the report files, the
// stderr modes (JSON lines, or progress plus warn/error only on a TTY), artifacts, a secret canary that
// must not appear in any form in any file or on stderr, and log lines surviving an immediate exit.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerSecret } from '../../src/config/urls.js';
import { MigrationError } from '../../src/errors.js';
import type { RunEvent } from '../../src/events.js';
import { type CliReporterOptions, createCliReporter } from '../../src/cli/reporter.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'pg2my-reporter-'));
after(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A reporter whose stderr goes to a file we can read back. */
function setup(opts: Partial<CliReporterOptions> = {}) {
  const dir = join(base, `case-${++n}`);
  mkdirSync(dir);
  const stderrPath = join(dir, 'stderr.txt');
  const fd = openSync(stderrPath, 'w');
  const runDir = join(dir, 'runs', `RUN-${n}`);
  const reporter = createCliReporter({
    runId: `RUN-${n}`,
    runDir,
    command: 'migrate',
    logFormat: 'json',
    progress: true,
    fd,
    isTTY: false,
    ...opts,
  });
  return {
    reporter,
    runDir,
    runId: `RUN-${n}`,
    stderr: () => readFileSync(stderrPath, 'utf8'),
    done: () => closeSync(fd),
  };
}

const runEvents = (runId: string, extra: Partial<RunEvent> = {}): RunEvent[] => {
  const ev = (e: Omit<RunEvent, 'runId'>): RunEvent => ({ runId, ...e, ...extra });
  return [
    ev({
      step: 'preflight',
      event: 'run.started',
      level: 'info',
      msg: 'starting',
      data: {
        command: 'migrate',
        source: 'app@pg:5432/app (tls disable)',
        target: 'app@my:3306/app (tls disable)',
      },
    }),
    ev({ step: 'copy', event: 'step.started', level: 'info', msg: 'copy' }),
    ev({
      step: 'copy',
      event: 'table.started',
      level: 'info',
      msg: 'users',
      table: 'public.users',
      data: { rowsEstimated: 200, bytesEstimated: 20000 },
    }),
    ev({
      step: 'copy',
      event: 'chunk.copied',
      level: 'info',
      msg: 'chunk 1',
      table: 'public.users',
      chunk: '1',
      data: { no: 1, rows: 100, bytes: 10000, ms: 5 },
    }),
    ev({
      step: 'copy',
      event: 'chunk.retried',
      level: 'warn',
      msg: 'connection reset',
      table: 'public.users',
      chunk: '2',
      data: { no: 2, attempt: 1, delayMs: 50, kind: 'network', message: 'ECONNRESET' },
    }),
    ev({
      step: 'copy',
      event: 'chunk.copied',
      level: 'info',
      msg: 'chunk 2',
      table: 'public.users',
      chunk: '2',
      data: { no: 2, rows: 100, bytes: 10000, ms: 5 },
    }),
    ev({
      step: 'copy',
      event: 'table.finished',
      level: 'info',
      msg: 'users done',
      table: 'public.users',
      data: { rows: 200, ms: 40 },
    }),
    ev({ step: 'copy', event: 'step.finished', level: 'info', msg: 'copy done', data: { ms: 45 } }),
    ev({ step: 'copy', event: 'debug.detail', level: 'debug', msg: 'internal detail' }),
    ev({
      step: 'copy',
      event: 'run.finished',
      level: 'info',
      msg: 'done',
      data: { status: 'ok', exitCode: 0, rows: 200, bytes: 20000, ms: 50 },
    }),
  ];
};

const mode = (p: string) => statSync(p).mode & 0o777;

test('reporter: 0700 directory and 0600 files even with umask 0; reports written', async () => {
  const old = process.umask(0);
  try {
    const c = setup();
    for (const e of runEvents(c.runId)) c.reporter.sink(e);
    c.reporter.writeArtifact('plan.json', '{"tables":[]}\n');
    c.reporter.writeArtifact('plan.json', '{"tables":["again"]}\n');
    const { summary, reportPath } = await c.reporter.close();
    c.done();
    assert.equal(mode(c.runDir), 0o700);
    const files = readdirSync(c.runDir).sort();
    assert.deepEqual(files, [
      'events.ndjson',
      'metrics.prom',
      'plan.json',
      'report.html',
      'report.md',
      'summary.json',
    ]);
    for (const f of files) assert.equal(mode(join(c.runDir, f)), 0o600, f);
    assert.equal(reportPath, join(c.runDir, 'report.md'));
    assert.equal(readFileSync(join(c.runDir, 'plan.json'), 'utf8'), '{"tables":["again"]}\n');
    assert.equal(summary.status, 'ok');
    assert.equal(summary.tables[0]!.retries, 1);
    assert.deepEqual(JSON.parse(readFileSync(join(c.runDir, 'summary.json'), 'utf8')), summary);
    assert.match(readFileSync(reportPath, 'utf8'), /^# pg2my migrate: OK/);
    assert.match(readFileSync(join(c.runDir, 'report.html'), 'utf8'), /<title>pg2my migrate — ok<\/title>/);
    assert.match(
      readFileSync(join(c.runDir, 'metrics.prom'), 'utf8'),
      /pg2my_rows_copied_total\{table="public\.users"\} 200/,
    );
    assert.deepEqual(summary.artifacts, [
      'plan.json',
      'events.ndjson',
      'summary.json',
      'report.md',
      'metrics.prom',
    ]);
  } finally {
    process.umask(old);
  }
});

test('reporter: an existing run directory with loose modes is tightened', async () => {
  const c0 = join(base, 'loose');
  mkdirSync(c0, { mode: 0o755 });
  writeFileSync(join(c0, 'events.ndjson'), '', { mode: 0o644 });
  const r = createCliReporter({
    runId: 'L',
    runDir: c0,
    command: 'schema',
    logFormat: 'json',
    progress: false,
    fd: openSync('/dev/null', 'w'),
    isTTY: false,
  });
  await r.close();
  assert.equal(mode(c0), 0o700);
  assert.equal(mode(join(c0, 'events.ndjson')), 0o600);
});

test('reporter: events.ndjson has one JSON line per event, each with run_id; stderr gets info and up as JSON', async () => {
  const c = setup();
  const events = runEvents(c.runId);
  // An event from a library that forgot its run id still gets the reporter's.
  events.push({
    runId: '',
    step: 'copy',
    event: 'unknown.thing',
    level: 'warn',
    msg: 'no run id',
    data: { weird: 1n as unknown as number },
  });
  for (const e of events) c.reporter.sink(e);
  await c.reporter.close();
  c.done();
  const lines = readFileSync(join(c.runDir, 'events.ndjson'), 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, events.length);
  for (const l of lines) {
    const o = JSON.parse(l) as Record<string, unknown>;
    assert.equal(o.run_id, c.runId);
    assert.match(String(o.ts), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  assert.equal(JSON.parse(lines.at(-1)!).weird, '1');
  const err = c.stderr().trimEnd().split('\n');
  assert.equal(err.length, events.length - 1, 'every event but the debug one');
  for (const l of err) assert.equal((JSON.parse(l) as { run_id: string }).run_id, c.runId);
});

test('reporter: text log format on a non-TTY writes one readable line per event', async () => {
  const c = setup({ logFormat: 'text' });
  for (const e of runEvents(c.runId)) c.reporter.sink(e);
  await c.reporter.close();
  c.done();
  const lines = c.stderr().trimEnd().split('\n');
  assert.equal(lines.length, 9);
  for (const l of lines) assert.match(l, new RegExp(`^\\S+Z (INFO |WARN ) \\[${c.runId}\\] `));
});

test('reporter: on a TTY, progress display plus warn/error lines only; display erased on close', async () => {
  const c = setup({ isTTY: true, progress: true });
  for (const e of runEvents(c.runId)) c.reporter.sink(e);
  await c.reporter.close();
  c.done();
  const out = c.stderr();
  assert.match(out, /\x1b\[2K/, 'the display was drawn');
  const jsonLines = out
    .split(/\x1b\[[0-9;]*[A-Za-z]/)
    .flatMap((s) => s.split('\n'))
    .filter((l) => l.startsWith('{'));
  assert.deepEqual(
    jsonLines.map((l) => (JSON.parse(l) as { event: string }).event),
    ['chunk.retried'],
  );
  assert.ok(out.endsWith('\x1b[J'), 'ends by erasing the display');
});

test('reporter: with progress off on a TTY, info lines are logged', async () => {
  const c = setup({ isTTY: true, progress: false });
  for (const e of runEvents(c.runId)) c.reporter.sink(e);
  await c.reporter.close();
  c.done();
  assert.ok(!c.stderr().includes('\x1b['));
  assert.equal(c.stderr().trimEnd().split('\n').length, 9);
});

test('reporter: close(outcome) records a run.finished the library never sent; close is idempotent', async () => {
  const c = setup();
  c.reporter.sink({ runId: c.runId, step: 'copy', event: 'step.started', level: 'info', msg: 'copy' });
  const err = new MigrationError('TRANSIENT_EXHAUSTED', 'gave up after 8 attempts', {
    hint: 'run again to resume',
  });
  const first = c.reporter.close({ exitCode: 1, error: err });
  const second = c.reporter.close({ exitCode: 0 });
  assert.equal(first, second);
  const { summary } = await first;
  c.done();
  assert.equal(summary.status, 'failed');
  assert.equal(summary.exitCode, 1);
  assert.deepEqual(summary.error, {
    code: 'TRANSIENT_EXHAUSTED',
    message: 'gave up after 8 attempts',
    hint: 'run again to resume',
  });
  assert.deepEqual(summary.steps, [{ step: 'copy', ms: null, status: 'unfinished' }]);
  const last = JSON.parse(
    readFileSync(join(c.runDir, 'events.ndjson'), 'utf8').trimEnd().split('\n').at(-1)!,
  );
  assert.equal(last.event, 'run.finished');
  assert.equal(last.level, 'error');
  assert.ok(summary.totals.ms !== null && summary.totals.ms >= 0);
});

test('reporter: without outcome or run.finished the report says incomplete', async () => {
  const c = setup();
  const { summary } = await c.reporter.close();
  c.done();
  assert.equal(summary.status, 'incomplete');
  assert.match(readFileSync(join(c.runDir, 'report.md'), 'utf8'), /INCOMPLETE/);
});

test('reporter: writeArtifact refuses paths and reserved names; leaves no temp files', async () => {
  const c = setup();
  for (const bad of ['../x', 'a/b', '.hidden', '', 'events.ndjson', 'report.md', 'x\n']) {
    assert.throws(() => c.reporter.writeArtifact(bad, 'x'), /Not a valid artifact name/, bad);
  }
  c.reporter.writeArtifact('schema.sql', 'CREATE TABLE t (id int);\n');
  await c.reporter.close();
  c.done();
  assert.deepEqual(
    readdirSync(c.runDir).filter((f) => f.startsWith('.')),
    [],
  );
});

test('reporter: a registered secret never reaches any file or stderr, in any encoding', async () => {
  const secret = `S3cr3t-canary-${randomBytes(6).toString('hex')}/"ä &`;
  registerSecret(secret);
  const forms = {
    raw: secret,
    url: encodeURIComponent(secret),
    base64: Buffer.from(secret).toString('base64'),
    hex: Buffer.from(secret).toString('hex'),
  };
  for (const logFormat of ['json', 'text'] as const) {
    for (const isTTY of [false, true]) {
      const c = setup({ logFormat, isTTY });
      const ev = (e: Omit<RunEvent, 'runId'>): RunEvent => ({ runId: c.runId, ...e });
      for (const e of runEvents(c.runId)) c.reporter.sink(e);
      for (const [kind, form] of Object.entries(forms)) {
        c.reporter.sink(
          ev({
            step: 'copy',
            event: 'chunk.retried',
            level: 'error',
            msg: `connect to mysql://app:${form}@db/app failed (${kind})`,
            table: `t_${form}`,
            chunk: form,
            data: { message: form, nested: { list: [form], [form]: form }, url: `postgres://u:${form}@h/db` },
          }),
        );
        c.reporter.sink(
          ev({
            step: 'verify',
            event: 'verify.mismatch',
            level: 'warn',
            msg: form,
            table: form,
            data: { kind: 'different', key: [form], columns: [form] },
          }),
        );
        c.reporter.sink(
          ev({
            step: 'assess',
            event: 'assess.risk',
            level: 'warn',
            msg: form,
            data: { id: form, severity: 'high', title: form },
          }),
        );
        c.reporter.sink(ev({ step: 'copy', event: 'odd.event', level: 'error', msg: `odd ${form}` }));
      }
      c.reporter.writeArtifact('plan.json', JSON.stringify({ forms }));
      await c.reporter.close({ exitCode: 1, error: new Error(`boom ${secret}`) });
      c.done();
      const texts: [string, string][] = [['stderr', c.stderr()]];
      for (const f of readdirSync(c.runDir)) texts.push([f, readFileSync(join(c.runDir, f), 'utf8')]);
      assert.ok(texts.length >= 7);
      for (const [where, text] of texts) {
        for (const [kind, form] of Object.entries(forms)) {
          assert.ok(
            !text.includes(form),
            `${kind} form of the secret in ${where} (${logFormat}, tty ${isTTY})`,
          );
        }
        // Also not in the JSON-escaped form of the raw secret.
        assert.ok(!text.includes(JSON.stringify(secret).slice(1, -1)), `JSON-escaped secret in ${where}`);
      }
      assert.match(readFileSync(join(c.runDir, 'events.ndjson'), 'utf8'), /\*\*\*/);
    }
  }
});

test('reporter: log lines and events.ndjson survive process.exit() right after the event', () => {
  const dir = join(base, 'exit');
  mkdirSync(dir);
  const script = join(dir, 'child.ts');
  writeFileSync(
    script,
    `import { createCliReporter } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/cli/reporter.ts')).href)};
const r = createCliReporter({ runId: 'EXIT-1', runDir: ${JSON.stringify(join(dir, 'run'))}, command: 'migrate', logFormat: 'json', progress: true });
for (let i = 0; i < 2000; i++)
  r.sink({ runId: 'EXIT-1', step: 'copy', event: 'chunk.copied', level: 'info', msg: 'chunk ' + i, table: 't', data: { no: i, rows: 1, bytes: 1 } });
r.sink({ runId: 'EXIT-1', step: 'copy', event: 'run.finished', level: 'error', msg: 'the last words', data: { status: 'failed', exitCode: 3 } });
process.exit(3);
`,
  );
  const res = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(res.status, 3, res.stderr.slice(-2000));
  const lines = res.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2001);
  assert.equal((JSON.parse(lines.at(-1)!) as { msg: string }).msg, 'the last words');
  const events = readFileSync(join(dir, 'run', 'events.ndjson'), 'utf8')
    .trimEnd()
    .split('\n');
  assert.equal(events.length, 2001);
  assert.equal((JSON.parse(events.at(-1)!) as { run_id: string }).run_id, 'EXIT-1');
});
