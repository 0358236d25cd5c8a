// The scorecard's bad-input catalogue (reliability.md §4 and issue 11): bad flags, bad URLs, config
// typos, hostile names and values, missing privileges and refused target states, each run through the
// real CLI against the private servers. A case is handled when the exit code is one the README documents
// for it (and, where it matters, the target is left as it was); a crash (255) or a stack trace never is.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { runCli } from './reliability-cli.js';
import type { PrivateServers } from './reliability-servers.js';

export interface InputContext {
  readonly servers: PrivateServers;
  readonly work: string;
  readonly runsDir: string;
}

export interface InputCase {
  readonly id: string;
  readonly what: string;
  /** Documented exit codes (README "Exit codes"). */
  readonly expect: readonly number[];
  /** Arguments; `S`/`T` are replaced by the case's source/target URLs (app user, no password). */
  readonly args: readonly string[];
  /** PostgreSQL fixture run by the app role in the case's fresh source database (default: one small table). */
  readonly source?: string;
  /** Fixture run as the PostgreSQL superuser after `source`. */
  readonly sourceAdmin?: string;
  /** Config file text (written to a file; `CFG` in args is replaced by its path). */
  readonly config?: string;
  /** Setup on the fresh target database, as the MariaDB superuser (`DB` = the database name). */
  readonly target?: string;
  /** Runs before the case (e.g. a first migrate); args as above. */
  readonly before?: readonly (readonly string[])[];
  /** Connect to the target as this user (created with these grants on DB), instead of rel_app. */
  readonly targetUser?: { readonly name: string; readonly grants: string };
  /** Connect to the source as this role (created LOGIN with the canary password), instead of rel_app. */
  readonly sourceRole?: string;
  /** Checked after the run: the target's table list must equal this (sorted, comma-joined). */
  readonly targetTablesAfter?: string;
  /** Replace the target URL entirely (after S/T substitution) — for URL cases. */
  readonly env?: Record<string, string>;
}

export interface InputOutcome {
  readonly id: string;
  readonly what: string;
  readonly expect: readonly number[];
  readonly code: number | null;
  readonly handled: boolean;
  readonly problem: string;
  readonly output: string;
}

const SMALL = `CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 50) g;`;
const M = ['migrate', '--source', 'S', '--target', 'T', '--no-progress'];
const A = (...extra: string[]) => [...M, ...extra];
const CFG = ['--config', 'CFG'];

export const INPUT_CASES: readonly InputCase[] = [
  // Flags: CONFIG_INVALID, exit 2.
  { id: 'flag-none', what: 'no arguments', expect: [2], args: [] },
  { id: 'flag-unknown-command', what: 'unknown command', expect: [2], args: ['frobnicate'] },
  { id: 'flag-unknown-option', what: 'unknown option', expect: [2], args: A('--frobnicate') },
  { id: 'flag-missing-value', what: '--source without a value', expect: [2], args: ['migrate', '--source'] },
  { id: 'flag-workers-0', what: '--workers 0', expect: [2], args: A('--workers', '0') },
  { id: 'flag-workers-abc', what: '--workers abc', expect: [2], args: A('--workers', 'abc') },
  { id: 'flag-workers-neg', what: '--workers -3', expect: [2], args: A('--workers', '-3') },
  { id: 'flag-workers-frac', what: '--workers 1.5', expect: [2], args: A('--workers', '1.5') },
  { id: 'flag-verify-bogus', what: '--verify bogus', expect: [2], args: A('--verify', 'bogus') },
  { id: 'flag-load-bogus', what: '--load-method bogus', expect: [2], args: A('--load-method', 'bogus') },
  { id: 'flag-chunk-0', what: '--chunk-rows 0', expect: [2], args: A('--chunk-rows', '0') },
  { id: 'flag-chunk-text', what: '--chunk-rows ten', expect: [2], args: A('--chunk-rows', 'ten') },
  { id: 'flag-timeout-neg', what: '--connect-timeout -1', expect: [2], args: A('--connect-timeout', '-1') },
  { id: 'flag-log-xml', what: '--log-format xml', expect: [2], args: A('--log-format', 'xml') },
  {
    id: 'flag-config-missing',
    what: '--config of a missing file',
    expect: [2],
    args: A('--config', '/nonexistent/pg2my.yaml'),
  },
  {
    id: 'flag-no-target',
    what: 'migrate without --target',
    expect: [2],
    args: ['migrate', '--source', 'S', '--no-progress'],
  },
  {
    id: 'flag-tables-unknown',
    what: '--tables naming no table',
    expect: [2, 64],
    args: A('--tables', 'public.nosuch'),
  },
  // URLs.
  { id: 'url-http', what: 'source http:// URL', expect: [2], args: A(), env: { SRC: 'http://127.0.0.1/x' } },
  { id: 'url-garbage', what: 'source that is not a URL', expect: [2], args: A(), env: { SRC: 'not a url' } },
  { id: 'url-port-0', what: 'source port 0', expect: [2], args: A(), env: { SRC_PORT: '0' } },
  { id: 'url-port-big', what: 'target port 99999', expect: [2], args: A(), env: { TGT_PORT: '99999' } },
  { id: 'url-port-abc', what: 'source port abc', expect: [2], args: A(), env: { SRC_PORT: 'abc' } },
  {
    id: 'url-bad-escape-db',
    what: 'bad %-escape in the target database',
    expect: [2],
    args: A(),
    env: { TGT_DB: 'db%zz' },
  },
  {
    id: 'url-bad-escape-user',
    what: 'bad %-escape in the source user',
    expect: [2],
    args: A(),
    env: { SRC_USER: 'u%G1' },
  },
  {
    id: 'url-bad-escape-pw',
    what: 'bad %-escape in the target password',
    expect: [2],
    args: A(),
    env: { TGT_PW: 'pw%' },
  },
  {
    id: 'url-unknown-param-src',
    what: 'unknown source query parameter',
    expect: [2],
    args: A(),
    env: { SRC_Q: 'frobnicate=1' },
  },
  {
    id: 'url-unknown-param-tgt',
    what: 'unknown target query parameter',
    expect: [2],
    args: A(),
    env: { TGT_Q: 'sslmod=require' },
  },
  {
    id: 'url-src-mysql-scheme',
    what: 'source with a mysql:// scheme',
    expect: [2],
    args: A(),
    env: { SRC_SCHEME: 'mysql' },
  },
  {
    id: 'url-tgt-pg-scheme',
    what: 'target with a postgres:// scheme',
    expect: [2],
    args: A(),
    env: { TGT_SCHEME: 'postgres' },
  },
  { id: 'url-sslmode-bogus', what: 'sslmode=bogus', expect: [2], args: A(), env: { SRC_Q: 'sslmode=bogus' } },
  {
    id: 'url-sslrootcert-missing',
    what: 'sslrootcert file missing',
    expect: [2, 32],
    args: A(),
    env: { TGT_Q: 'sslmode=verify-full&sslrootcert=/nonexistent/ca.pem' },
  },
  {
    id: 'url-ipv6-closed',
    what: 'IPv6 literal [::1] with nothing listening',
    expect: [32],
    args: A(),
    env: { SRC_HOST: '[::1]' },
  },
  {
    id: 'url-src-closed-port',
    what: 'source port with nothing listening',
    expect: [32],
    args: A(),
    env: { SRC_PORT: 'CLOSED' },
  },
  {
    id: 'url-tgt-closed-port',
    what: 'target port with nothing listening',
    expect: [32],
    args: A(),
    env: { TGT_PORT: 'CLOSED' },
  },
  {
    id: 'url-src-wrong-pw',
    what: 'wrong source password',
    expect: [32],
    args: A(),
    env: { SRC_PW: 'wrong-password' },
  },
  {
    id: 'url-tgt-wrong-pw',
    what: 'wrong target password',
    expect: [32],
    args: A(),
    env: { TGT_PW: 'wrong-password' },
  },
  {
    id: 'url-src-unknown-db',
    what: 'source database that does not exist',
    expect: [32],
    args: A(),
    env: { SRC_DB: 'rel_nosuch_db' },
  },
  {
    id: 'url-tgt-unknown-db',
    what: 'target database that does not exist',
    expect: [32],
    args: A(),
    env: { TGT_DB: 'rel_nosuch_db' },
  },
  {
    id: 'url-src-unknown-user',
    what: 'source user that does not exist',
    expect: [32],
    args: A(),
    env: { SRC_USER: 'nosuchuser' },
  },
  // Config file typos: CONFIG_INVALID.
  {
    id: 'cfg-unknown-key',
    what: 'unknown top-level key',
    expect: [2],
    args: A(...CFG),
    config: 'wrokers: 2\n',
  },
  {
    id: 'cfg-unknown-migrate-key',
    what: 'unknown migrate key',
    expect: [2],
    args: A(...CFG),
    config: 'migrate:\n  wrkers: 2\n',
  },
  {
    id: 'cfg-wrong-type',
    what: 'workers: two',
    expect: [2],
    args: A(...CFG),
    config: 'migrate:\n  workers: two\n',
  },
  { id: 'cfg-bad-yaml', what: 'invalid YAML', expect: [2], args: A(...CFG), config: 'migrate: [\n' },
  {
    id: 'cfg-columns-no-column',
    what: 'columns override naming no column',
    expect: [2],
    args: A(...CFG),
    config: 'columns:\n  public.t.nosuch: { type: text }\n',
  },
  {
    id: 'cfg-rename-no-table',
    what: 'rename of a table that does not exist',
    expect: [2],
    args: A(...CFG),
    config: 'rename:\n  public.nosuch: other\n',
  },
  {
    id: 'cfg-retry-0',
    what: 'retry.maxAttempts: 0',
    expect: [2],
    args: A(...CFG),
    config: 'migrate:\n  retry:\n    maxAttempts: 0\n',
  },
  {
    id: 'cfg-stall-0',
    what: 'stallSeconds: 0',
    expect: [2],
    args: A(...CFG),
    config: 'migrate:\n  stallSeconds: 0\n',
  },
  {
    id: 'cfg-rename-long',
    what: 'rename to a 65-character name',
    expect: [2],
    args: A(...CFG),
    config: `rename:\n  public.t: ${'n'.repeat(65)}\n`,
  },
  {
    id: 'cfg-schemamap-bad',
    what: 'schemaMap to an unknown schema',
    expect: [2],
    args: A(...CFG),
    config: 'schemaMap:\n  nosuch: rel_other\n',
  },
  // Hostile names and values.
  {
    id: 'name-hostile',
    what: 'names with backtick, quote, semicolon, --, spaces and reserved words',
    expect: [0],
    args: A('--verify', 'full'),
    source:
      `CREATE TABLE "we` +
      '`' +
      `ird;--""t" ("order" int PRIMARY KEY, "sel` +
      '`' +
      `ect" text, "a b" text, "key" int);
             INSERT INTO "we` +
      '`' +
      `ird;--""t" SELECT g, 'x' || g || '''; DROP TABLE t; --', E'tab\\t', g FROM generate_series(1,20) g;`,
  },
  {
    id: 'name-case-columns',
    what: 'columns "a" and "A"',
    expect: [64],
    args: A(),
    source: 'CREATE TABLE t (id int PRIMARY KEY, a int, "A" int);',
  },
  {
    id: 'name-emoji',
    what: 'a table named with an emoji',
    expect: [0, 64],
    args: A(),
    source: 'CREATE TABLE "t😀" (id int PRIMARY KEY);',
  },
  {
    id: 'name-state-runs',
    what: 'a source table named _pg2my_runs',
    expect: [64],
    args: A(),
    source: 'CREATE TABLE _pg2my_runs (id int PRIMARY KEY);',
  },
  {
    id: 'name-state-chunks',
    what: 'a source table named _pg2my_chunks',
    expect: [64],
    args: A(),
    source: 'CREATE TABLE _pg2my_chunks (id int PRIMARY KEY);',
  },
  {
    id: 'val-year-10000',
    what: 'timestamp in year 10000',
    expect: [8, 64],
    args: A(),
    source: "CREATE TABLE t (id int PRIMARY KEY, ts timestamp); INSERT INTO t VALUES (1, '10000-01-01');",
  },
  {
    id: 'val-infinity',
    what: "timestamp 'infinity'",
    expect: [8, 64],
    args: A(),
    source: "CREATE TABLE t (id int PRIMARY KEY, ts timestamp); INSERT INTO t VALUES (1, 'infinity');",
  },
  {
    id: 'val-bc',
    what: 'a BC date',
    expect: [8, 64],
    args: A(),
    source: "CREATE TABLE t (id int PRIMARY KEY, d date); INSERT INTO t VALUES (1, '0044-03-15 BC');",
  },
  {
    id: 'val-numeric-nan',
    what: "numeric 'NaN'",
    expect: [8, 64],
    args: A(),
    source: "CREATE TABLE t (id int PRIMARY KEY, n numeric); INSERT INTO t VALUES (1, 'NaN');",
  },
  {
    id: 'val-float-nan',
    what: "float8 'NaN'",
    expect: [8, 64],
    args: A(),
    source: "CREATE TABLE t (id int PRIMARY KEY, f float8); INSERT INTO t VALUES (1, 'NaN');",
  },
  {
    id: 'val-array-bounds',
    what: "array '[0:1]={5,6}'",
    expect: [8, 64],
    args: A(),
    source: "CREATE TABLE t (id int PRIMARY KEY, a int[]); INSERT INTO t VALUES (1, '[0:1]={5,6}');",
  },
  {
    id: 'val-numeric-70',
    what: 'numeric(70,0)',
    expect: [64],
    args: A(),
    source: 'CREATE TABLE t (id int PRIMARY KEY, n numeric(70,0)); INSERT INTO t VALUES (1, 1);',
  },
  {
    id: 'val-trailing-space-unique',
    what: "'x' and 'x ' in a UNIQUE column",
    expect: [0],
    args: A('--verify', 'full'),
    source:
      "CREATE TABLE t (id int PRIMARY KEY, s varchar(10) UNIQUE); INSERT INTO t VALUES (1, 'x'), (2, 'x '), (3, 'X');",
  },
  {
    id: 'val-hostile-values',
    what: 'all 256 byte values, 4-byte UTF-8, int8 extremes, NULL vs empty',
    expect: [0],
    args: A('--verify', 'full'),
    source: `CREATE TABLE t (id int PRIMARY KEY, b bytea, s text, i bigint);
             INSERT INTO t VALUES (1, (SELECT string_agg(set_byte('\\x00'::bytea, 0, g), '') FROM generate_series(0,255) g), '😀𝄞 \\N \\\\ '' "', 9223372036854775807),
                                  (2, '\\x', '', -9223372036854775808), (3, NULL, NULL, NULL);`,
  },
  {
    id: 'rls-hides-rows',
    what: 'row-level security hides a row from the migrating role',
    expect: [32, 64],
    args: A(),
    source: 'SELECT 1;',
    sourceAdmin: `CREATE TABLE secret (id int PRIMARY KEY, v text); INSERT INTO secret VALUES (1, 'a'), (2, 'b');
                  ALTER TABLE secret ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON secret USING (id = 1);
                  GRANT SELECT ON secret TO rel_app;`,
    targetTablesAfter: '',
  },
  // Missing privileges: PERMISSION_DENIED before the first write, target left as it was.
  {
    id: 'priv-no-select',
    what: 'no SELECT on a source table',
    expect: [32],
    args: A(),
    sourceAdmin: 'CREATE TABLE hidden (id int PRIMARY KEY); REVOKE ALL ON hidden FROM PUBLIC;',
    targetTablesAfter: '',
  },
  {
    id: 'priv-no-create',
    what: 'no CREATE on the target',
    expect: [32],
    args: A(),
    targetUser: { name: 'rel_nocreate', grants: 'SELECT, INSERT, UPDATE, DELETE, ALTER, INDEX, DROP' },
    targetTablesAfter: '',
  },
  {
    id: 'priv-no-insert',
    what: 'no INSERT on the target',
    expect: [32],
    args: A(),
    targetUser: { name: 'rel_noinsert', grants: 'SELECT, CREATE, UPDATE, DELETE, ALTER, INDEX, DROP' },
    targetTablesAfter: '',
  },
  {
    id: 'priv-no-alter',
    what: 'no ALTER on the target',
    expect: [32],
    args: A(),
    targetUser: { name: 'rel_noalter', grants: 'SELECT, CREATE, INSERT, UPDATE, DELETE, INDEX, DROP' },
    targetTablesAfter: '',
  },
  // Target states.
  {
    id: 'state-not-empty',
    what: 'target holds a foreign table',
    expect: [64],
    args: A(),
    target: 'CREATE TABLE DB.foreign_t (x int); INSERT INTO DB.foreign_t VALUES (1);',
    targetTablesAfter: 'foreign_t',
  },
  {
    id: 'state-restart-refused',
    what: '--restart after a finished run with an extra table in the target',
    expect: [64],
    args: A('--restart'),
    before: [A(), ['EXTRA']],
    targetTablesAfter: '_pg2my_chunks,_pg2my_runs,extra_t,t',
  },
  {
    id: 'state-plan-changed',
    what: 'migrate again with a different config (PLAN_CHANGED)',
    expect: [64],
    args: A(...CFG),
    config: 'rename:\n  public.t: t_renamed\n',
    before: [A('--verify', 'none')],
  },
  {
    id: 'state-verify-mismatch',
    what: 'verify after a value changed on the target',
    expect: [16],
    args: ['verify', '--source', 'S', '--target', 'T'],
    before: [A(), ['CHANGE']],
  },
  {
    id: 'state-dry-run',
    what: '--dry-run writes nothing',
    expect: [0],
    args: A('--dry-run'),
    targetTablesAfter: '',
  },
];

const q = (s: string) => s.replaceAll("'", "''");

/** Run one case; every output is returned so the scorecard can grep it for the canaries. */
export async function runInputCase(ctx: InputContext, c: InputCase, n: number): Promise<InputOutcome> {
  const s = ctx.servers;
  const db = `rel_in_${n}`;
  // Source: fresh database owned by the app role, fixture run as that role (then as admin).
  const admin = new pg.Client({ connectionString: s.pgAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${db} OWNER ${s.appUser} TEMPLATE template0 ENCODING 'UTF8'`);
    if (c.sourceRole) {
      await admin.query(`DROP ROLE IF EXISTS ${c.sourceRole}`);
      await admin.query(`CREATE ROLE ${c.sourceRole} LOGIN PASSWORD '${q(s.pgPassword)}'`);
    }
  } finally {
    await admin.end();
  }
  const app = new pg.Client({ connectionString: s.pgAdminUrl(db).replace('//postgres:', `//${s.appUser}:`) });
  await app.connect();
  try {
    await app.query(c.source ?? SMALL);
  } finally {
    await app.end();
  }
  if (c.sourceAdmin) {
    const a = new pg.Client({ connectionString: s.pgAdminUrl(db) });
    await a.connect();
    try {
      await a.query(c.sourceAdmin);
    } finally {
      await a.end();
    }
  }
  const my = await mysql.createConnection({ uri: s.myAdminUrl(), multipleStatements: true });
  let targetUser = s.appUser;
  try {
    await my.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await my.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    if (c.target) await my.query(c.target.replaceAll('DB.', `\`${db}\`.`));
    if (c.targetUser) {
      targetUser = c.targetUser.name;
      await my.query('DROP USER IF EXISTS ?@?', [targetUser, '127.0.0.1']);
      await my.query('CREATE USER ?@? IDENTIFIED BY ?', [targetUser, '127.0.0.1', s.myPassword]);
      await my.query(`GRANT ${c.targetUser.grants} ON \`${db}\`.* TO ?@?`, [targetUser, '127.0.0.1']);
    }
  } finally {
    await my.end();
  }
  const e = c.env ?? {};
  const port = (v: string | undefined, real: number) => (v === 'CLOSED' ? '9' : (v ?? String(real)));
  const url = (side: 'src' | 'tgt'): string => {
    const P = side === 'src' ? 'SRC' : 'TGT';
    if (e[P]) return e[P]!;
    const scheme = e[`${P}_SCHEME`] ?? (side === 'src' ? 'postgres' : 'mysql');
    const user = e[`${P}_USER`] ?? (side === 'src' ? (c.sourceRole ?? s.appUser) : targetUser);
    const pw = e[`${P}_PW`] !== undefined ? `:${e[`${P}_PW`]}` : '';
    const host = e[`${P}_HOST`] ?? '127.0.0.1';
    const p = port(e[`${P}_PORT`], side === 'src' ? s.pgPort : s.myPort);
    const d = e[`${P}_DB`] ?? db;
    const qs = e[`${P}_Q`] ? `?${e[`${P}_Q`]}` : '';
    return `${scheme}://${user}${pw}@${host}:${p}/${d}${qs}`;
  };
  const cfgPath = join(ctx.work, `case-${n}.yaml`);
  if (c.config !== undefined) writeFileSync(cfgPath, c.config, { mode: 0o600 });
  const runsDir = join(ctx.runsDir, `in_${n}`);
  mkdirSync(runsDir, { recursive: true, mode: 0o700 });
  const subst = (args: readonly string[]) =>
    args.map((a) => (a === 'S' ? url('src') : a === 'T' ? url('tgt') : a === 'CFG' ? cfgPath : a));
  const withRunDir = (args: string[]) => (args[0] === 'migrate' ? [...args, '--run-dir', runsDir] : args);
  const env: Record<string, string> = {};
  // Passwords travel in the environment unless a case puts one in the URL (then the env one must lose).
  if (e.SRC_PW === undefined) env.PG2MY_SOURCE_PASSWORD = s.pgPassword;
  if (e.TGT_PW === undefined) env.PG2MY_TARGET_PASSWORD = s.myPassword;
  const outputs: string[] = [];
  for (const b of c.before ?? []) {
    if (b[0] === 'EXTRA' || b[0] === 'CHANGE') {
      const m = await mysql.createConnection(s.myAdminUrl(db));
      try {
        if (b[0] === 'EXTRA') await m.query('CREATE TABLE extra_t (x int)');
        else await m.query("UPDATE t SET v = 'changed' WHERE id = 7");
      } finally {
        await m.end();
      }
      continue;
    }
    const r = await runCli(withRunDir(subst(b)), { env, timeoutMs: 120_000 });
    outputs.push(r.stdout, r.stderr);
  }
  const r = await runCli(withRunDir(subst(c.args)), { env, timeoutMs: 120_000 });
  outputs.push(r.stdout, r.stderr);
  const problems: string[] = [];
  if (r.hung) problems.push('hung (killed by the watchdog)');
  if (!c.expect.includes(r.code ?? -1))
    problems.push(`exit ${r.code ?? r.signal}, documented ${c.expect.join(' or ')}`);
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(r.stderr)) problems.push('stack trace on stderr');
  if (c.targetTablesAfter !== undefined) {
    const m = await mysql.createConnection(s.myAdminUrl());
    try {
      const [rows] = await m.query<mysql.RowDataPacket[]>(
        'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
        [db],
      );
      const got = rows
        .map((x) => String(x.t))
        .sort()
        .join(',');
      if (got !== c.targetTablesAfter)
        problems.push(`target tables after: [${got}], expected [${c.targetTablesAfter}]`);
    } finally {
      await m.end();
    }
  }
  const firstErr = r.stderr
    .split('\n')
    .find((l) => /pg2my: [A-Z_]+:|Error|error:/.test(l))
    ?.slice(0, 300);
  return {
    id: c.id,
    what: c.what,
    expect: c.expect,
    code: r.code,
    handled: problems.length === 0,
    problem: problems.length === 0 ? '' : `${problems.join('; ')}${firstErr ? ` — ${firstErr}` : ''}`,
    output: outputs.join('\n'),
  };
}
