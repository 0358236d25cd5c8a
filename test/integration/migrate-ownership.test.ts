// Who owns a target, decided once (decideOwnership) for migrate and assess, on the real servers:
// `schema --apply` then `migrate` works; assess after an interrupted migrate does not call the target "not
// empty"; a refused --restart drops nothing; runs that end say so in _pg2my_runs (failed, interrupted,
// abandoned); a never-analysed table is not logged as "about -1 rows".

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { isMigrationError } from '../../src/errors.js';
import { type RunEvent, silentSink } from '../../src/events.js';
import { runAssess } from '../../src/pipeline/assess.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { runSchema } from '../../src/pipeline/schema.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const SQL = `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, body text);
INSERT INTO users SELECT g, 'u' || g || '@x.org' FROM generate_series(1, 300) g;
INSERT INTO posts SELECT g, 1 + g % 300, repeat('b', g % 50) FROM generate_series(1, 3000) g;
ANALYZE users; ANALYZE posts;`;

async function query(url: string, sql: string): Promise<mysql.RowDataPacket[]> {
  const c = await mysql.createConnection(url);
  try {
    const [rows] = await c.query<mysql.RowDataPacket[]>(sql);
    return rows;
  } finally {
    await c.end();
  }
}

const statuses = async (url: string) =>
  (await query(url, 'SELECT status FROM _pg2my_runs ORDER BY started_at, run_id')).map((r) =>
    String(r.status),
  );

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isMigrationError(e), String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail('it was not refused');
}

for (const target of testTargets()) {
  const d = target.dialect;

  test(`schema --apply, then migrate: the empty tables are adopted, identical (${d})`, {
    skip: target.skip,
  }, async () => {
    const source = await freshPgDatabase('it_own_schema', SQL);
    const url = await target.fresh('it_own_schema');
    const config = parseConfig({ source, target: url, migrate: { initialChunkRows: 500 } });
    const applied = await runSchema({ config, apply: true, sink: silentSink, runId: 'own-schema' });
    assert.ok(applied.applied.length > 0);
    const events: RunEvent[] = [];
    const r = await runMigrate({ config, runId: 'own-migrate', sink: (e) => events.push(e) });
    assert.equal(r.state, 'fresh');
    assert.ok(events.some((e) => e.event === 'target.adopted'));
    assert.equal(r.verify?.identical, true);
    for (const x of await oracleCompare(source, url, r.plan)) assert.deepEqual(x.onlySource, [], x.table);
    // Adopted only while empty: rows that no run wrote make the same tables foreign.
    const again = await target.fresh('it_own_schema');
    await runSchema({ config, apply: true, sink: silentSink, runId: 'own-schema-2' });
    await query(again, "INSERT INTO users VALUES (9999, 'someone@else.org')");
    const refused = await refusal(runMigrate({ config, runId: 'own-migrate-2', sink: silentSink }));
    assert.equal(refused.code, 'TARGET_NOT_EMPTY');
    assert.match(refused.message, /users/);
  });

  test(`assess after an interrupted migrate: resumable, not "not empty"; the run says interrupted (${d})`, {
    skip: target.skip,
  }, async () => {
    const source = await freshPgDatabase('it_own_interrupt', SQL);
    const url = await target.fresh('it_own_interrupt');
    const config = parseConfig({
      source,
      target: url,
      migrate: { initialChunkRows: 200, maxChunkRows: 200, workers: 1 },
    });
    const abort = new AbortController();
    const stopped = await refusal(
      runMigrate({
        config,
        runId: 'own-int',
        signal: abort.signal,
        sink: (e) => {
          if (e.event === 'chunk.copied') abort.abort();
        },
      }),
    );
    assert.equal(stopped.code, 'INTERRUPTED');
    assert.deepEqual(await statuses(url), ['interrupted']);
    const report = await runAssess({ config, runId: 'own-assess', sink: silentSink });
    assert.equal(
      report.risks.find((r) => r.id === 'TARGET_NOT_EMPTY'),
      undefined,
    );
    assert.match(report.checks.find((c) => c.name === 'target database')?.detail ?? '', /own-int.*resumable/);
    // A run that died unseen stays `running`; the next one, holding the lock, marks it abandoned.
    await query(url, "UPDATE _pg2my_runs SET status = 'running'");
    const r = await runMigrate({ config, runId: 'own-int-2', sink: silentSink });
    assert.equal(r.state, 'resume');
    assert.equal(r.verify?.identical, true);
    assert.deepEqual(await statuses(url), ['abandoned', 'done']);
  });

  test(`a refused --restart drops nothing and names the table in the way (${d})`, {
    skip: target.skip,
  }, async () => {
    const source = await freshPgDatabase('it_own_restart', SQL);
    const url = await target.fresh('it_own_restart');
    const config = parseConfig({ source, target: url });
    await runMigrate({ config, runId: 'own-restart-1', sink: silentSink });
    await query(url, 'CREATE TABLE extra (id int PRIMARY KEY)');
    await query(url, 'INSERT INTO posts VALUES (100000, 1, NULL)'); // written after the copy
    const refused = await refusal(
      runMigrate({ config, runId: 'own-restart-2', restart: true, sink: silentSink }),
    );
    assert.equal(refused.code, 'TARGET_NOT_EMPTY');
    assert.match(refused.message, /extra.*Nothing was dropped/);
    const [n] = await query(url, 'SELECT COUNT(*) AS n FROM posts');
    assert.equal(Number(n?.n), 3001, 'the run’s tables, with the later row, are still there');
    assert.deepEqual(await statuses(url), ['done']);
    // With the table in the way gone, the restart drops and starts over, saying what it drops.
    await query(url, 'DROP TABLE extra');
    const events: RunEvent[] = [];
    const r = await runMigrate({
      config,
      runId: 'own-restart-3',
      restart: true,
      sink: (e) => events.push(e),
    });
    assert.equal(r.state, 'fresh');
    assert.equal(r.verify?.identical, true);
    assert.match(events.find((e) => e.event === 'run.restart')?.msg ?? '', /posts/);
  });

  test(`a failed run says failed; a never-analysed table is not "about -1 rows" (${d})`, {
    skip: target.skip,
  }, async () => {
    const source = await freshPgDatabase(
      'it_own_failed',
      `CREATE TABLE t (id int PRIMARY KEY, d date);
       INSERT INTO t VALUES (1, '2024-01-01'), (2, 'infinity');`,
    );
    const url = await target.fresh('it_own_failed');
    const events: RunEvent[] = [];
    const failed = await refusal(
      runMigrate({
        config: parseConfig({ source, target: url }),
        runId: 'own-failed',
        sink: (e) => events.push(e),
      }),
    );
    assert.equal(failed.code, 'DATA_REJECTED');
    assert.deepEqual(await statuses(url), ['failed']);
    const started = events.find((e) => e.event === 'table.started');
    assert.ok(started);
    assert.doesNotMatch(started.msg, /-1/);
  });
}
