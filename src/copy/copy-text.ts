// PostgreSQL COPY text rows as values (PURE), for the INSERT path used when LOAD DATA LOCAL is not allowed:
// rows end at raw newlines, fields at raw tabs, `\N` alone is NULL, and backslash escapes are undone.
// Invariants: a row split across buffers is joined before it is parsed (only UTF-8 boundaries at a newline
// are ever cut, which ASCII newlines guarantee); an escape PostgreSQL never writes is an error, not data.

import { MigrationError } from '../errors.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** One COPY text field as its value (null for `\N`). */
export function unescapeField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/gsu, (_m, c: string) => {
    const r = ESCAPES[c];
    if (r === undefined)
      throw new MigrationError('INTERNAL', `COPY text has the escape \\${c}, which PostgreSQL never writes.`);
    return r;
  });
}

/** Splits a COPY text byte stream into rows of values; feed buffers in order, then call end(). */
export class CopyTextRows {
  #rest: Buffer = Buffer.alloc(0);
  rows = 0;
  bytes = 0;

  /** The complete rows in `buf` (plus what was held from earlier buffers). */
  push(buf: Buffer): (string | null)[][] {
    this.bytes += buf.length;
    const data = this.#rest.length ? Buffer.concat([this.#rest, buf]) : buf;
    const last = data.lastIndexOf(0x0a);
    if (last === -1) {
      this.#rest = Buffer.from(data);
      return [];
    }
    this.#rest = Buffer.from(data.subarray(last + 1));
    const lines = data.toString('utf8', 0, last).split('\n');
    this.rows += lines.length;
    return lines.map((line) => line.split('\t').map(unescapeField));
  }

  /** Throws when the stream ended in the middle of a row. */
  end(): void {
    if (this.#rest.length > 0)
      throw new MigrationError('INTERNAL', `COPY text ended in the middle of a row after ${this.rows} rows.`);
  }
}
