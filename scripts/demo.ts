// The demo's steps once scripts/demo.sh has the servers up: build the Rails-like sample in PostgreSQL,
// create an empty MariaDB database, run the real `pg2my migrate` CLI (which verifies at the end), then print
// a summary read from the run's summary.json. `npx tsx scripts/demo.ts [scale]` (default 0.01 ≈ 53k rows).
// Invariants: passwords travel in environment variables, never in argv or output; the summary describes the
// run directory this migrate created (never an older one); the exit status is migrate's.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { ERROR_CODES } from '../src/errors.js';
import { ensureServers, serverUrls } from './lib/servers-lib.js';
import { buildSampleDatabase, DEFAULT_SAMPLE_SCALE } from './sample-db.js';

const DB = 'pg2my_demo';
const RUN_DIR = 'runs';

/** The fields of summary.json (src/report/summarize.ts) the demo prints. */
interface Summary {
  readonly runId: string;
  readonly status: string;
  readonly totals: { readonly tables: number; readonly rowsCopied: number; readonly bytes: number };
  readonly steps: readonly { readonly step: string; readonly ms: number | null }[];
  readonly verify: { readonly equal: number; readonly different: number; readonly errors: number } | null;
}

const n = (x: number) => x.toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const withoutPassword = (u: string) => {
  const x = new URL(u);
  x.password = '';
  return x.toString();
};
/** migrate's verify level as recorded in the run's manifest.json (config.migrate.verify). */
function readManifestVerifyLevel(dir: string): string {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      config?: { migrate?: { verify?: string } };
    };
    return m.config?.migrate?.verify ?? 'verify';
  } catch {
    return 'verify';
  }
}
const runDirs = () => (existsSync(RUN_DIR) ? readdirSync(RUN_DIR) : []);

async function main(): Promise<number> {
  const scaleArg = process.argv[2] ?? process.env.PG2MY_DEMO_SCALE;
  const scale = scaleArg === undefined ? DEFAULT_SAMPLE_SCALE : Number(scaleArg);
  if (!Number.isFinite(scale) || scale <= 0) {
    process.stderr.write(`demo: the scale must be a positive number (got ${scaleArg}); 0.01 ≈ 53k rows\n`);
    return 2;
  }
  // demo.sh sets this so the total includes npm ci and the server start.
  const startedMs = Number(process.env.PG2MY_DEMO_STARTED_MS) || Date.now();
  const info = await ensureServers();
  const urls = serverUrls(info, { pgDatabase: DB, mysqlDatabase: DB });
  const source = withoutPassword(urls.pg);
  const target = withoutPassword(urls.mysql);

  console.log(`==> building the Rails-like sample database "${DB}" in PostgreSQL (scale ${scale})`);
  const tBuild = performance.now();
  const rows = await buildSampleDatabase(DB, scale);
  console.log(`    ${n(rows)} rows in ${secs(performance.now() - tBuild)}`);

  console.log(`==> creating an empty MariaDB database "${DB}"`);
  const admin = await mysql.createConnection(serverUrls(info, {}).mysql);
  await admin.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin.query(`CREATE DATABASE \`${DB}\` CHARACTER SET utf8mb4`);
  await admin.end();

  console.log(`==> pg2my migrate --source ${source} --target ${target} --run-dir ${RUN_DIR}`);
  const before = new Set(runDirs());
  const code = await new Promise<number>((done) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'migrate',
        '--source',
        source,
        '--target',
        target,
        '--run-dir',
        RUN_DIR,
      ],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          PG2MY_SOURCE_PASSWORD: info.pg.password,
          PG2MY_TARGET_PASSWORD: info.mariadb.password,
        },
      },
    );
    child.on('close', (c) => done(c ?? 1));
  });

  const created = runDirs().filter((d) => !before.has(d));
  const runDir = created.length === 1 ? resolve(RUN_DIR, created[0]!) : undefined;
  const summaryPath = runDir && join(runDir, 'summary.json');
  const summary =
    summaryPath && existsSync(summaryPath)
      ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary)
      : undefined;

  console.log('');
  // Several codes share an exit status; the message migrate printed above names the one that applied.
  const codes = Object.entries(ERROR_CODES)
    .filter(([, v]) => v.exit === code)
    .map(([k]) => k);
  console.log(
    code === 0
      ? `==> demo finished in ${secs(Date.now() - startedMs)}: MariaDB holds an identical copy of the sample.`
      : `==> pg2my migrate exited with ${code}${codes.length ? ` (${codes.join(' or ')}; see the message above)` : ''}.`,
  );
  console.log(`    source   ${source}  (${n(rows)} rows)`);
  console.log(`    target   ${target}`);
  if (summary) {
    const copyMs = summary.steps.find((s) => s.step === 'copy')?.ms ?? null;
    const t = summary.totals;
    console.log(
      `    copied   ${n(t.rowsCopied)} rows in ${t.tables} tables, ${(t.bytes / 1e6).toFixed(1)} MB` +
        (copyMs
          ? `, copy step ${secs(copyMs)} (${n(Math.round((t.rowsCopied / copyMs) * 1000))} rows/s)`
          : ''),
    );
    const v = summary.verify;
    const level = readManifestVerifyLevel(runDir!);
    console.log(
      v
        ? `    verify   ${level}: ${v.equal} of ${v.equal + v.different + v.errors} tables identical` +
            (v.different || v.errors ? `, ${v.different} different, ${v.errors} not verified` : '')
        : '    verify   did not run',
    );
    console.log(`    report   ${join(runDir!, 'report.md')}`);
    console.log(`             ${join(runDir!, 'report.html')}  (open it in a browser)`);
    console.log(
      '             same folder: summary.json, events.ndjson, metrics.prom, plan.json, manifest.json',
    );
  } else {
    console.log(
      `    report   none: migrate stopped before writing a run directory under ${resolve(RUN_DIR)}`,
    );
  }
  console.log(
    '    connect  npx tsx scripts/servers.ts urls   (prints both URLs, with passwords, for psql/mariadb)',
  );
  if (code === 0) {
    const bigger = Number((scale * 10).toPrecision(3));
    console.log(
      `    bigger   npm run demo -- ${bigger}   (scale ${bigger} ≈ ${n(Math.round((rows * bigger) / scale))} rows)`,
    );
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
