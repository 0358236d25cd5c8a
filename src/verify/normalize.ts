// Column normal forms for verify (PURE): which canonical text a column's values are compared as on both
// engines (its ValueKind), how its key part is range-compared, and the in-memory equality used by the row
// diff (exact text, or JSON by value for MySQL 8's binary JSON). The SQL for each kind is in checksum-sql.ts.
// Invariant: two values that are equal in meaning normalise to the same text on PostgreSQL and MySQL/MariaDB;
// a kind is chosen from the target type first, then the transform and the source base type.

import type { Catalog } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import { MYSQL_BYTES_TYPES, MYSQL_INT_TYPES, MYSQL_STRING_TYPES } from '../dialect/type-families.js';
import type { ColumnPlan, TargetColumn } from '../plan/model.js';

/** The canonical text family a column is compared in. See the table at the top of checksum-sql.ts. */
export type ValueKind =
  | 'int'
  | 'bool'
  | 'decimal'
  | 'float'
  | 'text'
  | 'char'
  | 'bytes'
  | 'date'
  | 'time'
  | 'datetime'
  | 'json'
  | 'bit';

/** The PostgreSQL side of a column, as pg_type knows it (domains resolved, arrays by element). */
export interface SourceTypeInfo {
  /** Base type name: int4, bpchar, timestamptz, citext, uuid, jsonb, … or the enum's name. */
  readonly name: string;
  readonly array: boolean;
  readonly enum: boolean;
}

/**
 * How a key column is range-compared in segment predicates: natively (index usable on both sides), as a
 * byte-ordered string (PG COLLATE "C", MySQL binary NO PAD collation), as bytes (hex parameters), or —
 * when no native order is the same on both engines — by its canonical text in byte order (no index).
 */
export type KeyOrder = 'native' | 'string' | 'bytes' | 'canonical';

export interface ColumnNorm {
  readonly source: string;
  readonly target: string;
  readonly kind: ValueKind;
  /** PostgreSQL input adaptation before normalising (mirrors the copy's transform). */
  readonly pgInput: 'plain' | 'array-json' | 'hstore-json' | 'numeric' | 'utc' | 'timetz-utc' | 'interval';
  /** BIT(n) width, for kind `bit`. */
  readonly bits?: number;
  /** How the row diff compares two normalised values. */
  readonly compare: 'exact' | 'json';
  /** The target computes the column (generated); compared all the same. */
  readonly generated: boolean;
  /** The source column's base type. */
  readonly src: SourceTypeInfo;
  /** Words for the report: what "equal" means for this column. */
  readonly precision: string;
}

const PRECISION: Readonly<Record<ValueKind, string>> = {
  int: 'exact integer',
  bool: 'exact boolean (0/1)',
  decimal: 'exact decimal value (trailing fractional zeros ignored)',
  float: 'exact IEEE-754 value (-0 ≠ 0)',
  text: "exact bytes (UTF-8) of PostgreSQL's text (::text in UTC, ISO dates, shortest floats)",
  char: 'exact bytes, trailing spaces ignored (CHAR semantics)',
  bytes: 'exact bytes',
  date: 'exact date',
  time: 'exact to the microsecond',
  datetime: 'exact to the microsecond (UTC)',
  json: 'JSON value (key order, white space, duplicate keys and number spelling ignored); SQL checksum by text, row phase by parsed value',
  bit: 'exact bits',
};

/** PostgreSQL types whose `COLLATE "C"` order is byte order of their text. */
const PG_STRING_TYPES = new Set(['text', 'varchar', 'bpchar', 'name']);

function baseTypeName(t: TargetColumn['type']): string {
  return (t.name.split(' ')[0] ?? t.name).toUpperCase();
}

function kindOf(plan: ColumnPlan, target: TargetColumn, src: SourceTypeInfo, dialect: Dialect): ValueKind {
  const name = baseTypeName(target.type);
  if (plan.transform === 'bool') return 'bool';
  if (MYSQL_INT_TYPES.has(name) || name === 'YEAR') return 'int';
  if (name === 'DECIMAL' || name === 'NUMERIC') return 'decimal';
  if (name === 'FLOAT' || name === 'DOUBLE' || name === 'REAL') return 'float';
  if (name === 'CHAR') return 'char';
  if (MYSQL_STRING_TYPES.has(name)) return src.name === 'bpchar' && !src.array ? 'char' : 'text';
  if (MYSQL_BYTES_TYPES.has(name)) return 'bytes';
  if (name === 'DATE') return 'date';
  if (name === 'TIME') return 'time';
  if (name === 'DATETIME' || name === 'TIMESTAMP') return 'datetime';
  if (name === 'BIT') return 'bit';
  // MariaDB's JSON is LONGTEXT: it holds the copied text byte for byte. MySQL 8's binary JSON normalises.
  if (name === 'JSON') return dialect.jsonIsBinary ? 'json' : 'text';
  return 'text';
}

function pgInputOf(plan: ColumnPlan, kind: ValueKind, src: SourceTypeInfo): ColumnNorm['pgInput'] {
  if (plan.transform === 'array-json') return 'array-json';
  if (plan.transform === 'hstore-json') return 'hstore-json';
  if (src.array) return 'plain';
  if (kind === 'decimal') return 'numeric';
  if (kind === 'datetime' && src.name === 'timestamptz') return 'utc';
  if (kind === 'time' && src.name === 'timetz') return 'timetz-utc';
  if (kind === 'time' && src.name === 'interval') return 'interval';
  return 'plain';
}

/**
 * The normal form of one planned column. `target` is the column as the plan creates it; `src` the source's
 * base type (from the catalog or pg_type).
 */
export function classifyColumn(
  plan: ColumnPlan,
  target: TargetColumn,
  src: SourceTypeInfo,
  dialect: Dialect,
): ColumnNorm {
  const kind = kindOf(plan, target, src, dialect);
  const bits = kind === 'bit' ? (target.type.args?.[0] ?? 1) : undefined;
  return {
    source: plan.source,
    target: plan.target,
    kind,
    pgInput: pgInputOf(plan, kind, src),
    ...(bits !== undefined ? { bits } : {}),
    compare: kind === 'json' ? 'json' : 'exact',
    generated: plan.generated,
    src,
    precision: PRECISION[kind],
  };
}

/**
 * How a key column can be range-compared. `targetCollation` is the collation the target column actually
 * has (from information_schema), or undefined when unknown (then the planned collation is trusted).
 */
export function keyOrderOf(col: ColumnNorm, targetCollation: string | null | undefined): KeyOrder {
  const src = col.src;
  if (src.array || src.enum) return 'canonical';
  switch (col.kind) {
    case 'int':
    case 'decimal':
    case 'bool':
    case 'date':
    case 'datetime':
      return 'native';
    case 'time':
      return col.pgInput === 'plain' ? 'native' : 'canonical';
    case 'bytes':
      return src.name === 'bytea' ? 'bytes' : 'canonical';
    case 'text':
    case 'char': {
      const binaryNoPad = targetCollation == null || /(_0900_bin|_nopad_bin|^binary)$/.test(targetCollation);
      if (src.name === 'uuid')
        return targetCollation == null || /_bin$/.test(targetCollation) ? 'native' : 'canonical';
      return PG_STRING_TYPES.has(src.name) && binaryNoPad && col.kind === 'text' ? 'string' : 'canonical';
    }
    default:
      return 'canonical';
  }
}

/** Source base types from a catalog, by `schema.table` then column name (as pgColumnBaseTypes reads them). */
export function sourceTypesFromCatalog(catalog: Catalog): Map<string, Map<string, SourceTypeInfo>> {
  return new Map(
    catalog.tables.map((t) => [
      `${t.schema}.${t.name}`,
      new Map(
        t.columns.map((c) => [
          c.name,
          { name: c.type.name, array: c.type.array !== undefined, enum: c.type.enum !== undefined },
        ]),
      ),
    ]),
  );
}

/** Kinds whose canonical text never holds `|` or starts with a digit-colon frame, so need no length prefix. */
export function isSafeAlphabet(kind: ValueKind): boolean {
  return kind !== 'text' && kind !== 'char' && kind !== 'json';
}

/** Equality of two normalised values for the row diff. */
export function valuesEqual(col: Pick<ColumnNorm, 'compare'>, a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return col.compare === 'json' ? canonicalJson(a) === canonicalJson(b) : false;
}

/**
 * A canonical text for a JSON document: objects with duplicate keys collapsed (last wins, as jsonb and
 * MySQL 8 do) and keys sorted, no white space, strings re-escaped by JSON.stringify, and numbers as their
 * exact decimal value (`1.50`, `15e-1` and `1.5` are the same; `9007199254740993` stays exact).
 * Text that is not JSON comes back as `!` + the text, so it only equals itself.
 */
export function canonicalJson(text: string): string {
  try {
    const p = new JsonCanon(text);
    const out = p.value();
    p.ws();
    if (p.i !== text.length) throw new Error('trailing text');
    return out;
  } catch {
    return `!${text}`;
  }
}

/** Canonical decimal text of a JSON number: `-123e-2` for -1.23, `0` for any zero. */
export function canonicalNumber(num: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(num);
  if (!m) throw new Error(`bad number ${num}`);
  const [, sign, int = '', frac = '', exp = '0'] = m;
  const digits = (int + frac).replace(/^0+/, '');
  if (digits === '') return '0';
  const trimmed = digits.replace(/0+$/, '');
  const e = BigInt(exp) - BigInt(frac.length) + BigInt(digits.length - trimmed.length);
  return `${sign}${trimmed}e${e}`;
}

class JsonCanon {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }
  value(): string {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return JSON.stringify(this.string());
    for (const lit of ['true', 'false', 'null']) {
      if (this.s.startsWith(lit, this.i)) {
        this.i += lit.length;
        return lit;
      }
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 4096));
    if (!m) throw new Error(`unexpected ${c}`);
    this.i += m[0].length;
    return canonicalNumber(m[0]);
  }
  string(): string {
    const start = this.i;
    let j = start + 1;
    while (j < this.s.length && this.s[j] !== '"') j += this.s[j] === '\\' ? 2 : 1;
    if (j >= this.s.length) throw new Error('unterminated string');
    this.i = j + 1;
    return JSON.parse(this.s.slice(start, j + 1)) as string;
  }
  object(): string {
    this.i++;
    const entries = new Map<string, string>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return '{}';
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw new Error('expected key');
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') throw new Error('expected :');
      entries.delete(key);
      entries.set(key, this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') break;
      if (c !== ',') throw new Error('expected , or }');
    }
    const keys = [...entries.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${entries.get(k)}`).join(',')}}`;
  }
  array(): string {
    this.i++;
    const items: string[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return '[]';
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') break;
      if (c !== ',') throw new Error('expected , or ]');
    }
    return `[${items.join(',')}]`;
  }
}
