// Test runner front-end: npx tsx scripts/run-tests.ts <unit|integration|all> [filter].
// Unit = src/**/*.test.ts and test/unit/**/*.test.ts; integration = every other test/**/*.test.ts (these
// share the real servers, so they run one file at a time). Node 20's --test does not expand globs, so we
// pass explicit files. Output: node's spec report, then node's own TAP summary lines (`# tests N`,
// `# pass N`, `# fail N`, ...) and a last line `N passed, N failed` (failed = fail + cancelled).
// The exit code is node's (non-zero on any failure, or 1 if the run died without a summary).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

type Kind = 'unit' | 'integration';

const root = fileURLToPath(new URL('..', import.meta.url));
const SUMMARY_KEYS = [
  'tests',
  'suites',
  'pass',
  'fail',
  'cancelled',
  'skipped',
  'todo',
  'duration_ms',
] as const;

function listTests(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.split(sep).includes('node_modules'))
    .map((f) => join(dir, f).split(sep).join('/'));
}

function classify(file: string): Kind {
  return file.startsWith('test/') && !file.startsWith('test/unit/') ? 'integration' : 'unit';
}

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

interface RunResult {
  exitCode: number;
  summary: Partial<Record<(typeof SUMMARY_KEYS)[number], number>>;
}

/** Run node's test runner on `files`: spec report to our stdout, TAP on a pipe that we scan for the summary. */
function runNode(kind: Kind, files: readonly string[]): Promise<RunResult> {
  const concurrency = kind === 'integration' ? 1 : Math.max(1, availableParallelism());
  const testTimeoutMs = envNumber('PG2MY_TEST_TIMEOUT_MS', 300_000);
  const runTimeoutS = envNumber('PG2MY_TEST_RUN_TIMEOUT_S', kind === 'integration' ? 900 : 300);
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    // TAP goes to the child's stderr (a pipe): pipe writes are synchronous, so the summary survives
    // --test-force-exit, unlike a file destination, which Node 20 truncates on forced exit.
    '--test-reporter=tap',
    '--test-reporter-destination=stderr',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${testTimeoutMs}`,
    // A test file that leaks a handle (pool, server) would otherwise keep the whole run waiting forever.
    '--test-force-exit',
    ...files,
  ];
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
      detached: true,
      env: { ...process.env, NODE_ENV: 'test' },
    });
    const summary: RunResult['summary'] = {};
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      const m = /^# (\w+) (\d+(?:\.\d+)?)$/.exec(line);
      const key = m?.[1] as (typeof SUMMARY_KEYS)[number] | undefined;
      if (m && key && (SUMMARY_KEYS as readonly string[]).includes(key)) summary[key] = Number(m[2]);
      // Forward what is not TAP (runner warnings, crashes); TAP detail is already in the spec report.
      else if (!/^(\s|TAP version|#|ok |not ok |1\.\.|Bail out!)/.test(line) && line !== '') {
        process.stderr.write(`${line}\n`);
      }
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {}
    };
    const onSignal = (signal: NodeJS.Signals) => killGroup(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const watchdog = setTimeout(() => {
      process.stderr.write(`run-tests: ${kind} tests exceeded ${runTimeoutS}s; killing them\n`);
      killGroup('SIGKILL');
    }, runTimeoutS * 1000);
    // 'close' fires after the process exited and its stderr pipe is drained, so the summary is complete.
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolvePromise({ exitCode: code ?? (signal ? 128 : 1), summary });
    });
  });
}

async function main(): Promise<number> {
  const [what, filter] = process.argv.slice(2);
  if (what !== 'unit' && what !== 'integration' && what !== 'all') {
    process.stderr.write('usage: npx tsx scripts/run-tests.ts <unit|integration|all> [filter]\n');
    return 2;
  }
  const all = [...listTests('src'), ...listTests('test')].sort();
  const kinds: Kind[] = what === 'all' ? ['unit', 'integration'] : [what];
  let passed = 0;
  let failed = 0;
  let exitCode = 0;
  for (const kind of kinds) {
    const files = all.filter((f) => classify(f) === kind && (filter === undefined || f.includes(filter)));
    process.stderr.write(
      `run-tests: ${files.length} ${kind} test file(s)${filter ? ` matching "${filter}"` : ''}\n`,
    );
    let result: RunResult;
    if (files.length === 0) {
      // Never call `node --test` with no files: it would fall back to its own default search.
      result = {
        exitCode: 0,
        summary: { tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 },
      };
    } else {
      result = await runNode(kind, files);
    }
    const s = result.summary;
    if (s.pass === undefined || s.fail === undefined) {
      process.stderr.write(`run-tests: the ${kind} run ended without a summary (exit ${result.exitCode})\n`);
      failed += 1;
      exitCode = exitCode || result.exitCode || 1;
    } else {
      process.stdout.write(
        SUMMARY_KEYS.filter((k) => s[k] !== undefined)
          .map((k) => `# ${k} ${s[k]}\n`)
          .join(''),
      );
      passed += s.pass;
      failed += s.fail + (s.cancelled ?? 0);
      if (s.fail + (s.cancelled ?? 0) > 0) exitCode = exitCode || result.exitCode || 1;
      else exitCode = exitCode || result.exitCode;
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`run-tests: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
