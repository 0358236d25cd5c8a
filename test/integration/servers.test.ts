// Integration test of the test infrastructure itself: both real servers are up with the settings the
// migration relies on (PG >= 12; MariaDB with local_infile and a 64M packet), the fresh-database
// helpers work with URL-encoded passwords, and ensureServers() is idempotent (same ports, same PIDs).

import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { ensureServers, readServerInfo } from '../../scripts/lib/servers-lib.js';
import { freshMysqlDatabase, freshPgDatabase, mysql8Url, testServers } from '../helpers/servers.js';

test('PostgreSQL is up, version >= 12, password needs URL-encoding', async () => {
  const s = await testServers();
  assert.match(s.pgPassword, /[@:/?#%]/);
  const client = new pg.Client({ connectionString: s.pgUrl() });
  await client.connect();
  try {
    const r = await client.query<{ v: string; n: string }>(
      "SELECT version() AS v, current_setting('server_version_num') AS n",
    );
    const row = r.rows[0];
    assert.ok(row);
    const major = Number(/^PostgreSQL (\d+)/.exec(row.v)?.[1]);
    assert.ok(major >= 12, `version string: ${row.v}`);
    assert.ok(Number(row.n) >= 120000, `server_version_num ${row.n}`);
  } finally {
    await client.end();
  }
});

test('MariaDB is up with local_infile=1 and max_allowed_packet >= 64M', async () => {
  const s = await testServers();
  assert.match(s.mysqlPassword, /[@:/?#%]/);
  const conn = await mysql.createConnection(s.mysqlUrl());
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT VERSION() AS v, @@local_infile AS li, @@max_allowed_packet AS map, @@character_set_server AS cs',
    );
    const row = rows[0];
    assert.ok(row);
    assert.match(String(row.v), /MariaDB/);
    assert.equal(Number(row.li), 1);
    assert.ok(Number(row.map) >= 64 * 1024 * 1024, `max_allowed_packet ${row.map}`);
    assert.equal(row.cs, 'utf8mb4');
  } finally {
    await conn.end();
  }
});

test('freshPgDatabase creates an empty UTF8 database and runs multi-statement SQL', async () => {
  const name = 'pg2my_t_servers';
  const sql = "CREATE TABLE t (id int PRIMARY KEY, s text); INSERT INTO t VALUES (1, 'é'), (2, '😀');";
  for (let round = 0; round < 2; round++) {
    const url = await freshPgDatabase(name, sql);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const db = await client.query<{ d: string; e: string; c: string }>(
        `SELECT current_database() AS d, pg_encoding_to_char(encoding) AS e, datcollate AS c
           FROM pg_database WHERE datname = current_database()`,
      );
      assert.equal(db.rows[0]?.d, name);
      assert.equal(db.rows[0]?.e, 'UTF8');
      assert.match(db.rows[0]?.c ?? '', /^C(\.UTF-?8)?$/i);
      const r = await client.query<{ id: number; s: string }>('SELECT id, s FROM t ORDER BY id');
      assert.deepEqual(r.rows, [
        { id: 1, s: 'é' },
        { id: 2, s: '😀' },
      ]);
    } finally {
      await client.end();
    }
  }
});

test('freshMysqlDatabase drops and recreates a utf8mb4 database', async () => {
  const name = 'pg2my_t_servers';
  for (let round = 0; round < 2; round++) {
    const url = await freshMysqlDatabase(name);
    const conn = await mysql.createConnection(url);
    try {
      const [tables] = await conn.query<mysql.RowDataPacket[]>('SHOW TABLES');
      assert.equal(tables.length, 0, 'database must be empty after a fresh create');
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        'SELECT DATABASE() AS d, @@character_set_database AS cs',
      );
      assert.equal(rows[0]?.d, name);
      assert.equal(rows[0]?.cs, 'utf8mb4');
      await conn.query('CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10)) ENGINE=InnoDB');
      await conn.query('INSERT INTO t VALUES (1, ?)', ['😀']);
      const [back] = await conn.query<mysql.RowDataPacket[]>('SELECT s FROM t');
      assert.equal(back[0]?.s, '😀');
    } finally {
      await conn.end();
    }
  }
});

test('mysql8Url is null unless PG2MY_TEST_MYSQL8_URL is set', () => {
  const url = mysql8Url('x');
  if (process.env.PG2MY_TEST_MYSQL8_URL) assert.match(url ?? '', /^mysql:\/\/.*\/x$/);
  else assert.equal(url, null);
});

test('ensureServers() is idempotent: same ports and PIDs', async () => {
  const a = await ensureServers();
  const b = await ensureServers();
  assert.ok(a.pg.pid !== null && a.mariadb.pid !== null);
  assert.deepEqual(
    [b.pg.port, b.mariadb.port, b.pg.pid, b.mariadb.pid],
    [a.pg.port, a.mariadb.port, a.pg.pid, a.mariadb.pid],
  );
  const onDisk = readServerInfo();
  assert.ok(onDisk);
  assert.deepEqual([onDisk.pg.port, onDisk.pg.pid], [a.pg.port, a.pg.pid]);
  assert.deepEqual([onDisk.mariadb.port, onDisk.mariadb.pid], [a.mariadb.port, a.mariadb.pid]);
});
