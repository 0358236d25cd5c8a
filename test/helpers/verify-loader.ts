// A deliberately simple loader for verify's integration tests: creates the planned schema on the target
// (`schema --apply` through runSchema) and copies every row with parameterised multi-row INSERTs, using the
// same per-transform value forms as the real copy. Independent of `pg2my migrate`, so verify can be tested
// (and a wrong copy told apart from a wrong verify) on its own. Not for production use: no chunking, no resume.

import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { parseConnectionUrl } from '../../src/config/urls.js';
import { silentSink } from '../../src/events.js';
import type { ColumnPlan, MigrationPlan } from '../../src/plan/model.js';
import { runSchema } from '../../src/pipeline/schema.js';
import { connectTarget } from '../../src/target/mysql/connect.js';
import { quoteIdent } from '../../src/target/mysql/quote.js';

const pgIdent = (n: string) => `"${n.replaceAll('"', '""')}"`;

function selectExpr(c: ColumnPlan): string {
  const v = pgIdent(c.source);
  switch (c.transform) {
    case 'bool':
      return `${v}::int::text`;
    case 'bytea':
      return `encode(${v}, 'hex')`;
    case 'timestamptz-utc':
      return `(${v} AT TIME ZONE 'UTC')::text`;
    case 'timetz-utc':
      return `(${v} AT TIME ZONE 'UTC')::time::text`;
    case 'array-json':
      return `array_to_json(${v})::text`;
    case 'money':
      return `${v}::numeric::text`;
    case 'interval-time':
      return `extract(epoch FROM ${v})::text`;
    default:
      // float4 as its exact double: MariaDB rejects '3.4028235e+38' (float4's shortest text) for FLOAT as out
      // of range, because it parses the text as a double before rounding to single precision.
      return c.sourceType === 'real' ? `${v}::float8::text` : `${v}::text`;
  }
}

function placeholder(c: ColumnPlan): string {
  if (c.transform === 'bytea') return 'UNHEX(?)';
  if (c.transform === 'bit') return 'CAST(CONV(?, 2, 10) AS UNSIGNED)';
  if (c.transform === 'interval-time') return 'SEC_TO_TIME(?)';
  return '?';
}

/** Create the schema on `targetUrl` and copy every planned table from `sourceUrl`. Returns the plan. */
export async function loadTarget(
  sourceUrl: string,
  targetUrl: string,
  extraConfig: Record<string, unknown> = {},
): Promise<MigrationPlan> {
  const config = parseConfig({ ...extraConfig, source: sourceUrl, target: targetUrl });
  const { plan } = await runSchema({ config, apply: true, sink: silentSink, runId: 'test-load' });
  const src = new pg.Client({
    connectionString: sourceUrl,
    types: { getTypeParser: () => (v: string) => v } as never,
  });
  await src.connect();
  await src.query(
    "SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3; SET DateStyle = 'ISO, YMD'",
  );
  const tgt = await connectTarget(parseConnectionUrl(targetUrl, 'target'));
  try {
    await tgt.conn.query('SET SESSION foreign_key_checks = 0');
    for (const t of plan.tables) {
      const cols = t.columns.filter((c) => !c.generated);
      const table = `${pgIdent(t.source.schema)}.${pgIdent(t.source.name)}`;
      const r = await src.query({
        text: `SELECT ${cols.map(selectExpr).join(', ')} FROM ${table}`,
        rowMode: 'array',
      });
      const rows = r.rows as unknown[][];
      const row = `(${cols.map(placeholder).join(', ')})`;
      for (let i = 0; i < rows.length; i += 200) {
        const batch = rows.slice(i, i + 200);
        await tgt.conn.query(
          `INSERT INTO ${quoteIdent(t.target)} (${cols.map((c) => quoteIdent(c.target)).join(', ')}) VALUES ${batch.map(() => row).join(', ')}`,
          batch.flat(),
        );
      }
    }
  } finally {
    await tgt.conn.end();
    await src.end();
  }
  return plan;
}
