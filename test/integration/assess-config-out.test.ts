// Issue 10 point 9, one pass not ten: on a source with blocking risks of several kinds (a table-name clash,
// NaN in an unbounded numeric, infinite and BC dates, NaN in a real), `migrate` lists every planner decision
// in one error; `assess --config-out` exits blocked and writes a 0600 config without any password (canary
// roles on both sides, passwords given in the URLs), merged with the user's -c file; `migrate -c` that file
// is identical by the independent oracle, and assess -c that file is no longer blocked. MariaDB + MySQL 8.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import type { MigrationPlan } from '../../src/plan/model.js';
import { assertNoSecrets, runCli } from '../helpers/cli.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase, testServers } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const SOURCE_SQL = `
  CREATE TABLE "Orders" (id int PRIMARY KEY, note text);
  CREATE TABLE orders (id int PRIMARY KEY, placed date, at timestamptz);
  INSERT INTO "Orders" VALUES (1, 'first'), (2, NULL);
  INSERT INTO orders VALUES (1, '2020-01-01', '2020-01-01 10:00+02'), (2, 'infinity', '-infinity'),
                            (3, '0099-01-01 BC', '2001-02-03 04:05:06.789+00');
  CREATE TABLE measures (id int PRIMARY KEY, r real, x numeric, label text);
  INSERT INTO measures VALUES (1, 'NaN', 'NaN', 'a'), (2, 0.1, 12.5, 'b'), (3, '-Infinity', 1e-40, NULL),
                              (4, 3.25, '123456789012345678901234567890.5', 'd');
  ANALYZE;
`;

const CANARY = `Cfg0ut-Canary-${randomBytes(6).toString('hex')}`;

/** A PostgreSQL superuser role with the canary password (assess and migrate read the catalog as it). */
async function canaryPgUrl(db: string): Promise<string> {
  const s = await testServers();
  const admin = new pg.Client({ connectionString: s.pgUrl('postgres') });
  await admin.connect();
  try {
    await admin.query('DROP ROLE IF EXISTS it_cfgout_canary');
    await admin.query(`CREATE ROLE it_cfgout_canary LOGIN SUPERUSER PASSWORD '${CANARY}'`);
  } finally {
    await admin.end();
  }
  const u = new URL(s.pgUrl(db));
  u.username = 'it_cfgout_canary';
  u.password = CANARY;
  return u.toString();
}

/** A target user with the canary password and every privilege on `db`. */
async function canaryTargetUrl(adminUrl: string, db: string): Promise<string> {
  const admin = await mysql.createConnection(adminUrl);
  try {
    for (const host of ['%', 'localhost', '127.0.0.1']) {
      await admin.query('DROP USER IF EXISTS ?@?', ['it_cfgout_canary', host]);
      await admin.query('CREATE USER ?@? IDENTIFIED BY ?', ['it_cfgout_canary', host, CANARY]);
      await admin.query(`GRANT ALL PRIVILEGES ON \`${db}\`.* TO ?@?`, ['it_cfgout_canary', host]);
    }
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.username = 'it_cfgout_canary';
  u.password = CANARY;
  return u.toString();
}

const noPassword = (url: string): string => {
  const u = new URL(url);
  u.password = '';
  return u.toString();
};

for (const target of testTargets()) {
  test(`assess --config-out then migrate -c: identical in one pass (${target.dialect})`, {
    skip: target.skip,
  }, async (t) => {
    const db = `it_cfgout_${target.dialect}`;
    const adminSource = await freshPgDatabase(db, SOURCE_SQL);
    const adminTarget = await target.fresh(db);
    const source = await canaryPgUrl(db);
    const targetUrl = await canaryTargetUrl(adminTarget, db);
    const dir = mkdtempSync(join(tmpdir(), 'pg2my-cfgout-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const base = join(dir, 'mine.yaml');
    // The user's own file: a comment and a setting that must survive, and (careless) a password in a URL.
    writeFileSync(base, `# my own settings\nsource: ${source}\nmigrate:\n  workers: 1\n`);
    const out = join(dir, 'pg2my.yaml');
    const env = { PG2MY_SOURCE_PASSWORD: CANARY, PG2MY_TARGET_PASSWORD: CANARY };

    // Without a config, migrate stops once and lists every planner decision, not only the first.
    const first = await runCli(
      ['migrate', '--source', noPassword(source), '--target', noPassword(targetUrl)],
      {
        env,
      },
    );
    assert.equal(first.code, 64, first.stderr);
    assert.match(first.stderr, /\d+ decisions are needed before the plan can be built/);
    assert.match(first.stderr, /public\.Orders/);
    assert.match(first.stderr, /public\.measures\.x/);

    // assess: blocked, and the config it writes holds a decision for each blocking risk.
    const a = await runCli(['assess', '-c', base, '--target', targetUrl, '--config-out', out]);
    assert.equal(a.code, 64, a.stderr);
    assertNoSecrets(a.stdout + a.stderr, [CANARY], 'assess output');
    assert.match(a.stderr, /wrote .*pg2my\.yaml: \d+ decision\(s\)/);
    assert.equal(statSync(out).mode & 0o777, 0o600, 'the config is 0600');
    const text = readFileSync(out, 'utf8');
    t.diagnostic(text);
    assertNoSecrets(text, [CANARY], 'the written config');
    assert.match(text, /# my own settings/, "the user's comment is kept");
    assert.doesNotMatch(text, /STILL YOUR DECISION/, 'every blocking risk here has a lossless decision');
    const cfg = parseYaml(text) as {
      source: string;
      target: string;
      migrate: { workers: number };
      rename: Record<string, string>;
      columns: Record<string, { type: string }>;
    };
    assert.equal(cfg.source, noPassword(source));
    assert.equal(cfg.target, noPassword(targetUrl));
    assert.equal(cfg.migrate.workers, 1, "the user's setting is kept");
    assert.ok(cfg.rename['public.Orders'] ?? cfg.rename['public.orders'], 'a rename for the name clash');
    for (const c of ['public.orders.placed', 'public.orders.at', 'public.measures.x', 'public.measures.r'])
      assert.ok(cfg.columns[c]?.type, `a type decision for ${c}`);
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (!/^\s+type: /.test(line)) return;
      let k = i - 1;
      while (k >= 0 && /^\s*#/.test(lines[k]!)) k--;
      const comment = lines.slice(k + 1, i).join('\n');
      assert.match(comment, /# Lossless: /, `the decision "${line.trim()}" says why`);
    });

    // The loop: migrate -c that file (passwords from the environment only) → identical by the oracle.
    const runs = join(dir, 'runs');
    const m = await runCli(['migrate', '-c', out, '--run-dir', runs], { env });
    assert.equal(m.code, 0, m.stderr + m.stdout);
    const runId = readdirSync(runs)[0]!;
    const plan = JSON.parse(readFileSync(join(runs, runId, 'plan.json'), 'utf8')) as MigrationPlan;
    const diffs = await oracleCompare(adminSource, adminTarget, plan);
    assert.equal(diffs.length, 3);
    for (const d of diffs)
      assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);

    // And assess with that config is no longer blocked.
    const again = await runCli(['assess', '-c', out, '--format', 'json'], { env });
    assert.notEqual(
      (JSON.parse(again.stdout) as { verdict: string }).verdict,
      'blocked',
      'assess -c the written config is not blocked',
    );
  });
}
