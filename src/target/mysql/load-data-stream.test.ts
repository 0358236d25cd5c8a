// Tests for the COPY-text → LOAD DATA transcoder: known cases, every chunk split of tricky inputs, errors,
// counters, the zero-copy fast path, and a fast-check round trip through a test-only PostgreSQL COPY-text
// escaper and a test-only reader implementing MySQL's documented LOAD DATA escape rules.

import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import { isMigrationError } from '../../errors.js';
import { CopyTextToLoadData, createLoadDataTranscoder, loadDataLocalSql } from './load-data-stream.js';

type Row = readonly (string | null)[];

/**
 * PostgreSQL text COPY output for rows (CopyAttributeOutText): backslash and \b \f \n \r \t \v escaped,
 * every other character raw (other control characters included), NULL as \N, tab between fields, newline
 * after every row. PostgreSQL never writes octal/hex escapes on output.
 */
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

/**
 * MySQL LOAD DATA with FIELDS TERMINATED BY '\t' ENCLOSED BY '' ESCAPED BY '\\' LINES TERMINATED BY '\n'
 * (MySQL manual, "LOAD DATA Statement"; sql_load.cc READ_INFO::unescape): `\0` NUL, `\b` backspace, `\n`,
 * `\r`, `\t`, `\Z` 0x1A, `\N` (a whole field) NULL, and `\x` → `x` for every other x (so `\\` → `\`,
 * `\f` → `f`). An escaped tab or newline is data, a raw one a terminator.
 */
function mysqlLoadData(input: Buffer): (string | null)[][] {
  const map: Record<number, number> = { 48: 0, 98: 8, 110: 10, 114: 13, 116: 9, 90: 0x1a };
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let field: number[] = [];
  let isNull = false;
  let fieldStart = true;
  const endField = (): void => {
    row.push(isNull && field.length === 0 ? null : Buffer.from(field).toString('utf8'));
    field = [];
    isNull = false;
    fieldStart = true;
  };
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b === 0x5c) {
      assert.ok(i + 1 < input.length, 'input ends inside an escape');
      const c = input[++i]!;
      if (c === 0x4e && fieldStart && (i + 1 === input.length || input[i + 1] === 9 || input[i + 1] === 10)) {
        isNull = true;
      } else field.push(map[c] ?? c);
      fieldStart = false;
    } else if (b === 9) endField();
    else if (b === 10) {
      endField();
      rows.push(row);
      row = [];
    } else {
      field.push(b);
      fieldStart = false;
    }
  }
  assert.equal(field.length, 0, 'input ends inside a row');
  return rows;
}

async function transcode(
  chunks: readonly Buffer[],
  t = new CopyTextToLoadData(),
): Promise<{ out: Buffer; parts: Buffer[]; t: CopyTextToLoadData }> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    t,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return { out: Buffer.concat(parts), parts, t };
}

function splitAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const sorted = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of sorted) {
    out.push(buf.subarray(from, c));
    from = c;
  }
  out.push(buf.subarray(from));
  return out;
}

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

test('known cases: only \\f and \\v are rewritten', async () => {
  const cases: [string, string][] = [
    ['a\tb\n', 'a\tb\n'],
    ['\\N\t\\N\n', '\\N\t\\N\n'],
    ['x\\fy\n', 'x\x0cy\n'],
    ['x\\vy\n', 'x\x0by\n'],
    ['\\f\\v\\f\n', '\x0c\x0b\x0c\n'],
    ['\\\\f\n', '\\\\f\n'], // literal backslash then the letter f
    ['\\\\\\f\n', '\\\\\x0c\n'], // literal backslash then form feed
    ['\\b\\t\\n\\r\\\\\n', '\\b\\t\\n\\r\\\\\n'],
    ['\\\\0\\\\Z\\\\N\n', '\\\\0\\\\Z\\\\N\n'], // a literal backslash before 0, Z, N stays escaped
    ['\x01\x1a\x7f\n', '\x01\x1a\x7f\n'], // raw control characters pass
    ['', ''],
  ];
  for (const [input, expected] of cases) {
    const { out } = await transcode([B(input)]);
    assert.equal(out.toString('latin1'), expected, JSON.stringify(input));
  }
});

test('every 1- and 2-cut split of tricky inputs gives the same output', async () => {
  const inputs = ['\\f\\\\\\v\\N\tx\\\\f\n', 'é\\f日本\\v\t\\\\\\\\\\v\n\\N\n', '\\v\\v\\v\\v\n'];
  for (const s of inputs) {
    const buf = Buffer.from(s, 'utf8');
    const { out: whole } = await transcode([buf]);
    for (let i = 0; i <= buf.length; i++) {
      for (let j = i; j <= buf.length; j++) {
        const { out } = await transcode(splitAt(buf, [i, j]));
        assert.ok(out.equals(whole), `${JSON.stringify(s)} cut at ${i},${j}`);
      }
    }
    const bytewise = await transcode([...buf].map((b) => Buffer.from([b])));
    assert.ok(bytewise.out.equals(whole), 'one-byte chunks');
  }
});

test('sparse and dense rewrites, every single cut, give the same values', async () => {
  const long = (c: string): string => c.repeat(150);
  const rows: Row[] = [
    [`${long('a')}\f${long('b')}\v${long('c')}`, `${long('\\')}\f`],
    ['\f\v'.repeat(40), null],
  ];
  const input = pgCopyText(rows);
  const { out: whole } = await transcode([input]);
  assert.deepEqual(mysqlLoadData(whole), rows);
  for (let i = 0; i <= input.length; i++) {
    const { out } = await transcode(splitAt(input, [i]));
    assert.ok(out.equals(whole), `cut at ${i}`);
  }
});

test('plain chunks pass through as the same Buffer (no copy)', async () => {
  const a = B('1\thello\\tworld\\\\\n');
  const b = B('2\t\\N\n');
  const { parts } = await transcode([a, b]);
  assert.equal(parts.length, 2);
  assert.equal(parts[0], a);
  assert.equal(parts[1], b);
});

test('counters: rows, bytes in, bytes out', async () => {
  const input = B('a\\fb\tc\n\\N\t\\n\n\\v\n');
  const { t, out } = await transcode(splitAt(input, [3, 4, 9]));
  assert.equal(t.rows, 3);
  assert.equal(t.bytes, input.length);
  assert.equal(t.bytesOut, out.length);
  assert.equal(out.length, input.length - 2);
});

async function transcodeError(chunks: Buffer[]): Promise<unknown> {
  return transcode(chunks).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
}

test('errors: escapes PostgreSQL never emits', async () => {
  for (const esc of ['\\0', '\\Z', '\\x41', '\\101', '\\a', '\\\n', '\\\t', '\\é']) {
    for (const chunks of [[B(`ab${esc}\n`)], [B('ab\\'), B(`${esc.slice(1)}\n`)]]) {
      const e = await transcodeError(chunks);
      assert.ok(isMigrationError(e), String(e));
      assert.equal(e.code, 'INTERNAL');
      assert.equal(e.details.offset, 3, esc);
    }
  }
});

test('errors: the stream ends inside an escape or inside a row', async () => {
  const e1 = await transcodeError([B('a\tb\n'), B('x\\')]);
  assert.ok(isMigrationError(e1));
  assert.match(e1.message, /inside an escape/);
  const e2 = await transcodeError([B('a\tb\n'), B('partial')]);
  assert.ok(isMigrationError(e2));
  assert.match(e2.message, /middle of a row after 1 complete rows/);
  const { out } = await transcode([]);
  assert.equal(out.length, 0, 'no input is zero rows, not an error');
});

test('the round trip through the test codecs is exact on a hand-written table', async () => {
  const rows: Row[] = [
    ['plain', null, ''],
    ['\\', '\\N', 'N'],
    ['\f\v\b\t\n\r', '\\f\\v', 'tab\there'],
    ['\\0 \\Z \\b', '\x1a\x01\x7f', 'ends with backslash\\'],
    ['😀 é 日本 👨‍👩‍👧', '\u00a0\u2028', '   '],
    [''],
  ];
  const { out } = await transcode([pgCopyText(rows)]);
  assert.deepEqual(mysqlLoadData(out), rows);
});

test('property: PG COPY text → transcoder (random chunks) → LOAD DATA reader gives the values back', async () => {
  const special = fc.constantFrom(
    '\t',
    '\n',
    '\r',
    '\b',
    '\f',
    '\v',
    '\\',
    'N',
    '0',
    'Z',
    'f',
    'v',
    '\x1a',
    '\x01',
  );
  const text = fc.string({
    unit: fc.oneof(special, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  });
  const value = fc.option(
    text.filter((s) => !s.includes('\0')),
    { freq: 5 },
  );
  const rowsArb = fc.array(fc.array(value, { minLength: 1, maxLength: 5 }), { maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(
      rowsArb,
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.boolean(),
      async (rows, cuts, oneByte) => {
        const input = pgCopyText(rows);
        const chunks = oneByte
          ? [...input].map((b) => Buffer.from([b]))
          : splitAt(
              input,
              cuts.map((c) => (input.length === 0 ? 0 : c % (input.length + 1))),
            );
        const t = createLoadDataTranscoder();
        const { out } = await transcode(chunks, t);
        assert.deepEqual(mysqlLoadData(out), rows);
        assert.equal(t.rows, rows.length);
        assert.equal(t.bytes, input.length);
      },
    ),
    { numRuns: 500 },
  );
});

test('loadDataLocalSql names the clauses the output is written for', () => {
  assert.equal(
    loadDataLocalSql('`t`'),
    "LOAD DATA LOCAL INFILE 'stream' INTO TABLE `t` CHARACTER SET utf8mb4 FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' LINES TERMINATED BY X'0A'",
  );
});
