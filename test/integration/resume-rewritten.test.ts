// A keyless table's checkpoints are ctid (heap block) ranges, which only name the same rows while the table
// keeps its physical file. A table rewritten between two runs (VACUUM FULL here; CLUSTER and pg_repack do
// the same) must be copied again from the start: the resume ends identical, no row lost or repeated.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { isMigrationError } from '../../src/errors.js';
import type { RunEvent } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

for (const target of testTargets()) {
  test(`resume after VACUUM FULL of a keyless table recopies it: identical (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    // Dead tuples in every other block: VACUUM FULL then packs the live rows into fewer blocks.
    const source = await freshPgDatabase(
      'it_rewrite',
      `CREATE TABLE logs (n int NOT NULL, msg text NOT NULL);
       ALTER TABLE logs SET (autovacuum_enabled = false);
       INSERT INTO logs SELECT g, repeat('x', 40) || g FROM generate_series(1, 40000) g;
       UPDATE logs SET msg = msg WHERE n % 2 = 0;
       ANALYZE logs;`,
    );
    const url = await target.fresh('it_rewrite');
    const config = parseConfig({
      source,
      target: url,
      migrate: { workers: 1, initialChunkRows: 4000, maxChunkRows: 4000, chunkSeconds: 600 },
    });
    const abort = new AbortController();
    let copied = 0;
    try {
      await runMigrate({
        config,
        runId: 'rw-1',
        signal: abort.signal,
        sink: (e) => {
          if (e.event === 'chunk.copied' && ++copied === 3) abort.abort();
        },
      });
      assert.fail('the first run was meant to be interrupted');
    } catch (e) {
      assert.ok(isMigrationError(e) && e.code === 'INTERRUPTED', String(e));
    }
    const c = new pg.Client({ connectionString: source });
    await c.connect();
    try {
      const before = await c.query<{ f: string }>(`SELECT pg_relation_filenode('logs')::text AS f`);
      await c.query('VACUUM FULL logs');
      const after = await c.query<{ f: string }>(`SELECT pg_relation_filenode('logs')::text AS f`);
      assert.notEqual(after.rows[0]?.f, before.rows[0]?.f, 'the table got a new file');
    } finally {
      await c.end();
    }
    const events: RunEvent[] = [];
    const r = await runMigrate({ config, runId: 'rw-2', sink: (e) => events.push(e) });
    assert.equal(r.state, 'resume');
    const [d] = await oracleCompare(source, url, r.plan);
    assert.ok(d);
    assert.deepEqual([d.targetRows, d.onlySource.length, d.onlyTarget.length], [40000, 0, 0]);
    assert.equal(r.verify?.identical, true);
    assert.ok(
      events.some((e) => e.event === 'table.rewritten'),
      'the rewrite was detected and said',
    );
  });
}
