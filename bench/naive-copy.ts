// The naive Node baseline the bench compares pg2my with: keyset-paged SELECT from PostgreSQL (node-postgres),
// then one multi-row INSERT per page through mysql2 (autocommit), `--workers` tables at a time, in the order
// given by --tables (the bench passes largest first, as pg2my and the pipe do).
//   NAIVE_SOURCE_URL=postgres://… PGPASSWORD=… NAIVE_TARGET_URL=mysql://… MYSQL_PWD=… \
//     node --import tsx bench/naive-copy.ts [--workers 2] [--batch 1000] [--tables a,b,…]
// Invariants: URLs come without passwords (env only); target tables already exist; prints one JSON object
// ({ copyMs, tables: [{ table, rows, ms }] }) on stdout and nothing else; exits non-zero on any error.

import mysql from 'mysql2/promise';
import pg from 'pg';
import { DATA_SCHEMA, myIdent, naiveSelectExpr, pgIdent, type SourceTable, sourceTables } from './lib.js';

interface Args {
  workers: number;
  batch: number;
  tables: string[] | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { workers: 2, batch: 1000, tables: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    i++;
    if (flag === '--workers') args.workers = Number(value);
    else if (flag === '--batch') args.batch = Number(value);
    else if (flag === '--tables') args.tables = value.split(',').filter(Boolean);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!Number.isInteger(args.workers) || args.workers < 1) throw new Error('--workers must be ≥ 1');
  if (!Number.isInteger(args.batch) || args.batch < 1) throw new Error('--batch must be ≥ 1');
  return args;
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function copyTable(
  t: SourceTable,
  batch: number,
): Promise<{ table: string; rows: number; ms: number }> {
  const t0 = performance.now();
  // PGPASSWORD is read by node-postgres from the environment.
  const src = new pg.Client({ connectionString: env('NAIVE_SOURCE_URL') });
  const target = new URL(env('NAIVE_TARGET_URL'));
  const dst = await mysql.createConnection({
    host: target.hostname,
    port: Number(target.port || 3306),
    user: decodeURIComponent(target.username),
    password: process.env.MYSQL_PWD ?? '',
    database: decodeURIComponent(target.pathname.slice(1)),
    charset: 'utf8mb4',
  });
  await src.connect();
  try {
    const cols = t.columns.map(naiveSelectExpr).join(', ');
    const from = `${pgIdent(DATA_SCHEMA)}.${pgIdent(t.name)}`;
    // Table-qualified: a bare "id" in ORDER BY would bind to the output column `"id"::text` (text order).
    const key = `${from}.${pgIdent(t.key)}`;
    const keyIndex = t.columns.findIndex((c) => c.name === t.key);
    const insert = `INSERT INTO ${myIdent(t.name)} (${t.columns.map((c) => myIdent(c.name)).join(', ')}) VALUES ?`;
    let last: unknown = null;
    let rows = 0;
    for (;;) {
      const page = await src.query<unknown[]>({
        text:
          last === null
            ? `SELECT ${cols} FROM ${from} ORDER BY ${key} LIMIT ${batch}`
            : `SELECT ${cols} FROM ${from} WHERE ${key} > $1 ORDER BY ${key} LIMIT ${batch}`,
        values: last === null ? [] : [last],
        rowMode: 'array',
      });
      if (page.rows.length === 0) break;
      await dst.query(insert, [page.rows]);
      rows += page.rows.length;
      last = page.rows[page.rows.length - 1]?.[keyIndex];
      if (page.rows.length < batch) break;
    }
    return { table: t.name, rows, ms: performance.now() - t0 };
  } finally {
    await src.end();
    await dst.end();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const meta = new pg.Client({ connectionString: env('NAIVE_SOURCE_URL') });
  await meta.connect();
  let tables: SourceTable[];
  try {
    tables = await sourceTables(meta);
  } finally {
    await meta.end();
  }
  if (args.tables) {
    const wanted = args.tables;
    tables = wanted.map((name) => {
      const t = tables.find((x) => x.name === name);
      if (!t) throw new Error(`no table ${name} in the source`);
      return t;
    });
  }
  const queue = [...tables];
  const done: { table: string; rows: number; ms: number }[] = [];
  const lane = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) done.push(await copyTable(t, args.batch));
  };
  await Promise.all(Array.from({ length: Math.min(args.workers, tables.length) }, lane));
  process.stdout.write(`${JSON.stringify({ copyMs: performance.now() - t0, tables: done })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`naive-copy: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
