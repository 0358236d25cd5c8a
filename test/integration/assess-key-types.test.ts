// Issue 10 point 6 on the real servers: assess's collation collision test runs for a table per key type the
// copy supports (uuid, bytea, int, numeric, date/timestamps, citext, enum, char, composite) without a
// CHECK_FAILED; keys with a text part are measured in the target's own character set (a uuid is CHAR(36)
// ascii_bin), keys without one are listed as not measured because they cannot collide; and a real
// collision in a composite key with a uuid part is still found. MariaDB, and MySQL 8 when configured.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assess } from '../helpers/assess.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

const SQL = `
  CREATE EXTENSION IF NOT EXISTS citext;
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE TABLE k_uuid (id uuid PRIMARY KEY, v int);
  INSERT INTO k_uuid VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), ('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', 2);
  CREATE TABLE k_bytea (id bytea PRIMARY KEY);
  INSERT INTO k_bytea VALUES ('\\x00ff'), ('\\x00fe'), ('\\x41'), ('\\x4100'), ('\\x61');
  CREATE TABLE k_int (id int PRIMARY KEY, code varchar(10) UNIQUE);
  INSERT INTO k_int VALUES (0, 'a'), (1, 'b');
  CREATE TABLE k_num (id numeric(10,2) PRIMARY KEY);
  INSERT INTO k_num VALUES (1.5), (1.25), (2);
  CREATE TABLE k_time (d date PRIMARY KEY, ts timestamp UNIQUE, tz timestamptz UNIQUE);
  INSERT INTO k_time VALUES ('2020-01-01', '2020-01-01 00:00:00.5', '2020-01-01 00:00:00+00'),
                            ('2020-01-02', '2020-01-01 00:00:00.25', '2020-01-01 01:00:00+02');
  CREATE TABLE k_citext (id citext PRIMARY KEY);
  INSERT INTO k_citext VALUES ('abc'), ('Abd');
  CREATE TABLE k_enum (m mood PRIMARY KEY);
  INSERT INTO k_enum VALUES ('sad'), ('happy');
  CREATE TABLE k_char (c char(5) PRIMARY KEY);
  INSERT INTO k_char VALUES ('ab'), ('abc');
  CREATE TABLE k_comp (a int, b text, u uuid, PRIMARY KEY (a, b, u));
  INSERT INTO k_comp VALUES (1, 'x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (1, 'X', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
                            (2, 'x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  ANALYZE;`;

const MEASURED = ['k_uuid', 'k_int k_int_code_key', 'k_citext', 'k_enum', 'k_char', 'k_comp'];
const SKIPPED = [
  'k_bytea',
  'k_int PRIMARY',
  'k_num',
  'k_time PRIMARY',
  'k_time k_time_ts_key',
  'k_time k_time_tz_key',
];

for (const target of testTargets())
  test(`assess measures collisions for every key type, with no CHECK_FAILED (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const db = `it_keytypes_${target.dialect}`;
    const source = await freshPgDatabase(db, SQL);
    const targetUrl = await target.fresh(db);
    for (const key of [undefined, 'utf8mb4_unicode_ci']) {
      const r = await assess(source, targetUrl, key ? { collation: { key } } : {});
      const failed = r.risks.filter((x) => x.id === 'CHECK_FAILED');
      assert.deepEqual(
        failed.map((x) => `${x.title}: ${x.description}`),
        [],
        `collation.key ${key ?? 'default'}`,
      );
      const check = r.checks.find((c) => c.name === 'collation collision test');
      assert.ok(check, r.checks.map((c) => c.name).join(', '));
      assert.equal(check.status, 'pass', check.detail);
      assert.match(check.detail, new RegExp(`^${MEASURED.length} of ${MEASURED.length} key\\(s\\)`));
      for (const s of SKIPPED) assert.match(check.detail, new RegExp(`public\\.${s}[^;]*cannot collide`), s);
      for (const m of MEASURED.filter((x) => !x.includes(' ')))
        assert.doesNotMatch(check.detail, new RegExp(`public\\.${m} `), `${m} is measured`);
      const collisions = r.risks.filter((x) => x.id === 'COLLATION_COLLISION');
      // Only the composite key's ('x' vs 'X') case pair: none of the other keys holds values a
      // case-insensitive collation folds together.
      assert.deepEqual(
        collisions.map((x) => [x.blastRadius.table, x.status]),
        [['public.k_comp', key ? 'open' : 'mitigated']],
      );
      assert.match(collisions[0]!.evidence ?? '', /3 distinct key values/);
    }
  });
