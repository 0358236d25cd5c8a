// An array whose lower bound is not 1 never passes as equal to its shifted JSON twin: the copy refuses it
// (DATA_REJECTED naming the column and bounds), and verify — at checksum and at full level — reports a
// source row whose bounds changed after the copy ('{5,6}' → '[0:1]={5,6}', same elements).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { parseConfig } from '../../src/config/load-config.js';
import { isMigrationError } from '../../src/errors.js';
import { silentSink } from '../../src/events.js';
import { runMigrate } from '../../src/pipeline/migrate.js';
import { runVerify } from '../../src/pipeline/verify.js';
import { freshPgDatabase } from '../helpers/servers.js';
import { testTargets } from '../helpers/targets.js';

for (const target of testTargets()) {
  test(`array bounds: the copy refuses [0:1], verify sees a shifted array (${target.dialect})`, {
    skip: target.skip,
  }, async () => {
    const source = await freshPgDatabase(
      'it_arr_bounds',
      `CREATE TABLE a (id int PRIMARY KEY, v int[], w text[][]);
       INSERT INTO a VALUES (1, '{5,6}', '{{a,b},{c,d}}'), (2, NULL, NULL), (3, '{}', '{x}');`,
    );
    const url = await target.fresh('it_arr_bounds');
    const config = parseConfig({ source, target: url });
    const r = await runMigrate({ config, runId: 'arr-1', sink: silentSink });
    assert.equal(r.verify?.identical, true);

    const c = new pg.Client({ connectionString: source });
    await c.connect();
    try {
      await c.query(`UPDATE a SET v = '[0:1]={5,6}' WHERE id = 1`);
      for (const level of ['checksum', 'full'] as const) {
        const v = await runVerify({ config, runId: `arr-v-${level}`, sink: silentSink, level });
        assert.equal(v.identical, false, `${level}: a shifted array is a difference`);
      }
      await c.query(`UPDATE a SET v = '{5,6}', w = '[2:3][1:2]={{a,b},{c,d}}' WHERE id = 1`);
      const v = await runVerify({ config, runId: 'arr-v-2d', sink: silentSink, level: 'checksum' });
      assert.equal(v.identical, false, 'a 2-D array with a shifted outer bound is a difference');
    } finally {
      await c.end();
    }

    const again = await target.fresh('it_arr_bounds');
    try {
      await runMigrate({ config: parseConfig({ source, target: again }), runId: 'arr-2', sink: silentSink });
      assert.fail('the copy accepted an array whose bounds do not start at 1');
    } catch (e) {
      assert.ok(isMigrationError(e), String(e));
      assert.equal(e.code, 'DATA_REJECTED');
      assert.match(e.message, /column w: array bounds do not start at 1.*\[2:3\]\[1:2\]/);
    }
  });
}
