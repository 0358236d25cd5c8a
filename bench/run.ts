// `npm run bench -- --size tiny|small|1gb`: in one run on the local servers, measure (a) the pipe limit
// (psql COPY | mariadb LOAD DATA per table, same lanes), (b) the naive Node copy, (c) pg2my migrate (copy
// phase from its events.ndjson, and the full run with --verify none), (d) pg2my verify --level checksum;
// print a table with ratios and targets and write bench/results/<size>-<timestamp>.json.
// Invariants: needs dist/ built (scripts/bench.sh builds it); passwords reach children only through env;
// every measurement checks its result (row counts, zero warnings, verify identical) or the bench fails.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { ensureServers, type ServerInfo, serverUrls, serverVersions } from '../scripts/lib/servers-lib.js';
import { parseConfig } from '../src/config/load-config.js';
import { silentSink } from '../src/events.js';
import { planFromSource } from '../src/pipeline/schema.js';
import type { TablePlan } from '../src/plan/model.js';
import { TARGET_SQL_MODE } from '../src/target/mysql/connect.js';
import { renderOp } from '../src/target/mysql/render-ddl.js';
import { type Dataset, ensureDataset } from './dataset.js';
import { DATASET_TABLES } from './gen-data.js';
import { median, myIdent, pipeCopySql, pipeLoadSql, withoutPassword } from './lib.js';
import {
  type CpuSnapshot,
  cpuSnapshot,
  cpuSplit,
  hasGnuTime,
  inLanes,
  measure,
  type ServerPids,
  serverPids,
  waitForQuiet,
} from './measure.js';
import {
  type BenchResults,
  type ForeignSessions,
  MEASUREMENT_LABELS,
  type Measurement,
  type MeasurementKey,
  type RunFigures,
  renderText,
  targetsFor,
} from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const SIZES: Readonly<Record<string, number>> = { tiny: 0.02, small: 0.1, '1gb': 1 };

const USAGE = `usage: npm run bench -- [--size tiny|small|1gb] [--workers N] [--runs N] [--results-dir DIR]
                       [--quiet-wait S] [--keep]
  --size         dataset scale: tiny ≈ 21 MB, small ≈ 112 MB (default), 1gb ≈ 1.1 GB of COPY text
  --workers      lanes for the pipe, the naive copy and pg2my (default 2)
  --runs         runs of each measurement; the table shows medians (default 1)
  --results-dir  where <size>-<timestamp>.json goes (default bench/results)
  --quiet-wait   before each run wait up to S seconds for an idle machine (default 30; 0 = never)
  --keep         keep the MariaDB databases and pg2my's run directories (default: removed)
`;

interface Args {
  size: string;
  workers: number;
  runs: number;
  resultsDir: string;
  quietWaitS: number;
  keep: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    size: 'small',
    workers: 2,
    runs: 1,
    resultsDir: join(ROOT, 'bench', 'results'),
    quietWaitS: 30,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (flag === '--keep') {
      a.keep = true;
      continue;
    }
    const [name, inline] = flag.includes('=') ? flag.split(/=(.*)/s) : [flag, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`missing value for ${name}\n${USAGE}`);
    if (name === '--size') a.size = value;
    else if (name === '--workers') a.workers = Number(value);
    else if (name === '--runs') a.runs = Number(value);
    else if (name === '--results-dir') a.resultsDir = resolve(value);
    else if (name === '--quiet-wait') a.quietWaitS = Number(value);
    else throw new Error(`unknown flag ${name}\n${USAGE}`);
  }
  if (!(a.size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  if (!Number.isInteger(a.workers) || a.workers < 1 || a.workers > 64) throw new Error('--workers: 1..64');
  if (!Number.isInteger(a.runs) || a.runs < 1 || a.runs > 20) throw new Error('--runs: 1..20');
  if (!Number.isFinite(a.quietWaitS) || a.quietWaitS < 0) throw new Error('--quiet-wait: seconds ≥ 0');
  return a;
}

const log = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};

function which(names: readonly string[]): string {
  for (const n of names) {
    const r = spawnSync('sh', ['-c', `command -v ${n}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error(`none of ${names.join(', ')} is on PATH (scripts/servers.ts start installs them)`);
}

async function withMysql<T>(url: string, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ uri: url, charset: 'utf8mb4', multipleStatements: false });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function recreateMysqlDatabase(adminUrl: string, name: string): Promise<void> {
  await withMysql(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${myIdent(name)}`);
    await c.query(`CREATE DATABASE ${myIdent(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  });
}

async function dropMysqlDatabase(adminUrl: string, name: string): Promise<void> {
  await withMysql(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${myIdent(name)}`));
}

/** Row counts of the dataset's tables on the target; throws unless they equal the source's. */
async function checkTargetCounts(url: string, expected: Record<string, number>, what: string): Promise<void> {
  await withMysql(url, async (c) => {
    for (const t of DATASET_TABLES) {
      const [rows] = await c.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${myIdent(t)}`);
      const n = Number(rows[0]?.n);
      if (n !== expected[t])
        throw new Error(`${what}: ${t} has ${n} rows on the target, expected ${expected[t]}`);
    }
  });
}

/** Bytes of MySQL-ready COPY text per table (pg2my's conversions); also warms the source's caches. */
async function copyTextBytes(pgUrl: string, tables: readonly TablePlan[]): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    const out = new Map<string, number>();
    for (const t of tables) {
      let n = 0;
      for await (const chunk of c.query(copyTo(pipeCopySql(t)))) n += (chunk as Buffer).length;
      out.set(t.target, n);
    }
    return out;
  } finally {
    await c.end();
  }
}

interface Ctx {
  readonly args: Args;
  readonly info: ServerInfo;
  readonly pids: ServerPids;
  readonly dataset: Dataset;
  readonly pgUrl: string;
  readonly baseDb: string;
  readonly toolDb: string;
  /** Tables in pg2my's plan, largest COPY text first (the order every lane queue uses). */
  readonly tables: readonly TablePlan[];
  readonly rows: number;
  readonly bytes: number;
  readonly env: NodeJS.ProcessEnv;
  readonly psql: string;
  readonly mariadb: string;
}

const mysqlUrl = (ctx: Ctx, db?: string): string =>
  serverUrls(ctx.info, db === undefined ? {} : { mysqlDatabase: db }).mysql;

async function quiet(ctx: Ctx): Promise<{ waitedMs: number; quiet: boolean }> {
  if (ctx.args.quietWaitS <= 0) return { waitedMs: 0, quiet: false };
  return waitForQuiet(ctx.args.quietWaitS * 1000);
}

/** Counts sessions of other clients busy on the two servers (not the bench's databases), twice a second. */
class ForeignWatch {
  #max = { pg: 0, mariadb: 0 };
  /** Which databases (and commands) the foreign sessions used. */
  readonly #seen = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  private constructor(
    private readonly pgc: pg.Client,
    private readonly my: mysql.Connection,
    private readonly ctx: Ctx,
  ) {}

  static async start(ctx: Ctx): Promise<ForeignWatch> {
    const pgc = new pg.Client({ connectionString: serverUrls(ctx.info).pg });
    await pgc.connect();
    const my = await mysql.createConnection({ uri: mysqlUrl(ctx), charset: 'utf8mb4' });
    const w = new ForeignWatch(pgc, my, ctx);
    w.#timer = setInterval(() => void w.#sample(), 500);
    return w;
  }

  async #sample(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const r = await this.pgc.query<{ db: string | null }>(
        `SELECT datname AS db FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()
            AND datname IS DISTINCT FROM $1`,
        [this.ctx.dataset.database],
      );
      const [rows] = await this.my.query<mysql.RowDataPacket[]>(
        `SELECT DB AS db, COMMAND AS cmd FROM information_schema.PROCESSLIST
          WHERE COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump') AND ID <> CONNECTION_ID()
            AND (DB IS NULL OR DB NOT IN (?, ?))`,
        [this.ctx.baseDb, this.ctx.toolDb],
      );
      this.#max.pg = Math.max(this.#max.pg, r.rows.length);
      this.#max.mariadb = Math.max(this.#max.mariadb, rows.length);
      for (const x of r.rows) this.#seen.add(`postgresql:${x.db ?? '-'}`);
      for (const x of rows) this.#seen.add(`mariadb:${String(x.db ?? '-')}:${String(x.cmd)}`);
    } catch {
      // a failed sample is not a measurement failure
    } finally {
      this.#busy = false;
    }
  }

  /** Stop sampling (idempotent); the largest counts seen, and where. */
  async stop(): Promise<ForeignSessions> {
    if (this.#timer === undefined) return { ...this.#max, seen: [...this.#seen].slice(0, 10) };
    clearInterval(this.#timer);
    this.#timer = undefined;
    while (this.#busy) await new Promise((r) => setTimeout(r, 10));
    await this.pgc.end().catch(() => {});
    await this.my.end().catch(() => {});
    return { ...this.#max, seen: [...this.#seen].slice(0, 10) };
  }
}

/** Wait for a quiet machine, then run `fn` while watching the servers for other clients. */
async function observed<T>(
  ctx: Ctx,
  fn: () => Promise<T>,
): Promise<{ value: T; waitedMs: number; quiet: boolean; foreignSessions: ForeignSessions }> {
  const q = await quiet(ctx);
  const watch = await ForeignWatch.start(ctx);
  try {
    const value = await fn();
    return { value, ...q, foreignSessions: await watch.stop() };
  } finally {
    await watch.stop();
  }
}

async function truncateBase(ctx: Ctx): Promise<void> {
  await withMysql(mysqlUrl(ctx, ctx.baseDb), async (c) => {
    for (const t of ctx.tables) await c.query(`TRUNCATE TABLE ${myIdent(t.target)}`);
  });
}

const PIPE_SCRIPT = `set -o pipefail
"$PIPE_PSQL" -X -q -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U "$3" -d "$4" -c "$PIPE_COPY" |
  "$PIPE_MARIADB" --local-infile=1 --default-character-set=utf8mb4 --batch -h "$5" -P "$6" -u "$7" -D "$8" -e "$PIPE_LOAD"`;

/** (a) every table through its own psql | mariadb pipe, `workers` at a time. */
async function runPipe(ctx: Ctx): Promise<RunFigures> {
  await truncateBase(ctx);
  const { pg: p, mariadb: m } = ctx.info;
  const o = await observed(ctx, async () => {
    const before = cpuSnapshot(ctx.pids);
    const t0 = performance.now();
    const results = await inLanes(
      ctx.tables.map((t) => async () => {
        // bash -c's positional parameters: the source's host, port, user, database, then the target's.
        const r = await measure(
          'bash',
          [
            '-c',
            PIPE_SCRIPT,
            'pipe',
            p.host,
            String(p.port),
            p.user,
            ctx.dataset.database,
            m.host,
            String(m.port),
            m.user,
            ctx.baseDb,
          ],
          {
            ...ctx.env,
            PIPE_PSQL: ctx.psql,
            PIPE_MARIADB: ctx.mariadb,
            PIPE_COPY: pipeCopySql(t),
            // pg2my's session settings, then the load; SHOW WARNINGS prints nothing when there were none.
            PIPE_LOAD: `SET SESSION sql_mode = '${TARGET_SQL_MODE}', time_zone = '+00:00'; ${pipeLoadSql(t)}; SHOW WARNINGS LIMIT 5`,
          },
        );
        if (r.stdout.trim())
          throw new Error(`pipe: LOAD DATA into ${t.target} warned:\n${r.stdout.slice(0, 2000)}`);
        return { table: t.target, ms: r.ms, peakRssMb: r.peakRssMb, cpuS: r.cpuS };
      }),
      ctx.args.workers,
    );
    const ms = performance.now() - t0;
    const clientCpu = results.every((r) => r.cpuS !== null)
      ? results.reduce((sum, r) => sum + (r.cpuS ?? 0), 0)
      : null;
    return { ms, results, cpu: cpuSplit(before, cpuSnapshot(ctx.pids), clientCpu) };
  });
  await checkTargetCounts(mysqlUrl(ctx, ctx.baseDb), ctx.dataset.marker.rows, 'pipe');
  const rss = o.value.results.map((r) => r.peakRssMb).filter((x): x is number => x !== null);
  return {
    ms: o.value.ms,
    processMs: o.value.ms,
    peakRssMb: rss.length ? Math.max(...rss) : null,
    cpu: o.value.cpu,
    waitedMs: o.waitedMs,
    quiet: o.quiet,
    foreignSessions: o.foreignSessions,
    detail: { tables: o.value.results.map((r) => ({ table: r.table, ms: Math.round(r.ms) })) },
  };
}

/** (b) bench/naive-copy.ts in its own node process. */
async function runNaive(ctx: Ctx): Promise<RunFigures> {
  await truncateBase(ctx);
  const o = await observed(ctx, async () => {
    const before = cpuSnapshot(ctx.pids);
    const r = await measure(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'bench', 'naive-copy.ts'),
        '--workers',
        String(ctx.args.workers),
        '--tables',
        ctx.tables.map((t) => t.source.name).join(','),
      ],
      {
        ...ctx.env,
        NAIVE_SOURCE_URL: withoutPassword(ctx.pgUrl),
        NAIVE_TARGET_URL: withoutPassword(mysqlUrl(ctx, ctx.baseDb)),
      },
      { cwd: ROOT },
    );
    return { r, cpu: cpuSplit(before, cpuSnapshot(ctx.pids), r.cpuS) };
  });
  const { r, cpu } = o.value;
  const out = JSON.parse(r.stdout) as {
    copyMs: number;
    tables: { table: string; rows: number; ms: number }[];
  };
  await checkTargetCounts(mysqlUrl(ctx, ctx.baseDb), ctx.dataset.marker.rows, 'naive');
  return {
    ms: out.copyMs,
    processMs: r.ms,
    peakRssMb: r.peakRssMb,
    cpu,
    waitedMs: o.waitedMs,
    quiet: o.quiet,
    foreignSessions: o.foreignSessions,
    detail: { tables: out.tables.map((t) => ({ ...t, ms: Math.round(t.ms) })) },
  };
}

interface StepFinished {
  readonly ms: number;
  readonly data: Record<string, unknown>;
}

/** step.finished events of a run's events.ndjson (fields may sit in `data` or at the top level). */
function stepsFrom(lines: readonly string[]): Map<string, StepFinished> {
  const steps = new Map<string, StepFinished>();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (e.event !== 'step.finished' || typeof e.step !== 'string') continue;
    const data = { ...e, ...((e.data as Record<string, unknown> | undefined) ?? {}) };
    steps.set(e.step, { ms: Number(data.ms), data });
  }
  return steps;
}

/** (c) pg2my migrate --verify none into an empty database; the copy phase comes from its events. */
async function runMigrate(ctx: Ctx): Promise<{ full: RunFigures; copy: RunFigures }> {
  await recreateMysqlDatabase(mysqlUrl(ctx), ctx.toolDb);
  const runDir = mkdtempSync(join(tmpdir(), 'pg2my-bench-runs-'));
  try {
    let copyStart: CpuSnapshot | undefined;
    let copyEnd: CpuSnapshot | undefined;
    const o = await observed(ctx, async () => {
      const before = cpuSnapshot(ctx.pids);
      const r = await measure(
        process.execPath,
        [
          join(ROOT, 'dist', 'cli', 'main.js'),
          'migrate',
          '--source',
          withoutPassword(ctx.pgUrl),
          '--target',
          withoutPassword(mysqlUrl(ctx, ctx.toolDb)),
          '--workers',
          String(ctx.args.workers),
          '--verify',
          'none',
          '--run-dir',
          runDir,
          '--log-format',
          'json',
          '--no-progress',
        ],
        ctx.env,
        {
          cwd: ROOT,
          // CPU snapshots at the copy step's boundaries, taken as its events arrive on stderr.
          onStderrLine: (line, pid) => {
            if (!line.includes('"step":"copy"')) return;
            if (line.includes('"event":"step.started"')) copyStart = cpuSnapshot(ctx.pids, pid);
            else if (line.includes('"event":"step.finished"')) copyEnd = cpuSnapshot(ctx.pids, pid);
          },
        },
      );
      return { r, cpu: cpuSplit(before, cpuSnapshot(ctx.pids), r.cpuS) };
    });
    const { r, cpu } = o.value;
    const runs = readdirSync(runDir);
    if (runs.length !== 1)
      throw new Error(`migrate: expected one run directory in ${runDir}, found ${runs.length}`);
    const steps = stepsFrom(readFileSync(join(runDir, runs[0]!, 'events.ndjson'), 'utf8').split('\n'));
    const copy = steps.get('copy');
    if (!copy || !Number.isFinite(copy.ms)) throw new Error('migrate: no copy step.finished event with ms');
    const copiedRows = Number(copy.data.rows);
    if (copiedRows !== ctx.rows)
      throw new Error(`migrate: copied ${copiedRows} rows, the dataset has ${ctx.rows}`);
    await checkTargetCounts(mysqlUrl(ctx, ctx.toolDb), ctx.dataset.marker.rows, 'migrate');
    const common = { waitedMs: o.waitedMs, quiet: o.quiet, foreignSessions: o.foreignSessions };
    return {
      full: {
        ms: r.ms,
        processMs: r.ms,
        peakRssMb: r.peakRssMb,
        cpu,
        ...common,
        detail: { steps: Object.fromEntries([...steps].map(([k, v]) => [k, v.ms])) },
      },
      copy: {
        ms: copy.ms,
        processMs: r.ms,
        peakRssMb: r.peakRssMb,
        cpu: copyStart && copyEnd ? cpuSplit(copyStart, copyEnd) : null,
        ...common,
        detail: { rows: copiedRows, bytes: Number(copy.data.bytes) },
      },
    };
  } finally {
    if (ctx.args.keep) log(`    pg2my run directory kept: ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  }
}

/** (d) pg2my verify --level checksum of the migrated database; fails unless identical. */
async function runVerify(ctx: Ctx): Promise<RunFigures> {
  const o = await observed(ctx, async () => {
    const before = cpuSnapshot(ctx.pids);
    const r = await measure(
      process.execPath,
      [
        join(ROOT, 'dist', 'cli', 'main.js'),
        'verify',
        '--source',
        withoutPassword(ctx.pgUrl),
        '--target',
        withoutPassword(mysqlUrl(ctx, ctx.toolDb)),
        '--level',
        'checksum',
        '--format',
        'json',
      ],
      ctx.env,
      { cwd: ROOT },
    );
    return { r, cpu: cpuSplit(before, cpuSnapshot(ctx.pids), r.cpuS) };
  });
  const { r, cpu } = o.value;
  const report = JSON.parse(r.stdout) as { identical?: boolean; tables?: { rowsSource?: number }[] };
  if (report.identical !== true) throw new Error('verify: the report says the target is not identical');
  const compared = (report.tables ?? []).reduce((sum, t) => sum + Number(t.rowsSource ?? 0), 0);
  return {
    ms: r.ms,
    processMs: r.ms,
    peakRssMb: r.peakRssMb,
    cpu,
    waitedMs: o.waitedMs,
    quiet: o.quiet,
    foreignSessions: o.foreignSessions,
    detail: { rowsCompared: compared },
  };
}

function summarize(
  ctx: Ctx,
  key: MeasurementKey,
  runs: readonly RunFigures[],
  timeIs: string,
  rssOf: string,
): Measurement {
  const ms = median(runs.map((r) => r.ms));
  const rss = runs.map((r) => r.peakRssMb).filter((x): x is number => x !== null);
  return {
    key,
    label: MEASUREMENT_LABELS[key],
    timeIs,
    rows: ctx.rows,
    bytes: ctx.bytes,
    ms: Math.round(ms),
    rowsPerS: Math.round((ctx.rows / ms) * 1000),
    mbPerS: Math.round((ctx.bytes / 1e6 / (ms / 1000)) * 10) / 10,
    peakRssMb: rss.length ? Math.round(Math.max(...rss) * 10) / 10 : null,
    rssOf,
    runs: runs.map((r) => ({ ...r, ms: Math.round(r.ms), processMs: Math.round(r.processMs) })),
  };
}

/** The commit measured, and the source files that differed from it (dist/ is built from the working tree). */
function gitState(): { commit: string | null; dirty: string[] } {
  const run = (args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout : null;
  };
  const commit = run(['rev-parse', 'HEAD'])?.trim() ?? null;
  const dirty = (run(['status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json']) ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  return { commit, dirty };
}

const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const started = new Date();
  const scale = SIZES[args.size]!;
  const psql = which(['psql']);
  const mariadbCli = which(['mariadb', 'mysql']);
  if (!hasGnuTime()) log('GNU time (/usr/bin/time) not found: peak RSS and CPU come from /proc polling');
  const info = await ensureServers();
  const admin = serverUrls(info);
  const database = `pg2my_bench_${args.size}`;
  const dataset = await ensureDataset(admin.pg, database, scale, log);
  const pgUrl = serverUrls(info, { pgDatabase: database }).pg;
  const baseDb = `pg2my_bench_${args.size}_base`;
  const toolDb = `pg2my_bench_${args.size}_pg2my`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGPASSWORD: info.pg.password,
    MYSQL_PWD: info.mariadb.password,
    PG2MY_SOURCE_PASSWORD: info.pg.password,
    PG2MY_TARGET_PASSWORD: info.mariadb.password,
  };

  // Target tables for the pipe and the naive copy: pg2my's own pre-data (CREATE TABLE with the primary key
  // only), so column types match what pg2my loads into.
  await recreateMysqlDatabase(admin.mysql, baseDb);
  const baseUrl = serverUrls(info, { mysqlDatabase: baseDb }).mysql;
  const { plan, dialect } = await planFromSource(parseConfig({ source: pgUrl, target: baseUrl }), silentSink);
  const planned = new Set(plan.tables.map((t) => t.target));
  for (const t of DATASET_TABLES)
    if (!planned.has(t)) throw new Error(`pg2my's plan has no table ${t}; is ${database} the bench dataset?`);
  await withMysql(baseUrl, async (c) => {
    for (const op of plan.preData) await c.query(renderOp(op, dialect));
  });
  log('counting the COPY text bytes of each table (also warms the source)');
  const bytesByTable = await copyTextBytes(pgUrl, plan.tables);
  const tables = [...plan.tables].sort(
    (a, b) => (bytesByTable.get(b.target) ?? 0) - (bytesByTable.get(a.target) ?? 0),
  );
  const rows = DATASET_TABLES.reduce((s, t) => s + (dataset.marker.rows[t] ?? 0), 0);
  const bytes = [...bytesByTable.values()].reduce((s, n) => s + n, 0);
  const ctx: Ctx = {
    args,
    info,
    pids: serverPids(info.pg.dataDir, info.mariadb.dataDir),
    dataset,
    pgUrl,
    baseDb,
    toolDb,
    tables,
    rows,
    bytes,
    env,
    psql,
    mariadb: mariadbCli,
  };
  log(`dataset: ${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB of COPY text`);

  const figures: Record<MeasurementKey, RunFigures[]> = {
    pipe: [],
    naive: [],
    pg2myCopy: [],
    pg2myMigrate: [],
    verify: [],
  };
  const secs = (f: RunFigures): string => `${(f.ms / 1000).toFixed(2)} s`;
  try {
    for (let i = 1; i <= args.runs; i++) {
      const of = args.runs > 1 ? ` (run ${i}/${args.runs})` : '';
      log(`(a) pipe limit${of}`);
      figures.pipe.push(await runPipe(ctx));
      log(`    ${secs(figures.pipe.at(-1)!)}`);
      log(`(b) naive copy${of}`);
      figures.naive.push(await runNaive(ctx));
      log(`    ${secs(figures.naive.at(-1)!)}`);
      log(`(c) pg2my migrate${of}`);
      const mig = await runMigrate(ctx);
      figures.pg2myMigrate.push(mig.full);
      figures.pg2myCopy.push(mig.copy);
      log(`    copy ${secs(mig.copy)}, full ${secs(mig.full)}`);
      log(`(d) pg2my verify --level checksum${of}`);
      figures.verify.push(await runVerify(ctx));
      log(`    ${secs(figures.verify.at(-1)!)}`);
    }
  } finally {
    if (!args.keep) {
      await dropMysqlDatabase(admin.mysql, baseDb).catch(() => {});
      await dropMysqlDatabase(admin.mysql, toolDb).catch(() => {});
    }
  }

  const measurements: Record<MeasurementKey, Measurement> = {
    pipe: summarize(
      ctx,
      'pipe',
      figures.pipe,
      'first pipe started → last pipe ended',
      'largest psql/mariadb',
    ),
    naive: summarize(ctx, 'naive', figures.naive, 'copy inside the node process (after startup)', 'node'),
    pg2myCopy: summarize(
      ctx,
      'pg2myCopy',
      figures.pg2myCopy,
      'copy step.finished ms in events.ndjson',
      'pg2my',
    ),
    pg2myMigrate: summarize(ctx, 'pg2myMigrate', figures.pg2myMigrate, 'process start → exit', 'pg2my'),
    verify: summarize(ctx, 'verify', figures.verify, 'process start → exit', 'pg2my'),
  };
  const versions = await serverVersions(info).catch(() => ({ pg: '?', mariadb: '?' }));
  const settings = await withMysql(admin.mysql, async (c) => {
    const [r] = await c.query<mysql.RowDataPacket[]>(
      `SELECT @@innodb_buffer_pool_size AS innodb_buffer_pool_size, @@innodb_log_file_size AS innodb_log_file_size,
              @@innodb_flush_log_at_trx_commit AS innodb_flush_log_at_trx_commit,
              @@innodb_doublewrite AS innodb_doublewrite, @@log_bin AS log_bin, @@local_infile AS local_infile`,
    );
    return r[0] ?? {};
  });
  const results: BenchResults = {
    bench: 'pg2my',
    size: args.size,
    scale,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    workers: args.workers,
    runsPerMeasurement: args.runs,
    git: gitState(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      gnuTime: hasGnuTime(),
    },
    servers: { pg: versions.pg, mariadb: versions.mariadb, mariadbSettings: settings },
    dataset: {
      database,
      reused: dataset.reused,
      generateMs: dataset.marker.generateMs,
      rows,
      bytes,
      tables: tables.map((t) => ({
        table: t.target,
        rows: dataset.marker.rows[t.target] ?? 0,
        bytes: bytesByTable.get(t.target) ?? 0,
      })),
    },
    measurements,
    ratios: {
      copyOverPipe: round3(measurements.pg2myCopy.ms / measurements.pipe.ms),
      speedupOverNaive: round3(measurements.naive.ms / measurements.pg2myCopy.ms),
      verifyOverCopy: round3(measurements.verify.ms / measurements.pg2myCopy.ms),
      migrateOverPipe: round3(measurements.pg2myMigrate.ms / measurements.pipe.ms),
    },
    targets: targetsFor(measurements),
  };
  mkdirSync(args.resultsDir, { recursive: true });
  const file = join(args.resultsDir, `${args.size}-${stamp(started)}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${renderText(results)}\nresults: ${file}\n`);
  return 0;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bench: FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
