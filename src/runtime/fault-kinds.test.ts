// The fault kind → error code table: real driver-shaped errors from both classifiers end a copy with the
// code the README documents (a lost privilege is PERMISSION_DENIED, not INTERNAL; a duplicate key or a
// failed CHECK is DATA_REJECTED), and only SQL pg2my generated is INTERNAL.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPgError } from '../source/postgres/classify-error.js';
import { classifyMysqlError } from '../target/mysql/classify-error.js';
import { errorCodeForFault, FAULT_KIND_CODE, type FaultKind } from './fault-kinds.js';

const my = (errno: number, code: string) =>
  classifyMysqlError(Object.assign(new Error(code), { errno, code, sqlState: 'HY000' }));
const pg = (code: string) => classifyPgError(Object.assign(new Error(code), { code, severity: 'ERROR' }));

test('permanent faults from each server end with their documented code', () => {
  const cases: [string, FaultKind, 'source' | 'target', string][] = [
    [
      'MySQL 1142 (INSERT denied)',
      my(1142, 'ER_TABLEACCESS_DENIED_ERROR').kind,
      'target',
      'PERMISSION_DENIED',
    ],
    [
      'MySQL 1044 (db access denied)',
      my(1044, 'ER_DBACCESS_DENIED_ERROR').kind,
      'target',
      'PERMISSION_DENIED',
    ],
    ['MySQL 1062 (duplicate key)', my(1062, 'ER_DUP_ENTRY').kind, 'target', 'DATA_REJECTED'],
    ['MariaDB 4025 (CHECK failed)', my(4025, 'ER_CONSTRAINT_FAILED').kind, 'target', 'DATA_REJECTED'],
    ['MySQL 1452 (FK)', my(1452, 'ER_NO_REFERENCED_ROW_2').kind, 'target', 'DATA_REJECTED'],
    ['MySQL 1146 (table dropped)', my(1146, 'ER_NO_SUCH_TABLE').kind, 'target', 'SCHEMA_DRIFT'],
    ['PostgreSQL 42501 (permission denied)', pg('42501').kind, 'source', 'PERMISSION_DENIED'],
    ['PostgreSQL 42P01 (table dropped)', pg('42P01').kind, 'source', 'SCHEMA_DRIFT'],
    ['PostgreSQL 22003 (out of range)', pg('22003').kind, 'source', 'DATA_REJECTED'],
    ['PostgreSQL 53100 (disk full)', pg('53100').kind, 'source', 'SERVER_FAILED'],
  ];
  for (const [what, kind, side, code] of cases) assert.equal(errorCodeForFault(kind, side), code, what);
});

test('connect-type kinds take the side that failed', () => {
  assert.equal(errorCodeForFault('tls', 'source'), 'SOURCE_CONNECT_FAILED');
  assert.equal(errorCodeForFault('dns', 'target'), 'TARGET_CONNECT_FAILED');
});

test('INTERNAL is reserved for generated SQL a server refused, protocol errors and unknown faults', () => {
  const internal = Object.entries(FAULT_KIND_CODE)
    .filter(([, c]) => c === 'INTERNAL')
    .map(([k]) => k)
    .sort();
  assert.deepEqual(internal, [
    'ddl-limit',
    'not-supported',
    'protocol',
    'syntax',
    'syntax-or-access',
    'transaction-state',
    'unknown',
  ]);
});
