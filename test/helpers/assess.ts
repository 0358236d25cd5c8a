// Shared pieces of the assess integration tests: run the library's assess with a config, pick one risk
// by id/table/column with a failure message that lists everything found, and the planted-values schema.

import assert from 'node:assert/strict';
import type { AssessReport, Risk, RiskId } from '../../src/assess/report.js';
import { parseConfig } from '../../src/config/load-config.js';
import { silentSink } from '../../src/events.js';
import { runAssess } from '../../src/pipeline/assess.js';

/** runAssess for source → target with extra config keys. */
export function assess(
  source: string,
  target: string,
  extra: Record<string, unknown> = {},
): Promise<AssessReport> {
  return runAssess({ config: parseConfig({ source, target, ...extra }), runId: 'test', sink: silentSink });
}

/** The one risk with this id on this table (and column); fails listing what was found otherwise. */
export function risk(r: AssessReport, id: RiskId, table: string, column?: string): Risk {
  const found = r.risks.filter(
    (x) =>
      x.id === id &&
      x.blastRadius.table === table &&
      (column === undefined || x.blastRadius.column === column),
  );
  assert.equal(
    found.length,
    1,
    `${id} on ${table}${column ? `.${column}` : ''}: found ${found.length}; all: ${r.risks.map((x) => `${x.id} ${x.title}`).join(' | ')}`,
  );
  return found[0]!;
}

/** One table holding a value of every kind the scan must find (see assess.test.ts for the counts). */
export const VALUES_SQL = `
CREATE TABLE events (
  id int PRIMARY KEY, happened_on date, happened_at timestamp, price numeric(12,2), ratio numeric(10,2),
  score double precision, note varchar(100), tags int[]);
INSERT INTO events (id, happened_on, happened_at, price, ratio, score, note, tags) VALUES
  (1, '0999-12-31', '2024-01-01', 1.5, 1, 1, 'ok', '{1,2}'),
  (2, '10000-01-01', NULL, NULL, NULL, NULL, NULL, NULL),
  (3, '2024-01-01', 'infinity', NULL, NULL, NULL, NULL, NULL),
  (4, NULL, '-infinity', NULL, NULL, NULL, NULL, NULL),
  (5, '0044-03-15 BC', NULL, NULL, NULL, NULL, NULL, NULL),
  (6, NULL, NULL, 12345.67, NULL, NULL, NULL, NULL),
  (7, NULL, NULL, 99999.99, 'NaN', NULL, NULL, NULL),
  (8, NULL, NULL, 9999.99, NULL, 'NaN', NULL, NULL),
  (9, NULL, NULL, NULL, NULL, 'Infinity', 'eleven char', NULL),
  (10, NULL, NULL, NULL, NULL, '-1e300', 'twelve chars', NULL),
  (11, NULL, NULL, NULL, NULL, NULL, 'ten chars!', '[0:1]={1,2}');
ANALYZE;`;
