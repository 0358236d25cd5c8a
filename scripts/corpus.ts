// Corpus runner: for every *.sql under a directory (recursively), load it into a fresh PostgreSQL database
// on the project's test server with psql (as a user would), then run the real CLI — assess --config-out,
// schema --apply (schema-only dumps), migrate -c — and compare both sides with the independent test oracle.
// Prints one line per database and a total `K/N identical`. Invariants: it only creates/drops databases
// named `crp_<name>…`; passwords travel in the environment, never in argv or in what it prints or writes.
// Usage: npx tsx scripts/corpus.ts <dir> [--only a,b] [--keep] [--dialect mysql8|mariadb] [--target URL]
// (--dialect mysql8 without --target uses PG2MY_TEST_MYSQL8_URL; the default target is the test MariaDB;
// --cli-root runs another tree's CLI, e.g. `git archive HEAD` unpacked, while this working tree changes.)

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { MigrationPlan } from '../src/plan/model.js';
import { oracleCompare } from '../test/helpers/oracle.js';
import { ensureServers, serverUrls } from './lib/servers-lib.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The tree whose CLI runs (--cli-root, e.g. a `git archive` of one commit while this tree changes). */
let CLI_ROOT = ROOT;
const PREFIX = 'crp_';

interface Args {
  dir: string;
  only: string[] | null;
  keep: boolean;
  dialect: string | null;
  target: string | null;
  workDir: string;
  stepTimeoutMs: number;
  cliRoot: string | null;
}

function usage(msg: string): never {
  process.stderr.write(
    `corpus: ${msg}\nusage: npx tsx scripts/corpus.ts <dir> [--only a,b] [--keep] [--dialect mysql8|mariadb] [--target mysql://user:pass@host:port/] [--work-dir DIR] [--step-timeout SECONDS] [--cli-root DIR]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    dir: '',
    only: null,
    keep: false,
    dialect: null,
    target: null,
    workDir: join('/tmp', 'pg2my-corpus'),
    stepTimeoutMs: 20 * 60_000,
    cliRoot: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    const next = (): string => argv[++i] ?? usage(`${v} needs a value`);
    if (v === '--only')
      a.only = next()
        .split(',')
        .map((s) => s.trim().replace(/\.sql$/, ''))
        .filter(Boolean);
    else if (v === '--keep') a.keep = true;
    else if (v === '--dialect') a.dialect = next();
    else if (v === '--target') a.target = next();
    else if (v === '--work-dir') a.workDir = resolve(next());
    else if (v === '--step-timeout') a.stepTimeoutMs = Number(next()) * 1000;
    else if (v === '--cli-root') a.cliRoot = resolve(next());
    else if (v.startsWith('--')) usage(`unknown option ${v}`);
    else if (!a.dir) a.dir = resolve(v);
    else usage(`unexpected argument ${v}`);
  }
  if (!a.dir) usage('a directory is required');
  return a;
}

/** Every *.sql under `dir`, recursively, sorted by relative path. */
function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.sql')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Split `scheme://user:pass@host/db` into the URL without its password and the password. */
function splitPassword(url: string): { url: string; password: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(db)}`;
  return u.toString();
}

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<Proc> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, {
      cwd: CLI_ROOT,
      env: { ...(process.env as Record<string, string>), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, timedOut });
    });
  });
}

/** Run the real CLI with the source/target passwords in the environment, not in argv. */
function cli(args: string[], source: string, target: string, timeoutMs: number): Promise<Proc> {
  const s = splitPassword(source);
  const t = splitPassword(target);
  return run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(CLI_ROOT, 'src', 'cli', 'main.ts'),
      ...args,
      '--source',
      s.url,
      '--target',
      t.url,
    ],
    { PG2MY_SOURCE_PASSWORD: s.password, PG2MY_TARGET_PASSWORD: t.password },
    timeoutMs,
  );
}

/** The first line that names an error code, else the first non-empty stderr line. */
function firstError(p: Proc): string {
  if (p.timedOut) return 'TIMEOUT: the step was killed after the step timeout';
  const lines = p.stderr.split('\n').map((l) => l.trim());
  let i = lines.findIndex((l) => /^pg2my: [A-Z_]+:/.test(l));
  if (i < 0) i = lines.findIndex((l) => /ERROR|FATAL|Error/.test(l));
  if (i < 0) i = lines.findIndex((l) => l !== '' && !l.includes('warning'));
  // A message that lists its items on the next lines ("N decisions are needed …:") shows the first item.
  const line = i < 0 ? '' : lines[i]!.endsWith(':') ? `${lines[i]} ${lines[i + 1] ?? ''}` : lines[i]!;
  return line.replace(/^pg2my: /, '').slice(0, 300);
}

async function pgAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function myAdmin<T>(url: string, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection(url);
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const pgq = (n: string) => `"${n.replaceAll('"', '""')}"`;
const myq = (n: string) => `\`${n.replaceAll('`', '``')}\``;

async function recreatePg(adminUrl: string, db: string): Promise<void> {
  await pgAdmin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${pgq(db)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${pgq(db)} TEMPLATE template0 ENCODING 'UTF8'`);
  });
}

async function dropPg(adminUrl: string, db: string): Promise<void> {
  await pgAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${pgq(db)} WITH (FORCE)`));
}

async function recreateMy(adminUrl: string, db: string): Promise<void> {
  await myAdmin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${myq(db)}`);
    await c.query(`CREATE DATABASE ${myq(db)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  });
}

async function dropMy(adminUrl: string, db: string): Promise<void> {
  await myAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${myq(db)}`));
}

/** User tables (partitions and extension-owned tables not counted) and their exact row total. */
async function pgStats(url: string): Promise<{ tables: number; rows: number }> {
  return pgAdmin(url, async (c) => {
    const r = await c.query<{ s: string; n: string }>(
      `SELECT n.nspname AS s, c.relname AS n
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
    );
    let rows = 0;
    for (const t of r.rows) {
      // Partitioned parents count their partitions' rows; inheritance parents count only their own.
      const q = await c.query<{ k: string }>(`SELECT count(*) AS k FROM ONLY ${pgq(t.s)}.${pgq(t.n)}`);
      rows += Number(q.rows[0]?.k ?? 0);
    }
    return { tables: r.rows.length, rows };
  });
}

interface Line {
  name: string;
  tables: number | string;
  rows: number | string;
  verdict: string;
  blocking: number | string;
  configOut: string;
  schemaExit: string;
  migrateExit: string;
  identical: string;
  secs: number;
  error: string;
  blockingIds: string;
}

function newestPlan(runDir: string): MigrationPlan | null {
  if (!existsSync(runDir)) return null;
  const runs = readdirSync(runDir)
    .map((d) => join(runDir, d, 'plan.json'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return runs[0] ? (JSON.parse(readFileSync(runs[0], 'utf8')) as MigrationPlan) : null;
}

async function runOne(file: string, args: Args, pgBase: string, myBase: string): Promise<Line> {
  const name = basename(file, '.sql');
  const kind = basename(dirname(file));
  const db = `${PREFIX}${name}`.slice(0, 60);
  const work = join(args.workDir, name);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const t0 = Date.now();
  const line: Line = {
    name,
    tables: '-',
    rows: '-',
    verdict: '-',
    blocking: '-',
    configOut: '-',
    schemaExit: '-',
    migrateExit: '-',
    identical: 'no',
    secs: 0,
    error: '',
    blockingIds: '',
  };
  const log = (step: string, p: Proc): void => {
    writeFileSync(join(work, `${step}.stdout`), p.stdout);
    writeFileSync(join(work, `${step}.stderr`), p.stderr);
  };
  const pgAdminUrl = withDb(pgBase, 'postgres');
  const source = withDb(pgBase, db);
  const target = withDb(myBase, db);
  const schemaTarget = withDb(myBase, `${db}_s`);
  try {
    // 1. load, as a user would: psql with ON_ERROR_STOP, password in the environment
    await recreatePg(pgAdminUrl, db);
    const s = splitPassword(source);
    const load = await run(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', s.url, '-f', file],
      { PGPASSWORD: s.password, PGOPTIONS: '-c client_min_messages=warning' },
      args.stepTimeoutMs,
    );
    log('load', load);
    if (load.code !== 0) {
      line.error = `LOAD: ${firstError(load)}`;
      return line;
    }
    const st = await pgStats(source);
    line.tables = st.tables;
    line.rows = st.rows;
    await recreateMy(myBase, db);

    // 2. assess --config-out
    const cfg = join(work, 'pg2my.yaml');
    let assess = await cli(
      ['assess', '--format', 'json', '--config-out', cfg],
      source,
      target,
      args.stepTimeoutMs,
    );
    if (/unknown option '--config-out'/.test(assess.stderr)) {
      assess = await cli(['assess', '--format', 'json'], source, target, args.stepTimeoutMs);
    }
    log('assess', assess);
    try {
      const rep = JSON.parse(assess.stdout) as {
        verdict?: string;
        risks?: { id: string; severity: string; status: string }[];
      };
      line.verdict = rep.verdict ?? '?';
      const blocking = (rep.risks ?? []).filter((r) => r.status === 'open' && r.severity === 'blocking');
      line.blocking = blocking.length;
      const ids = new Map<string, number>();
      for (const r of blocking) ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
      line.blockingIds = [...ids].map(([k, n]) => `${k}×${n}`).join(',');
    } catch {
      line.verdict = `exit ${assess.code}`;
      line.error = `ASSESS: ${firstError(assess)}`;
    }
    line.configOut = existsSync(cfg) ? 'yes' : 'no';
    const withCfg = existsSync(cfg) ? ['-c', cfg] : [];

    // 3. schema-only dumps: schema --apply into a second empty database must succeed
    if (kind === 'schema') {
      await recreateMy(myBase, `${db}_s`);
      const sch = await cli(['schema', '--apply', ...withCfg], source, schemaTarget, args.stepTimeoutMs);
      log('schema', sch);
      line.schemaExit = String(sch.timedOut ? 'T' : sch.code);
      if (sch.code !== 0 && !line.error) line.error = `SCHEMA: ${firstError(sch)}`;
    }

    // 4. migrate -c
    const runDir = join(work, 'runs');
    const mig = await cli(
      ['migrate', ...withCfg, '--run-dir', runDir, '--log-format', 'json'],
      source,
      target,
      args.stepTimeoutMs,
    );
    log('migrate', mig);
    line.migrateExit = String(mig.timedOut ? 'T' : mig.code);
    if (mig.code !== 0) {
      if (!line.error || line.error.startsWith('ASSESS')) line.error = `MIGRATE: ${firstError(mig)}`;
      return line;
    }

    // 5. the independent oracle
    const plan = newestPlan(runDir);
    if (!plan) {
      line.error = 'ORACLE: migrate wrote no plan.json';
      return line;
    }
    const diffs = await oracleCompare(source, target, plan);
    const bad = diffs.filter(
      (d) => d.sourceRows !== d.targetRows || d.onlySource.length || d.onlyTarget.length,
    );
    writeFileSync(join(work, 'oracle.json'), JSON.stringify(diffs, null, 2));
    if (bad.length === 0 && diffs.length === plan.tables.length) line.identical = 'yes';
    else
      line.error ||= `ORACLE: ${bad.length} table(s) differ, first ${bad[0]?.table} (${bad[0]?.sourceRows} vs ${bad[0]?.targetRows} rows)`;
  } catch (e) {
    line.error ||= `RUNNER: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  } finally {
    line.secs = Math.round((Date.now() - t0) / 1000);
    if (!args.keep) {
      await dropPg(pgAdminUrl, db).catch(() => undefined);
      await dropMy(myBase, db).catch(() => undefined);
      await dropMy(myBase, `${db}_s`).catch(() => undefined);
    }
  }
  return line;
}

const COLS: [keyof Line, string, number][] = [
  ['name', 'name', 20],
  ['tables', 'tables', 6],
  ['rows', 'rows', 7],
  ['verdict', 'assess', 19],
  ['blocking', 'block', 5],
  ['configOut', 'cfg', 3],
  ['schemaExit', 'schema', 6],
  ['migrateExit', 'migr', 4],
  ['identical', 'ident', 5],
  ['secs', 'secs', 5],
];

function fmt(l: Line | null): string {
  const cells = COLS.map(([k, h, w], i) => {
    const v = l ? String(l[k]) : h;
    return i === 0 ? v.padEnd(w) : v.padStart(w);
  });
  return `${cells.join(' ')}  ${l ? [l.error, l.blockingIds ? `[${l.blockingIds}]` : ''].filter(Boolean).join(' ') : 'first error / blocking risk ids'}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.cliRoot) {
    if (!existsSync(join(args.cliRoot, 'src', 'cli', 'main.ts')))
      usage(`no src/cli/main.ts under ${args.cliRoot}`);
    CLI_ROOT = args.cliRoot;
  }
  const info = await ensureServers();
  const urls = serverUrls(info);
  const pgBase = urls.pg;
  // The target: --target, else the MySQL 8 of PG2MY_TEST_MYSQL8_URL for --dialect mysql8, else our MariaDB.
  let myBase = urls.mysql;
  if (args.target) myBase = args.target;
  else if (args.dialect === 'mysql8') {
    if (!process.env.PG2MY_TEST_MYSQL8_URL) usage('--dialect mysql8 needs --target or PG2MY_TEST_MYSQL8_URL');
    myBase = process.env.PG2MY_TEST_MYSQL8_URL;
  } else if (args.dialect !== null && args.dialect !== 'mariadb') usage('--dialect is mysql8 or mariadb');
  let files = sqlFiles(args.dir);
  if (args.only) {
    const want = new Set(args.only);
    files = files.filter((f) => want.has(basename(f, '.sql')));
    const missing = args.only.filter((n) => !files.some((f) => basename(f, '.sql') === n));
    if (missing.length) usage(`no such entries: ${missing.join(', ')}`);
  }
  mkdirSync(args.workDir, { recursive: true, mode: 0o700 });
  process.stdout.write(
    `corpus: ${files.length} file(s) under ${relative(process.cwd(), args.dir) || '.'}; CLI from ${CLI_ROOT}; logs in ${args.workDir}/<name>/\n`,
  );
  process.stdout.write(`${fmt(null)}\n`);
  const t0 = Date.now();
  let identical = 0;
  for (const f of files) {
    const l = await runOne(f, args, pgBase, myBase);
    if (l.identical === 'yes') identical++;
    process.stdout.write(`${fmt(l)}\n`);
  }
  process.stdout.write(
    `total: ${identical}/${files.length} identical, ${Math.round((Date.now() - t0) / 1000)}s\n`,
  );
  process.exitCode = identical === files.length ? 0 : 1;
}

await main();
