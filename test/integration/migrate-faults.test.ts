// Issue 3, 9(c): network faults during the copy. runMigrate runs in-process with both URLs pointing at
// in-process fault proxies (test/helpers/fault-proxy.ts) in front of the real PostgreSQL and MariaDB; a
// seeded schedule resets and stalls connections on both sides while chunks are copied. Invariants asserted:
// the run finishes, an oracle independent of pg2my finds the target identical, faults really hit (chunk
// retries, resets and stalls counted), a stall longer than migrate.stallSeconds is cut while it lasts (no
// hang), and a permanent error (a row over max_allowed_packet) stops at once. Seed: PG2MY_FAULT_SEED.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { exitCodeFor, isMigrationError } from '../../src/errors.js';
import type { RunEvent } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { compareDataset, datasetRows, datasetSql } from '../helpers/migrate-dataset.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';
import { prng } from '../helpers/prng.js';

const DB = 'pg2my_it_migrate_faults';
const SEED = Number(process.env.PG2MY_FAULT_SEED ?? randomInt(1, 2 ** 31));
const SCALE = 0.5;
/** No fault starts once this share of the estimated rows is copied: the copy must not end inside one. */
const FAULT_WINDOW = 0.6;
/** migrate.stallSeconds for the run: the smallest the config allows. */
const STALL_SECONDS = 1;
/** A long stall lasts this many times stallSeconds: the tool must cut it long before it ends. */
const LONG_STALL_FACTOR = 5;

/** The URL with host:port replaced by the proxy's. */
function viaProxy(url: string, proxy: FaultProxy): string {
  const u = new URL(url);
  u.hostname = proxy.host;
  u.port = String(proxy.port);
  return u.toString();
}

/** Collects run events and lets the fault schedule wait for the next one that matches. */
class Events {
  readonly all: RunEvent[] = [];
  #waiters: { pred: (e: RunEvent) => boolean; resolve: (e: RunEvent | undefined) => void }[] = [];
  #closed = false;
  readonly sink = (e: RunEvent): void => {
    this.all.push(e);
    if (process.env.PG2MY_FAULT_TRACE && (e.level !== 'debug' || e.event === 'chunk.retried'))
      console.log(`${e.event} ${e.msg}`);
    for (const w of [...this.#waiters]) {
      if (w.pred(e)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };
  /** The next matching event, or undefined once close() was called. */
  next(pred: (e: RunEvent) => boolean): Promise<RunEvent | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push({ pred, resolve }));
  }
  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w.resolve(undefined);
  }
  count(event: string): number {
    return this.all.filter((e) => e.event === event).length;
  }
}

const isStallRetry = (e: RunEvent): boolean => e.event === 'chunk.retried' && /no data moved/.test(e.msg);

type FaultKind =
  | 'pg-reset'
  | 'my-reset-peer'
  | 'pg-reset-handshake'
  | 'my-reset-handshake'
  | 'pg-stall'
  | 'my-stall'
  | 'pg-stall-close'
  | 'pg-stall-long'
  | 'my-stall-long';

interface FaultLog {
  readonly kind: FaultKind;
  detail: string;
  /**
   * Long stalls: what the tool did while the stall lasted. 'watchdog': it dropped a stalled connection
   * (migrate.stallSeconds); 'retry': a reconnect timed out and was retried; 'none': it waited for the stall.
   */
  cut?: 'watchdog' | 'retry' | 'none';
}

test(`migrate through fault proxies: resets and stalls on both sides, identical target (seed ${SEED})`, async (t) => {
  console.log(`migrate-faults: seed ${SEED} (replay with PG2MY_FAULT_SEED=${SEED})`);
  const random = prng(SEED);
  const uni = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const s = await testServers();
  const sourceUrl = await freshPgDatabase(DB, datasetSql(SCALE));
  const targetUrl = await freshMysqlDatabase(DB);
  const pgProxy = await startFaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: Number(new URL(s.pgUrl()).port),
    seed: SEED,
  });
  const myProxy = await startFaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: Number(new URL(s.mysqlUrl()).port),
    seed: SEED + 1,
  });
  t.after(async () => {
    await pgProxy.close();
    await myProxy.close();
  });

  const config = parseConfig({
    source: viaProxy(sourceUrl, pgProxy),
    target: viaProxy(targetUrl, myProxy),
    types: { textKey: 'varchar(100)' },
    connectTimeoutMs: 2000,
    migrate: {
      workers: 2,
      chunkSeconds: 0.1,
      initialChunkRows: 300,
      maxChunkRows: 600,
      stallSeconds: STALL_SECONDS,
      retry: { maxAttempts: 40, baseMs: 5, capMs: 100, budgetSeconds: 300 },
    },
  });

  // Every kind at least once (the long stalls twice), then seeded extras; shuffled.
  const kinds: FaultKind[] = [
    'pg-reset',
    'my-reset-peer',
    'pg-stall',
    'my-stall',
    'pg-stall-close',
    'pg-stall-long',
    'pg-stall-long',
    'my-stall-long',
    'my-stall-long',
    'pg-reset',
    'my-reset-peer',
    'my-reset-peer',
    'pg-reset-handshake',
    'my-reset-handshake',
  ];
  const extras: FaultKind[] = ['pg-reset', 'my-reset-peer', 'pg-stall', 'my-stall', 'pg-stall-close'];
  for (let i = 0; i < 3; i++) kinds.push(extras[Math.floor(random() * extras.length)]!);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }

  const events = new Events();
  const injected: FaultLog[] = [];
  let copyDone = false;
  let rowsEstimated = Number.POSITIVE_INFINITY;
  let rowsCopied = 0;
  const sink = (e: RunEvent): void => {
    if (e.step === 'copy' && e.event === 'step.started') rowsEstimated = Number(e.data?.rowsEstimated);
    if (e.event === 'chunk.copied') rowsCopied += Number(e.data?.rows ?? 0);
    if (e.step === 'copy' && e.event === 'step.finished') {
      // Synchronously, before runMigrate goes on to post-data on its control session.
      copyDone = true;
      pgProxy.setToxic(null);
      myProxy.setToxic(null);
      events.sink(e);
      events.close();
      return;
    }
    events.sink(e);
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /**
   * stallAll, then make sure every connection flows again. Works around a bug in test/helpers/fault-proxy.ts:
   * its resume check (`now() < stalledUntil - 0.5`, and `now() >= stalledUntil` for connections opened
   * during the stall) fails when Node's timer fires early against performance.now() (libuv's cached loop
   * time), and those connections then stay stalled forever. A zero-length stall a little later resumes them.
   */
  async function stall(proxy: FaultProxy, ms: number, opts?: { after: 'close' }): Promise<void> {
    await proxy.stallAll(ms, opts);
    await sleep(10);
    await proxy.stallAll(0);
  }

  /** One fault; resolves when it is over. */
  async function inject(kind: FaultKind): Promise<void> {
    const log: FaultLog = { kind, detail: '' };
    injected.push(log);
    if (process.env.PG2MY_FAULT_TRACE)
      console.log(`inject ${kind} after ${events.count('chunk.copied')} chunks`);
    switch (kind) {
      case 'pg-reset': {
        // Every PostgreSQL connection, the snapshot's coordinator included (readers then join a new one).
        log.detail = `${pgProxy.resetAll()} connections`;
        return;
      }
      case 'my-reset-peer': {
        // Only connections that move bytes (the lanes), never the idle control session that holds the run
        // lock: runMigrate does not reconnect it, so a reset there fails the run after the copy (reported;
        // not a copy fault). Cleared after the first reset; handshakes are the *-reset-handshake faults.
        const stream = random() < 0.7 ? 'upstream' : 'downstream';
        const afterBytes = stream === 'upstream' ? uni(4_000, 120_000) : uni(50, 2_000);
        log.detail = `${stream} after ${afterBytes} bytes`;
        const before = myProxy.stats().resets;
        myProxy.setToxic({ type: 'reset_peer', afterBytes, stream });
        while (!copyDone && myProxy.stats().resets === before) await sleep(2);
        myProxy.setToxic(null);
        return;
      }
      case 'pg-reset-handshake':
      case 'my-reset-handshake': {
        // Reset every connection a few bytes into what the server sends: the lanes' sessions, then the
        // sessions they reconnect with, in their handshake (a server that accepts and drops connections).
        const proxy = kind === 'pg-reset-handshake' ? pgProxy : myProxy;
        const afterBytes = uni(0, 40);
        log.detail = `downstream after ${afterBytes} bytes, until 3 resets`;
        const before = proxy.stats().resets;
        proxy.setToxic({ type: 'reset_peer', afterBytes, stream: 'downstream' });
        while (!copyDone && proxy.stats().resets < before + 3) await sleep(2);
        proxy.setToxic(null);
        return;
      }
      case 'pg-stall':
      case 'my-stall': {
        const ms = uni(50, 600);
        log.detail = `${ms} ms, then resume`;
        await stall(kind === 'pg-stall' ? pgProxy : myProxy, ms);
        return;
      }
      case 'pg-stall-close': {
        const ms = uni(100, 800);
        log.detail = `${ms} ms, then close`;
        await stall(pgProxy, ms, { after: 'close' });
        return;
      }
      case 'pg-stall-long':
      case 'my-stall-long': {
        // Longer than stallSeconds: the tool must drop the stalled connections and retry while the stall
        // still lasts, not wait for it to end (when the kernel-buffered bytes flow again). It starts once
        // both lanes have working sessions, so that the stall hits chunks in flight, not reconnects.
        await settle();
        const ms = STALL_SECONDS * 1000 * LONG_STALL_FACTOR;
        log.detail = `${ms} ms, then resume`;
        const proxy = kind === 'pg-stall-long' ? pgProxy : myProxy;
        const from = events.all.length;
        await proxy.stallAll(ms);
        // Events are recorded synchronously: what is in the log now happened before the stall ended.
        const during = events.all.slice(from).filter((e) => e.event === 'chunk.retried');
        log.cut = during.some(isStallRetry) ? 'watchdog' : during.length > 0 ? 'retry' : 'none';
        await sleep(10);
        await proxy.stallAll(0); // see stall()
        return;
      }
    }
  }

  /** Wait for 4 chunks copied in a row without a retry between them (or the end of the copy). */
  async function settle(): Promise<void> {
    for (let inARow = 0; inARow < 4 && !copyDone; ) {
      const e = await events.next((x) => x.event === 'chunk.copied' || x.event === 'chunk.retried');
      inARow = e?.event === 'chunk.copied' ? inARow + 1 : 0;
    }
  }

  async function chaos(): Promise<void> {
    // Faults start once lanes are copying (the coordinator's key-range queries at the start of the copy
    // are not retried; see the report), and each waits for a chunk or two of progress.
    if (!(await events.next((e) => e.event === 'chunk.copied'))) return;
    for (const kind of kinds) {
      if (copyDone || rowsCopied > FAULT_WINDOW * rowsEstimated) return;
      await inject(kind);
      for (let k = uni(1, 2); k > 0 && !copyDone; k--) await events.next((e) => e.event === 'chunk.copied');
    }
  }

  let chaosDone: Promise<void> | undefined;
  void events
    .next((e) => e.event === 'step.started' && e.step === 'copy')
    .then(() => {
      chaosDone = chaos();
    });
  let result: Awaited<ReturnType<typeof runMigrate>>;
  try {
    result = await runMigrate({ config, runId: `faults-${SEED}`, sink, verify: 'checksum' });
  } finally {
    copyDone = true;
    events.close();
    myProxy.setToxic(null);
  }
  await chaosDone;

  const retried = events.count('chunk.retried');
  console.log(
    `migrate-faults: injected ${injected.map((f) => `${f.kind}(${f.detail}${f.cut ? `, cut: ${f.cut}` : ''})`).join(', ')}`,
  );
  console.log(
    `migrate-faults: ${retried} chunk retries (${events.all.filter(isStallRetry).length} after stalls), ${events.count('snapshot.renewed')} snapshot renewals; pg proxy ${JSON.stringify(pgProxy.stats())}; mysql proxy ${JSON.stringify(myProxy.stats())}`,
  );

  assert.equal(result.verify?.identical, true, "pg2my's own verify");
  const cmp = await compareDataset(sourceUrl, targetUrl);
  const rows = datasetRows(SCALE);
  for (const c of cmp) {
    assert.equal(c.sourceRows, rows[c.table], `${c.table}: source rows`);
    assert.deepEqual(
      { table: c.table, targetRows: c.targetRows, lost: c.lost, duplicatedOrChanged: c.extra },
      { table: c.table, targetRows: c.sourceRows, lost: 0, duplicatedOrChanged: 0 },
    );
  }

  // The faults really hit the copy: every kind was injected during it, and chunks were retried.
  const kindsInjected = new Set(injected.map((f) => f.kind));
  for (const k of new Set(kinds))
    assert.ok(kindsInjected.has(k), `${k} was never injected (the copy ended first)`);
  assert.ok(retried >= 3, `only ${retried} chunk retries`);
  assert.ok(pgProxy.stats().resets > 0 && myProxy.stats().resets > 0, 'no reset on one side');
  // No lane waited out a stall, and on each side the stall watchdog itself dropped a stalled connection.
  for (const f of injected.filter((x) => x.cut !== undefined))
    assert.notEqual(
      f.cut,
      'none',
      `${f.kind}: no chunk was retried while the stall lasted (the tool waited)`,
    );
  for (const side of ['pg-stall-long', 'my-stall-long'] as const)
    assert.ok(
      injected.some((f) => f.kind === side && f.cut === 'watchdog'),
      `${side}: the stall watchdog never dropped a stalled connection`,
    );
});

test('a permanent error (a row larger than max_allowed_packet, INSERT path) stops at once, without retries', async (t) => {
  // max_allowed_packet is GLOBAL-only for new sessions; it is restored in t.after whatever happens.
  const s = await testServers();
  const admin = await mysql.createConnection(s.mysqlUrl());
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT @@GLOBAL.max_allowed_packet AS m');
  const original = Number(rows[0]!.m);
  t.after(async () => {
    await admin.query(`SET GLOBAL max_allowed_packet = ${original}`);
    await admin.end();
  });
  const sourceUrl = await freshPgDatabase(
    `${DB}_packet`,
    `CREATE TABLE blobs (id integer PRIMARY KEY, b bytea);
     INSERT INTO blobs SELECT g, CASE WHEN g = 700 THEN decode(repeat('ab', 2000000), 'hex') ELSE '\\x0102'::bytea END
       FROM generate_series(1, 2000) g;
     ANALYZE;`,
  );
  const targetUrl = await freshMysqlDatabase(`${DB}_packet`);
  await admin.query('SET GLOBAL max_allowed_packet = 1048576');

  const events = new Events();
  const config = parseConfig({
    source: sourceUrl,
    target: targetUrl,
    migrate: {
      loadMethod: 'insert',
      initialChunkRows: 500,
      maxChunkRows: 500,
      retry: { maxAttempts: 40, baseMs: 5, capMs: 50, budgetSeconds: 300 },
    },
  });
  const err = await runMigrate({ config, runId: 'packet', sink: events.sink, verify: 'none' }).then(
    () => assert.fail('a 2 MB row went through a 1 MB max_allowed_packet'),
    (e: unknown) => e,
  );
  assert.ok(isMigrationError(err), String(err));
  assert.equal(err.code, 'DATA_REJECTED');
  assert.notEqual(exitCodeFor(err), 0);
  assert.match(err.message, /blobs/);
  assert.match(err.message, /max_allowed_packet/);
  assert.match(err.hint ?? '', /max_allowed_packet/);
  assert.equal(events.count('chunk.retried'), 0, 'a permanent error was retried');
});

test('every target connection reset at once, the idle control session (run lock) included: the run reconnects, relocks and finishes identical', async (t) => {
  const s = await testServers();
  const sourceUrl = await freshPgDatabase(`${DB}_ctl`, datasetSql(0.1));
  const targetUrl = await freshMysqlDatabase(`${DB}_ctl`);
  const myProxy = await startFaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: Number(new URL(s.mysqlUrl()).port),
  });
  t.after(() => myProxy.close());
  const config = parseConfig({
    source: sourceUrl,
    target: viaProxy(targetUrl, myProxy),
    types: { textKey: 'varchar(100)' },
    migrate: { workers: 2, initialChunkRows: 300, maxChunkRows: 600, retry: { baseMs: 10, capMs: 200 } },
  });
  const events = new Events();
  let resets = 0;
  void events
    .next((e) => e.event === 'chunk.copied')
    .then(() => {
      resets = myProxy.resetAll();
    });
  const result = await runMigrate({ config, runId: 'control-reset', sink: events.sink, verify: 'checksum' });
  events.close();
  assert.ok(resets >= 3, `reset ${resets} connections (control + 2 lanes expected)`);
  assert.ok(events.count('control.reconnect') >= 1, 'the lost control session was noticed and replaced');
  assert.equal(result.verify?.identical, true);
  for (const c of await compareDataset(sourceUrl, targetUrl))
    assert.deepEqual([c.table, c.lost, c.extra, c.targetRows], [c.table, 0, 0, c.sourceRows]);
});
