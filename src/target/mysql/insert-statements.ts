// PostgreSQL COPY text → multi-row INSERT statements as Buffers, in one pass over the bytes (PURE: the INSERT
// path used when LOAD DATA LOCAL is off). Each value is written once, as a MySQL string literal, straight from
// the COPY bytes: never decoded to a JS string, never matched by a regex, never formatted by the driver.
// Invariants: memory is the statement being built (at most maxStatement bytes) plus the input buffer; a row
// whose statement would pass maxStatement is refused (RowTooLarge) as it crosses the limit, before the rest of
// it is read; an escape PostgreSQL never writes, a wrong field count or a cut-off row is an error, not data.

import { MigrationError } from '../../errors.js';

/** Free bytes before the SQL in every statement Buffer (the wire packet header and command byte go there). */
export const STATEMENT_HEADROOM = 5;

/** What the statements look like; every string is SQL text (identifiers already quoted). */
export interface InsertShape {
  /** `INSERT INTO t (a, b) VALUES ` */
  readonly head: string;
  /** Per column in COPY field order: the text before a value's literal, e.g. `'` or `UNHEX('`. */
  readonly open: readonly string[];
  /** Per column: the text after the literal, e.g. `'` or `')`. */
  readonly close: readonly string[];
  /** A statement of two or more rows is cut before its SQL passes this many bytes. */
  readonly batchBytes: number;
  /** No statement's SQL is longer than this (a single row that needs more is refused). */
  readonly maxStatement: number;
}

export interface Statement {
  /** STATEMENT_HEADROOM free bytes, then the SQL. */
  readonly buffer: Buffer;
  /** Rows in the statement. */
  readonly rows: number;
}

/** A row that cannot fit in one statement of maxStatement bytes. */
export class RowTooLarge extends Error {
  constructor(
    /** 1-based row number in the input. */
    readonly row: number,
    /** 0-based field being written when the limit was crossed. */
    readonly field: number,
    /** SQL bytes the statement needed when it was refused (a lower bound for the whole row). */
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`row ${row} needs more than ${limit} bytes as an INSERT statement (field ${field + 1})`);
  }
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x27;
const BACKSLASH = 0x5c;
const N = 0x4e;
const INITIAL_CAPACITY = 64 * 1024;

/** Bytes that end a run of plain field bytes. */
const SPECIAL: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const b of [TAB, NEWLINE, QUOTE, BACKSLASH]) t[b] = 1;
  return t;
})();

/**
 * After a COPY backslash: the MySQL literal bytes to write (a string of byte values), or undefined when
 * PostgreSQL never writes that escape (CopyAttributeOutText: only \\ \b \f \n \r \t \v, and \N alone for
 * NULL). MySQL literals know \\ \b \n \r \t; \f and \v are written as the raw bytes 0x0C and 0x0B.
 */
const ESCAPE_OUT: readonly (readonly number[] | undefined)[] = (() => {
  const t: (readonly number[] | undefined)[] = new Array(256).fill(undefined);
  for (const c of '\\bnrt') t[c.charCodeAt(0)] = [BACKSLASH, c.charCodeAt(0)];
  t['f'.charCodeAt(0)] = [0x0c];
  t['v'.charCodeAt(0)] = [0x0b];
  return t;
})();

function copyError(message: string, details: Record<string, number>): MigrationError {
  return new MigrationError('INTERNAL', message, { details });
}

/** Feed COPY text buffers in order to push(); each call returns the statements completed by it; then end(). */
export class InsertStatements {
  /** Complete rows read so far. */
  rows = 0;
  /** COPY text bytes read so far. */
  bytes = 0;
  readonly #shape: InsertShape;
  readonly #head: Buffer;
  readonly #open: readonly Buffer[];
  readonly #close: readonly Buffer[];
  #buf: Buffer;
  /** End of the bytes written in #buf (headroom included). */
  #len = 0;
  /** Complete rows in the statement being built. */
  #rowsIn = 0;
  /** Where the current row (with its `,` separator) starts in #buf. */
  #rowStart = 0;
  #inRow = false;
  #field = 0;
  /** The current field's open text was written. */
  #opened = false;
  /** The current field is `\N` (NULL); the next byte must end it. */
  #isNull = false;
  /** The previous buffer ended with a backslash whose escaped byte has not been read yet. */
  #escape = false;
  #done: Statement[] = [];

  constructor(shape: InsertShape) {
    this.#shape = shape;
    this.#head = Buffer.from(shape.head, 'utf8');
    this.#open = shape.open.map((s) => Buffer.from(s, 'utf8'));
    this.#close = shape.close.map((s) => Buffer.from(s, 'utf8'));
    if (this.#head.length >= shape.maxStatement)
      throw new MigrationError(
        'INTERNAL',
        `max statement size ${shape.maxStatement} is below the INSERT head`,
      );
    this.#buf = this.#fresh(INITIAL_CAPACITY);
  }

  /** The statements completed by `chunk` (in order). */
  push(chunk: Buffer): Statement[] {
    this.bytes += chunk.length;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk[i]!;
      if (this.#escape) {
        this.#escape = false;
        i++;
        this.#escaped(c);
        continue;
      }
      if (!this.#inRow) this.#beginRow();
      if (this.#isNull && c !== TAB && c !== NEWLINE)
        throw copyError(
          `COPY text has \\N followed by data in row ${this.rows + 1}, which PostgreSQL never writes.`,
          {
            row: this.rows + 1,
          },
        );
      if (c === TAB) {
        this.#endField(false);
        i++;
      } else if (c === NEWLINE) {
        this.#endRow();
        i++;
      } else if (c === BACKSLASH) {
        this.#escape = true;
        i++;
      } else if (c === QUOTE) {
        this.#openField();
        this.#put2(BACKSLASH, QUOTE);
        i++;
      } else {
        this.#openField();
        let j = i + 1;
        while (j < n && SPECIAL[chunk[j]!] === 0) j++;
        this.#room(j - i);
        chunk.copy(this.#buf, this.#len, i, j);
        this.#len += j - i;
        i = j;
      }
    }
    const out = this.#done;
    this.#done = [];
    return out;
  }

  /** The last statement (or none); throws when the input ended inside a row. */
  end(): Statement[] {
    if (this.#inRow || this.#escape)
      throw copyError(`COPY text ended in the middle of a row after ${this.rows} rows.`, { rows: this.rows });
    if (this.#rowsIn > 0) this.#emit(this.#len);
    const out = this.#done;
    this.#done = [];
    return out;
  }

  #fresh(capacity: number): Buffer {
    const b = Buffer.allocUnsafe(Math.min(STATEMENT_HEADROOM + this.#shape.maxStatement, capacity));
    this.#head.copy(b, STATEMENT_HEADROOM);
    this.#len = STATEMENT_HEADROOM + this.#head.length;
    this.#rowsIn = 0;
    return b;
  }

  #emit(end: number): void {
    this.#done.push({ buffer: this.#buf.subarray(0, end), rows: this.#rowsIn });
  }

  /** Make room for n more bytes: cut the statement before the current row, grow, or refuse the row. */
  #room(n: number): void {
    const sql = this.#len + n - STATEMENT_HEADROOM;
    if (this.#rowsIn > 0 && sql > this.#shape.batchBytes) {
      // Send the complete rows; the current row moves to a new statement (without its `,`).
      this.#emit(this.#rowStart);
      const old = this.#buf;
      const from = this.#rowStart + 1;
      const partial = this.#len - from;
      this.#buf = this.#fresh(Math.max(INITIAL_CAPACITY, 2 * (this.#head.length + partial + n)));
      this.#rowStart = this.#len;
      old.copy(this.#buf, this.#len, from, from + partial);
      this.#len += partial;
      this.#room(n);
      return;
    }
    if (sql > this.#shape.maxStatement)
      throw new RowTooLarge(this.rows + 1, this.#field, sql, this.#shape.maxStatement);
    const need = this.#len + n;
    if (need <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(
      Math.min(STATEMENT_HEADROOM + this.#shape.maxStatement, Math.max(need, 2 * this.#buf.length)),
    );
    this.#buf.copy(grown, 0, 0, this.#len);
    this.#buf = grown;
  }

  #put(b: Buffer): void {
    this.#room(b.length);
    b.copy(this.#buf, this.#len);
    this.#len += b.length;
  }

  #put2(a: number, b: number): void {
    this.#room(2);
    this.#buf[this.#len++] = a;
    this.#buf[this.#len++] = b;
  }

  #beginRow(): void {
    this.#inRow = true;
    this.#field = 0;
    this.#opened = false;
    this.#isNull = false;
    if (this.#rowsIn > 0 && this.#len + 2 - STATEMENT_HEADROOM > this.#shape.batchBytes) {
      this.#emit(this.#len);
      this.#buf = this.#fresh(INITIAL_CAPACITY);
    }
    this.#rowStart = this.#len;
    if (this.#rowsIn > 0)
      this.#put2(0x2c, 0x28); // ,(
    else {
      this.#room(1);
      this.#buf[this.#len++] = 0x28; // (
    }
  }

  #openField(): void {
    if (this.#opened) return;
    this.#checkField();
    this.#opened = true;
    this.#put(this.#open[this.#field]!);
  }

  #checkField(): void {
    if (this.#field >= this.#open.length)
      throw copyError(
        `COPY text has more than ${this.#open.length} fields in row ${this.rows + 1}; the plan copies ${this.#open.length} columns.`,
        { row: this.rows + 1, columns: this.#open.length },
      );
  }

  /** The byte after a backslash. */
  #escaped(c: number): void {
    if (!this.#inRow) this.#beginRow();
    if (c === N && !this.#opened && !this.#isNull) {
      this.#checkField();
      this.#isNull = true;
      return;
    }
    const out = ESCAPE_OUT[c];
    if (out === undefined || this.#isNull) {
      const shown = c >= 0x21 && c <= 0x7e ? String.fromCharCode(c) : `0x${c.toString(16).padStart(2, '0')}`;
      throw copyError(
        `COPY text has the escape \\${shown} in row ${this.rows + 1}, which PostgreSQL never writes.`,
        {
          row: this.rows + 1,
        },
      );
    }
    this.#openField();
    if (out.length === 2) this.#put2(out[0]!, out[1]!);
    else {
      this.#room(1);
      this.#buf[this.#len++] = out[0]!;
    }
  }

  #endField(last: boolean): void {
    this.#checkField();
    if (this.#isNull) {
      this.#room(4);
      this.#len += this.#buf.write('NULL', this.#len, 'latin1');
    } else {
      this.#openField();
      this.#put(this.#close[this.#field]!);
    }
    if (!last) {
      this.#room(1);
      this.#buf[this.#len++] = 0x2c; // ,
    }
    this.#field++;
    this.#opened = false;
    this.#isNull = false;
  }

  #endRow(): void {
    this.#endField(true);
    if (this.#field !== this.#open.length)
      throw copyError(
        `COPY text has ${this.#field} fields in row ${this.rows + 1}; the plan copies ${this.#open.length} columns.`,
        { row: this.rows + 1, columns: this.#open.length },
      );
    this.#room(1);
    this.#buf[this.#len++] = 0x29; // )
    this.#rowsIn++;
    this.rows++;
    this.#inRow = false;
    if (this.#len - STATEMENT_HEADROOM >= this.#shape.batchBytes) {
      this.#emit(this.#len);
      this.#buf = this.#fresh(INITIAL_CAPACITY);
    }
  }
}
