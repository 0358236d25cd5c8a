// pg_dump / server version parsing and the compatibility rule: an older pg_dump than the server, or an older
// pg_restore than pg_dump, is PREFLIGHT_FAILED naming both versions and the fix.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMigrationError } from '../errors.js';
import { checkClientVersions, parseClientVersion, serverVersion } from './versions.js';

test('client versions parse from --version output', () => {
  assert.deepEqual(parseClientVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n'), {
    major: 15,
    text: '15.18',
  });
  assert.deepEqual(parseClientVersion('pg_restore (PostgreSQL) 17beta1'), { major: 17, text: '17' });
  assert.deepEqual(parseClientVersion('pg_dump (PostgreSQL) 9.6.24'), { major: 9.6, text: '9.6.24' });
  assert.equal(parseClientVersion('bash: pg_dump: command not found'), undefined);
});

test('server versions come from server_version_num', () => {
  assert.deepEqual(serverVersion(150018, '15.18 (Debian 15.18-0+deb12u1)'), { major: 15, text: '15.18' });
  assert.deepEqual(serverVersion(90624, '9.6.24'), { major: 9.6, text: '9.6.24' });
  assert.deepEqual(serverVersion(170000, '17.0'), { major: 17, text: '17.0' });
});

test('pg_dump older than the server, or pg_restore older than pg_dump, is PREFLIGHT_FAILED', () => {
  const v = (major: number, text: string) => ({ major, text });
  assert.doesNotThrow(() =>
    checkClientVersions({
      server: v(15, '15.4'),
      pgDump: v(16, '16.1'),
      pgRestore: v(16, '16.1'),
      pgDumpPath: 'pg_dump',
    }),
  );
  assert.doesNotThrow(() =>
    checkClientVersions({
      server: v(9.6, '9.6.2'),
      pgDump: v(15, '15.1'),
      pgRestore: v(15, '15.1'),
      pgDumpPath: 'pg_dump',
    }),
  );
  try {
    checkClientVersions({
      server: v(16, '16.2'),
      pgDump: v(15, '15.18'),
      pgRestore: v(15, '15.18'),
      pgDumpPath: '/usr/bin/pg_dump',
    });
    assert.fail('expected a throw');
  } catch (e) {
    assert.ok(isMigrationError(e));
    assert.equal(e.code, 'PREFLIGHT_FAILED');
    assert.match(
      e.message,
      /pg_dump 15\.18 \(\/usr\/bin\/pg_dump\) is older than the source server \(PostgreSQL 16\.2\)/,
    );
    assert.match(e.hint ?? '', /PostgreSQL 16 client tools.*--pg-bin \/usr\/lib\/postgresql\/16\/bin/);
  }
  assert.throws(
    () =>
      checkClientVersions({
        server: v(15, '15.4'),
        pgDump: v(16, '16.1'),
        pgRestore: v(15, '15.4'),
        pgDumpPath: 'pg_dump',
      }),
    /pg_restore 15\.4 is older than pg_dump 16\.1/,
  );
});
