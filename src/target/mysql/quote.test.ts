// Property tests of MySQL quoting: quoted identifiers and strings read back (by a small MySQL-lexer
// model) as exactly one token holding the original value, hostile names stay one identifier, and
// fragments refuse raw parts that could smuggle SQL.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkedSqlName, quoteIdent, quoteString, renderFragment } from './quote.js';

/** Read one backtick identifier starting at 0, as MySQL's lexer does; returns its value and end. */
function readIdent(sql: string): { value: string; end: number } {
  assert.equal(sql[0], '`');
  let value = '';
  let i = 1;
  for (;;) {
    assert.ok(i < sql.length, 'unterminated identifier');
    if (sql[i] === '`') {
      if (sql[i + 1] === '`') {
        value += '`';
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += sql[i];
    i++;
  }
}

const BACKSLASH: Readonly<Record<string, string>> = {
  '0': '\0',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  Z: '\x1a',
};

/** Read one single-quoted literal starting at 0 with MySQL's default escapes (NO_BACKSLASH_ESCAPES off). */
function readString(sql: string): { value: string; end: number } {
  assert.equal(sql[0], "'");
  let value = '';
  let i = 1;
  for (;;) {
    assert.ok(i < sql.length, 'unterminated string');
    const c = sql[i]!;
    if (c === '\\') {
      const n = sql[i + 1]!;
      value += BACKSLASH[n] ?? (n === '%' || n === '_' ? `\\${n}` : n);
      i += 2;
    } else if (c === "'") {
      if (sql[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
}

const anyText = fc.string({ unit: 'binary', maxLength: 80 });
const nasty = fc.array(
  fc.constantFrom('`', "'", '\\', '"', ';', '-', '\n', '\r', '\0', '\x1a', '%', '_', 'a', 'é', '😀', ' '),
  {
    maxLength: 40,
  },
);

test('quoteIdent: one identifier token that reads back as the name', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        anyText,
        nasty.map((a) => a.join('')),
      ),
      (name) => {
        fc.pre(name.length > 0 && !name.includes('\0'));
        const q = quoteIdent(name);
        const { value, end } = readIdent(q);
        assert.equal(end, q.length);
        assert.equal(value, name);
      },
    ),
    { numRuns: 2000 },
  );
});

test('quoteIdent: hostile names stay one identifier', () => {
  const q = quoteIdent('we`ird; DROP TABLE x;--');
  assert.equal(q, '`we``ird; DROP TABLE x;--`');
  assert.equal(readIdent(q).end, q.length);
  assert.throws(() => quoteIdent(''));
  assert.throws(() => quoteIdent('a\0b'));
});

test('quoteString: one literal that reads back as the value', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        anyText,
        nasty.map((a) => a.join('')),
      ),
      (s) => {
        const q = quoteString(s);
        const { value, end } = readString(q);
        assert.equal(end, q.length);
        assert.equal(value, s);
        assert.ok(!/[\0\n\r\x1a]/.test(q), 'control characters are escaped');
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(quoteString("it's \\ \0"), "'it''s \\\\ \\0'");
});

test('renderFragment quotes parts and refuses unsafe raw text', () => {
  assert.equal(renderFragment(['(', { ident: 'a`b' }, ' = ', { str: "x'--" }, ')']), "(`a``b` = 'x''--')");
  for (const raw of ['1; DROP TABLE t', '-- x', '/* x */', "'", '`', '#', 'a\\b', '\n']) {
    assert.throws(() => renderFragment([raw]), /unsafe raw SQL/, JSON.stringify(raw));
  }
  // Adjacent raw parts cannot form a comment either.
  assert.throws(() => renderFragment(['-', '-1']), /comment marker/);
});

test('checkedSqlName admits plain names only', () => {
  assert.equal(checkedSqlName('utf8mb4_0900_bin', 'collation'), 'utf8mb4_0900_bin');
  for (const bad of ['utf8mb4_bin; DROP', 'x y', '', '1abc', 'a-b'])
    assert.throws(() => checkedSqlName(bad, 'collation'));
});
