// Tests for COPY text → INSERT statement Buffers: a round trip (fast-check) through a test-only PostgreSQL
// COPY-text escaper and a test-only reader of MySQL string literals (the manual's escape table), split at
// every byte; wrappers (UNHEX) and NULL vs the text `\N`; statement cutting; the row-size refusal naming row
// and field before the row is built; and the inputs PostgreSQL never writes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isMigrationError } from '../../errors.js';
import { InsertStatements, type InsertShape, RowTooLarge, STATEMENT_HEADROOM } from './insert-statements.js';

type Row = readonly (string | null)[];

/** PostgreSQL text COPY output (CopyAttributeOutText): \\ \b \f \n \r \t \v escaped, NULL as \N. */
function pgCopyText(rows: readonly Row[]): Buffer {
  const esc: Record<string, string> = {
    '\\': '\\\\',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  };
  const line = (r: Row): string =>
    r.map((v) => (v === null ? '\\N' : v.replace(/[\\\b\f\n\r\t\v]/g, (c) => esc[c]!))).join('\t');
  return Buffer.from(rows.map((r) => `${line(r)}\n`).join(''), 'utf8');
}

/** MySQL string-literal escapes (manual, "String Literals", table 9.1); any other `\x` is `x`. */
const MY_ESC: Record<string, string> = {
  '0': '\0',
  "'": "'",
  '"': '"',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '\\': '\\',
};

/** Reads `(open 'lit' close, NULL, …),(…)` back into rows: a test-only reader, sharing nothing with the writer. */
function readValues(sql: string, head: string, open: readonly string[], close: readonly string[]): Row[] {
  assert.ok(sql.startsWith(head), 'statement starts with the head');
  let i = head.length;
  const rows: Row[] = [];
  const expect = (s: string) => {
    assert.equal(sql.slice(i, i + s.length), s, `at ${i}`);
    i += s.length;
  };
  for (;;) {
    expect('(');
    const row: (string | null)[] = [];
    for (let k = 0; k < open.length; k++) {
      if (k > 0) expect(',');
      if (sql.startsWith('NULL', i)) {
        i += 4;
        row.push(null);
        continue;
      }
      expect(open[k]!);
      let v = '';
      for (;;) {
        const c = sql[i++]!;
        if (c === "'") break;
        if (c === '\\') {
          const e = sql[i++]!;
          v += MY_ESC[e] ?? e;
        } else v += c;
      }
      expect(close[k]!.slice(1));
      row.push(v);
    }
    expect(')');
    rows.push(row);
    if (i === sql.length) return rows;
    expect(',');
  }
}

const HEAD = 'INSERT INTO `t` (`a`, `b`) VALUES ';
const PLAIN: InsertShape = {
  head: HEAD,
  open: ["'", "'"],
  close: ["'", "'"],
  batchBytes: 1 << 20,
  maxStatement: 1 << 22,
};

/** Feeds `input` in pieces of the given sizes (cycled) and returns the statements' SQL and row counts. */
function run(shape: InsertShape, input: Buffer, pieces: readonly number[] = [input.length || 1]) {
  const s = new InsertStatements(shape);
  const out: { sql: string; rows: number; bytes: number }[] = [];
  const take = (list: ReturnType<InsertStatements['push']>) => {
    for (const st of list)
      out.push({
        sql: st.buffer.toString('utf8', STATEMENT_HEADROOM),
        rows: st.rows,
        bytes: st.buffer.length - STATEMENT_HEADROOM,
      });
  };
  for (let at = 0, p = 0; at < input.length; p++) {
    const n = Math.max(1, pieces[p % pieces.length]!);
    take(s.push(input.subarray(at, at + n)));
    at += n;
  }
  take(s.end());
  return { statements: out, rows: s.rows, bytes: s.bytes };
}

const all = (shape: InsertShape, r: ReturnType<typeof run>): Row[] =>
  r.statements.flatMap((st) => readValues(st.sql, shape.head, shape.open, shape.close));

const TRICKY: Row[] = [
  ['plain', ''],
  [null, '\\N'],
  ['it\'s \\ a "quote"', 'tab\there\nnewline\rcr'],
  ['\b\f\v\x1a', '😀 emoji, ü, 中文'],
  ['\\\\\\', "''"],
  ['%_\\%\\_', null],
];

test('tricky values survive every split point, byte by byte included', () => {
  const input = pgCopyText(TRICKY);
  for (let size = 1; size <= 9; size++) {
    const r = run(PLAIN, input, [size]);
    assert.deepEqual(all(PLAIN, r), TRICKY, `pieces of ${size}`);
    assert.equal(r.rows, TRICKY.length);
    assert.equal(r.bytes, input.length);
  }
});

test('round trip for random rows and random splits (fast-check)', () => {
  const value = fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: null, freq: 6 });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 120, max: 600 }),
      (rows, pieces, batchBytes) => {
        const shape = { ...PLAIN, batchBytes };
        const r = run(shape, pgCopyText(rows), pieces);
        assert.deepEqual(all(shape, r), rows);
        for (const st of r.statements)
          if (st.rows > 1) assert.ok(st.bytes <= batchBytes, 'multi-row ≤ batch');
      },
    ),
    { numRuns: 150 },
  );
});

test('wrappers go around the literal, NULL is bare; the text \\N stays text', () => {
  const shape: InsertShape = { ...PLAIN, open: ["'", "UNHEX('"], close: ["'", "')"] };
  const r = run(shape, Buffer.from('\\\\N\t0aff\n\\N\t\\N\n'));
  assert.equal(r.statements.length, 1);
  assert.equal(r.statements[0]!.sql, `${HEAD}('\\\\N',UNHEX('0aff')),(NULL,NULL)`);
});

test('statements are cut at batchBytes; a row bigger than a batch goes alone', () => {
  const big = 'x'.repeat(300);
  const rows: Row[] = [
    ['1', 'a'],
    ['2', big],
    ['3', 'b'],
    ['4', 'c'],
  ];
  const shape = { ...PLAIN, batchBytes: 200 };
  const r = run(shape, pgCopyText(rows), [7]);
  assert.deepEqual(
    r.statements.map((s) => s.rows),
    [1, 1, 2],
  );
  assert.deepEqual(all(shape, r), rows);
});

test('a row that passes maxStatement is refused with its row and field, before the rest is read', () => {
  const shape = { ...PLAIN, batchBytes: 100, maxStatement: 200 };
  const s = new InsertStatements(shape);
  assert.equal(
    s.push(
      pgCopyText([
        ['1', 'a'],
        ['2', 'b'],
      ]),
    ).length,
    0,
  );
  let thrown: unknown;
  try {
    s.push(Buffer.from(`3\t${'y'.repeat(100)}`));
    s.push(Buffer.from('y'.repeat(100)));
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof RowTooLarge, String(thrown));
  assert.equal(thrown.row, 3);
  assert.equal(thrown.field, 1);
  assert.ok(thrown.bytes > 200);
  // A row of exactly maxStatement bytes of SQL is taken.
  const fits = HEAD.length + "('1','')".length;
  const exact = run({ ...PLAIN, maxStatement: fits + 10 }, pgCopyText([['1', 'z'.repeat(10)]]));
  assert.equal(exact.statements[0]!.bytes, fits + 10);
  assert.throws(
    () => run({ ...PLAIN, maxStatement: fits + 9 }, pgCopyText([['1', 'z'.repeat(10)]])),
    RowTooLarge,
  );
});

test('a backslash escape counts twice, so a value of backslashes is measured as sent', () => {
  const fits = HEAD.length + "('1','')".length;
  const input = pgCopyText([['1', '\\'.repeat(10)]]); // 10 backslashes → 20 bytes in the literal
  assert.equal(run({ ...PLAIN, maxStatement: fits + 20 }, input).statements[0]!.bytes, fits + 20);
  assert.throws(() => run({ ...PLAIN, maxStatement: fits + 19 }, input), RowTooLarge);
});

test('inputs PostgreSQL never writes are errors, not data', () => {
  const bad = [
    'a\\x41\tb\n', // hex escape
    'a\\N\tb\n', // \N after data
    '\\Nx\tb\n', // data after \N
    'a\tb\tc\n', // a field too many
    'a\n', // a field too few
    'a\tb', // no final newline
    'a\tb\\', // ends inside an escape
  ];
  for (const input of bad)
    assert.throws(
      () => run(PLAIN, Buffer.from(input)),
      (e: unknown) => isMigrationError(e) && e.code === 'INTERNAL',
      JSON.stringify(input),
    );
});

test('empty input gives no statement', () => {
  assert.deepEqual(run(PLAIN, Buffer.alloc(0)).statements, []);
});
