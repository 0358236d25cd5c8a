// The bench's source database: generated once per generator version and scale, then reused. A marker in
// COMMENT ON DATABASE (JSON: generator sha256, scale, row counts) says what the database holds; the bench
// reuses it only when the marker matches and the tables still have exactly those row counts.
// Invariants: the marker is written last, after a complete generation, so an interrupted generation is
// never reused; the marker lives outside every schema, so pg2my never sees or copies it.

import pg from 'pg';
import { recreatePgDatabase } from '../scripts/sample-db.js';
import { DATASET_TABLES, generateDataset, generatorFingerprint } from './gen-data.js';
import { DATA_SCHEMA, pgIdent } from './lib.js';

export interface DatasetMarker {
  readonly generator: string;
  readonly scale: number;
  readonly rows: Record<string, number>;
  readonly generatedAt: string;
  readonly generateMs: number;
}

export interface Dataset {
  readonly database: string;
  readonly scale: number;
  readonly reused: boolean;
  readonly marker: DatasetMarker;
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function dbUrl(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function readMarker(adminUrl: string, database: string): Promise<DatasetMarker | null> {
  const text = await withPg(adminUrl, async (c) => {
    const r = await c.query<{ d: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = $1`,
      [database],
    );
    return r.rows[0]?.d ?? null;
  });
  if (!text) return null;
  try {
    return JSON.parse(text) as DatasetMarker;
  } catch {
    return null;
  }
}

async function exactCounts(url: string): Promise<Record<string, number> | null> {
  return withPg(url, async (c) => {
    const counts: Record<string, number> = {};
    for (const t of DATASET_TABLES) {
      const r = await c
        .query<{ n: string }>(`SELECT count(*)::text AS n FROM ${pgIdent(DATA_SCHEMA)}.${pgIdent(t)}`)
        .catch(() => null);
      if (!r) return null;
      counts[t] = Number(r.rows[0]?.n ?? 0);
    }
    return counts;
  });
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean =>
  DATASET_TABLES.every((t) => a[t] === b[t]);

/**
 * The dataset at `scale` in PostgreSQL database `database` (server of `adminUrl`): reused when its marker
 * matches this generator and scale and the row counts still agree; otherwise (re)generated.
 */
export async function ensureDataset(
  adminUrl: string,
  database: string,
  scale: number,
  log: (msg: string) => void,
): Promise<Dataset> {
  const generator = generatorFingerprint();
  const url = dbUrl(adminUrl, database);
  const old = await readMarker(adminUrl, database);
  if (old && old.generator === generator && old.scale === scale) {
    const counts = await exactCounts(url);
    if (counts && sameCounts(counts, old.rows)) {
      log(`dataset: reusing ${database} (scale ${scale}, generated ${old.generatedAt})`);
      return { database, scale, reused: true, marker: old };
    }
    log(`dataset: ${database} no longer matches its marker; regenerating`);
  }
  log(`dataset: generating ${database} at scale ${scale}`);
  const t0 = performance.now();
  await recreatePgDatabase(adminUrl, database);
  const rows = await generateDataset(url, scale, {
    onStep: (step, ms) => log(`dataset:   ${step} (${(ms / 1000).toFixed(1)} s)`),
  });
  // A fresh table is all-visible only after VACUUM: without it the first reader sets hint bits and
  // writes every page, which would slow whichever measurement comes first.
  await withPg(url, async (c) => {
    for (const t of DATASET_TABLES)
      await c.query(`VACUUM (FREEZE, ANALYZE) ${pgIdent(DATA_SCHEMA)}.${pgIdent(t)}`);
  });
  const marker: DatasetMarker = {
    generator,
    scale,
    rows,
    generatedAt: new Date().toISOString(),
    generateMs: Math.round(performance.now() - t0),
  };
  await withPg(adminUrl, (c) =>
    c.query(`COMMENT ON DATABASE ${pgIdent(database)} IS ${pg.escapeLiteral(JSON.stringify(marker))}`),
  );
  log(`dataset: generated in ${(marker.generateMs / 1000).toFixed(1)} s`);
  return { database, scale, reused: false, marker };
}
