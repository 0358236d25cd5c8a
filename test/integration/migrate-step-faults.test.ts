// Issue 11: a connection lost outside the chunk copy — in preflight, pre-data, post-data, sequences or verify —
// is retried within the run (the whole step runs again), not ended with exit 255, a false VERIFY_MISMATCH or
// a non-retryable connect error. Each case arms a reset_peer toxic on one side's fault proxy when the step
// starts (every connection is reset at its next byte, reconnects included) and disarms it at the run's first
// retry event, so the fault is certain to hit and certain to end: nothing depends on timing. The independent
// oracle then finds the target identical.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import type { RunEvent, RunStep } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { compareDataset, datasetSql } from '../helpers/migrate-dataset.js';
import { freshPgDatabase, testServers } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const DB = 'pg2my_it_stepfault';
const CASES: readonly { step: RunStep; side: 'pg' | 'my' }[] = [
  { step: 'preflight', side: 'pg' },
  { step: 'preflight', side: 'my' },
  { step: 'pre-data', side: 'my' },
  { step: 'post-data', side: 'my' },
  { step: 'sequences', side: 'my' },
  { step: 'verify', side: 'pg' },
  { step: 'verify', side: 'my' },
];
const RETRY_EVENTS = new Set(['step.retried', 'control.reconnect', 'chunk.retried']);

function viaProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

for (const target of testTargets()) {
  test(`a reset outside the copy is retried within the run (${target.dialect})`, {
    skip: target.skip,
  }, async (t) => {
    const s = await testServers();
    const sourceUrl = await freshPgDatabase(DB, datasetSql(0.02));
    const firstTarget = await target.fresh(`${DB}_probe`);
    const pgProxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: Number(new URL(s.pgUrl()).port),
    });
    const myProxy = await startFaultProxy({
      upstreamHost: new URL(firstTarget).hostname,
      upstreamPort: Number(new URL(firstTarget).port),
    });
    t.after(async () => {
      await pgProxy.close();
      await myProxy.close();
    });

    for (const c of CASES) {
      await t.test(`${c.side} reset when ${c.step} starts`, async () => {
        const targetUrl = await target.fresh(`${DB}_${c.step.replace('-', '')}_${c.side}`);
        const proxy = c.side === 'pg' ? pgProxy : myProxy;
        const resetsBefore = proxy.stats().resets;
        let armed = false;
        let retried: RunEvent | undefined;
        const events: RunEvent[] = [];
        const sink = (e: RunEvent) => {
          events.push(e);
          if (!armed && !retried && e.event === 'step.started' && e.step === c.step) {
            armed = true;
            proxy.setToxic({ type: 'reset_peer', afterBytes: 1, stream: 'upstream' });
          } else if (armed && RETRY_EVENTS.has(e.event)) {
            armed = false;
            retried = e;
            proxy.setToxic(null);
          }
        };
        const config = parseConfig({
          source: viaProxy(sourceUrl, pgProxy.port),
          target: viaProxy(targetUrl, myProxy.port),
          types: { textKey: 'varchar(100)' },
          connectTimeoutMs: 5000,
          migrate: { workers: 2, retry: { maxAttempts: 20, baseMs: 5, capMs: 50, budgetSeconds: 120 } },
        });
        try {
          const r = await runMigrate({ config, runId: `stepfault-${c.step}-${c.side}`, sink });
          assert.equal(r.verify?.identical, true, 'pg2my verify: identical');
        } finally {
          proxy.setToxic(null);
        }
        assert.ok(proxy.stats().resets > resetsBefore, `the fault hit: ${proxy.stats().resets} resets`);
        assert.ok(
          retried,
          `a retry event followed the fault (events: ${events.map((e) => e.event).join(' ')})`,
        );
        const cmp = await compareDataset(sourceUrl, targetUrl);
        for (const x of cmp) assert.deepEqual([x.table, x.lost, x.extra], [x.table, 0, 0]);
      });
    }
  });
}
