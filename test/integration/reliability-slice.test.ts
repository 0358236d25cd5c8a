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

test('npm run reliability -- --slice small: every scorecard line is OK', { timeout: 300_000 }, async (t) => {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
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
  t.diagnostic(out.stdout);
  assert.match(
    out.stdout,
    /^RELIABILITY SCORECARD {2}slice small {2}seed 11/m,
    `no scorecard:\n${out.stderr.slice(-4000)}`,
  );
  const line = (label: string): RegExpExecArray => {
    const m = new RegExp(`^${label}\\s+(.+?)\\s+(OK|BAD)$`, 'm').exec(out.stdout);
    assert.ok(m, `no "${label}" line`);
    return m;
  };
  // The hard gates first: no row lost, duplicated or changed, no canary anywhere.
  for (const l of ['rows lost', 'rows duplicated', 'rows changed', 'secrets found']) {
    const m = line(l);
    assert.deepEqual([l, m[1], m[2]], [l, '0', 'OK'], out.stdout);
  }
  const faults = line('faults injected / survived');
  const [injected, survived] = faults[1]!.split('/').map((x) => Number(x.trim()));
  assert.ok(injected! >= 10, `only ${injected} faults injected`);
  assert.equal(survived, injected, `faults not survived:\n${out.stdout}`);
  assert.equal(line('bad inputs / handled with the right exit code')[2], 'OK', out.stdout);
  assert.equal(out.code, 0, out.stderr.slice(-4000));
  assert.match(out.stdout, /^RESULT PASS$/m);
});
