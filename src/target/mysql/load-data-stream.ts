// Transcodes PostgreSQL `COPY … TO STDOUT` text format into what MySQL/MariaDB `LOAD DATA … FIELDS
// TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'` reads back as the same values.
// The formats agree except that LOAD DATA does not know `\f` and `\v` (it would store the letters f and v):
// those two become the raw bytes 0x0C / 0x0B; every other byte passes through unchanged.
// Invariants: chunks without `\f`/`\v` are passed on as the same Buffer (no copy); at most one byte (a lone
// trailing backslash) is held between chunks; any escape PostgreSQL never emits, a stream ending inside an
// escape, or a last row without its newline is an error, never passed on for MySQL to reinterpret.

import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { MigrationError } from '../../errors.js';

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
/** Below this many bytes per rewrite, rebuild a chunk with a byte loop instead of one copy per segment. */
const DENSE_SPACING = 64;

/**
 * What to emit for the byte after a backslash: -1 = forbidden (PostgreSQL never writes it), 0 = keep the
 * two-byte sequence, >0 = replace the sequence by this one raw byte.
 *
 * PostgreSQL's text COPY output (CopyAttributeOutText) escapes only backslash, \b \f \n \r \t \v, and writes
 * NULL as \N. LOAD DATA (sql_load.cc, READ_INFO::unescape) reads \0 \b \n \r \t \Z \N and maps any other
 * `\x` to `x`; so \\ \b \n \r \t \N mean the same to both, and \f \v must be rewritten.
 */
const ESCAPE_ACTION: Int16Array = (() => {
  const t = new Int16Array(256).fill(-1);
  for (const c of '\\btnrN') t[c.charCodeAt(0)] = 0;
  t['f'.charCodeAt(0)] = 0x0c;
  t['v'.charCodeAt(0)] = 0x0b;
  return t;
})();

function badEscape(byte: number, offset: number): MigrationError {
  const shown =
    byte >= 0x21 && byte <= 0x7e ? String.fromCharCode(byte) : `0x${byte.toString(16).padStart(2, '0')}`;
  return new MigrationError(
    'INTERNAL',
    `COPY text has the escape \\${shown} at byte ${offset}, which PostgreSQL never emits; refusing to pass it to LOAD DATA`,
    { details: { offset, byte } },
  );
}

/**
 * A byte Transform: PostgreSQL COPY text in, LOAD DATA input out (see the file header for the rules).
 * Counters: `rows` (newline bytes seen — in COPY text every raw 0x0A ends a row, data newlines are always
 * escaped), `bytes` (bytes in) and `bytesOut`.
 */
export class CopyTextToLoadData extends Transform {
  /** Rows seen so far (each ends with a raw newline). */
  rows = 0;
  /** Bytes of COPY text consumed so far. */
  bytes = 0;
  /** Bytes of LOAD DATA input produced so far. */
  bytesOut = 0;
  /** Longest row seen so far, in COPY text bytes with its newline (what max_allowed_packet must hold). */
  maxRowBytes = 0;
  /** Input offset at which the current row started. */
  #rowStart = 0;
  /** The previous chunk ended with a backslash whose escaped byte has not arrived yet. */
  #pendingBackslash = false;
  /** Last input byte, to check that the stream ends with a newline. */
  #lastByte = -1;

  /** `opts` are passed to stream.Transform, except that object mode is always off. */
  constructor(opts: Omit<TransformOptions, 'objectMode' | 'readableObjectMode' | 'writableObjectMode'> = {}) {
    super({ ...opts, objectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const len = chunk.length;
    if (len === 0) {
      cb();
      return;
    }
    const base = this.bytes;
    this.bytes += len;
    this.#lastByte = chunk[len - 1]!;
    let rowStart = this.#rowStart;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) {
      this.rows++;
      const rowBytes = base + i + 1 - rowStart;
      if (rowBytes > this.maxRowBytes) this.maxRowBytes = rowBytes;
      rowStart = base + i + 1;
    }
    this.#rowStart = rowStart;

    // A backslash left over from the previous chunk pairs with this chunk's first byte.
    let prefix = -1; // replacement byte, or -1 for none
    let keepPrefix = false; // re-emit the held backslash followed by chunk[0] unchanged
    let start = 0;
    if (this.#pendingBackslash) {
      this.#pendingBackslash = false;
      const b = chunk[0]!;
      const action = ESCAPE_ACTION[b]!;
      if (action < 0) {
        cb(badEscape(b, base));
        return;
      }
      if (action > 0) prefix = action;
      else keepPrefix = true;
      start = 1;
    }

    // Scan the escapes: find the ones to rewrite, validate the others, detect a trailing lone backslash.
    let rewrites: number[] | undefined;
    let trailing = false;
    for (let i = chunk.indexOf(BACKSLASH, start); i !== -1; i = chunk.indexOf(BACKSLASH, i + 2)) {
      if (i + 1 === len) {
        trailing = true;
        break;
      }
      const action = ESCAPE_ACTION[chunk[i + 1]!]!;
      if (action === 0) continue;
      if (action < 0) {
        cb(badEscape(chunk[i + 1]!, base + i + 1));
        return;
      }
      if (rewrites === undefined) rewrites = [i];
      else rewrites.push(i);
    }

    if (rewrites === undefined && !trailing && prefix < 0 && !keepPrefix) {
      this.bytesOut += len;
      cb(null, chunk); // the common case: the same Buffer, no copy
      return;
    }
    if (rewrites === undefined && !trailing && keepPrefix) {
      // The held backslash goes back in front; the rest is unchanged.
      const out = Buffer.allocUnsafe(len + 1);
      out[0] = BACKSLASH;
      chunk.copy(out, 1);
      this.bytesOut += out.length;
      cb(null, out);
      return;
    }

    const end = trailing ? len - 1 : len;
    const outLen = (keepPrefix ? 2 : prefix >= 0 ? 1 : 0) + (end - start) - (rewrites?.length ?? 0);
    const out = Buffer.allocUnsafe(outLen);
    let o = 0;
    if (keepPrefix) {
      out[o++] = BACKSLASH;
      out[o++] = chunk[0]!;
    } else if (prefix >= 0) out[o++] = prefix;
    const n = rewrites?.length ?? 0;
    if (n > 0 && (end - start) / n < DENSE_SPACING) {
      // Dense rewrites: one byte loop beats a native copy call per segment. Escapes were validated above.
      for (let j = start; j < end; j++) {
        const b = chunk[j]!;
        if (b !== BACKSLASH) out[o++] = b;
        else {
          const c = chunk[++j]!;
          const action = ESCAPE_ACTION[c]!;
          if (action > 0) out[o++] = action;
          else {
            out[o++] = BACKSLASH;
            out[o++] = c;
          }
        }
      }
    } else {
      let from = start;
      for (const i of rewrites ?? []) {
        o += chunk.copy(out, o, from, i);
        out[o++] = ESCAPE_ACTION[chunk[i + 1]!]!;
        from = i + 2;
      }
      o += chunk.copy(out, o, from, end);
    }
    this.#pendingBackslash = trailing;
    this.bytesOut += o;
    if (o === 0)
      cb(); // the chunk was a lone backslash, now held
    else cb(null, o === out.length ? out : out.subarray(0, o));
  }

  override _flush(cb: TransformCallback): void {
    if (this.#pendingBackslash) {
      cb(
        new MigrationError(
          'INTERNAL',
          `COPY text ended inside an escape sequence after ${this.bytes} bytes`,
          {
            details: { bytes: this.bytes, rows: this.rows },
          },
        ),
      );
      return;
    }
    if (this.bytes > 0 && this.#lastByte !== NEWLINE) {
      cb(
        new MigrationError(
          'INTERNAL',
          `COPY text ended in the middle of a row after ${this.rows} complete rows; refusing to load a partial row`,
          { details: { bytes: this.bytes, rows: this.rows } },
        ),
      );
      return;
    }
    cb();
  }
}

/** A new transcoder; see CopyTextToLoadData. */
export function createLoadDataTranscoder(): CopyTextToLoadData {
  return new CopyTextToLoadData();
}

/**
 * The LOAD DATA clauses the transcoder's output is written for. Append column list / SET clauses after it.
 * `table` must already be a quoted identifier.
 */
export function loadDataLocalSql(quotedTable: string): string {
  return (
    `LOAD DATA LOCAL INFILE 'stream' INTO TABLE ${quotedTable} CHARACTER SET utf8mb4 ` +
    // Hex literals: the same bytes whatever the session's sql_mode (NO_BACKSLASH_ESCAPES) says.
    "FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' LINES TERMINATED BY X'0A'"
  );
}
