// CI slice of the reliability scorecard: `scripts/reliability.ts --slice small --seed 11` starts its own
// private PostgreSQL and MariaDB (never the shared test servers), injects a seeded subset of every fault
// kind through the real CLI, runs one bad input of each family and every password channel, and prints ONE
// table. Each line is asserted on its own so a failure names it; the full run (npm run reliability) is
// not in CI. The seed is fixed so the slice replays the same way; nothing depends on wall-clock.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let run: Promise<{ code: number | null; stdout: string; stderr: string }> | undefined;
function slice(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  run ??= new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/reliability.ts', '--slice', 'small', '--seed', '11'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return run;
}

function line(stdout: string, label: string): RegExpExecArray {
  const m = new RegExp(`^${label}\\s+(.+?)\\s+(OK|BAD)$`, 'm').exec(stdout);
  assert.ok(m, `no "${label}" line:\n${stdout}`);
  return m;
}

test('reliability slice: the scorecard runs; 0 rows lost, duplicated or changed; 0 secrets', {
  timeout: 300_000,
}, async (t) => {
  const out = await slice();
  t.diagnostic(out.stdout);
  assert.match(
    out.stdout,
    /^RELIABILITY SCORECARD {2}slice small {2}seed 11/m,
    `no scorecard:\n${out.stderr.slice(-4000)}`,
  );
  for (const l of ['rows lost', 'rows duplicated', 'rows changed', 'secrets found']) {
    const m = line(out.stdout, l);
    assert.deepEqual([l, m[1], m[2]], [l, '0', 'OK'], out.stdout);
  }
});

test('reliability slice: every bad input is handled with its documented exit code', {
  timeout: 300_000,
}, async () => {
  const out = await slice();
  assert.equal(line(out.stdout, 'bad inputs / handled with the right exit code')[2], 'OK', out.stdout);
});

test('reliability slice: every injected fault is survived, and the scorecard passes', {
  timeout: 300_000,
}, async () => {
  const out = await slice();
  const faults = line(out.stdout, 'faults injected / survived');
  const [injected, survived] = faults[1]!.split('/').map((x) => Number(x.trim()));
  assert.ok(injected! >= 10, `only ${injected} faults injected`);
  assert.equal(survived, injected, `faults not survived:\n${out.stdout}`);
  assert.equal(out.code, 0, out.stderr.slice(-4000));
  assert.match(out.stdout, /^RESULT PASS$/m);
});
