// End-to-end check of the COPY-text → LOAD DATA transcoder against the real test servers: tricky text values
// go PostgreSQL → COPY TO STDOUT (pg-copy-streams) → transcoder → mysql2 LOAD DATA LOCAL INFILE and must read
// back identical. Also: the same data without the transcoder loses \f and \v (why it exists), and the error
// classifiers on real server errors and on a connection reset through the fault proxy.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { classifyPgError } from '../../src/source/postgres/classify-error.js';
import { classifyMysqlError } from '../../src/target/mysql/classify-error.js';
import { CopyTextToLoadData, loadDataLocalSql } from '../../src/target/mysql/load-data-stream.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { freshMysql8Database, freshMysqlDatabase, freshPgDatabase } from '../helpers/servers.js';
import { prng as rng } from '../helpers/prng.js';

const DB = 'pg2my_it_load_data_stream';

function trickyValues(): (string | null)[] {
  const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');
  const fixed: (string | null)[] = [
    '',
    null,
    'plain',
    controls,
    '\f',
    '\v',
    '\f\v\b\t\n\r',
    '\\',
    '\\\\',
    '\\N',
    'N',
    '\\0',
    '\\Z',
    '\\f',
    '\\v',
    '\\b',
    'trailing backslash\\',
    '\x1a\x7f',
    '😀👨‍👩‍👧é日本\u2028\u00a0',
    'e\u0301 combining',
    '   ',
    'tab\tand\nnewline\r\n',
  ];
  const palette = [
    '\t',
    '\n',
    '\r',
    '\b',
    '\f',
    '\v',
    '\\',
    'N',
    '0',
    'Z',
    'a',
    'é',
    '😀',
    ' ',
    '\x01',
    '\x1a',
  ];
  const r = rng(2024);
  for (let i = 0; i < 300; i++) {
    const len = Math.floor(r() * 40);
    let s = '';
    for (let j = 0; j < len; j++) s += palette[Math.floor(r() * palette.length)];
    fixed.push(s);
  }
  // A large value so that COPY data arrives in many chunks with escapes across chunk boundaries.
  let big = '';
  for (let i = 0; i < 200_000; i++) big += palette[Math.floor(r() * palette.length)];
  fixed.push(big);
  return fixed;
}

const VALUES = trickyValues();
let pgUrl = '';

before(async () => {
  pgUrl = await freshPgDatabase(DB, 'CREATE TABLE t (id int PRIMARY KEY, v text, w text);');
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    for (let i = 0; i < VALUES.length; i++) {
      // w holds the value reversed by code point, so two text columns per row are checked.
      const v = VALUES[i] ?? null;
      await c.query('INSERT INTO t (id, v, w) VALUES ($1, $2, $3)', [
        i,
        v,
        v === null ? 'x' : [...v].reverse().join(''),
      ]);
    }
  } finally {
    await c.end();
  }
});

const MY_TABLE = `CREATE TABLE t (
  id INT PRIMARY KEY,
  v LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  w LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL
)`;

interface Loaded {
  rows: [number, string | null, string | null][];
  warnings: number;
  transcoder?: CopyTextToLoadData;
}

async function copyInto(mysqlUrl: string, useTranscoder: boolean): Promise<Loaded> {
  const src = new pg.Client({ connectionString: pgUrl });
  await src.connect();
  const dst = await mysql.createConnection({ uri: mysqlUrl });
  try {
    await dst.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
    await dst.query('DROP TABLE IF EXISTS t');
    await dst.query(MY_TABLE);
    const copy = src.query(copyTo('COPY t (id, v, w) TO STDOUT'));
    const transcoder = useTranscoder ? new CopyTextToLoadData() : undefined;
    const stream = transcoder === undefined ? copy : copy.pipe(transcoder);
    copy.on('error', (e) => stream.destroy(e));
    const [res] = await dst.query<mysql.ResultSetHeader>({
      sql: loadDataLocalSql('`t`'),
      infileStreamFactory: () => stream,
    });
    const [rows] = await dst.query<mysql.RowDataPacket[]>('SELECT id, v, w FROM t ORDER BY id');
    return {
      rows: rows.map((r) => [Number(r.id), r.v as string | null, r.w as string | null]),
      warnings: res.warningStatus,
      ...(transcoder === undefined ? {} : { transcoder }),
    };
  } finally {
    await dst.end();
    await src.end();
  }
}

async function sourceRows(): Promise<[number, string | null, string | null][]> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    const r = await c.query<{ id: number; v: string | null; w: string | null }>(
      'SELECT id, v, w FROM t ORDER BY id',
    );
    return r.rows.map((x) => [x.id, x.v, x.w]);
  } finally {
    await c.end();
  }
}

async function checkTarget(url: string): Promise<void> {
  const expected = await sourceRows();
  assert.equal(expected.length, VALUES.length);
  const { rows, warnings, transcoder } = await copyInto(url, true);
  assert.equal(warnings, 0);
  assert.equal(transcoder?.rows, VALUES.length);
  assert.equal(rows.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.deepEqual(rows[i], expected[i], `row ${i}`);
}

test('MariaDB: COPY text → transcoder → LOAD DATA LOCAL reads back every value exactly', async () => {
  await checkTarget(await freshMysqlDatabase(DB));
});

test('MySQL 8 (PG2MY_TEST_MYSQL8_URL): same round trip', async (t) => {
  const url = await freshMysql8Database(DB);
  if (url === null) {
    t.skip('PG2MY_TEST_MYSQL8_URL is not set');
    return;
  }
  await checkTarget(url);
});

test('MariaDB without the transcoder: \\f and \\v come back as the letters f and v (the known difference)', async () => {
  const { rows } = await copyInto(await freshMysqlDatabase(DB), false);
  const ff = VALUES.indexOf('\f');
  const vt = VALUES.indexOf('\v');
  assert.equal(rows[ff]?.[1], 'f');
  assert.equal(rows[vt]?.[1], 'v');
  const bs = VALUES.indexOf('\\N');
  assert.equal(rows[bs]?.[1], '\\N', 'other escapes already agree');
});

// ---- classifiers on real server errors ----

let myUrl = '';

test('classifyMysqlError on real MariaDB errors', async () => {
  myUrl = await freshMysqlDatabase(DB);
  const a = await mysql.createConnection({ uri: myUrl });
  const b = await mysql.createConnection({ uri: myUrl });
  try {
    await a.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
    await a.query('CREATE TABLE k (id INT PRIMARY KEY, s VARCHAR(3))');
    await a.query('INSERT INTO k VALUES (1, "a")');
    const err = async (p: Promise<unknown>): Promise<unknown> =>
      p.then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
    const cls = (e: unknown) => {
      const c = classifyMysqlError(e, { flavour: 'mariadb' });
      return [c.class, c.kind, c.errno];
    };
    assert.deepEqual(cls(await err(a.query('INSERT INTO k VALUES (1, "b")'))), [
      'permanent',
      'duplicate-key',
      1062,
    ]);
    assert.deepEqual(cls(await err(a.query('INSERT INTO k VALUES (2, "toolong")'))), [
      'permanent',
      'data',
      1406,
    ]);
    assert.deepEqual(cls(await err(a.query('SELECT * FROM nope'))), ['permanent', 'unknown-table', 1146]);
    assert.deepEqual(cls(await err(a.query('SELEC 1'))), ['permanent', 'syntax', 1064]);
    // Lock wait timeout: b holds the row, a waits 1 s.
    await b.query('START TRANSACTION');
    await b.query('UPDATE k SET s = "x" WHERE id = 1');
    await a.query('SET SESSION innodb_lock_wait_timeout = 1');
    await a.query('START TRANSACTION');
    assert.deepEqual(cls(await err(a.query('UPDATE k SET s = "y" WHERE id = 1'))), [
      'transient',
      'lock-wait',
      1205,
    ]);
    await a.query('ROLLBACK');
    await b.query('ROLLBACK');
    // Statement timeout (MariaDB max_statement_time).
    assert.deepEqual(
      cls(await err(a.query('SET STATEMENT max_statement_time=0.05 FOR SELECT SLEEP(5)'))).slice(0, 2),
      ['transient', 'statement-timeout'],
    );
  } finally {
    await a.end();
    await b.end();
  }
});

test('classifyMysqlError: LOAD DATA LOCAL refused by a client without LOCAL_FILES', async () => {
  const c = await mysql.createConnection({
    uri: myUrl || (await freshMysqlDatabase(DB)),
    flags: ['-LOCAL_FILES'],
  });
  try {
    await c.query('CREATE TABLE IF NOT EXISTS li (id INT)');
    const { Readable } = await import('node:stream');
    const e = await c
      .query({
        sql: loadDataLocalSql('`li`'),
        infileStreamFactory: () => Readable.from([Buffer.from('1\n')]),
      })
      .then(
        () => assert.fail('expected LOAD DATA LOCAL to be refused'),
        (x: unknown) => x,
      );
    const k = classifyMysqlError(e, { flavour: 'mariadb' });
    assert.equal(k.class, 'permanent');
    assert.equal(k.kind, 'local-infile-disabled', `errno ${k.errno}`);
  } finally {
    await c.end();
  }
});

test('classifyMysqlError: a connection reset by the fault proxy mid-query is transient connection-lost', async () => {
  const u = new URL(myUrl || (await freshMysqlDatabase(DB)));
  const proxy = await startFaultProxy({ upstreamHost: u.hostname, upstreamPort: Number(u.port) });
  try {
    u.port = String(proxy.port);
    const c = await mysql.createConnection({ uri: u.toString() });
    c.on('error', () => {});
    const q = c.query('SELECT SLEEP(5)').then(
      () => assert.fail('expected the reset to fail the query'),
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 100));
    proxy.resetAll();
    const k = classifyMysqlError(await q);
    assert.deepEqual([k.class, k.kind, k.discardConnection], ['transient', 'connection-lost', true]);
    const again = await c.query('SELECT 1').then(
      () => assert.fail('the connection is closed'),
      (e: unknown) => e,
    );
    assert.equal(classifyMysqlError(again).kind, 'connection-lost', 'closed state: fatal without errno');
    c.destroy();
  } finally {
    await proxy.close();
  }
});

test('classifyPgError on real PostgreSQL errors', async () => {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  const killer = new pg.Client({ connectionString: pgUrl });
  await killer.connect();
  c.on('error', () => {});
  try {
    const err = async (p: Promise<unknown>): Promise<unknown> =>
      p.then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
    const cls = (e: unknown) => {
      const k = classifyPgError(e);
      return [k.class, k.kind, k.sqlState];
    };
    assert.deepEqual(cls(await err(c.query('SELECT * FROM nope'))), ['permanent', 'unknown-table', '42P01']);
    assert.deepEqual(cls(await err(c.query("SELECT 'x'::int"))), ['permanent', 'data', '22P02']);
    await c.query("SET statement_timeout = '50ms'");
    assert.deepEqual(cls(await err(c.query('SELECT pg_sleep(5)'))), [
      'transient',
      'statement-timeout',
      '57014',
    ]);
    await c.query('SET statement_timeout = 0');
    const pid = (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;
    const sleeping = err(c.query('SELECT pg_sleep(5)'));
    await new Promise((r) => setTimeout(r, 100));
    await killer.query('SELECT pg_terminate_backend($1)', [pid]);
    const k = classifyPgError(await sleeping);
    assert.equal(k.class, 'transient');
    assert.ok(['server-shutdown', 'connection-lost'].includes(k.kind), k.kind);
    assert.equal(k.discardConnection, true);
  } finally {
    await killer.end();
    await c.end().catch(() => {});
  }
});
