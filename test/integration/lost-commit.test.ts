// Issue 11: the lost-COMMIT re-read. The target commits a chunk (rows and checkpoint in one transaction) but
// its reply is lost with the connection: the fault proxy lets the COMMIT through, waits for the server's
// answer (so the commit is certain to have happened), drops it and resets. The copy must treat that as
// "outcome unknown", read the checkpoint again on a new connection, find the chunk committed and go on:
// the chunk is reported recovered, and the independent oracle finds no row lost and none twice.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import type { RunEvent } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { compareDataset, datasetSql } from '../helpers/migrate-dataset.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const DB = 'pg2my_it_lostcommit';
/** A MySQL COM_QUERY packet for `COMMIT`: length 7, sequence 0, command 0x03, the text. */
const COMMIT_PACKET = Buffer.concat([Buffer.from([7, 0, 0, 0, 3]), Buffer.from('COMMIT', 'latin1')]);

for (const target of testTargets()) {
  test(`a COMMIT whose reply is lost is found committed, not copied twice (${target.dialect})`, {
    skip: target.skip,
  }, async (t) => {
    const sourceUrl = await freshPgDatabase(DB, datasetSql(0.05));
    const targetUrl = await target.fresh(DB);
    const u = new URL(targetUrl);
    const proxy = await startFaultProxy({ upstreamHost: u.hostname, upstreamPort: Number(u.port) });
    t.after(() => proxy.close());
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);

    const events: RunEvent[] = [];
    let armed = false;
    const sink = (e: RunEvent) => {
      events.push(e);
      // After the first chunk, so the hit lands mid-copy on a lane (not on the control session).
      if (!armed && e.event === 'chunk.copied') {
        armed = true;
        proxy.setToxic({ type: 'lose_reply', match: COMMIT_PACKET, count: 1 });
      }
    };
    const config = parseConfig({
      source: sourceUrl,
      target: u.toString(),
      types: { textKey: 'varchar(100)' },
      migrate: {
        workers: 1,
        initialChunkRows: 200,
        maxChunkRows: 200,
        retry: { maxAttempts: 10, baseMs: 5, capMs: 50, budgetSeconds: 120 },
      },
    });
    const r = await runMigrate({ config, runId: 'lost-commit', sink });
    proxy.setToxic(null);

    assert.equal(proxy.stats().resets, 1, 'exactly one reply was lost');
    const retried = events.filter((e) => e.event === 'chunk.retried');
    assert.equal(retried.length, 1, `one chunk retry: ${retried.map((e) => e.msg).join(' | ')}`);
    const recovered = events.filter((e) => e.event === 'chunk.copied' && e.data?.recovered === true);
    assert.equal(recovered.length, 1, 'the chunk whose reply was lost is found committed by the re-read');
    assert.equal(recovered[0]!.table, retried[0]!.table);
    assert.equal(r.verify?.identical, true);
    for (const x of await compareDataset(sourceUrl, targetUrl))
      assert.deepEqual([x.table, x.lost, x.extra], [x.table, 0, 0]);
  });
}
