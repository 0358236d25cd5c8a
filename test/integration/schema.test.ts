// `pg2my schema --apply` against real servers: both sample schemas are created in PostgreSQL, converted,
// applied to MariaDB by the CLI, read back and compared to the plan; a second apply finds nothing to do
// (convergence). Also: printing without a target, --help, and that no password reaches the output.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { parseConnectionUrl } from '../../src/config/urls.js';
import { silentSink } from '../../src/events.js';
import { planFromSource } from '../../src/pipeline/schema.js';
import { comparePlan } from '../../src/target/mysql/compare-plan.js';
import { connectTarget } from '../../src/target/mysql/connect.js';
import { introspectTarget } from '../../src/target/mysql/introspect.js';
import { assertNoSecrets, runCli } from '../helpers/cli.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/sql/${name}.sql`, import.meta.url), 'utf8');

for (const sample of ['rails', 'kitchen-sink']) {
  test(`schema --apply: ${sample} reads back equal to the plan, and a second apply does nothing`, async () => {
    const servers = await testServers();
    const secrets = [servers.pgPassword, servers.mysqlPassword];
    const db = `schema_${sample.replace('-', '_')}`;
    const source = await freshPgDatabase(db, fixture(sample));
    const target = await freshMysqlDatabase(db);

    const first = await runCli(['schema', '--apply'], { source, target });
    assertNoSecrets(first.stdout + first.stderr, secrets, 'schema --apply output');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied \d+ DDL operations/);

    const config = parseConfig({ source, target });
    const { plan, dialect } = await planFromSource(config, silentSink);
    assert.equal(dialect.name, 'mariadb', 'the dialect comes from the target server');
    const session = await connectTarget(parseConnectionUrl(target, 'target'));
    try {
      const readBack = await introspectTarget(session.conn);
      const cmp = comparePlan(plan, readBack, dialect);
      assert.deepEqual(
        cmp.drift,
        [],
        'every planned column, type, collation, key and index reads back as planned',
      );
      assert.deepEqual(
        cmp.missing,
        [],
        'convergence: re-planning against the applied target finds nothing to do',
      );
      assert.equal(readBack.tables.size, plan.tables.length);
      const plannedIndexes = plan.postData.filter((o) => o.kind === 'addIndex').length;
      const readIndexes = [...readBack.tables.values()].reduce(
        (n, t) => n + t.indexes.filter((i) => !t.foreignKeys.some((f) => f.name === i.name)).length,
        0,
      );
      assert.ok(readIndexes >= plannedIndexes, `indexes: planned ${plannedIndexes}, found ${readIndexes}`);
      const plannedFks = plan.postData.filter((o) => o.kind === 'addForeignKey').length;
      assert.equal(
        [...readBack.tables.values()].reduce((n, t) => n + t.foreignKeys.length, 0),
        plannedFks,
      );
    } finally {
      await session.conn.end();
    }

    const second = await runCli(['schema', '--apply'], { source, target });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /applied 0 DDL operations/);
  });
}

test('schema without a target prints DDL for the chosen dialect', async () => {
  const source = await freshPgDatabase('schema_print', fixture('rails'));
  const r = await runCli(['schema', '--dialect', 'mysql8'], { source });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /CREATE TABLE `operators`/);
  assert.match(r.stdout, /utf8mb4_0900_bin/);
});

test('schema --help teaches, and a wrong password fails with exit 32 without printing it', async () => {
  const help = await runCli(['schema', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--apply/);
  assert.match(help.stdout, /Dialect:/);

  const servers = await testServers();
  const source = await freshPgDatabase('schema_badpw', fixture('rails'));
  const wrong = new URL(servers.mysqlUrl('schema_badpw'));
  wrong.password = encodeURIComponent('Wr0ng-canary-p@ss');
  const r = await runCli(['schema', '--apply'], { source, target: wrong.toString() });
  assert.equal(r.code, 32, r.stderr);
  assert.match(r.stderr, /TARGET_CONNECT_FAILED/);
  assertNoSecrets(r.stdout + r.stderr, ['Wr0ng-canary-p@ss', servers.pgPassword], 'error output');
});
