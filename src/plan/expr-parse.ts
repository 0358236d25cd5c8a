// Recursive-descent parser for the PostgreSQL expression text that pg_get_expr and
// pg_get_constraintdef print (CHECK bodies, column defaults, generated columns) into a small AST.
// Tokens come from expr-lex.ts. The parser accepts a little more than the translator allows;
// translate-expr.ts decides what is safe.
// Invariants: never throws anything but ParseError; recursion depth is bounded, so hostile input cannot
// blow the stack.

import { ParseError, type Tok, tokenize } from './expr-lex.js';

export { ParseError } from './expr-lex.js';

/** A type name after `::`, normalised. */
export interface TypeName {
  /** Lower-case, multi-word names joined by one space: `character varying`, `timestamp with time zone`. */
  readonly name: string;
  readonly schema?: string;
  readonly args: readonly number[];
  /** Number of `[]` suffixes. */
  readonly arrayDims: number;
}

/** The parsed expression. `col` names are case-folded unless quoted, as PostgreSQL does. */
export type Ast =
  | { readonly t: 'num'; readonly text: string }
  | { readonly t: 'str'; readonly value: string }
  | { readonly t: 'bool'; readonly value: boolean }
  | { readonly t: 'null' }
  | { readonly t: 'col'; readonly name: string; readonly quoted: boolean }
  | { readonly t: 'kw'; readonly name: string; readonly fsp?: number }
  | { readonly t: 'cast'; readonly expr: Ast; readonly type: TypeName }
  | { readonly t: 'func'; readonly name: string; readonly schema?: string; readonly args: readonly Ast[] }
  | { readonly t: 'unary'; readonly op: '-' | '+' | 'NOT'; readonly expr: Ast }
  | { readonly t: 'bin'; readonly op: string; readonly left: Ast; readonly right: Ast }
  | { readonly t: 'isnull'; readonly expr: Ast; readonly not: boolean }
  | { readonly t: 'in'; readonly expr: Ast; readonly list: readonly Ast[]; readonly not: boolean }
  | { readonly t: 'between'; readonly expr: Ast; readonly lo: Ast; readonly hi: Ast; readonly not: boolean }
  | {
      readonly t: 'quant';
      readonly op: string;
      readonly quant: 'ANY' | 'ALL';
      readonly expr: Ast;
      readonly arg: Ast;
    }
  | { readonly t: 'array'; readonly items: readonly Ast[] };

/** Unquoted words that are never column references in deparsed PostgreSQL text. */
const KEYWORDS = new Set(
  'and or not is null true false in between any all some array case when then else end like ilike similar collate distinct from symmetric asymmetric cast row exists select current_timestamp localtimestamp current_date current_time localtime current_user session_user user current_role'.split(
    ' ',
  ),
);
const TIME_KEYWORDS = new Set([
  'current_timestamp',
  'localtimestamp',
  'current_date',
  'current_time',
  'localtime',
]);
const CMP = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const MAX_DEPTH = 100;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly toks: readonly Tok[]) {}

  private peek(offset = 0): Tok {
    return this.toks[Math.min(this.pos + offset, this.toks.length - 1)]!;
  }
  private next(): Tok {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private isOp(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.k === 'op' && t.v === v;
  }
  private isKw(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.k === 'ident' && !t.quoted && t.v.toLowerCase() === word;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new ParseError(`expected ${v} near ${JSON.stringify(this.peek().v)}`);
    this.next();
  }
  private expectKw(word: string): void {
    if (!this.isKw(word)) throw new ParseError(`expected ${word.toUpperCase()}`);
    this.next();
  }

  parseAll(): Ast {
    const e = this.expr();
    if (this.peek().k !== 'eof') throw new ParseError(`unexpected ${JSON.stringify(this.peek().v)}`);
    return e;
  }

  expr(): Ast {
    if (++this.depth > MAX_DEPTH) throw new ParseError('expression nests too deeply');
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }
  private or(): Ast {
    let left = this.and();
    while (this.isKw('or')) {
      this.next();
      left = { t: 'bin', op: 'OR', left, right: this.and() };
    }
    return left;
  }
  private and(): Ast {
    let left = this.not();
    while (this.isKw('and')) {
      this.next();
      left = { t: 'bin', op: 'AND', left, right: this.not() };
    }
    return left;
  }
  private not(): Ast {
    if (this.isKw('not')) {
      this.next();
      if (++this.depth > MAX_DEPTH) throw new ParseError('expression nests too deeply');
      try {
        return { t: 'unary', op: 'NOT', expr: this.not() };
      } finally {
        this.depth--;
      }
    }
    return this.is();
  }
  private is(): Ast {
    let e = this.cmp();
    while (this.isKw('is')) {
      this.next();
      const not = this.isKw('not');
      if (not) this.next();
      if (!this.isKw('null')) throw new ParseError('only IS [NOT] NULL is translated');
      this.next();
      e = { t: 'isnull', expr: e, not };
    }
    return e;
  }
  private cmp(): Ast {
    const left = this.inBetween();
    const t = this.peek();
    if (t.k === 'op' && CMP.has(t.v)) {
      this.next();
      if (this.isKw('any') || this.isKw('all') || this.isKw('some')) {
        const q = this.next().v.toUpperCase();
        this.expectOp('(');
        const arg = this.expr();
        this.expectOp(')');
        return { t: 'quant', op: t.v, quant: q === 'ALL' ? 'ALL' : 'ANY', expr: left, arg };
      }
      return { t: 'bin', op: t.v, left, right: this.inBetween() };
    }
    return left;
  }
  private inBetween(): Ast {
    const e = this.other();
    const not = this.isKw('not') && (this.isKw('in', 1) || this.isKw('between', 1));
    if (not) this.next();
    if (this.isKw('in')) {
      this.next();
      this.expectOp('(');
      const list = this.list(')');
      return { t: 'in', expr: e, list, not };
    }
    if (this.isKw('between')) {
      this.next();
      if (this.isKw('symmetric')) throw new ParseError('BETWEEN SYMMETRIC is not translated');
      if (this.isKw('asymmetric')) this.next();
      const lo = this.other();
      this.expectKw('and');
      return { t: 'between', expr: e, lo, hi: this.other(), not };
    }
    if (not) throw new ParseError('expected IN or BETWEEN after NOT');
    return e;
  }
  /** PostgreSQL's "any other operator" level (||, ->, ->>): below + -, above IN/BETWEEN, left-associative. */
  private other(): Ast {
    let left = this.add();
    while (this.isOp('||') || this.isOp('->') || this.isOp('->>')) {
      const op = this.next().v;
      left = { t: 'bin', op, left, right: this.add() };
    }
    return left;
  }
  private add(): Ast {
    let left = this.mul();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().v;
      left = { t: 'bin', op, left, right: this.mul() };
    }
    return left;
  }
  private mul(): Ast {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().v;
      left = { t: 'bin', op, left, right: this.unary() };
    }
    return left;
  }
  private unary(): Ast {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().v as '-' | '+';
      if (++this.depth > MAX_DEPTH) throw new ParseError('expression nests too deeply');
      try {
        return { t: 'unary', op, expr: this.unary() };
      } finally {
        this.depth--;
      }
    }
    let e = this.primary();
    while (this.isOp('::')) {
      this.next();
      e = { t: 'cast', expr: e, type: this.typeName() };
    }
    return e;
  }
  private list(close: string): Ast[] {
    const items: Ast[] = [];
    if (this.isOp(close)) {
      this.next();
      return items;
    }
    for (;;) {
      items.push(this.expr());
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      this.expectOp(close);
      return items;
    }
  }
  private arrayBody(): Ast {
    this.expectOp('[');
    const items: Ast[] = [];
    if (!this.isOp(']')) {
      for (;;) {
        items.push(this.isOp('[') ? this.arrayBody() : this.expr());
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    this.expectOp(']');
    return { t: 'array', items };
  }
  private primary(): Ast {
    const t = this.next();
    if (t.k === 'num') return { t: 'num', text: t.v };
    if (t.k === 'str') return { t: 'str', value: t.v };
    if (t.k === 'op' && t.v === '(') {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.k !== 'ident') throw new ParseError(`unexpected ${JSON.stringify(t.v)}`);
    const word = t.quoted ? t.v : t.v.toLowerCase();
    if (!t.quoted && KEYWORDS.has(word)) {
      if (word === 'true' || word === 'false') return { t: 'bool', value: word === 'true' };
      if (word === 'null') return { t: 'null' };
      if (word === 'array') return this.arrayBody();
      if (TIME_KEYWORDS.has(word)) {
        if (this.isOp('(')) {
          this.next();
          const p = this.next();
          if (p.k !== 'num' || !/^\d$/.test(p.v)) throw new ParseError('bad precision');
          this.expectOp(')');
          return { t: 'kw', name: word.toUpperCase(), fsp: Number(p.v) };
        }
        return { t: 'kw', name: word.toUpperCase() };
      }
      throw new ParseError(`${word.toUpperCase()} is not translated`);
    }
    let schema: string | undefined;
    let name = word;
    if (this.isOp('.')) {
      this.next();
      const n = this.next();
      if (n.k !== 'ident') throw new ParseError('bad qualified name');
      schema = name;
      name = n.quoted ? n.v : n.v.toLowerCase();
    }
    if (this.isOp('(')) {
      this.next();
      if (this.isKw('distinct') || this.isOp('*')) throw new ParseError('aggregate calls are not translated');
      const args = this.list(')');
      return schema === undefined ? { t: 'func', name, args } : { t: 'func', name, schema, args };
    }
    if (schema !== undefined)
      throw new ParseError(`qualified column reference ${schema}.${name} is not translated`);
    return { t: 'col', name, quoted: t.quoted };
  }
  private word(): string {
    const t = this.next();
    if (t.k !== 'ident') throw new ParseError('expected a type name');
    return t.quoted ? t.v : t.v.toLowerCase();
  }
  private typeName(): TypeName {
    let schema: string | undefined;
    let name = this.word();
    if (this.isOp('.')) {
      this.next();
      schema = name;
      name = this.word();
    }
    const follow: Readonly<Record<string, string>> = {
      character: 'varying',
      double: 'precision',
      bit: 'varying',
    };
    if (follow[name] !== undefined && this.isKw(follow[name]!)) name += ` ${this.word()}`;
    const args: number[] = [];
    if (this.isOp('(')) {
      this.next();
      for (;;) {
        const n = this.next();
        if (n.k !== 'num' || !/^\d+$/.test(n.v)) throw new ParseError('bad type modifier');
        args.push(Number(n.v));
        if (!this.isOp(',')) break;
        this.next();
      }
      this.expectOp(')');
    }
    if ((name === 'timestamp' || name === 'time') && (this.isKw('with') || this.isKw('without'))) {
      name += ` ${this.word()}`;
      this.expectKw('time');
      this.expectKw('zone');
      name += ' time zone';
    }
    let arrayDims = 0;
    while (this.isOp('[') && this.isOp(']', 1)) {
      this.next();
      this.next();
      arrayDims++;
    }
    return schema === undefined ? { name, args, arrayDims } : { name, schema, args, arrayDims };
  }
}

/** Parse one expression. Throws ParseError with a short reason when the text is outside the grammar. */
export function parseExpr(text: string): Ast {
  if (text.length > 20_000) throw new ParseError('expression is too long');
  return new Parser(tokenize(text)).parseAll();
}
