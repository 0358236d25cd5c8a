// PostgreSQL expression text (CHECK bodies, generated columns, defaults) → MySQL SqlFragment, for a
// small whitelist: column refs, plain literals, comparisons, AND/OR/NOT, IS [NOT] NULL, IN / = ANY(ARRAY),
// BETWEEN, + - * / %, CHAR_LENGTH/LOWER/UPPER/TRIM, COALESCE, text || (CONCAT), jsonb -> / ->> with a string
// key (JSON_EXTRACT; ->> maps JSON null to SQL NULL as PostgreSQL does), jsonb casts to boolean/integer/
// numeric (via DECIMAL(65,30)) and casts that change nothing.
// Invariants: the output is built only from AST nodes this file understands — source text never passes
// through — and anything whose meaning could differ on MySQL (text ordering, numeric division, casts
// that convert) is refused with a reason instead of translated approximately.

import type { ColumnType } from '../catalog/model.js';
import { PG_INT_SPELLINGS, PG_INT_TYPES } from '../catalog/type-families.js';
import { MYSQL_INT_TYPES, MYSQL_TEXT_TYPES } from '../dialect/type-families.js';
import { type Ast, ParseError, parseExpr, type TypeName } from './expr-parse.js';
import type { SqlFragment, SqlPart } from './model.js';

/** Coarse operand kinds; `unknown` is an untyped string literal, as in PostgreSQL. */
export type ExprKind =
  | 'int'
  | 'num'
  | 'float'
  | 'text'
  | 'enum'
  | 'bool'
  | 'json'
  | 'null'
  | 'unknown'
  | 'other';

/** A column an expression may reference. */
export interface ExprColumn {
  /** Target column name. */
  readonly target: string;
  readonly kind: ExprKind;
  /**
   * Its planned target type name (DECIMAL, VARCHAR, …), when known: an expression reading a column whose
   * target type is not of its kind's family (a type override, e.g. numeric kept as text) is refused.
   */
  readonly targetType?: string;
}

/** Target type names that hold a value of each kind exactly, for the checks on targetType. */
export const KIND_TYPES: Readonly<Partial<Record<ExprKind, ReadonlySet<string>>>> = {
  int: MYSQL_INT_TYPES,
  num: new Set(['DECIMAL']),
  float: new Set(['FLOAT', 'DOUBLE']),
  text: MYSQL_TEXT_TYPES,
  enum: new Set(['ENUM']),
  bool: new Set(['TINYINT']),
  json: new Set(['JSON', 'LONGTEXT']),
};

/** How to resolve names in one expression. */
export interface TranslateOptions {
  /** The table's columns by source name. */
  readonly columns: ReadonlyMap<string, ExprColumn>;
  /** For domain CHECKs: the source column the VALUE keyword stands for. */
  readonly valueColumn?: string;
  /** Require a boolean result (CHECK constraints). Default false. */
  readonly boolean?: boolean;
}

/** A MySQL fragment and the source columns it reads, or why there is none. */
export type Translation =
  | {
      readonly ok: true;
      readonly sql: SqlFragment;
      readonly columns: readonly string[];
      /** The coarse kind of the result. */
      readonly kind: ExprKind;
    }
  | { readonly ok: false; readonly reason: string };

/** The coarse kind of a column of this PostgreSQL type, for expression typing. */
export function columnKind(type: ColumnType): ExprKind {
  if (type.array) return 'other';
  if (type.enum) return 'enum';
  switch (type.name) {
    case 'int2':
    case 'int4':
    case 'int8':
      return 'int';
    case 'numeric':
      return 'num';
    case 'float4':
    case 'float8':
      return 'float';
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'citext':
      return 'text';
    case 'bool':
      return 'bool';
    case 'json':
    case 'jsonb':
      return 'json';
    default:
      return 'other';
  }
}

class Refused extends Error {}
const refuse = (reason: string): never => {
  throw new Refused(reason);
};

interface Out {
  readonly sql: SqlPart[];
  readonly kind: ExprKind;
  /** For a `->` result: the document and MySQL JSON path, so a following -> / ->> extends the path. */
  readonly json?: { readonly doc: SqlPart[]; readonly path: string };
  /**
   * A computed string (CONCAT, COALESCE, ->>) whose collation on the target is the charset default (often
   * case-insensitive), not a column's: fine as a value, refused in a comparison.
   */
  readonly computed?: boolean;
}

const NUMERIC: ReadonlySet<ExprKind> = new Set(['int', 'num', 'float']);
const TEXT_CASTS = new Set(['text', 'character varying', 'varchar']);
/** Integer type names a cast may spell: base names, format_type() spellings, and `int`. */
const INT_CASTS = new Set([...PG_INT_TYPES, ...PG_INT_SPELLINGS, 'int']);
const NUM_CASTS = new Set(['numeric', 'decimal']);
const INT_LITERAL = /^-?\d+$/;
const NUM_LITERAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

function typeText(t: TypeName): string {
  return (
    (t.schema ? `${t.schema}.` : '') +
    t.name +
    (t.args.length ? `(${t.args.join(',')})` : '') +
    '[]'.repeat(t.arrayDims)
  );
}

class Translator {
  readonly used = new Set<string>();
  constructor(private readonly opts: TranslateOptions) {}

  run(a: Ast): Out {
    switch (a.t) {
      case 'num':
        if (/^\d+$/.test(a.text)) return { sql: [a.text], kind: 'int' };
        if (NUM_LITERAL.test(a.text)) return { sql: [a.text], kind: 'num' };
        return refuse(`floating-point literal ${a.text}`);
      case 'str':
        return { sql: [{ str: a.value }], kind: 'unknown' };
      case 'bool':
        return { sql: [a.value ? 'TRUE' : 'FALSE'], kind: 'bool' };
      case 'null':
        return { sql: ['NULL'], kind: 'null' };
      case 'col':
        return this.column(a.name, a.quoted);
      case 'kw':
        return refuse(`${a.name} is not allowed in a MySQL CHECK or generated column`);
      case 'cast':
        return this.cast(a.expr, a.type);
      case 'func':
        return this.func(a);
      case 'unary':
        return this.unary(a.op, a.expr);
      case 'bin':
        return this.binary(a.op, a.left, a.right);
      case 'isnull': {
        const e = this.run(a.expr);
        return { sql: ['(', ...e.sql, a.not ? ' IS NOT NULL)' : ' IS NULL)'], kind: 'bool' };
      }
      case 'in':
        return this.inList(a.expr, a.list, a.not);
      case 'quant':
        return this.quant(a.op, a.quant, a.expr, a.arg);
      case 'between': {
        const e = this.run(a.expr);
        const lo = this.run(a.lo);
        const hi = this.run(a.hi);
        this.comparable('<', e, lo);
        this.comparable('<', e, hi);
        const kw = a.not ? ' NOT BETWEEN ' : ' BETWEEN ';
        return { sql: ['(', ...e.sql, kw, ...lo.sql, ' AND ', ...hi.sql, ')'], kind: 'bool' };
      }
      case 'array':
        return refuse('array values are only translated inside = ANY (ARRAY[…])');
    }
  }

  private column(name: string, quoted: boolean): Out {
    const source =
      !quoted && name === 'value' && this.opts.valueColumn !== undefined ? this.opts.valueColumn : name;
    const col = this.opts.columns.get(source);
    if (!col) return refuse(`unknown column ${JSON.stringify(name)}`);
    const family = KIND_TYPES[col.kind];
    if (col.targetType !== undefined && family !== undefined && !family.has(col.targetType))
      return refuse(
        `column ${source} is ${col.targetType} on the target (a type override), not a ${col.kind} type`,
      );
    this.used.add(source);
    return { sql: [{ ident: col.target }], kind: col.kind };
  }

  private cast(expr: Ast, type: TypeName): Out {
    const name = type.name;
    if (type.schema !== undefined || type.args.length > 0) return refuse(`cast to ${typeText(type)}`);
    if (type.arrayDims > 0) return refuse(`cast to ${typeText(type)} outside = ANY (…)`);
    const literal = expr.t === 'str' ? expr.value : undefined;
    const inner = this.run(expr);
    if (inner.kind === 'null') return inner;
    if (inner.kind === 'json') return jsonCast(inner, name);
    if (TEXT_CASTS.has(name)) {
      if (inner.kind === 'text' || inner.kind === 'unknown' || inner.kind === 'enum')
        return { sql: inner.sql, kind: 'text' };
      return refuse(`cast of a ${inner.kind} value to ${name} changes how it compares`);
    }
    if (INT_CASTS.has(name)) {
      if (inner.kind === 'int') return inner;
      if (literal !== undefined && INT_LITERAL.test(literal)) return { sql: [literal], kind: 'int' };
      return refuse(`cast of a ${inner.kind} value to ${name} converts it`);
    }
    if (NUM_CASTS.has(name)) {
      if (inner.kind === 'int' || inner.kind === 'num') return { sql: inner.sql, kind: 'num' };
      if (literal !== undefined && NUM_LITERAL.test(literal)) return { sql: [literal], kind: 'num' };
      return refuse(`cast of a ${inner.kind} value to ${name} converts it`);
    }
    return refuse(`cast to ${typeText(type)}`);
  }

  private func(a: Extract<Ast, { t: 'func' }>): Out {
    if (a.schema !== undefined && a.schema !== 'pg_catalog')
      return refuse(`function ${a.schema}.${a.name}()`);
    const fn: Readonly<Record<string, [string, ExprKind]>> = {
      length: ['CHAR_LENGTH', 'int'],
      char_length: ['CHAR_LENGTH', 'int'],
      character_length: ['CHAR_LENGTH', 'int'],
      lower: ['LOWER', 'text'],
      upper: ['UPPER', 'text'],
      btrim: ['TRIM', 'text'],
    };
    if (a.name === 'coalesce') return this.coalesce(a.args);
    const m = fn[a.name];
    if (!m || a.args.length !== 1) return refuse(`function ${a.name}() with ${a.args.length} argument(s)`);
    const arg = this.run(a.args[0]!);
    if (arg.kind !== 'text' && arg.kind !== 'unknown' && arg.kind !== 'null') {
      return refuse(`${a.name}() of a ${arg.kind} value`);
    }
    const computed = arg.computed === true && m[1] === 'text';
    return { sql: [`${m[0]}(`, ...arg.sql, ')'], kind: m[1], ...(computed ? { computed } : {}) };
  }

  private unary(op: '-' | '+' | 'NOT', expr: Ast): Out {
    const e = this.run(expr);
    if (op === 'NOT') {
      if (e.kind !== 'bool' && e.kind !== 'null') return refuse(`NOT of a ${e.kind} value`);
      return { sql: ['(NOT ', ...e.sql, ')'], kind: 'bool' };
    }
    if (e.kind !== 'int' && e.kind !== 'num' && e.kind !== 'float')
      return refuse(`unary ${op} of a ${e.kind} value`);
    return op === '+' ? e : { sql: ['(- ', ...e.sql, ')'], kind: e.kind };
  }

  /** COALESCE over one kind family: text (with untyped literals), integers/numerics, or booleans. */
  private coalesce(args: readonly Ast[]): Out {
    if (args.length === 0) return refuse('COALESCE() without arguments');
    const outs = args.map((x) => this.run(x));
    const kinds = new Set(outs.map((o) => o.kind).filter((k) => k !== 'null'));
    let kind: ExprKind;
    if ([...kinds].every((k) => k === 'text' || k === 'unknown')) kind = 'text';
    else if ([...kinds].every((k) => k === 'int')) kind = 'int';
    else if ([...kinds].every((k) => k === 'int' || k === 'num')) kind = 'num';
    else if ([...kinds].every((k) => k === 'bool')) kind = 'bool';
    else return refuse(`COALESCE() over ${[...kinds].join(' and ')} values`);
    const sql: SqlPart[] = ['COALESCE('];
    outs.forEach((o, i) => {
      sql.push(...(i > 0 ? [', '] : []), ...(kind === 'text' ? asUtf8(o) : o.sql));
    });
    sql.push(')');
    return { sql, kind, ...(kind === 'text' ? { computed: true } : {}) };
  }

  /** `a || b || …` on text (and integers, whose text PostgreSQL and MySQL spell alike) → CONCAT(…). */
  private concat(l: Ast, r: Ast): Out {
    const operands: Ast[] = [];
    const flatten = (x: Ast): void => {
      if (x.t === 'bin' && x.op === '||') {
        flatten(x.left);
        flatten(x.right);
      } else operands.push(x);
    };
    flatten(l);
    flatten(r);
    const sql: SqlPart[] = ['CONCAT('];
    operands.forEach((x, i) => {
      const o = this.run(x);
      let part: readonly SqlPart[];
      if (o.kind === 'text' || o.kind === 'unknown' || o.kind === 'null') part = asUtf8(o);
      else if (o.kind === 'int') part = ['CAST(', ...o.sql, ' AS CHAR CHARACTER SET utf8mb4)'];
      else part = refuse(`|| of a ${o.kind} value (its text form may differ on MySQL)`);
      sql.push(...(i > 0 ? [', '] : []), ...part);
    });
    sql.push(')');
    return { sql, kind: 'text', computed: true };
  }

  /** `doc -> 'key'` (JSON) and `doc ->> 'key'` (text) on json/jsonb, for string keys only. */
  private jsonGet(op: '->' | '->>', l: Ast, r: Ast): Out {
    const doc = this.run(l);
    if (doc.kind !== 'json') return refuse(`${op} on a ${doc.kind} value`);
    const key =
      r.t === 'str'
        ? r.value
        : r.t === 'cast' && r.expr.t === 'str' && TEXT_CASTS.has(r.type.name) && r.type.args.length === 0
          ? r.expr.value
          : undefined;
    // An integer index differs: MySQL's $[0] treats a non-array as a one-element array, PostgreSQL gives NULL.
    if (key === undefined) return refuse(`${op} with something other than a string key`);
    if (key === '' || /["\\\u0000-\u001f]/.test(key))
      return refuse(
        `JSON key ${JSON.stringify(key)} (empty, or with a quote, backslash or control character)`,
      );
    const base = doc.json ?? { doc: doc.sql, path: '$' };
    const path = `${base.path}."${key}"`;
    const extract: SqlPart[] = ['JSON_EXTRACT(', ...base.doc, ', ', { str: path }, ')'];
    if (op === '->') return { sql: extract, kind: 'json', json: { doc: base.doc, path } };
    // JSON_UNQUOTE of a JSON null is the text 'null'; PostgreSQL's ->> gives SQL NULL.
    return {
      sql: ['IF(JSON_TYPE(', ...extract, ') = ', { str: 'NULL' }, ', NULL, JSON_UNQUOTE(', ...extract, '))'],
      kind: 'text',
      computed: true,
    };
  }

  private binary(op: string, l: Ast, r: Ast): Out {
    if (op === '||') return this.concat(l, r);
    if (op === '->' || op === '->>') return this.jsonGet(op, l, r);
    const a = this.run(l);
    const b = this.run(r);
    if (op === 'AND' || op === 'OR') {
      for (const x of [a, b])
        if (x.kind !== 'bool' && x.kind !== 'null') return refuse(`${op} of a ${x.kind} value`);
      return { sql: ['(', ...a.sql, ` ${op} `, ...b.sql, ')'], kind: 'bool' };
    }
    if (['+', '-', '*', '/', '%'].includes(op)) {
      const intOnly = op === '/' || op === '%';
      for (const x of [a, b]) {
        if (intOnly ? x.kind !== 'int' : x.kind !== 'int' && x.kind !== 'num') {
          return refuse(
            intOnly
              ? `${op} of a ${x.kind} value (MySQL divides differently unless both sides are integers)`
              : `arithmetic on a ${x.kind} value`,
          );
        }
      }
      const kind: ExprKind = a.kind === 'int' && b.kind === 'int' ? 'int' : 'num';
      const sqlOp = op === '/' ? 'DIV' : op;
      return { sql: ['(', ...a.sql, ` ${sqlOp} `, ...b.sql, ')'], kind };
    }
    this.comparable(op, a, b);
    return { sql: ['(', ...a.sql, ` ${op === '!=' ? '<>' : op} `, ...b.sql, ')'], kind: 'bool' };
  }

  /** Refuse comparisons whose result could differ on MySQL. */
  private comparable(op: string, a: Out, b: Out): void {
    if (a.kind === 'null' || b.kind === 'null') return;
    if (a.computed || b.computed)
      refuse(
        "comparison of a computed string (||, COALESCE, ->>): on the target it has the charset's default collation, not the column's",
      );
    const numericLike = (x: Out, y: Out) =>
      NUMERIC.has(x.kind) &&
      (NUMERIC.has(y.kind) || (y.kind === 'unknown' && y.sql.length === 1 && NUM_LITERAL.test(literalOf(y))));
    if (numericLike(a, b) || numericLike(b, a)) return;
    const textLike = (x: Out) => x.kind === 'text' || x.kind === 'unknown';
    if (textLike(a) && textLike(b)) {
      if (op === '=' || op === '<>' || op === '!=') return;
      refuse(`text ordering (${op}) depends on the collation`);
    }
    if (a.kind === 'bool' && b.kind === 'bool' && (op === '=' || op === '<>' || op === '!=')) return;
    refuse(`comparison of ${a.kind} with ${b.kind}`);
  }

  private inList(expr: Ast, list: readonly Ast[], not: boolean): Out {
    const e = this.run(expr);
    if (list.length === 0) return refuse('empty IN list');
    const items = list.map((i) => this.run(i));
    for (const i of items) this.comparable('=', e, i);
    const sql: SqlPart[] = ['(', ...e.sql, not ? ' NOT IN (' : ' IN ('];
    items.forEach((i, n) => {
      sql.push(...(n > 0 ? [', '] : []), ...i.sql);
    });
    sql.push('))');
    return { sql, kind: 'bool' };
  }

  private quant(op: string, quant: 'ANY' | 'ALL', expr: Ast, arg: Ast): Out {
    const isIn = (op === '=' && quant === 'ANY') || ((op === '<>' || op === '!=') && quant === 'ALL');
    if (!isIn) return refuse(`${op} ${quant} (…)`);
    let array = arg;
    let elemCast: TypeName | undefined;
    if (array.t === 'cast' && array.type.arrayDims === 1 && array.expr.t === 'array') {
      elemCast = { name: array.type.name, args: array.type.args, arrayDims: 0 };
      if (array.type.schema !== undefined) return refuse(`cast to ${typeText(array.type)}`);
      array = array.expr;
    }
    if (array.t !== 'array') return refuse(`${op} ${quant} over something other than ARRAY[…]`);
    if (array.items.some((i) => i.t === 'array')) return refuse('multi-dimensional ARRAY in IN list');
    const list = elemCast
      ? array.items.map((i): Ast => ({ t: 'cast', expr: i, type: elemCast }))
      : array.items;
    return this.inList(expr, list, quant === 'ALL');
  }
}

/**
 * jsonb → boolean / integer / numeric. PostgreSQL accepts only a JSON boolean resp. number there (anything
 * else is an error, so stored rows never hold one); an integer cast rounds half away from zero, as ROUND does
 * on MySQL's exact DECIMAL. The number's text goes through DECIMAL(65,30), never a double.
 */
function jsonCast(inner: Out, name: string): Out {
  const text: SqlPart[] = ['JSON_UNQUOTE(', ...inner.sql, ')'];
  // JSON_UNQUOTE's collation differs from the session's (MariaDB: illegal mix with the literal); CONVERT gives
  // it the charset default. The text can only be true or false (PostgreSQL refuses other values).
  if (name === 'boolean' || name === 'bool')
    return { sql: ['(CONVERT(', ...text, ' USING utf8mb4) = ', { str: 'true' }, ')'], kind: 'bool' };
  const dec: SqlPart[] = ['CAST(', ...text, ' AS DECIMAL(65,30))'];
  if (INT_CASTS.has(name)) return { sql: ['ROUND(', ...dec, ', 0)'], kind: 'int' };
  if (NUM_CASTS.has(name)) return { sql: dec, kind: 'num' };
  return refuse(`cast of a json value to ${name}`);
}

/**
 * A text operand as utf8mb4 with the charset's default collation: columns keep their own collations on the
 * target (key vs text), and MySQL 8 refuses to CONCAT/COALESCE two different ones. The value is unchanged.
 */
function asUtf8(o: Out): readonly SqlPart[] {
  if (o.kind === 'null' || (o.sql.length === 1 && typeof o.sql[0] === 'object' && 'str' in o.sql[0]))
    return o.sql;
  return ['CONVERT(', ...o.sql, ' USING utf8mb4)'];
}

function literalOf(o: Out): string {
  const p = o.sql[0];
  return typeof p === 'object' && 'str' in p ? p.str : '';
}

/**
 * Translate one PostgreSQL expression. Returns the MySQL fragment and the source columns it reads, or
 * `{ ok: false, reason }` for anything outside the whitelist. Never throws for bad input.
 */
export function translateExpr(text: string, opts: TranslateOptions): Translation {
  try {
    const t = new Translator(opts);
    const out = t.run(parseExpr(text));
    if (opts.boolean === true && out.kind !== 'bool')
      return { ok: false, reason: `result is ${out.kind}, not boolean` };
    return { ok: true, sql: out.sql, columns: [...t.used].sort(), kind: out.kind };
  } catch (e) {
    if (e instanceof Refused || e instanceof ParseError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** A column default as far as pg2my understands it. */
export type DefaultExpr =
  | { readonly kind: 'null' }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string; readonly cast?: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'now' }
  | { readonly kind: 'current_date' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'nextval'; readonly sequence: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

const NOW_FUNCS = new Set(['now', 'transaction_timestamp', 'statement_timestamp']);
const UUID_FUNCS = new Set(['gen_random_uuid', 'uuid_generate_v4']);

/** Classify a default expression as pg_get_expr prints it, e.g. `'x'::character varying`, `now()`. */
export function parseDefault(text: string): DefaultExpr {
  let ast: Ast;
  try {
    ast = parseExpr(text);
  } catch (e) {
    if (e instanceof ParseError) return { kind: 'unsupported', reason: e.message };
    throw e;
  }
  return classify(ast);
}

function classify(a: Ast): DefaultExpr {
  switch (a.t) {
    case 'null':
      return { kind: 'null' };
    case 'bool':
      return { kind: 'bool', value: a.value };
    case 'num':
      return NUM_LITERAL.test(a.text)
        ? { kind: 'number', text: a.text }
        : { kind: 'unsupported', reason: 'float literal' };
    case 'str':
      return { kind: 'string', value: a.value };
    case 'unary': {
      const inner = a.op === 'NOT' ? undefined : classify(a.expr);
      if (inner?.kind === 'number')
        return { kind: 'number', text: a.op === '-' ? negate(inner.text) : inner.text };
      return { kind: 'unsupported', reason: 'expression' };
    }
    case 'cast': {
      if (
        a.type.name === 'date' &&
        a.expr.t === 'cast' &&
        a.expr.expr.t === 'str' &&
        a.expr.expr.value === 'now'
      ) {
        return { kind: 'current_date' };
      }
      const inner = classify(a.expr);
      if (inner.kind === 'null') return inner;
      if (inner.kind === 'string' || inner.kind === 'number') {
        const value = inner.kind === 'string' ? inner.value : inner.text;
        return { kind: 'string', value, cast: typeText(a.type) };
      }
      return { kind: 'unsupported', reason: `cast to ${typeText(a.type)}` };
    }
    case 'kw':
      if (a.name === 'CURRENT_TIMESTAMP' || a.name === 'LOCALTIMESTAMP') return { kind: 'now' };
      if (a.name === 'CURRENT_DATE') return { kind: 'current_date' };
      return { kind: 'unsupported', reason: a.name };
    case 'func': {
      const schemaOk = a.schema === undefined || a.schema === 'pg_catalog' || a.schema === 'public';
      if (schemaOk && NOW_FUNCS.has(a.name) && a.args.length === 0) return { kind: 'now' };
      if (schemaOk && UUID_FUNCS.has(a.name) && a.args.length === 0) return { kind: 'uuid' };
      const arg = a.args[0];
      if (schemaOk && a.name === 'nextval' && a.args.length === 1 && arg) {
        const seq =
          arg.t === 'cast' && arg.expr.t === 'str' ? arg.expr.value : arg.t === 'str' ? arg.value : undefined;
        if (seq !== undefined) return { kind: 'nextval', sequence: seq };
      }
      return { kind: 'unsupported', reason: `function ${a.name}()` };
    }
    default:
      return { kind: 'unsupported', reason: 'expression' };
  }
}

function negate(text: string): string {
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}
