// A canary password through every channel a user can give one: a URL flag, the environment, the config
// file, a `?password=` query parameter, and a userinfo password %-encoded the way encodeURIComponent does
// not (lowercase hex, escaped unreserved characters). assess --out, migrate and verify run with each, and
// no output and no file they write holds the password in any form (raw, %-encoded, base64, hex); every
// such file is 0600 in a 0700 directory (assess --out included).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { assertNoSecrets, runCli } from '../helpers/cli.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';

const CANARY = `Kan4ry@/%!pw-${process.pid}`;
/** The canary as a user might %-encode it by hand: lowercase hex and an escaped '!' and 'K'. */
const ODD = CANARY.replace('@', '%40').replace('/', '%2f').replace('%!', '%25%21').replace('K', '%4B');

function withCanary(url: string, user: string): { bare: string; flag: string; odd: string; query: string } {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  const bare = u.toString();
  const at = bare.indexOf('@');
  const head = bare.slice(0, at);
  const tail = bare.slice(at);
  return {
    bare,
    flag: `${head}:${encodeURIComponent(CANARY)}${tail}`,
    odd: `${head}:${ODD}${tail}`,
    query: `${bare}?password=${encodeURIComponent(CANARY)}`,
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

test('a canary password given through any channel appears in no output and no written file', async () => {
  const db = 'it_canary';
  const srcAdmin = await freshPgDatabase(
    db,
    `CREATE TABLE t (id int PRIMARY KEY, v text);
     INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 500) g;`,
  );
  const tgtAdmin = await freshMysqlDatabase(db);
  const s = await testServers();
  const c = new pg.Client({ connectionString: s.pgUrl('postgres') });
  await c.connect();
  try {
    await c.query('DROP ROLE IF EXISTS pg2my_canary');
    await c.query(`CREATE ROLE pg2my_canary LOGIN SUPERUSER PASSWORD '${CANARY.replaceAll("'", "''")}'`);
  } finally {
    await c.end();
  }
  const m = await mysql.createConnection(s.mysqlUrl());
  try {
    await m.query("DROP USER IF EXISTS 'pg2my_canary'@'%'");
    await m.query("CREATE USER 'pg2my_canary'@'%' IDENTIFIED BY ?", [CANARY]);
    await m.query("GRANT ALL PRIVILEGES ON *.* TO 'pg2my_canary'@'%'");
  } finally {
    await m.end();
  }
  const src = withCanary(srcAdmin, 'pg2my_canary');
  const tgt = withCanary(tgtAdmin, 'pg2my_canary');
  const work = mkdtempSync(join(tmpdir(), 'pg2my-canary-'));
  try {
    const cfgFile = join(work, 'pg2my.yaml');
    writeFileSync(cfgFile, `source: "${src.flag}"\ntarget: "${tgt.flag}"\n`, { mode: 0o600 });
    const channels: Record<string, { args: string[]; env?: Record<string, string> }> = {
      flag: { args: ['--source', src.flag, '--target', tgt.flag] },
      env: {
        args: ['--source', src.bare, '--target', tgt.bare],
        env: { PG2MY_SOURCE_PASSWORD: CANARY, PG2MY_TARGET_PASSWORD: CANARY },
      },
      config: { args: ['-c', cfgFile] },
      query: { args: ['--source', src.query, '--target', tgt.query] },
      odd: { args: ['--source', src.odd, '--target', tgt.odd] },
    };
    let output = '';
    for (const [name, ch] of Object.entries(channels)) {
      const out = join(work, name);
      const env = ch.env ?? {};
      const assess = await runCli(['assess', ...ch.args, '--out', join(out, 'assess')], { env });
      assert.ok(
        assess.code === 0 || assess.code === 64,
        `${name}: assess ran (${assess.code}) ${assess.stderr}`,
      );
      const migrate = await runCli(['migrate', ...ch.args, '--run-dir', join(out, 'runs'), '--restart'], {
        env,
      });
      assert.equal(migrate.code, 0, `${name}: migrate ${migrate.stderr}`);
      const verify = await runCli(['verify', ...ch.args], { env });
      assert.equal(verify.code, 0, `${name}: verify ${verify.stderr}`);
      output +=
        assess.stdout + assess.stderr + migrate.stdout + migrate.stderr + verify.stdout + verify.stderr;
    }
    assertNoSecrets(output, [CANARY, ODD], 'the command output');
    const files = filesUnder(work).filter((f) => f !== cfgFile);
    assert.ok(
      files.some((f) => f.endsWith('manifest.json')),
      'a run directory was written',
    );
    for (const f of files) {
      assertNoSecrets(readFileSync(f, 'utf8'), [CANARY, ODD], f);
      // They hold example key values (data): readable by their owner only, like their directories.
      assert.equal((statSync(f).mode & 0o777).toString(8), '600', f);
      assert.equal((statSync(dirname(f)).mode & 0o777).toString(8), '700', dirname(f));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
