// Lexer for the PostgreSQL expression text that pg_get_expr / pg_get_constraintdef print: numbers, plain
// string literals, quoted and unquoted identifiers, a fixed set of operators and punctuation.
// Invariants: throws only ParseError; comments (-- and /* */), dollar quotes, E''/B''/X''/U& strings,
// semicolons and any operator outside the comparison/arithmetic set, || and jsonb -> / ->> are rejected,
// never skipped.

/** The expression is outside the grammar; the message is the reason, for NotConverted entries. */
export class ParseError extends Error {}

/** A token: number, string literal, operator/punctuation, identifier (quoted or not), or end. */
export type Tok =
  | { readonly k: 'num' | 'str' | 'op'; readonly v: string }
  | { readonly k: 'ident'; readonly v: string; readonly quoted: boolean }
  | { readonly k: 'eof'; readonly v: '' };

const OP_CHARS = '+-*/<>=~!@#%^&|`?';
const ALLOWED_OPS = new Set([
  '<=',
  '>=',
  '<>',
  '!=',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '->',
  '->>',
]);
const PUNCT = new Set(['(', ')', '[', ']', ',', '.']);

/** Split expression text into tokens; throws ParseError on anything outside the accepted lexicon. */
export function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ParseError('unterminated string literal');
        const d = text[i]!;
        if (d === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += d;
        i++;
      }
      toks.push({ k: 'str', v });
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ParseError('unterminated quoted identifier');
        const d = text[i]!;
        if (d === '"') {
          if (text[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += d;
        i++;
      }
      toks.push({ k: 'ident', v, quoted: true });
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      toks.push({ k: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_$\u0080-\uFFFF]*/.exec(text.slice(i));
    if (id) {
      if (text[i + id[0].length] === "'" || (id[0].toUpperCase() === 'U' && text[i + 1] === '&')) {
        throw new ParseError(`special string literal ${id[0]}'…' is not translated`);
      }
      toks.push({ k: 'ident', v: id[0], quoted: false });
      i += id[0].length;
      continue;
    }
    if (c === ':' && text[i + 1] === ':') {
      toks.push({ k: 'op', v: '::' });
      i += 2;
      continue;
    }
    if (PUNCT.has(c)) {
      toks.push({ k: 'op', v: c });
      i++;
      continue;
    }
    if (OP_CHARS.includes(c)) {
      let j = i;
      while (j < text.length && OP_CHARS.includes(text[j]!)) j++;
      let op = text.slice(i, j);
      if (op.includes('--') || op.includes('/*')) throw new ParseError('comments are not allowed');
      // PostgreSQL's lexer: a multi-character operator ends in + or - only if it has one of ~!@#%^&|`?
      while (op.length > 1 && /[+-]$/.test(op) && !/[~!@#%^&|`?]/.test(op)) op = op.slice(0, -1);
      if (!ALLOWED_OPS.has(op)) throw new ParseError(`operator ${op} is not translated`);
      toks.push({ k: 'op', v: op });
      i += op.length;
      continue;
    }
    throw new ParseError(`unexpected character ${JSON.stringify(c)}`);
  }
  toks.push({ k: 'eof', v: '' });
  return toks;
}
