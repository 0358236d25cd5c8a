// Issue 11, defect 8: `--load-method insert` with large values. The copy runs in a child process whose peak
// memory (VmHWM) is asserted, never its time: a value of backslashes (which COPY text doubles) copies within
// 8 × the value + 150 MB and identical by pg2my's verify and the independent oracle (quotes, tabs, newlines,
// emoji, bytea and the text `\N` alongside); a row bigger than max_allowed_packet is DATA_REJECTED naming
// table, column and key with nothing of its chunk written; statements a few bytes short of a 16 MiB multiple
// (where mysql2 adds a stray packet) leave the connection usable. Sizes follow the target's own limit.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { parseConfig } from '../../src/config/load-config.js';
import { parseConnectionUrl } from '../../src/config/urls.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { connectTarget } from '../../src/target/mysql/connect.js';
import { STATEMENT_HEADROOM } from '../../src/target/mysql/insert-statements.js';
import { queryBuffer } from '../../src/target/mysql/query-buffer.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const MiB = 1024 * 1024;
const child = fileURLToPath(new URL('../helpers/insert-memory-child.ts', import.meta.url));

interface ChildResult {
  readonly ok: boolean;
  readonly peakRss: number;
  readonly code?: string;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

/** Migrates source → target with loadMethod insert in a child process; its outcome and peak RSS. */
async function migrateInChild(source: string, target: string): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, PG2MY_CHILD_SOURCE: source, PG2MY_CHILD_TARGET: target },
    maxBuffer: 16 * MiB,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

async function maxAllowedPacket(url: string): Promise<number> {
  const my = await mysql.createConnection(url);
  try {
    const [rows] = await my.query<mysql.RowDataPacket[]>('SELECT @@max_allowed_packet AS m');
    return Number(rows[0]!.m);
  } finally {
    await my.end();
  }
}

for (const target of testTargets()) {
  test(`insert path: a value of backslashes copies in bounded memory, identical with tricky neighbours (${target.dialect})`, {
    skip: target.skip,
  }, async (t) => {
    const db = `it_insbig_same_${target.dialect}`;
    const url = await target.fresh(db);
    // Backslashes double in COPY text and in the INSERT literal: keep the row under the target's limit.
    const size = Math.min(20 * MiB, Math.floor((await maxAllowedPacket(url)) / 2) - MiB);
    const source = await freshPgDatabase(
      db,
      `CREATE TABLE big (id int PRIMARY KEY, t text, b bytea);
       INSERT INTO big VALUES
         (1, repeat(E'\\\\', ${size}), NULL),
         (2, repeat(E'a\\\\b\\tc\\nd''e"f😀\\rg\\fh\\vi%_', 20000), decode(repeat('005c27ff0a09', 50000), 'hex')),
         (3, E'\\\\N', ''::bytea),
         (4, '', NULL),
         (5, NULL, '\\x00'::bytea);`,
    );
    const r = await migrateInChild(source, url);
    t.diagnostic(`${size} backslashes: peak RSS ${Math.round(r.peakRss / MiB)} MiB`);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.ok(r.peakRss > 0, 'VmHWM read');
    assert.ok(r.peakRss < 8 * size + 150 * MiB, `peak RSS ${r.peakRss} < 8 × ${size} + 150 MiB`);

    const config = parseConfig({ source, target: url, migrate: { loadMethod: 'insert' } });
    const again = await runMigrate({ config, runId: 'insbig-verify', sink: silentSink, verify: 'full' });
    assert.equal(again.copy.rows, 0, 'the child copied everything');
    assert.equal(again.verify?.identical, true, "pg2my's own verify");
    const diffs = await oracleCompare(source, url, again.plan);
    assert.deepEqual(
      diffs.map((d) => [d.table, d.sourceRows, d.targetRows, d.onlySource.length, d.onlyTarget.length]),
      [['big', 5, 5, 0, 0]],
    );
  });

  test(`insert path: a row over max_allowed_packet is DATA_REJECTED naming table, column and key, before it is built (${target.dialect})`, {
    skip: target.skip,
  }, async (t) => {
    const db = `it_insbig_over_${target.dialect}`;
    const url = await target.fresh(db);
    const packet = await maxAllowedPacket(url);
    const source = await freshPgDatabase(
      db,
      `CREATE TABLE huge (id int PRIMARY KEY, note text, v text);
       INSERT INTO huge VALUES (1, 'small', 'a'), (2, 'big', repeat('x', ${packet + MiB})), (3, 'after', 'c');`,
    );
    const r = await migrateInChild(source, url);
    t.diagnostic(`max_allowed_packet ${packet}: peak RSS ${Math.round(r.peakRss / MiB)} MiB`);
    assert.equal(r.ok, false);
    assert.equal(r.code, 'DATA_REJECTED', JSON.stringify(r));
    assert.equal(r.details?.table, 'huge');
    assert.equal(r.details?.column, 'v');
    assert.deepEqual(r.details?.key, ['2']);
    assert.match(r.message ?? '', /huge, column v, key \(id\) = \(2\).*max_allowed_packet/);
    assert.ok(r.peakRss < 3 * packet + 150 * MiB, `peak RSS ${r.peakRss} < 3 × max_allowed_packet + 150 MiB`);
    const my = await mysql.createConnection(url);
    try {
      const [rows] = await my.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM huge');
      assert.equal(Number(rows[0]!.n), 0, 'nothing of the chunk was committed');
    } finally {
      await my.end();
    }
  });

  test(`insert path: statements 1-3 bytes short of two 16 MiB packets keep the connection in step (${target.dialect})`, {
    skip: target.skip,
  }, async (t) => {
    const M = 0xffffff;
    const url = await target.fresh(`it_insbig_wire_${target.dialect}`);
    if ((await maxAllowedPacket(url)) < 2 * M + 64) {
      t.skip('max_allowed_packet below 32 MiB');
      return;
    }
    const s = await connectTarget(parseConnectionUrl(url, 'target'));
    try {
      await s.conn.query('CREATE TABLE w (n int PRIMARY KEY, v LONGTEXT)');
      for (const short of [1, 2, 3]) {
        const sqlBytes = 2 * M - short - 1; // payload = the SQL and one command byte
        const head = Buffer.from(`INSERT INTO w VALUES (${short}, '`);
        const stmt = Buffer.alloc(STATEMENT_HEADROOM + sqlBytes, 0x79);
        head.copy(stmt, STATEMENT_HEADROOM);
        stmt.write("')", stmt.length - 2, 'latin1');
        const res = await queryBuffer(s.conn, stmt, `wire test ${short}`);
        assert.equal(res.affectedRows, 1);
        const [rows] = await s.conn.query<mysql.RowDataPacket[]>(
          'SELECT n, LENGTH(v) AS l FROM w WHERE n = ?',
          [short],
        );
        assert.deepEqual(
          rows.map((x) => [Number(x.n), Number(x.l)]),
          [[short, sqlBytes - head.length - 2]],
        );
      }
    } finally {
      await s.conn.end().catch(() => {});
    }
  });
}
