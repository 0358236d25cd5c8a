// Missing privileges are found before the first write, on both sides: PERMISSION_DENIED (exit 32) naming
// the privilege and the object, and the target is left as it was (no table created) — not an INTERNAL
// crash after empty tables were made, nor a failure after all the data was copied (no ALTER).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { exitCodeFor, isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';

const PW = 'priv-pw-5151';
const DB = 'it_priv';

function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = PW;
  return u.toString();
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; exit: number }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isMigrationError(e), String(e));
    return { code: e.code, message: e.message, exit: exitCodeFor(e) };
  }
  assert.fail('not refused');
}

async function targetTableCount(adminUrl: string): Promise<number> {
  const c = await mysql.createConnection(adminUrl);
  try {
    const [r] = await c.query<mysql.RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
      [DB],
    );
    return Number(r[0]?.n);
  } finally {
    await c.end();
  }
}

async function mysqlUser(grants: string): Promise<void> {
  const s = await testServers();
  const c = await mysql.createConnection(s.mysqlUrl());
  try {
    await c.query("DROP USER IF EXISTS 'pg2my_priv'@'%'");
    await c.query("CREATE USER 'pg2my_priv'@'%' IDENTIFIED BY ?", [PW]);
    await c.query(`GRANT ${grants} ON \`${DB}\`.* TO 'pg2my_priv'@'%'`);
  } finally {
    await c.end();
  }
}

test('missing privileges on either side: PERMISSION_DENIED before any write, naming what is missing', async () => {
  const admin = await freshPgDatabase(
    DB,
    `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg2my_priv') THEN
       EXECUTE 'DROP OWNED BY pg2my_priv'; EXECUTE 'DROP ROLE pg2my_priv'; END IF; END $$;
     CREATE ROLE pg2my_priv LOGIN PASSWORD '${PW}';
     CREATE TABLE a (id int PRIMARY KEY, v text);
     CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
     INSERT INTO a VALUES (1, 'x'); INSERT INTO b VALUES (1, 1);
     GRANT SELECT ON a TO pg2my_priv;`,
  );
  const targetAdmin = await freshMysqlDatabase(DB);
  const allTarget = 'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES';
  await mysqlUser(allTarget);
  const source = withUser(admin, 'pg2my_priv');
  const target = withUser(targetAdmin, 'pg2my_priv');

  const src = await refusal(
    runMigrate({ config: parseConfig({ source, target }), runId: 'priv-1', sink: silentSink }),
  );
  assert.equal(src.code, 'PERMISSION_DENIED');
  assert.equal(src.exit, 32);
  assert.match(src.message, /SELECT on table public\.b/);
  assert.equal(await targetTableCount(targetAdmin), 0, 'nothing was written');

  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query('GRANT SELECT ON b TO pg2my_priv');
  } finally {
    await c.end();
  }
  for (const lacking of ['INSERT', 'CREATE', 'ALTER']) {
    await mysqlUser(
      allTarget
        .split(', ')
        .filter((p) => p !== lacking)
        .join(', '),
    );
    const r = await refusal(
      runMigrate({ config: parseConfig({ source, target }), runId: `priv-${lacking}`, sink: silentSink }),
    );
    assert.equal(r.code, 'PERMISSION_DENIED', lacking);
    assert.match(r.message, new RegExp(`lacks ${lacking} on database ${DB}`));
    assert.equal(await targetTableCount(targetAdmin), 0, `nothing was written without ${lacking}`);
  }
  await mysqlUser(allTarget);
  const ok = await runMigrate({
    config: parseConfig({ source, target }),
    runId: 'priv-ok',
    sink: silentSink,
  });
  assert.equal(ok.verify?.identical, true);
});
