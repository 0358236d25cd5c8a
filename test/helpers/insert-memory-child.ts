// A child process for the INSERT-path memory tests: migrates PG2MY_CHILD_SOURCE into PG2MY_CHILD_TARGET with
// `loadMethod: insert` (no verify: the parent checks the copy) and prints one JSON line with the outcome and
// this process's peak resident memory (VmHWM from /proc/self/status), so a test bounds memory, never time.
// URLs come through the environment (not argv, which other processes can read).

import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/load-config.js';
import { isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';

/** Peak resident set size of this process in bytes (VmHWM), or -1 when /proc is not there. */
function peakRss(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : -1;
}

const source = process.env.PG2MY_CHILD_SOURCE ?? '';
const target = process.env.PG2MY_CHILD_TARGET ?? '';
let out: Record<string, unknown>;
try {
  const r = await runMigrate({
    config: parseConfig({ source, target, migrate: { loadMethod: 'insert', workers: 1 } }),
    runId: 'insert-memory',
    sink: silentSink,
    verify: 'none',
  });
  out = { ok: true, rows: r.copy.rows, loadMethod: r.loadMethod };
} catch (e) {
  out = isMigrationError(e)
    ? { ok: false, code: e.code, message: e.message, details: e.details, hint: e.hint ?? null }
    : { ok: false, code: 'THROWN', message: e instanceof Error ? e.message : String(e) };
}
process.stdout.write(`${JSON.stringify({ ...out, peakRss: peakRss() })}\n`);
