// pg_dump / pg_restore get their connection (password included) through the environment only: the argv
// built here never holds the password, the host or a conninfo string, and inherited PG* variables are dropped.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionSpec } from '../config/urls.js';
import { pgClientEnv, pgDumpArgs, pgRestoreArgs, pgRestoreListArgs } from './pg-client-env.js';

const spec: ConnectionSpec = {
  engine: 'postgresql',
  host: 'db.example',
  port: 5433,
  user: 'app',
  password: 'canary-S3cret!',
  database: 'app',
  tls: 'verify-full',
  caFile: '/etc/ca.pem',
};

test('argv holds no password, host, user or conninfo', () => {
  for (const argv of [
    pgDumpArgs('/b/backup.dump', '00000003-0000001B-1'),
    pgRestoreListArgs('/b/backup.dump'),
    pgRestoreArgs('/b/backup.dump', 'pg2my_scratch_x'),
  ]) {
    const text = argv.join(' ');
    for (const secret of ['canary-S3cret!', 'db.example', 'postgres://', 'password=', 'host='])
      assert.ok(!text.includes(secret), `${secret} in ${text}`);
  }
  assert.deepEqual(pgRestoreListArgs('-weird'), ['--list', '--', '-weird']);
});

test('the environment carries the connection; inherited PG* and PG2MY_* variables are dropped', () => {
  const env = pgClientEnv(
    spec,
    'app',
    { PATH: '/bin', PGSERVICE: 'other', PG2MY_SOURCE_PASSWORD: 'x', HOME: '/h' },
    5000,
  );
  assert.deepEqual(env, {
    PATH: '/bin',
    HOME: '/h',
    PGHOST: 'db.example',
    PGPORT: '5433',
    PGUSER: 'app',
    PGDATABASE: 'app',
    PGAPPNAME: 'pg2my-backup',
    PGCONNECT_TIMEOUT: '5',
    PGSSLMODE: 'verify-full',
    PGSSLROOTCERT: '/etc/ca.pem',
    PGPASSWORD: 'canary-S3cret!',
  });
  assert.equal(pgClientEnv({ ...spec, password: undefined }, 'app', {}).PGPASSWORD, undefined);
  // No CA file: libpq 16+ verifies against the system CAs, as pg2my itself does.
  assert.equal(pgClientEnv({ ...spec, caFile: undefined }, 'app', {}, 5000, 16).PGSSLROOTCERT, 'system');
  assert.equal(pgClientEnv({ ...spec, caFile: undefined }, 'app', {}, 5000, 15).PGSSLROOTCERT, undefined);
  assert.equal(
    pgClientEnv({ ...spec, caFile: undefined, tls: 'require' }, 'app', {}, 5000, 17).PGSSLROOTCERT,
    undefined,
  );
});
