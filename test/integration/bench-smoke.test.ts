// CI smoke run of the bench (`bench/run.ts --size small`): it must run start to finish on the local servers
// and write a results file with every measurement. It checks that the bench works, never how fast anything
// is (the targets are printed by the bench, not asserted here).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';

test('npm run bench -- --size small runs start to finish and writes every measurement', async (t) => {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--size', 'small'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
  assert.equal(out.code, 0, out.stderr.slice(-3000));
  t.diagnostic(out.stdout);
  const file = /^results: (.+)$/m.exec(out.stdout)?.[1];
  assert.ok(file, 'the bench names its results file');
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    identical: boolean;
    rows: number;
    measurements: { name: string; rows: number; ms: number }[];
    ratios: Record<string, number>;
    targets: { what: string }[];
  };
  rmSync(file);
  assert.equal(r.identical, true);
  assert.ok(r.rows > 500_000, `${r.rows} rows`);
  assert.deepEqual(
    r.measurements.map((m) => m.name.slice(0, 3)),
    ['(a)', '(b)', '(c)', '(c)', '(d)'],
  );
  for (const m of r.measurements) assert.ok(m.rows > 0 && m.ms > 0, m.name);
  for (const k of ['copyOverPipe', 'naiveOverCopy', 'verifyOverCopy'])
    assert.ok(Number.isFinite(r.ratios[k]), k);
  assert.equal(r.targets.length, 4);
  // The printed table never shows a password.
  assert.doesNotMatch(out.stdout + out.stderr, /password=|:\/\/[^@\s]*:[^@\s]+@/);
});
