// Table-driven tests for connection URL parsing: every malformed part is CONFIG_INVALID naming the part
// (port, %-escape, unknown parameter), never echoing the URL text; IPv6 literals lose their brackets;
// ?password= is a password like the userinfo one, and both are redacted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMigrationError } from '../errors.js';
import { parseConnectionUrl, redactText, redactUrl, urlHasPassword } from './urls.js';

function refusal(raw: string, role: 'source' | 'target' = 'target'): string {
  try {
    parseConnectionUrl(raw, role);
  } catch (e) {
    assert.ok(isMigrationError(e), String(e));
    assert.equal(e.code, 'CONFIG_INVALID');
    return e.message;
  }
  assert.fail(`${raw} was accepted`);
}

test('a bad %-escape names the part and is CONFIG_INVALID, not a URIError', () => {
  assert.match(refusal('mysql://u:pa%zzss@h/db'), /password has a malformed %-escape/);
  assert.match(refusal('mysql://u%E0@h/db'), /user name has a malformed %-escape/);
  assert.match(refusal('postgres://u@h/d%E0b', 'source'), /database name has a malformed %-escape/);
  assert.doesNotMatch(refusal('mysql://u:pa%zzss@h/db'), /pa%zzss/);
});

test('ports outside 1–65535 are named, port 0 included', () => {
  assert.match(refusal('mysql://u@h:0/db'), /port "0" is not a number from 1 to 65535/);
  assert.match(refusal('mysql://u@h:65536/db'), /port "65536"/);
  assert.match(refusal('mysql://u:secret@h:33o6/db'), /port "33o6"/);
  assert.match(refusal('postgres://u@[::1]:x/db', 'source'), /port "x"/);
  assert.equal(parseConnectionUrl('mysql://u@h:65535/db', 'target').port, 65535);
  assert.equal(parseConnectionUrl('mysql://u@h/db', 'target').port, 3306);
  assert.equal(parseConnectionUrl('postgres://u@h/db', 'source').port, 5432);
});

test('IPv6 literals reach the driver without brackets and count as loopback', () => {
  const s = parseConnectionUrl('postgres://u@[::1]:5433/db', 'source');
  assert.equal(s.host, '::1');
  assert.equal(s.port, 5433);
  assert.equal(s.tls, 'disable');
  assert.equal(parseConnectionUrl('mysql://u@[2001:db8::1]/db', 'target').tls, 'verify-full');
});

test('unknown query parameters are refused by name; known ones are read', () => {
  assert.match(refusal('mysql://u@h/db?sslmod=require'), /unknown parameter "sslmod"/);
  const s = parseConnectionUrl('mysql://u@h/db?sslmode=verify-ca&sslrootcert=/ca.pem', 'target');
  assert.equal(s.tls, 'verify-ca');
  assert.equal(s.caFile, '/ca.pem');
});

test('?password= is read, redacted in URLs and registered for text redaction', () => {
  const raw = 'mysql://u@h/db?password=Qu3ry%26Canary';
  const s = parseConnectionUrl(raw, 'target');
  assert.equal(s.password, 'Qu3ry&Canary');
  assert.ok(urlHasPassword(raw));
  assert.doesNotMatch(redactUrl(raw), /Canary/);
  assert.equal(redactText('x Qu3ry&Canary y'), 'x *** y');
  assert.equal(redactText(`x ${encodeURIComponent('Qu3ry&Canary')} y`), 'x *** y');
});

test('a %-encoded userinfo password is decoded and redacted in both forms', () => {
  const s = parseConnectionUrl('postgres://u:p%40ss%2Fw0rd!@h/db', 'source');
  assert.equal(s.password, 'p@ss/w0rd!');
  assert.equal(redactText('p@ss/w0rd! and p%40ss%2Fw0rd!'), '*** and ***');
});
