// CI smoke run of the bench: `npm run bench -- --size small` (scripts/bench.sh → bench/run.ts) must run start
// to finish on the local servers and write a results file with every measurement, each over the whole
// dataset. It checks that the bench works, never how fast anything is: the targets are printed by the
// bench (PASS/MISS), not asserted here. Results go to a temporary directory, not bench/results.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchResults, MeasurementKey } from '../../bench/report.js';
import { testServers } from '../helpers/servers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('npm run bench -- --size small runs start to finish and writes every measurement', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pg2my-bench-smoke-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      'bash',
      ['scripts/bench.sh', '--size', 'small', '--results-dir', dir, '--quiet-wait', '0'],
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
  assert.equal(out.code, 0, `bench failed:\n${out.stderr.slice(-4000)}`);
  t.diagnostic(out.stdout);

  const files = readdirSync(dir);
  assert.equal(files.length, 1, `one results file, got ${files.join(', ')}`);
  assert.match(files[0]!, /^small-\d{8}T\d{6}Z\.json$/);
  assert.ok(out.stdout.includes(join(dir, files[0]!)), 'the bench names its results file');
  const r = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as BenchResults;

  assert.equal(r.size, 'small');
  assert.ok(r.dataset.rows > 500_000, `${r.dataset.rows} rows`);
  assert.ok(r.dataset.bytes > 50e6, `${r.dataset.bytes} bytes`);
  const keys: MeasurementKey[] = ['pipe', 'naive', 'pg2myCopy', 'pg2myMigrate', 'verify'];
  assert.deepEqual(Object.keys(r.measurements).sort(), [...keys].sort());
  for (const k of keys) {
    const m = r.measurements[k];
    assert.equal(m.rows, r.dataset.rows, k);
    assert.ok(m.rows > 0 && m.ms > 0 && m.rowsPerS > 0 && m.mbPerS > 0, k);
    assert.equal(m.runs.length, 1, k);
  }
  // Peak RSS is measured for every process the issue names (pg2my and the naive node process).
  for (const k of ['naive', 'pg2myMigrate', 'verify'] as const)
    assert.ok((r.measurements[k].peakRssMb ?? 0) > 0, `${k} peak RSS`);
  assert.equal(r.measurements.pg2myCopy.runs[0]!.detail?.rows, r.dataset.rows);
  for (const v of Object.values(r.ratios)) assert.ok(Number.isFinite(v) && v > 0);
  assert.equal(r.targets.length, 4);
  const escapeRe = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const target of r.targets)
    assert.match(out.stdout, new RegExp(`${escapeRe(target.name)}.*(PASS|MISS)`), target.name);
  // Nothing printed or written holds a password.
  const { pgPassword, mysqlPassword } = await testServers();
  const seen = out.stdout + out.stderr + readFileSync(join(dir, files[0]!), 'utf8');
  for (const secret of [pgPassword, mysqlPassword])
    assert.ok(!seen.includes(secret), 'a password was printed');
});
