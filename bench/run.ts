// `npm run bench -- --size tiny|small|1gb [--workers N]`: in ONE run on the same local servers, measure
// (a) the pipe limit (psql COPY | mariadb LOAD DATA LOCAL, per table, N at a time), (b) the naive Node
// baseline (batched INSERTs of 1000 rows), (c) pg2my migrate (copy phase alone, and the full run with
// post-data), (d) pg2my verify --level checksum; print a table with ratios and targets, write bench/results.
// Invariants: every measurement starts from an empty target with the same PK-only tables (or none, for
// pg2my); passwords only in child env; targets are printed (PASS/MISS), never asserted.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseConfig } from '../src/config/load-config.js';
import { silentSink } from '../src/events.js';
import { applyOps, planFromSource } from '../src/pipeline/schema.js';
import { connectTarget } from '../src/target/mysql/connect.js';
import { parseConnectionUrl } from '../src/config/urls.js';
import { ensureServers, repoRoot, serverUrls } from '../scripts/lib/servers-lib.js';
import { buildSampleDatabase } from '../scripts/sample-db.js';
import { generatorFingerprint } from './gen-data.js';
import { copySql, loadDataSql, sourceTables, withoutPassword } from './lib.js';
import { inLanes, type Measured, measure } from './measure.js';

const SIZES = { tiny: 0.02, small: 0.1, '1gb': 1 } as const;
type Size = keyof typeof SIZES;

function parseArgs(argv: readonly string[]): { size: Size; workers: number } {
  let size: Size = 'small';
  let workers = 2;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (flag === '--size' && value && value in SIZES) size = value as Size;
    else if (flag === '--workers' && value && Number(value) >= 1) workers = Number(value);
    else {
      process.stderr.write(
        'usage: npm run bench -- [--size tiny|small|1gb] [--workers N]\n' +
          '  tiny ≈ 20 MB (CI smoke), small ≈ 110 MB, 1gb ≈ 1.1 GB of COPY text; workers default 2\n',
      );
      process.exit(2);
    }
  }
  return { size, workers };
}

interface Row {
  readonly name: string;
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
  readonly peakRssMb: number | null;
}

const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const { size, workers } = parseArgs(process.argv.slice(2));
  const scale = SIZES[size];
  const db = `pg2my_bench_${size}`;
  const info = await ensureServers();
  const urls = serverUrls(info, { pgDatabase: db, mysqlDatabase: db });
  const admin = serverUrls(info, {});
  const childEnv = {
    ...process.env,
    PGPASSWORD: info.pg.password,
    MYSQL_PWD: info.mariadb.password,
    PG2MY_SOURCE_PASSWORD: info.pg.password,
    PG2MY_TARGET_PASSWORD: info.mariadb.password,
  };
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

  // ---- dataset (reused when the generator and scale are unchanged)
  const marker = `pg2my-bench ${generatorFingerprint()} scale=${scale}`;
  let have = false;
  {
    const c = new pg.Client({ connectionString: admin.pg });
    await c.connect();
    const r = await c.query<{ d: string | null }>(
      'SELECT shobj_description(oid, $2) AS d FROM pg_database WHERE datname = $1',
      [db, 'pg_database'],
    );
    have = r.rows[0]?.d === marker;
    await c.end();
  }
  if (!have) {
    log(`generating the dataset at scale ${scale} into PostgreSQL database ${db} …`);
    const t0 = performance.now();
    await buildSampleDatabase(db, scale);
    const c = new pg.Client({ connectionString: admin.pg });
    await c.connect();
    await c.query(`COMMENT ON DATABASE ${pg.escapeIdentifier(db)} IS ${pg.escapeLiteral(marker)}`);
    await c.end();
    log(`dataset ready in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  } else log(`reusing the dataset in ${db}`);

  const src = new pg.Client({ connectionString: urls.pg });
  await src.connect();
  await src.query('VACUUM ANALYZE');
  const tables = await sourceTables(src);
  const sizes = await src.query<{ t: string; b: string; n: string }>(
    `SELECT c.relname AS t, pg_total_relation_size(c.oid)::text AS b, c.reltuples::bigint::text AS n
       FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind = 'r'`,
  );
  await src.end();
  const bySize = new Map(sizes.rows.map((r) => [r.t, Number(r.b)]));
  tables.sort((a, b) => (bySize.get(b.name) ?? 0) - (bySize.get(a.name) ?? 0));

  const adminConn = await mysql.createConnection(admin.mysql);
  const freshTarget = async (withTables: boolean) => {
    await adminConn.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await adminConn.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4`);
    if (!withTables) return;
    const config = parseConfig({ source: urls.pg, target: urls.mysql });
    const { plan, dialect } = await planFromSource(config, silentSink, 'bench');
    const t = await connectTarget(parseConnectionUrl(urls.mysql, 'target'));
    try {
      await applyOps(t, plan.preData, dialect, silentSink, 'bench', 'pre-data');
    } finally {
      await t.conn.end();
    }
  };
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const srcArg = withoutPassword(urls.pg);
  const tgtArg = withoutPassword(urls.mysql);

  // ---- (c) pg2my migrate first: it also tells the row and byte totals every other line uses
  await freshTarget(false);
  const runDir = mkdtempSync(join(tmpdir(), 'pg2my-bench-'));
  log(`(c) pg2my migrate, ${workers} lanes …`);
  const mig = await measure(
    process.execPath,
    [
      cli,
      'migrate',
      '-s',
      srcArg,
      '-t',
      tgtArg,
      '--workers',
      String(workers),
      '--verify',
      'none',
      '--run-dir',
      runDir,
      '--no-progress',
      '--log-format',
      'json',
    ],
    childEnv,
  );
  const runId = readdirSync(runDir)[0]!;
  const events = readFileSync(join(runDir, runId, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const stepMs = (step: string) =>
    Number(events.find((e) => e.event === 'step.finished' && e.step === step)?.ms ?? Number.NaN);
  const copyEv = events.find((e) => e.event === 'step.finished' && e.step === 'copy')!;
  const rows = Number(copyEv.rows);
  const bytes = Number(copyEv.bytes);
  const copyMs = stepMs('copy');
  rmSync(runDir, { recursive: true, force: true });

  // ---- (d) pg2my verify at checksum level, on the target migrate just filled
  log('(d) pg2my verify --level checksum …');
  const ver = await measure(
    process.execPath,
    [cli, 'verify', '-s', srcArg, '-t', tgtArg, '--level', 'checksum', '--format', 'json'],
    childEnv,
  );
  const identical = (JSON.parse(ver.stdout) as { identical: boolean }).identical;

  // ---- (a) pipe limit: psql COPY | mariadb LOAD DATA LOCAL INFILE, per table, `workers` at a time
  await freshTarget(true);
  log(`(a) pipe limit (psql | mariadb), ${workers} tables at a time …`);
  const pipeScript =
    'set -euo pipefail; psql -X -q -v ON_ERROR_STOP=1 -h "$H" -p "$P" -U "$U" -d "$D" -c "$COPY_SQL" | ' +
    'mariadb --local-infile=1 -h "$MH" -P "$MP" -u "$MU" "$D" -e "$LOAD_SQL"';
  const pipeT0 = performance.now();
  await inLanes(
    tables.map(
      (t) => () =>
        measure('bash', ['-c', pipeScript], {
          ...childEnv,
          H: info.pg.host,
          P: String(info.pg.port),
          U: info.pg.user,
          MH: info.mariadb.host,
          MP: String(info.mariadb.port),
          MU: info.mariadb.user,
          D: db,
          COPY_SQL: copySql(t),
          LOAD_SQL: loadDataSql(t),
        }),
    ),
    workers,
  );
  const pipeMs = performance.now() - pipeT0;

  // ---- (b) naive: batched multi-row INSERTs of 1000 rows, `workers` tables at a time
  await freshTarget(true);
  log(`(b) naive Node baseline (INSERT 1000 rows/statement), ${workers} tables at a time …`);
  const naive: Measured = await measure(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'bench', 'naive-copy.ts'),
      '--workers',
      String(workers),
      '--batch',
      '1000',
    ],
    { ...childEnv, NAIVE_SOURCE_URL: srcArg, NAIVE_TARGET_URL: tgtArg },
  );
  const naiveMs = (JSON.parse(naive.stdout) as { copyMs: number }).copyMs;
  await adminConn.end();

  const results: Row[] = [
    { name: '(a) pipe limit: psql COPY → mariadb LOAD DATA', rows, bytes, ms: pipeMs, peakRssMb: null },
    { name: '(b) naive: Node INSERT × 1000', rows, bytes, ms: naiveMs, peakRssMb: naive.peakRssMb },
    { name: '(c) pg2my migrate: copy phase', rows, bytes, ms: copyMs, peakRssMb: mig.peakRssMb },
    { name: '(c) pg2my migrate: full (+ post-data)', rows, bytes, ms: mig.ms, peakRssMb: mig.peakRssMb },
    { name: '(d) pg2my verify --level checksum', rows, bytes, ms: ver.ms, peakRssMb: ver.peakRssMb },
  ];
  const ratios = {
    copyOverPipe: copyMs / pipeMs,
    naiveOverCopy: naiveMs / copyMs,
    verifyOverCopy: ver.ms / copyMs,
  };
  const peak = Math.max(mig.peakRssMb ?? 0, ver.peakRssMb ?? 0);
  const targets = [
    {
      what: 'copy time ≤ 1.25 × pipe limit',
      value: `${fmt(ratios.copyOverPipe, 2)} ×`,
      ok: ratios.copyOverPipe <= 1.25,
    },
    {
      what: 'copy ≥ 2.3 × faster than naive',
      value: `${fmt(ratios.naiveOverCopy, 2)} ×`,
      ok: ratios.naiveOverCopy >= 2.3,
    },
    {
      what: 'verify time ≤ 1 × copy time',
      value: `${fmt(ratios.verifyOverCopy, 2)} ×`,
      ok: ratios.verifyOverCopy <= 1,
    },
    { what: 'peak RSS of pg2my ≤ 300 MB', value: `${fmt(peak)} MB`, ok: peak <= 300 },
  ];

  const lines = [
    `pg2my bench, size ${size} (scale ${scale}): ${fmt(rows)} rows, ${fmt(bytes / 1e6, 1)} MB of COPY text, ${workers} lanes, ${tables.length} tables; verify: ${identical ? 'identical' : 'DIFFERENT'}`,
    '',
    `| measurement | wall s | rows/s | MB/s | peak RSS MB |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    ...results.map(
      (r) =>
        `| ${r.name} | ${fmt(r.ms / 1000, 2)} | ${fmt((r.rows / r.ms) * 1000)} | ${fmt((r.bytes / 1e6 / r.ms) * 1000, 1)} | ${r.peakRssMb === null ? '–' : fmt(r.peakRssMb)} |`,
    ),
    '',
    `| target | measured | |`,
    `| --- | ---: | --- |`,
    ...targets.map((t) => `| ${t.what} | ${t.value} | ${t.ok ? 'PASS' : 'MISS'} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const outDir = join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = join(outDir, `${size}-${stamp}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        size,
        scale,
        workers,
        rows,
        bytes,
        identical,
        node: process.version,
        measurements: results.map((r) => ({
          ...r,
          rowsPerSecond: (r.rows / r.ms) * 1000,
          mbPerSecond: (r.bytes / 1e6 / r.ms) * 1000,
        })),
        ratios,
        steps: { copyMs, postDataMs: stepMs('post-data'), preflightMs: stepMs('preflight') },
        targets,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`results: ${file}\n`);
  if (!identical) process.exitCode = 16;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
