// Table-driven tests for classifyMysqlError: errno, flavour, socket/TLS codes, mysql2's fatal flag,
// SQLSTATE fallback, the packet-too-large and during-COMMIT overrides. Messages are deliberately misleading
// to prove they are never read.

import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { toRetryClass } from '../../runtime/retry.js';
import { classifyMysqlError, type MysqlErrorContext } from './classify-error.js';

interface FakeFields {
  errno?: number;
  code?: string;
  sqlState?: string;
  fatal?: boolean;
}

/** An error shaped like mysql2's, with a message chosen to mislead a message-based classifier. */
function fake(fields: FakeFields, message = 'Deadlock found; Connection lost; Access denied'): Error {
  return Object.assign(new Error(message), fields);
}

/** What Node's net module throws: negative numeric errno, string code. */
function sysErr(code: string, errno = -104): Error {
  return Object.assign(new Error(`connect ${code}`), { code, errno, syscall: 'read' });
}

type Row = [name: string, e: unknown, ctx: MysqlErrorContext, cls: string, kind: string, discard?: boolean];

const rows: Row[] = [
  // transient by errno
  ['1205 lock wait', fake({ errno: 1205, sqlState: 'HY000' }), {}, 'transient', 'lock-wait', false],
  ['1213 deadlock', fake({ errno: 1213, sqlState: '40001' }), {}, 'transient', 'deadlock', false],
  [
    '1040 too many connections',
    fake({ errno: 1040, sqlState: '08004' }),
    {},
    'transient',
    'too-many-connections',
  ],
  ['1203', fake({ errno: 1203 }), {}, 'transient', 'too-many-connections', true],
  ['1226', fake({ errno: 1226 }), {}, 'transient', 'too-many-connections', true],
  ['1053 shutdown', fake({ errno: 1053, sqlState: '08S01' }), {}, 'transient', 'server-shutdown', true],
  [
    '1927 killed (MariaDB)',
    fake({ errno: 1927, sqlState: '70100' }),
    {},
    'transient',
    'connection-killed',
    true,
  ],
  ...[1152, 1158, 1159, 1160, 1161].map(
    (n): Row => [`${n} net`, fake({ errno: n, sqlState: '08S01' }), {}, 'transient', 'network', true],
  ),
  ['1317 interrupted', fake({ errno: 1317, sqlState: '70100' }), {}, 'transient', 'interrupted', false],
  ['1969 MariaDB statement timeout', fake({ errno: 1969 }), {}, 'transient', 'statement-timeout', false],
  ['3024 MySQL query timeout', fake({ errno: 3024 }), {}, 'transient', 'statement-timeout', false],
  ['1021 disk full', fake({ errno: 1021 }), {}, 'transient', 'disk-full', false],
  ...[1135, 1037, 1041, 1637].map(
    (n): Row => [`${n} resources`, fake({ errno: n }), {}, 'transient', 'server-resources'],
  ),
  ['1290 read-only', fake({ errno: 1290, sqlState: 'HY000' }), {}, 'transient', 'read-only', true],
  ['1836 read-only', fake({ errno: 1836 }), {}, 'transient', 'read-only', true],
  ['2006 gone away', fake({ errno: 2006 }), {}, 'transient', 'connection-lost', true],
  ['2013 lost', fake({ errno: 2013 }), {}, 'transient', 'connection-lost', true],
  // 4031 depends on the flavour
  ['4031 on mysql8', fake({ errno: 4031 }), { flavour: 'mysql8' }, 'transient', 'connection-lost', true],
  ['4031 on mariadb', fake({ errno: 4031, sqlState: 'HY000' }), { flavour: 'mariadb' }, 'unknown', 'unknown'],
  ['4031 flavour unknown', fake({ errno: 4031, sqlState: 'HY000' }), {}, 'unknown', 'unknown'],
  [
    '4025 on mariadb',
    fake({ errno: 4025, sqlState: '23000' }),
    { flavour: 'mariadb' },
    'permanent',
    'check-constraint',
  ],
  [
    '4025 on mysql8',
    fake({ errno: 4025, sqlState: 'HY000' }),
    { flavour: 'mysql8' },
    'permanent',
    'ddl-limit',
  ],
  // mysql2 without errno
  [
    'PROTOCOL_CONNECTION_LOST',
    fake({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
    {},
    'transient',
    'connection-lost',
    true,
  ],
  ['closed state: fatal, no code, no errno', fake({ fatal: true }), {}, 'transient', 'connection-lost', true],
  [
    'PROTOCOL_SEQUENCE_TIMEOUT',
    fake({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }),
    {},
    'transient',
    'timeout',
    true,
  ],
  // Node socket codes (negative errno is not a server errno)
  ['ECONNRESET', sysErr('ECONNRESET', -104), {}, 'transient', 'connection-lost', true],
  [
    'ECONNRESET, fatal (mysql2 marks it)',
    Object.assign(sysErr('ECONNRESET'), { fatal: true }),
    {},
    'transient',
    'connection-lost',
  ],
  ['EPIPE', sysErr('EPIPE', -32), {}, 'transient', 'connection-lost', true],
  ['ETIMEDOUT', sysErr('ETIMEDOUT', -110), {}, 'transient', 'timeout', true],
  ['ECONNREFUSED', sysErr('ECONNREFUSED', -111), {}, 'transient', 'connection-refused', true],
  ['EHOSTUNREACH', sysErr('EHOSTUNREACH', -113), {}, 'transient', 'network', true],
  ['EAI_AGAIN', sysErr('EAI_AGAIN', -3001), {}, 'transient', 'dns', true],
  ['ECONNABORTED', sysErr('ECONNABORTED', -103), {}, 'transient', 'connection-lost', true],
  ['ENOTFOUND', sysErr('ENOTFOUND', -3008), {}, 'permanent', 'dns', true],
  // indeterminate
  ['1180 error during commit', fake({ errno: 1180 }), {}, 'indeterminate', 'commit-failed', true],
  ['1181 error during rollback', fake({ errno: 1181 }), {}, 'indeterminate', 'rollback-failed', true],
  // permanent
  ['1045 auth', fake({ errno: 1045, sqlState: '28000' }), {}, 'permanent', 'auth', true],
  ['1044', fake({ errno: 1044, sqlState: '42000' }), {}, 'permanent', 'privilege', false],
  ['1142', fake({ errno: 1142, sqlState: '42000' }), {}, 'permanent', 'privilege', false],
  ['1049', fake({ errno: 1049, sqlState: '42000' }), {}, 'permanent', 'unknown-database'],
  ['1146', fake({ errno: 1146, sqlState: '42S02' }), {}, 'permanent', 'unknown-table'],
  ['1054', fake({ errno: 1054, sqlState: '42S22' }), {}, 'permanent', 'unknown-column'],
  ['1064', fake({ errno: 1064, sqlState: '42000' }), {}, 'permanent', 'syntax'],
  ...[1366, 1406, 1264, 1292, 1265, 1048, 1300].map(
    (n): Row => [`${n} data`, fake({ errno: n, sqlState: '22007' }), {}, 'permanent', 'data', false],
  ),
  ['3819 check', fake({ errno: 3819, sqlState: 'HY000' }), {}, 'permanent', 'check-constraint'],
  ['1062 dup', fake({ errno: 1062, sqlState: '23000' }), {}, 'permanent', 'duplicate-key', false],
  ['1452 fk', fake({ errno: 1452, sqlState: '23000' }), {}, 'permanent', 'foreign-key'],
  ['1153 packet', fake({ errno: 1153, sqlState: '08S01' }), {}, 'permanent', 'packet-too-large', true],
  ['1114 table full', fake({ errno: 1114 }), {}, 'permanent', 'table-full'],
  ...[1059, 1060, 1071, 1074, 1103, 1118, 1291, 1426, 1439].map(
    (n): Row => [`${n} ddl`, fake({ errno: n, sqlState: '42000' }), {}, 'permanent', 'ddl-limit'],
  ),
  [
    '3948 local infile (MySQL 8)',
    fake({ errno: 3948, sqlState: '42000' }),
    {},
    'permanent',
    'local-infile-disabled',
  ],
  [
    '4166 local infile (MariaDB)',
    fake({ errno: 4166, sqlState: 'HY000' }),
    {},
    'permanent',
    'local-infile-disabled',
  ],
  // TLS
  ['HANDSHAKE_SSL_ERROR', fake({ code: 'HANDSHAKE_SSL_ERROR', fatal: true }), {}, 'permanent', 'tls', true],
  [
    'HANDSHAKE_NO_SSL_SUPPORT',
    fake({ code: 'HANDSHAKE_NO_SSL_SUPPORT', fatal: true }),
    {},
    'permanent',
    'tls',
  ],
  ['ERR_TLS_CERT_ALTNAME_INVALID', fake({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), {}, 'permanent', 'tls'],
  ['ERR_SSL_WRONG_VERSION_NUMBER', fake({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), {}, 'permanent', 'tls'],
  ...[
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'CERT_HAS_EXPIRED',
  ].map((c): Row => [c, fake({ code: c }), {}, 'permanent', 'tls', true]),
  // SQLSTATE class fallback for errnos not in the tables
  [
    'unlisted errno, 08 class',
    fake({ errno: 9999, sqlState: '08S01' }),
    {},
    'transient',
    'connection-lost',
    true,
  ],
  ['unlisted errno, 40 class', fake({ errno: 9998, sqlState: '40001' }), {}, 'transient', 'serialization'],
  ['unlisted errno, 22 class', fake({ errno: 9997, sqlState: '22003' }), {}, 'permanent', 'data'],
  ['unlisted errno, 23 class', fake({ errno: 9996, sqlState: '23000' }), {}, 'permanent', 'constraint'],
  ['unlisted errno, 42 class', fake({ errno: 9995, sqlState: '42000' }), {}, 'permanent', 'syntax-or-access'],
  ['unlisted errno, HY000', fake({ errno: 9994, sqlState: 'HY000' }), {}, 'unknown', 'unknown', true],
  // not a driver error at all
  ['plain Error', new Error('Connection lost: The server closed the connection.'), {}, 'unknown', 'unknown'],
  ['TypeError', new TypeError('x is undefined'), {}, 'unknown', 'unknown'],
  ['string thrown', 'ECONNRESET', {}, 'unknown', 'unknown'],
  ['null thrown', null, {}, 'unknown', 'unknown'],
  // wrapped
  [
    'driver error as cause',
    new Error('copy failed', { cause: fake({ errno: 1213 }) }),
    {},
    'transient',
    'deadlock',
  ],
  [
    'AggregateError from happy eyeballs',
    new AggregateError([sysErr('ECONNREFUSED', -111), sysErr('ECONNREFUSED', -111)]),
    {},
    'transient',
    'connection-refused',
  ],
  // packet-too-large override
  [
    '2006 while sending more than max_allowed_packet',
    fake({ errno: 2006 }),
    { bytesSent: 70_000_000, maxAllowedPacket: 67_108_864 },
    'permanent',
    'packet-too-large',
    true,
  ],
  [
    'ECONNRESET while sending more than max_allowed_packet',
    sysErr('ECONNRESET'),
    { bytesSent: 2000, maxAllowedPacket: 1024 },
    'permanent',
    'packet-too-large',
  ],
  [
    'EPIPE while sending more than max_allowed_packet',
    sysErr('EPIPE', -32),
    { bytesSent: 2000, maxAllowedPacket: 1024 },
    'permanent',
    'packet-too-large',
  ],
  [
    'PROTOCOL_CONNECTION_LOST after an oversized packet',
    fake({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
    { bytesSent: 2000, maxAllowedPacket: 1024 },
    'permanent',
    'packet-too-large',
  ],
  [
    '2006 with a packet within the limit stays transient',
    fake({ errno: 2006 }),
    { bytesSent: 1024, maxAllowedPacket: 1024 },
    'transient',
    'connection-lost',
  ],
  [
    '2006 with bytesSent but no maxAllowedPacket stays transient',
    fake({ errno: 2006 }),
    { bytesSent: 1e9 },
    'transient',
    'connection-lost',
  ],
  [
    'deadlock is not a packet problem',
    fake({ errno: 1213 }),
    { bytesSent: 2000, maxAllowedPacket: 1024 },
    'transient',
    'deadlock',
  ],
  [
    'ETIMEDOUT is not a packet problem',
    sysErr('ETIMEDOUT', -110),
    { bytesSent: 2000, maxAllowedPacket: 1024 },
    'transient',
    'timeout',
  ],
  // during COMMIT
  [
    'connection lost during COMMIT',
    sysErr('ECONNRESET'),
    { duringCommit: true },
    'indeterminate',
    'commit-unknown',
    true,
  ],
  ['2013 during COMMIT', fake({ errno: 2013 }), { duringCommit: true }, 'indeterminate', 'commit-unknown'],
  [
    'closed state during COMMIT',
    fake({ fatal: true }),
    { duringCommit: true },
    'indeterminate',
    'commit-unknown',
  ],
  [
    'deadlock answered to COMMIT stays transient',
    fake({ errno: 1213 }),
    { duringCommit: true },
    'transient',
    'deadlock',
  ],
  [
    '1062 during COMMIT stays permanent',
    fake({ errno: 1062 }),
    { duringCommit: true },
    'permanent',
    'duplicate-key',
  ],
];

for (const [name, e, ctx, cls, kind, discard] of rows) {
  test(`classifyMysqlError: ${name}`, () => {
    const c = classifyMysqlError(e, ctx);
    assert.equal(c.class, cls);
    assert.equal(c.kind, kind);
    if (discard !== undefined) assert.equal(c.discardConnection, discard);
  });
}

test('classifyMysqlError: reports errno, sqlState, code and hints', () => {
  assert.deepEqual(classifyMysqlError(fake({ errno: 1213, code: 'ER_LOCK_DEADLOCK', sqlState: '40001' })), {
    class: 'transient',
    kind: 'deadlock',
    discardConnection: false,
    errno: 1213,
    sqlState: '40001',
    code: 'ER_LOCK_DEADLOCK',
  });
  const auth = classifyMysqlError(fake({ errno: 1045, sqlState: '28000' }));
  assert.match(auth.hint ?? '', /password.*REQUIRE SSL/);
  const noErrno = classifyMysqlError(sysErr('ECONNRESET', -104));
  assert.equal(noErrno.errno, undefined, 'Node negative errno is not reported as a server errno');
  assert.equal(noErrno.code, 'ECONNRESET');
  assert.match(classifyMysqlError(fake({ errno: 4166 })).hint ?? '', /INSERT/);
  assert.match(
    classifyMysqlError(fake({ errno: 2006 }), { bytesSent: 9, maxAllowedPacket: 8 }).hint ?? '',
    /max_allowed_packet/,
  );
});

test('classifyMysqlError: message text never changes the result', () => {
  for (const msg of [
    'Deadlock found when trying to get lock',
    'Lock wait timeout exceeded',
    'Connection lost',
    '',
  ]) {
    assert.equal(classifyMysqlError(fake({ errno: 1062, sqlState: '23000' }, msg)).kind, 'duplicate-key');
    assert.equal(classifyMysqlError(new Error(msg)).class, 'unknown');
  }
});

test('toRetryClass: indeterminate is never retried blindly', () => {
  assert.equal(toRetryClass(classifyMysqlError(fake({ errno: 1180 }))), 'permanent');
  assert.equal(toRetryClass(classifyMysqlError(fake({ errno: 1213 }))), 'transient');
  assert.equal(toRetryClass(classifyMysqlError(new Error('?'))), 'unknown');
  assert.equal(toRetryClass(classifyMysqlError(fake({ errno: 1062 }))), 'permanent');
});

test('classifyMysqlError: a real mysql2 connect to a closed loopback port', async () => {
  // Find a free port, then close it so nothing listens there.
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  const err = await mysql.createConnection({ host: '127.0.0.1', port, user: 'x', connectTimeout: 5000 }).then(
    (c) => c.end().then(() => undefined),
    (e: unknown) => e,
  );
  const c = classifyMysqlError(err);
  assert.equal(c.class, 'transient');
  assert.equal(c.kind, 'connection-refused');
});

test('classifyMysqlError: a real mysql2 connection whose server drops it mid-handshake', async () => {
  // A server that accepts and closes at once: mysql2 sees the stream end before any handshake packet.
  const srv = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  try {
    const err = await mysql
      .createConnection({ host: '127.0.0.1', port, user: 'x', connectTimeout: 5000 })
      .then(
        (c) => c.end().then(() => undefined),
        (e: unknown) => e,
      );
    const c = classifyMysqlError(err);
    assert.equal(c.class, 'transient');
    assert.ok(['connection-lost'].includes(c.kind), c.kind);
    assert.equal(c.discardConnection, true);
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
