// Table-driven tests for classifyPgError: SQLSTATE exact and class rules, socket/TLS codes, pg's code-less
// client errors, the weCancelled and during-COMMIT overrides, plus two real pg clients on loopback.

import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import pg from 'pg';
import { toRetryClass } from '../../runtime/retry.js';
import { classifyPgError, type PgErrorContext } from './classify-error.js';

/** Shaped like pg-protocol's DatabaseError: `.code` is the SQLSTATE, `.severity` set. */
function dbErr(code: string, message = 'connection terminated; deadlock detected'): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', name: 'error' });
}

function sysErr(code: string, errno = -104): Error {
  return Object.assign(new Error(`read ${code}`), { code, errno, syscall: 'read' });
}

type Row = [name: string, e: unknown, ctx: PgErrorContext, cls: string, kind: string, discard?: boolean];

const rows: Row[] = [
  // class 08
  ...['08000', '08003', '08006', '08001', '08004'].map(
    (c): Row => [c, dbErr(c), {}, 'transient', 'connection-lost', true],
  ),
  ['08P01 protocol violation', dbErr('08P01'), {}, 'permanent', 'protocol', true],
  ['08007 resolution unknown', dbErr('08007'), {}, 'indeterminate', 'commit-unknown', true],
  // transaction rollback / locks
  ['40001', dbErr('40001'), {}, 'transient', 'serialization', false],
  ['40P01', dbErr('40P01'), {}, 'transient', 'deadlock', false],
  ['55P03', dbErr('55P03'), {}, 'transient', 'lock-wait', false],
  ['57014 statement timeout', dbErr('57014'), {}, 'transient', 'statement-timeout', false],
  ['57014 we cancelled', dbErr('57014'), { weCancelled: true }, 'permanent', 'cancelled', false],
  ['57014 weCancelled false', dbErr('57014'), { weCancelled: false }, 'transient', 'statement-timeout'],
  ['57P01 admin shutdown', dbErr('57P01'), {}, 'transient', 'server-shutdown', true],
  ['57P02 crash shutdown', dbErr('57P02'), {}, 'transient', 'server-shutdown', true],
  ['57P03 cannot connect now', dbErr('57P03'), {}, 'transient', 'server-shutdown', true],
  ['57P05 idle session timeout', dbErr('57P05'), {}, 'transient', 'connection-lost', true],
  ['25P03 idle in transaction timeout', dbErr('25P03'), {}, 'transient', 'connection-lost', true],
  ['53000', dbErr('53000'), {}, 'transient', 'server-resources'],
  ['53100 disk full', dbErr('53100'), {}, 'transient', 'disk-full'],
  ['53200 out of memory', dbErr('53200'), {}, 'transient', 'server-resources'],
  ['53300 too many connections', dbErr('53300'), {}, 'transient', 'too-many-connections', true],
  ['53400', dbErr('53400'), {}, 'transient', 'server-resources'],
  ['58000', dbErr('58000'), {}, 'transient', 'server-io'],
  ['58030', dbErr('58030'), {}, 'transient', 'server-io'],
  ['72000', dbErr('72000'), {}, 'transient', 'snapshot-too-old'],
  // permanent
  ['28000', dbErr('28000'), {}, 'permanent', 'auth', true],
  ['28P01', dbErr('28P01'), {}, 'permanent', 'auth', true],
  ['3D000', dbErr('3D000'), {}, 'permanent', 'unknown-database'],
  ['3F000', dbErr('3F000'), {}, 'permanent', 'unknown-schema'],
  ['42501', dbErr('42501'), {}, 'permanent', 'privilege', false],
  ['42P01', dbErr('42P01'), {}, 'permanent', 'unknown-table'],
  ['42703', dbErr('42703'), {}, 'permanent', 'unknown-column'],
  ['42601', dbErr('42601'), {}, 'permanent', 'syntax'],
  ['42P07 (class 42)', dbErr('42P07'), {}, 'permanent', 'syntax-or-access'],
  ['0A000', dbErr('0A000'), {}, 'permanent', 'not-supported'],
  ...['22000', '22001', '22003', '22007', '22008', '22P02', '22021'].map(
    (c): Row => [`${c} data`, dbErr(c), {}, 'permanent', 'data', false],
  ),
  ['23505 (class 23)', dbErr('23505'), {}, 'permanent', 'constraint'],
  ['25P02 aborted transaction', dbErr('25P02'), {}, 'permanent', 'transaction-state'],
  ['XX000 internal', dbErr('XX000'), {}, 'unknown', 'unknown', true],
  ['P0001 raise_exception', dbErr('P0001'), {}, 'unknown', 'unknown'],
  // pg client-side, code-less
  [
    'Connection terminated unexpectedly',
    new Error('Connection terminated unexpectedly'),
    {},
    'transient',
    'connection-lost',
    true,
  ],
  ['Connection terminated', new Error('Connection terminated'), {}, 'transient', 'connection-lost', true],
  [
    'pool connection timeout (with cause)',
    new Error('Connection terminated due to connection timeout', {
      cause: new Error('Connection terminated'),
    }),
    {},
    'transient',
    'timeout',
    true,
  ],
  [
    'pool checkout timeout',
    new Error('timeout exceeded when trying to connect'),
    {},
    'transient',
    'timeout',
    true,
  ],
  ['client connect timeout', new Error('timeout expired'), {}, 'transient', 'timeout', true],
  ['query_timeout', new Error('Query read timeout'), {}, 'transient', 'timeout', true],
  [
    'client broken',
    new Error('Client has encountered a connection error and is not queryable'),
    {},
    'transient',
    'connection-lost',
  ],
  [
    'server without SSL',
    new Error('The server does not support SSL connections'),
    {},
    'permanent',
    'tls',
    true,
  ],
  [
    'TypeError with the same text is a bug',
    new TypeError('Connection terminated unexpectedly'),
    {},
    'unknown',
    'unknown',
  ],
  ['other plain Error', new Error('something else'), {}, 'unknown', 'unknown', true],
  ['non-object', 42, {}, 'unknown', 'unknown'],
  // sockets and TLS
  ['ECONNRESET', sysErr('ECONNRESET'), {}, 'transient', 'connection-lost', true],
  ['EPIPE (five letters, not a SQLSTATE)', sysErr('EPIPE', -32), {}, 'transient', 'connection-lost', true],
  ['ETIMEDOUT', sysErr('ETIMEDOUT', -110), {}, 'transient', 'timeout', true],
  ['ECONNREFUSED', sysErr('ECONNREFUSED', -111), {}, 'transient', 'connection-refused', true],
  ['EHOSTUNREACH', sysErr('EHOSTUNREACH', -113), {}, 'transient', 'network', true],
  ['EAI_AGAIN', sysErr('EAI_AGAIN', -3001), {}, 'transient', 'dns', true],
  ['ECONNABORTED', sysErr('ECONNABORTED', -103), {}, 'transient', 'connection-lost', true],
  ['ENOTFOUND', sysErr('ENOTFOUND', -3008), {}, 'permanent', 'dns', true],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', sysErr('DEPTH_ZERO_SELF_SIGNED_CERT', 0), {}, 'permanent', 'tls', true],
  ['ERR_TLS_CERT_ALTNAME_INVALID', sysErr('ERR_TLS_CERT_ALTNAME_INVALID', 0), {}, 'permanent', 'tls'],
  ['CERT_HAS_EXPIRED', sysErr('CERT_HAS_EXPIRED', 0), {}, 'permanent', 'tls'],
  [
    'AggregateError',
    new AggregateError([sysErr('ECONNREFUSED', -111)]),
    {},
    'transient',
    'connection-refused',
  ],
  ['wrapped in cause', new Error('copy failed', { cause: dbErr('40P01') }), {}, 'transient', 'deadlock'],
  // during COMMIT
  [
    'connection lost during COMMIT',
    new Error('Connection terminated unexpectedly'),
    { duringCommit: true },
    'indeterminate',
    'commit-unknown',
    true,
  ],
  [
    'ECONNRESET during COMMIT',
    sysErr('ECONNRESET'),
    { duringCommit: true },
    'indeterminate',
    'commit-unknown',
  ],
  ['40001 answered to COMMIT', dbErr('40001'), { duringCommit: true }, 'transient', 'serialization'],
  ['23505 during COMMIT (deferred)', dbErr('23505'), { duringCommit: true }, 'permanent', 'constraint'],
];

for (const [name, e, ctx, cls, kind, discard] of rows) {
  test(`classifyPgError: ${name}`, () => {
    const c = classifyPgError(e, ctx);
    assert.equal(c.class, cls);
    assert.equal(c.kind, kind);
    if (discard !== undefined) assert.equal(c.discardConnection, discard);
  });
}

test('classifyPgError: reports sqlState for server errors, code for socket errors', () => {
  assert.deepEqual(classifyPgError(dbErr('40P01')), {
    class: 'transient',
    kind: 'deadlock',
    discardConnection: false,
    sqlState: '40P01',
  });
  const s = classifyPgError(sysErr('EPIPE', -32));
  assert.equal(s.sqlState, undefined);
  assert.equal(s.code, 'EPIPE');
  assert.equal(s.errno, undefined);
  assert.match(classifyPgError(dbErr('28P01')).hint ?? '', /password/);
});

test('classifyPgError: server message text never changes the result', () => {
  for (const msg of ['Connection terminated unexpectedly', 'deadlock detected', 'timeout expired']) {
    assert.equal(classifyPgError(dbErr('22P02', msg)).kind, 'data');
  }
});

test('toRetryClass on pg classifications', () => {
  assert.equal(toRetryClass(classifyPgError(dbErr('08007'))), 'permanent');
  assert.equal(toRetryClass(classifyPgError(dbErr('40001'))), 'transient');
  assert.equal(toRetryClass(classifyPgError(dbErr('57014'), { weCancelled: true })), 'permanent');
});

async function listen(
  onConn: (s: net.Socket) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = net.createServer(onConn);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  return { port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

test('classifyPgError: real pg client, closed loopback port → connection-refused', async () => {
  const s = await listen(() => {});
  const port = s.port;
  await s.close();
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'x',
    database: 'x',
    connectionTimeoutMillis: 5000,
  });
  const err = await client.connect().then(
    () => client.end(),
    (e: unknown) => e,
  );
  assert.equal(classifyPgError(err).kind, 'connection-refused');
});

test('classifyPgError: real pg client, server hangs up after the startup packet → transient', async () => {
  const s = await listen((sock) => sock.once('data', () => sock.end()));
  try {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: s.port,
      user: 'x',
      database: 'x',
      connectionTimeoutMillis: 5000,
    });
    const err = await client.connect().then(
      () => client.end(),
      (e: unknown) => e,
    );
    const c = classifyPgError(err);
    assert.equal(c.class, 'transient');
    assert.equal(c.kind, 'connection-lost');
    assert.equal(c.discardConnection, true);
  } finally {
    await s.close();
  }
});
