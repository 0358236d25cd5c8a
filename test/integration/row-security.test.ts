// Row-level security never yields a silent subset: a role that policies filter is refused by migrate and
// by verify (PERMISSION_DENIED, exit 32, nothing written), and any source session of pg2my gets an error
// instead of filtered rows (row_security = off). The table's owner migrates it whole.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import type pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { parseConnectionUrl } from '../../src/config/urls.js';
import { exitCodeFor, isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { runVerify } from '../../src/pipeline/verify.js';
import { connectSource } from '../../src/source/postgres/connect.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const PW = 'rls-pw-4242';

function asRole(adminUrl: string, role: string): string {
  const u = new URL(adminUrl);
  u.username = role;
  u.password = PW;
  return u.toString();
}

async function setup(): Promise<string> {
  const admin = await freshPgDatabase(
    'it_rls',
    `DO $$ BEGIN
       IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_reader') THEN
         EXECUTE 'DROP OWNED BY rls_reader'; EXECUTE 'DROP ROLE rls_reader'; END IF;
       IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_owner') THEN
         EXECUTE 'DROP OWNED BY rls_owner'; EXECUTE 'DROP ROLE rls_owner'; END IF;
     END $$;
     CREATE ROLE rls_reader LOGIN PASSWORD '${PW}';
     CREATE ROLE rls_owner LOGIN PASSWORD '${PW}';
     CREATE TABLE secrets (id int PRIMARY KEY, tenant text NOT NULL);
     INSERT INTO secrets VALUES (1, 'visible'), (2, 'hidden');
     ALTER TABLE secrets OWNER TO rls_owner;
     ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
     CREATE POLICY only_visible ON secrets FOR SELECT USING (tenant = 'visible');
     GRANT SELECT ON secrets TO rls_reader;`,
  );
  return admin;
}

async function refused(p: Promise<unknown>): Promise<{ code: string; message: string; exit: number }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isMigrationError(e), String(e));
    return { code: e.code, message: e.message, exit: exitCodeFor(e) };
  }
  assert.fail('not refused');
}

for (const target of testTargets()) {
  test(`row-level security: a filtered role is refused by migrate and verify; the owner copies all rows (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const admin = await setup();
    const url = await target.fresh('it_rls');
    const reader = asRole(admin, 'rls_reader');

    const m = await refused(
      runMigrate({ config: parseConfig({ source: reader, target: url }), runId: 'rls-1', sink: silentSink }),
    );
    assert.equal(m.code, 'PERMISSION_DENIED');
    assert.equal(m.exit, 32);
    assert.match(m.message, /Row-level security applies to this role on public\.secrets/);
    const c = await mysql.createConnection(url);
    try {
      const [rows] = await c.query<mysql.RowDataPacket[]>(
        'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
      );
      assert.equal(Number(rows[0]?.n), 0, 'nothing was written to the target');
    } finally {
      await c.end();
    }

    // The owner (no FORCE ROW LEVEL SECURITY) sees every row: migrate copies both, verify agrees.
    const owner = asRole(admin, 'rls_owner');
    const r = await runMigrate({
      config: parseConfig({ source: owner, target: url }),
      runId: 'rls-2',
      sink: silentSink,
    });
    assert.equal(r.copy.rows, 2);
    assert.equal(r.verify?.identical, true);

    const v = await refused(
      runVerify({ config: parseConfig({ source: reader, target: url }), runId: 'rls-3', sink: silentSink }),
    );
    assert.equal(v.code, 'PERMISSION_DENIED');
  });
}

test('every pg2my source session errors instead of filtering rows (row_security = off)', async () => {
  const admin = await setup();
  const client = await connectSource(parseConnectionUrl(asRole(admin, 'rls_reader'), 'source'));
  try {
    await assert.rejects(
      client.query('SELECT * FROM secrets'),
      (e: unknown) => (e as pg.DatabaseError).code === '42501',
    );
  } finally {
    await client.end();
  }
});
