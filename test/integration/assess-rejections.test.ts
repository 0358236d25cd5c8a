// Issue 10 point 5: values the copy would reject are found by assess first, one class per table: JSON
// nested deeper than the target accepts (MariaDB 31 levels, MySQL 8 100; jsonb, json and jsonb[]), intervals
// beyond TIME (types.interval: time), arrays whose bounds do not start at 1, non-ASCII text in an ascii
// column, numbers beyond FLOAT/DOUBLE, and (MySQL 8) JSON numbers beyond double. Each is counted per column;
// migrate without the advice fails with DATA_REJECTED on those very values (arrays were shifted silently
// before), and with assess's advice it migrates identical.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { DIALECTS } from '../../src/dialect/capabilities.js';
import { isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { assess, risk } from '../helpers/assess.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const nest = (n: number) =>
  `${'[{"k":'.repeat(Math.floor(n / 2))}${n % 2 ? '[1]' : '0'}${'}]'.repeat(Math.floor(n / 2))}`;
const DEPTHS = [1, 31, 32, 33, 100, 101];

const SQL = `
CREATE TABLE docs (id int PRIMARY KEY, doc jsonb, j json, ja jsonb[]);
INSERT INTO docs VALUES ${DEPTHS.map((d) => `(${d}, '${nest(d)}', '${nest(d)}', ARRAY['${nest(d - 1)}'::jsonb])`).join(', ')},
  (0, NULL, NULL, NULL);
CREATE TABLE spans (id int PRIMARY KEY, d interval);
INSERT INTO spans VALUES (1, '838:59:59'), (2, '838:59:59.5'), (3, '839:00:00'), (4, '-900 hours'),
  (5, '-838:59:59'), (6, NULL);
CREATE TABLE arrs (id int PRIMARY KEY, a int[]);
INSERT INTO arrs VALUES (1, '{1,2}'), (2, '[0:1]={1,2}'), (3, '{}'), (4, NULL), (5, '{{1,2},{3,4}}'),
  (6, '[1:2][2:3]={{1,2},{3,4}}');
CREATE TABLE texts (id int PRIMARY KEY, s text);
INSERT INTO texts VALUES (1, 'plain'), (2, 'café'), (3, NULL);
CREATE TABLE nums (id int PRIMARY KEY, n numeric, f double precision);
INSERT INTO nums VALUES (1, 1e400, 1e39), (2, 1.5, 1.5), (3, -1e308, -3.5e38), (4, 'NaN', NULL);
CREATE TABLE bignums (id int PRIMARY KEY, doc jsonb);
INSERT INTO bignums VALUES (1, '[1e400]'), (2, '{"a": -1e309}'), (3, '[1.5, 1e300]');`;

/** Apply `columns.<schema.table.col>.<type|collation>: v` and `types.x: v` lines to a config object. */
function applyAdvice(config: Record<string, unknown>, lines: readonly (string | undefined)[]): void {
  const columns: Record<string, Record<string, string>> = structuredClone(
    (config.columns ?? {}) as Record<string, Record<string, string>>,
  );
  const types: Record<string, unknown> = { ...(config.types as object) };
  for (const line of lines) {
    const col = /^columns\.(.+)\.(type|collation): (.+)$/.exec(line ?? '');
    const typ = /^types\.(\w+): (.+)$/.exec(line ?? '');
    if (col) columns[col[1]!] = { [col[2]!]: col[3]! };
    else if (typ) types[typ[1]!] = typ[2];
    else assert.fail(`not a config line: ${line}`);
  }
  config.columns = columns;
  config.types = types;
}

for (const target of testTargets()) {
  test(`assess counts JSON deeper than the target's limit and intervals beyond TIME; the advice migrates identical (${target.dialect})`, {
    skip: target.skip,
  }, async (t) => {
    const db = `it_rejrisk_${target.dialect}`;
    const limit = DIALECTS[target.dialect].jsonMaxDepth;
    // The capability is exact: a document at the limit is stored, one level more is refused.
    const edges = `CREATE TABLE at_limit (id int PRIMARY KEY, doc jsonb);
      INSERT INTO at_limit VALUES (1, '${nest(limit)}'), (2, '${'['.repeat(limit)}${']'.repeat(limit)}');
      CREATE TABLE over_limit (id int PRIMARY KEY, doc jsonb);
      INSERT INTO over_limit VALUES (1, '${'['.repeat(limit + 1)}${']'.repeat(limit + 1)}');`;
    const source = await freshPgDatabase(db, SQL + edges);
    const targetUrl = await target.fresh(db);
    const deep = DEPTHS.filter((d) => d > limit);
    const base = {
      types: { json: 'json', interval: 'time' },
      columns: {
        'public.texts.s': { collation: 'ascii_bin' },
        'public.nums.n': { type: 'double' },
        'public.nums.f': { type: 'float' },
      },
    };
    const r = await assess(source, targetUrl, base);
    const docs = risk(r, 'JSON_TOO_DEEP', 'public.docs', 'doc');
    assert.equal(docs.severity, 'blocking');
    assert.equal(docs.blastRadius.rows, deep.length, `documents deeper than ${limit}`);
    assert.deepEqual([...(docs.blastRadius.exampleKeys ?? [])].sort(), deep.map((d) => `id=${d}`).sort());
    assert.equal(docs.config, 'columns.public.docs.doc.type: longtext');
    const j = risk(r, 'JSON_TOO_DEEP', 'public.docs', 'j');
    assert.equal(j.blastRadius.rows, deep.length, 'json is measured like jsonb');
    assert.equal(j.config, 'types.json: text');
    const ja = risk(r, 'JSON_TOO_DEEP', 'public.docs', 'ja');
    assert.equal(ja.blastRadius.rows, deep.length, 'a jsonb[] array adds its own level');
    assert.equal(ja.config, 'types.array: text');
    const spans = risk(r, 'INTERVAL_OUT_OF_RANGE', 'public.spans', 'd');
    const beyond = target.dialect === 'mariadb' ? ['id=3', 'id=4'] : ['id=2', 'id=3', 'id=4'];
    assert.deepEqual([...(spans.blastRadius.exampleKeys ?? [])].sort(), beyond);
    assert.equal(spans.config, 'types.interval: text');
    const arrs = risk(r, 'ARRAY_LOWER_BOUND', 'public.arrs', 'a');
    assert.deepEqual([...(arrs.blastRadius.exampleKeys ?? [])].sort(), ['id=2', 'id=6']);
    assert.equal(arrs.config, 'types.array: text');

    const texts = risk(r, 'CHARSET_MISMATCH', 'public.texts', 's');
    assert.deepEqual(texts.blastRadius.exampleKeys, ['id=2']);
    const n = risk(r, 'NUMERIC_OUT_OF_RANGE', 'public.nums', 'n');
    assert.deepEqual(
      [...(n.blastRadius.exampleKeys ?? [])].sort(),
      ['id=1'],
      '1e400 is beyond DOUBLE; -1e308 fits',
    );
    assert.equal(n.config, 'columns.public.nums.n.type: longtext');
    const f = risk(r, 'NUMERIC_OUT_OF_RANGE', 'public.nums', 'f');
    assert.deepEqual([...(f.blastRadius.exampleKeys ?? [])].sort(), ['id=1', 'id=3'], 'beyond FLOAT');
    assert.equal(f.config, 'columns.public.nums.f.type: double');
    const advice = [docs, j, ja, spans, arrs, texts, n, f].map((x) => x.config);
    const bignums = r.risks.filter((x) => x.id === 'JSON_NUMBER_OUT_OF_RANGE');
    if (DIALECTS[target.dialect].jsonIsBinary) {
      const b = risk(r, 'JSON_NUMBER_OUT_OF_RANGE', 'public.bignums', 'doc');
      assert.deepEqual([...(b.blastRadius.exampleKeys ?? [])].sort(), ['id=1', 'id=2']);
      advice.push(b.config);
    } else assert.deepEqual(bignums, [], "MariaDB's JSON keeps the text: any number fits");

    // Without the advice the copy rejects exactly these values.
    assert.deepEqual(risk(r, 'JSON_TOO_DEEP', 'public.over_limit', 'doc').blastRadius.exampleKeys, ['id=1']);
    assert.ok(!r.risks.some((x) => x.blastRadius.table === 'public.at_limit'), 'at the limit: no risk');
    const atLimit = await runMigrate({
      config: parseConfig({ source, target: await target.fresh(db), tables: ['public.at_limit'] }),
      runId: 'rej-at-limit',
      sink: silentSink,
    });
    assert.equal(atLimit.verify?.identical, true, `documents ${limit} deep are stored`);
    const refused = ['over_limit', 'docs', 'spans', 'arrs', 'texts', 'nums'];
    if (DIALECTS[target.dialect].jsonIsBinary) refused.push('bignums');
    for (const table of refused) {
      await assert.rejects(
        runMigrate({
          config: parseConfig({
            source,
            target: await target.fresh(db),
            ...base,
            tables: [`public.${table}`],
          }),
          runId: `rej-${table}`,
          sink: silentSink,
        }),
        (e) => {
          t.diagnostic(`${table}: ${isMigrationError(e) ? `${e.code}: ${e.message}` : String(e)}`);
          return isMigrationError(e) && e.code === 'DATA_REJECTED';
        },
        `${table} without the advice`,
      );
    }
    advice.push(risk(r, 'JSON_TOO_DEEP', 'public.over_limit', 'doc').config);
    const fixed: Record<string, unknown> = {
      source,
      target: await target.fresh(db),
      ...structuredClone(base),
    };
    applyAdvice(fixed, advice);
    const m = await runMigrate({ config: parseConfig(fixed), runId: 'rej-fixed', sink: silentSink });
    assert.equal(m.verify?.identical, true);
  });
}
