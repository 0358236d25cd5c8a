// Builds a sample PostgreSQL database on the project's test server from the benchmark generator:
//   npx tsx scripts/sample-db.ts <pg-database-name> [scale]      (default scale 0.01 ≈ 53k rows)
// Used by the README demo (buildSampleDatabase) and the bench. The database is dropped (WITH FORCE) and
// recreated (UTF8, template0, C.UTF-8 or C collation) every time; passwords never reach stdout or argv.

import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { DATASET_TABLES, generateDataset } from '../bench/gen-data.js';
import { ensureServers, serverUrls } from './lib/servers-lib.js';

export const DEFAULT_SAMPLE_SCALE = 0.01;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Drop (WITH (FORCE)) and create PostgreSQL database `name` through the admin URL; returns nothing. */
export async function recreatePgDatabase(adminUrl: string, name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`database name must match ${NAME}, got ${JSON.stringify(name)}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const r = await admin.query<{ c: string }>(
      `SELECT collcollate AS c FROM pg_collation
        WHERE collprovider = 'c' AND lower(replace(collname, '-', '')) = 'c.utf8'
        ORDER BY collname LIMIT 1`,
    );
    const locale = (r.rows[0]?.c ?? 'C').replaceAll("'", "''");
    const ident = pg.escapeIdentifier(name);
    await admin.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    await admin.query(
      `CREATE DATABASE ${ident} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '${locale}' LC_CTYPE '${locale}'`,
    );
  } finally {
    await admin.end();
  }
}

/**
 * (Re)create PostgreSQL database `name` on the test server (started if needed) filled with the
 * benchmark dataset at `scale`; returns the total row count.
 */
export async function buildSampleDatabase(
  name: string,
  scale: number = DEFAULT_SAMPLE_SCALE,
  opts: { onStep?: (step: string, ms: number) => void } = {},
): Promise<number> {
  const info = await ensureServers();
  await recreatePgDatabase(serverUrls(info).pg, name);
  const counts = await generateDataset(
    serverUrls(info, { pgDatabase: name }).pg,
    scale,
    opts.onStep ? { onStep: opts.onStep } : {},
  );
  return DATASET_TABLES.reduce((sum, t) => sum + (counts[t] ?? 0), 0);
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, scaleArg] = argv;
  if (!name || argv.length > 2) {
    process.stderr.write('usage: npx tsx scripts/sample-db.ts <pg-database-name> [scale]\n');
    return 2;
  }
  const scale = scaleArg === undefined ? DEFAULT_SAMPLE_SCALE : Number(scaleArg);
  const t0 = performance.now();
  const rows = await buildSampleDatabase(name, scale, {
    onStep: (step, ms) => process.stderr.write(`sample-db: ${step} (${(ms / 1000).toFixed(1)} s)\n`),
  });
  process.stdout.write(
    `${rows} rows in PostgreSQL database ${name} (scale ${scale}, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`sample-db: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
