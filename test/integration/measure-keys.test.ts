// Issue 10 point 1: every column the type rules need bounded (in a key OR a plain index) is measured, text
// and bytea alike (domains over them too), so a Rails-like schema migrates with the default config: unbounded
// varchar in a plain composite index, text in a plain index, a bytea primary key and a domain over bytea in a
// unique index. The independent oracle (test/helpers/oracle.ts) finds the target identical.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { oracleCompare } from '../helpers/oracle.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const SQL = `
CREATE DOMAIN bytea20 AS bytea CHECK (octet_length(VALUE) = 20);
CREATE TABLE comments (
  id bigserial PRIMARY KEY,
  commentable_type character varying NOT NULL,
  commentable_id bigint NOT NULL,
  tag text,
  digest bytea20,
  body text
);
CREATE INDEX index_comments_on_commentable ON comments (commentable_type, commentable_id);
CREATE INDEX index_comments_on_tag ON comments (tag);
CREATE UNIQUE INDEX index_comments_on_digest ON comments (digest);
INSERT INTO comments (commentable_type, commentable_id, tag, digest, body)
SELECT CASE g % 3 WHEN 0 THEN 'Post' WHEN 1 THEN 'Photo' ELSE 'Ünïcödé::Ärticle' END, g,
       CASE WHEN g = 7 THEN repeat('é', 300) WHEN g % 5 = 0 THEN NULL ELSE 'tag ' || g END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') || '\\x00ff0000'::bytea END,
       repeat('body ', g)
FROM generate_series(1, 60) g;
CREATE TABLE blobs (key bytea PRIMARY KEY, size int NOT NULL);
INSERT INTO blobs SELECT decode(repeat(lpad(to_hex(g), 2, '0'), g), 'hex'), g FROM generate_series(1, 255) g;
INSERT INTO blobs VALUES ('\\x'::bytea, 0), (decode(repeat('00', 400), 'hex'), 400), ('\\x00'::bytea || '\\x20'::bytea, 2000);
`;

for (const target of testTargets()) {
  test(`indexed unbounded varchar/text and bytea keys are measured: default config migrates identical (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_measure_rails_${target.dialect}`;
    const source = await freshPgDatabase(db, SQL);
    const url = await target.fresh(db);
    const config = parseConfig({ source, target: url, migrate: { initialChunkRows: 16, maxChunkRows: 40 } });
    const r = await runMigrate({ config, runId: `measure-${target.dialect}`, sink: silentSink });
    assert.equal(r.verify?.identical, true, "pg2my's own verify");

    const types = new Map(
      r.plan.preData.flatMap((op) =>
        op.kind === 'createTable'
          ? op.columns.map((c) => [
              `${op.table}.${c.name}`,
              `${c.type.name}(${c.type.args?.join(',') ?? ''})`,
            ])
          : [],
      ),
    );
    // Measured lengths: max(255, longest); bytea keys in bytes (octet length, not the hex text).
    assert.equal(types.get('comments.commentable_type'), 'VARCHAR(255)');
    assert.equal(types.get('comments.tag'), 'VARCHAR(300)');
    assert.equal(types.get('comments.digest'), 'VARBINARY(255)');
    assert.equal(types.get('blobs.key'), 'VARBINARY(400)');

    const diffs = await oracleCompare(source, url, r.plan);
    assert.equal(diffs.length, 2);
    for (const d of diffs)
      assert.deepEqual(d, { ...d, targetRows: d.sourceRows, onlySource: [], onlyTarget: [] }, d.table);
    assert.deepEqual(diffs.map((d) => [d.table, d.sourceRows]).sort(), [
      ['blobs', 258],
      ['comments', 60],
    ]);
  });
}
