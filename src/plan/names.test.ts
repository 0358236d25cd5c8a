// Tests of target identifiers: validation of names MySQL cannot hold, deterministic shortening with a
// hash suffix, collision suffixes per scope (case-insensitive, PRIMARY reserved), the rename records,
// and the reserved-word list.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { isMigrationError } from '../errors.js';
import type { RenamedIdentifier } from './model.js';
import {
  foldName,
  isReservedWord,
  NameScope,
  RESERVED_WORDS,
  shortenIdentifier,
  validateIdentifier,
} from './names.js';

const SEVENTY = `t${'x'.repeat(69)}`;

test('shortens names past the limit to (max − 9) chars + _ + 8 hex of sha256, deterministically', () => {
  assert.equal(shortenIdentifier('users', 64), 'users');
  assert.equal(shortenIdentifier('x'.repeat(64), 64), 'x'.repeat(64));
  const short = shortenIdentifier(SEVENTY, 64);
  const hash = createHash('sha256').update(SEVENTY).digest('hex').slice(0, 8);
  assert.equal(short, `${SEVENTY.slice(0, 55)}_${hash}`);
  assert.equal(short.length, 64);
  assert.equal(shortenIdentifier(SEVENTY, 64), short);
  assert.notEqual(shortenIdentifier(`${SEVENTY}y`, 64), short);
});

test('a scope hands out unique names, case-insensitively, and records every rename', () => {
  const renamed: RenamedIdentifier[] = [];
  const scope = new NameScope('index', 'users', 64, renamed, ['PRIMARY']);
  assert.equal(scope.claim('users_email_idx'), 'users_email_idx');
  assert.equal(scope.claim('Users_Email_Idx'), 'Users_Email_Idx_2');
  assert.equal(scope.claim('users_email_idx'), 'users_email_idx_3');
  assert.equal(scope.claim('primary'), 'primary_2');
  // Two long names with the same first 55 characters still differ (the hash), and a long name whose
  // shortened form is taken gets a suffix within the limit.
  const a = scope.claim(`${'p'.repeat(60)}_a`);
  const b = scope.claim(`${'p'.repeat(60)}_b`);
  assert.notEqual(a, b);
  assert.equal(scope.claim(`${'p'.repeat(60)}_a`).length, 64);
  assert.ok(scope.has('USERS_EMAIL_IDX'));
  assert.deepEqual(renamed.slice(0, 3), [
    { kind: 'index', scope: 'users', from: 'Users_Email_Idx', to: 'Users_Email_Idx_2' },
    { kind: 'index', scope: 'users', from: 'users_email_idx', to: 'users_email_idx_3' },
    { kind: 'index', scope: 'users', from: 'primary', to: 'primary_2' },
  ]);
  assert.ok(renamed.every((r) => r.to.length <= 64));
});

test('the rename kind can be given per claim (FK and CHECK names share one scope)', () => {
  const renamed: RenamedIdentifier[] = [];
  const scope = new NameScope('foreignKey', 'database', 64, renamed);
  scope.claim('same_name', 'foreignKey');
  assert.equal(scope.claim('same_name', 'check'), 'same_name_2');
  assert.deepEqual(renamed, [{ kind: 'check', scope: 'database', from: 'same_name', to: 'same_name_2' }]);
});

test('rejects names MySQL cannot represent, naming the object', () => {
  for (const [name, why] of [
    ['', /is empty/],
    ['trailing ', /ends with white space/],
    ['emoji😀', /outside the Basic Multilingual Plane/],
    ['nul\u0000', /NUL/],
    ['lone\uD800', /outside the Basic Multilingual Plane|NUL/],
  ] as const) {
    assert.throws(
      () => validateIdentifier(name, 'column public.t.c'),
      (e) =>
        isMigrationError(e) &&
        e.code === 'IDENTIFIER_INVALID' &&
        why.test(e.message) &&
        e.message.includes('public.t.c'),
      JSON.stringify(name),
    );
  }
  for (const ok of ['users', 'naïve', '日本語', 'with space inside', 'we`ird', ' leading'])
    validateIdentifier(ok, 'x');
});

test('reserved words: MySQL 8 and MariaDB, case-insensitive', () => {
  for (const w of ['order', 'KEY', 'Group', 'position', 'returning', 'window', 'lateral', 'qualify']) {
    assert.ok(isReservedWord(w), w);
  }
  for (const w of ['users', 'name', 'status', 'comment', 'value', 'id']) assert.ok(!isReservedWord(w), w);
  assert.ok(RESERVED_WORDS.size > 250);
  assert.equal(foldName('ÄbC'), 'äbc');
});
