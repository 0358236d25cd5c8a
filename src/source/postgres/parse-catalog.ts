// Pure: the raw rows of queries.ts → the neutral Catalog (measurements are added by measure.ts).
// Invariants: no I/O; output order is deterministic (code-unit order: tables by schema then name, columns by
// ordinal, constraints and indexes by name), whatever order the rows came in; absent optionals are omitted,
// never undefined. Type names: pg_catalog types by typname, user enums as `enum`, citext as `citext`, any
// other non-catalog type as `schema.typname` so it can never be mistaken for a built-in the planner maps.

import type {
  Catalog,
  Check,
  Column,
  ColumnType,
  FkAction,
  ForeignKey,
  Index,
  NotConverted,
  NotConvertedKind,
  Table,
  UniqueConstraint,
} from '../../catalog/model.js';
import { CATALOG_VERSION } from '../../catalog/model.js';
import { MigrationError } from '../../errors.js';

/** One result row: every value as text (json columns as json text), NULL as null. */
export type RawRow = Readonly<Record<string, string | null>>;

/** Everything introspect() read, one field per query in queries.ts. */
export interface RawCatalog {
  readonly server: RawRow;
  readonly schemas: readonly string[];
  readonly tables: readonly RawRow[];
  readonly columns: readonly RawRow[];
  readonly types: readonly RawRow[];
  readonly constraints: readonly RawRow[];
  readonly indexes: readonly RawRow[];
  readonly sequences: readonly RawRow[];
  readonly enums: readonly RawRow[];
  readonly domains: readonly RawRow[];
  readonly notConverted: readonly RawRow[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = <T extends { readonly name: string }>(a: T, b: T): number => cmp(a.name, b.name);

function bad(what: string): never {
  throw new MigrationError('INTERNAL', `Unexpected PostgreSQL catalog row: ${what}.`);
}
function str(r: RawRow, k: string): string {
  const v = r[k];
  return typeof v === 'string' ? v : bad(`${k} is missing`);
}
function opt(r: RawRow, k: string): string | undefined {
  const v = r[k];
  return typeof v === 'string' ? v : undefined;
}
function bool(r: RawRow, k: string): boolean {
  return str(r, k) === 't';
}
/** `{ notValid: true }` for a NOT VALID constraint row (validated = 'f'), else nothing. */
function notValid(r: RawRow): { notValid?: boolean } {
  return opt(r, 'validated') === 'f' ? { notValid: true } : {};
}
function int(r: RawRow, k: string): number {
  const n = Number(str(r, k));
  return Number.isSafeInteger(n) ? n : bad(`${k} is not an integer`);
}
function json<T>(r: RawRow, k: string, fallback: T): T {
  const v = opt(r, k);
  return v === undefined ? fallback : (JSON.parse(v) as T);
}

/** `CHECK (x > 0) NOT VALID` → `x > 0`. */
export function checkExpression(definition: string): string {
  const m = /^CHECK \(([\s\S]*)\)(?: NO INHERIT)?(?: NOT VALID)?$/.exec(definition.trim());
  return m?.[1] ?? definition;
}

const FK_ACTIONS: Readonly<Record<string, FkAction>> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};
function fkAction(letter: string): FkAction {
  return FK_ACTIONS[letter] ?? bad(`foreign key action "${letter}"`);
}

/** Decode a typmod for the base type `name` into length / precision+scale / fsp (absent when -1). */
export function typmodFacts(
  name: string,
  typmod: number,
): Pick<ColumnType, 'length' | 'precision' | 'scale' | 'fsp'> {
  if (typmod < 0) return {};
  switch (name) {
    case 'varchar':
    case 'bpchar':
      return typmod >= 4 ? { length: typmod - 4 } : {};
    case 'bit':
    case 'varbit':
      return { length: typmod };
    case 'numeric': {
      if (typmod < 4) return {};
      const t = typmod - 4;
      // PostgreSQL 15 allows a negative scale: it is an 11-bit signed field.
      return { precision: (t >> 16) & 0xffff, scale: ((t & 0x7ff) ^ 1024) - 1024 };
    }
    case 'time':
    case 'timetz':
    case 'timestamp':
    case 'timestamptz':
      return { fsp: typmod };
    case 'interval': {
      const p = typmod & 0xffff;
      return p === 0xffff ? {} : { fsp: p };
    }
    default:
      return {};
  }
}

/** Resolve a column's declared type through domains and array element types to its ColumnType. */
function resolveType(col: RawRow, types: ReadonlyMap<string, RawRow>): ColumnType {
  let t = types.get(str(col, 'type_oid')) ?? bad(`type ${str(col, 'type_oid')} not read`);
  let typmod = int(col, 'typmod');
  let dims = int(col, 'ndims');
  let isArray = false;
  let domain:
    | { schema: string; name: string; notNull: boolean; checks: string[]; notValid?: string[] }
    | undefined;
  for (let depth = 0; depth < 32; depth++) {
    if (str(t, 'kind') === 'd') {
      // Nested domains: the outermost names the domain; NOT NULL and CHECKs of every level apply.
      const defs = json<string[]>(t, 'checks', []);
      const checks = defs.map(checkExpression);
      const notValid = defs.filter((d) => /\sNOT VALID$/.test(d.trim())).map(checkExpression);
      if (!isArray) {
        if (!domain) domain = { schema: str(t, 'schema'), name: str(t, 'name'), notNull: false, checks: [] };
        domain.notNull ||= bool(t, 'not_null');
        domain.checks.push(...checks);
        if (notValid.length > 0) domain.notValid = [...(domain.notValid ?? []), ...notValid];
      }
      if (typmod < 0) typmod = int(t, 'typmod');
      dims = Math.max(dims, int(t, 'ndims'));
      t = types.get(str(t, 'base')) ?? bad(`domain base ${str(t, 'base')} not read`);
    } else if (!isArray && str(t, 'category') === 'A' && str(t, 'elem') !== '0') {
      isArray = true;
      t = types.get(str(t, 'elem')) ?? bad(`array element ${str(t, 'elem')} not read`);
    } else break;
  }
  const kind = str(t, 'kind');
  const schema = str(t, 'schema');
  const typname = str(t, 'name');
  const name =
    kind === 'e'
      ? 'enum'
      : schema === 'pg_catalog' || (typname === 'citext' && kind === 'b')
        ? typname
        : `${schema}.${typname}`;
  return {
    name,
    formatted: str(col, 'formatted'),
    ...typmodFacts(name, typmod),
    ...(isArray ? { array: { dims: Math.max(dims, 1) } } : {}),
    ...(kind === 'e' ? { enum: { schema, name: typname, labels: json<string[]>(t, 'labels', []) } } : {}),
    ...(domain ? { domain } : {}),
  };
}

function parseColumn(r: RawRow, ordinal: number, types: ReadonlyMap<string, RawRow>): Column {
  const expr = opt(r, 'default_expr');
  const generated = str(r, 'generated') === 's';
  const identity = str(r, 'identity');
  const seqName = opt(r, 'seq_name');
  const comment = opt(r, 'comment');
  return {
    name: str(r, 'name'),
    ordinal,
    type: resolveType(r, types),
    nullable: !bool(r, 'not_null'),
    ...(expr !== undefined && !generated ? { default: expr } : {}),
    ...(identity === 'a' ? { identity: 'always' as const } : {}),
    ...(identity === 'd' ? { identity: 'by default' as const } : {}),
    ...(seqName !== undefined ? { sequence: { schema: str(r, 'seq_schema'), name: seqName } } : {}),
    ...(expr !== undefined && generated ? { generated: expr } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
}

function groupBy(rows: readonly RawRow[], key: string): Map<string, RawRow[]> {
  const out = new Map<string, RawRow[]>();
  for (const r of rows) {
    const k = str(r, key);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function parseTable(
  t: RawRow,
  parts: {
    columns: readonly RawRow[];
    constraints: readonly RawRow[];
    indexes: readonly RawRow[];
    types: ReadonlyMap<string, RawRow>;
  },
): Table {
  const columns = [...parts.columns]
    .sort((a, b) => int(a, 'attnum') - int(b, 'attnum'))
    .map((c, i) => parseColumn(c, i + 1, parts.types));
  const cons = [...parts.constraints].sort((a, b) => cmp(str(a, 'name'), str(b, 'name')));
  const pk = cons.find((c) => str(c, 'type') === 'p');
  const uniques: UniqueConstraint[] = cons
    .filter((c) => str(c, 'type') === 'u')
    .map((c) => ({
      name: str(c, 'name'),
      columns: json<string[]>(c, 'columns', []),
      nullsNotDistinct: bool(c, 'nulls_not_distinct'),
    }));
  const foreignKeys: ForeignKey[] = cons
    .filter((c) => str(c, 'type') === 'f')
    .map((c) => ({
      name: str(c, 'name'),
      columns: json<string[]>(c, 'columns', []),
      references: {
        schema: str(c, 'ref_schema'),
        name: str(c, 'ref_table'),
        columns: json<string[]>(c, 'ref_columns', []),
      },
      onDelete: fkAction(str(c, 'on_delete')),
      onUpdate: fkAction(str(c, 'on_update')),
      deferrable: bool(c, 'deferrable'),
      ...notValid(c),
    }));
  const checks: Check[] = cons
    .filter((c) => str(c, 'type') === 'c')
    .map((c) => ({
      name: str(c, 'name'),
      expression: checkExpression(str(c, 'definition')),
      ...notValid(c),
    }));
  const indexes: Index[] = parts.indexes
    .map((i) => {
      const predicate = opt(i, 'predicate');
      const keys = json<{ column: string | null; expression: string | null; descending: boolean }[]>(
        i,
        'columns',
        [],
      );
      return {
        name: str(i, 'name'),
        unique: bool(i, 'is_unique'),
        columns: keys.map((k) => ({
          ...(k.column !== null ? { column: k.column } : {}),
          ...(k.column === null && k.expression !== null ? { expression: k.expression } : {}),
          descending: k.descending,
        })),
        method: str(i, 'method'),
        ...(predicate !== undefined ? { predicate } : {}),
        backsConstraint: bool(i, 'backs_constraint'),
      };
    })
    .sort(byName);
  const comment = opt(t, 'comment');
  const strategy = opt(t, 'part_strategy');
  return {
    schema: str(t, 'schema'),
    name: str(t, 'name'),
    columns,
    ...(pk ? { primaryKey: { name: str(pk, 'name'), columns: json<string[]>(pk, 'columns', []) } } : {}),
    uniques,
    indexes,
    foreignKeys,
    checks,
    ...(comment !== undefined ? { comment } : {}),
    ...(strategy !== undefined
      ? {
          partitioning: {
            strategy,
            key: str(t, 'part_key'),
            partitions: json<string[]>(t, 'partitions', []).sort(cmp),
          },
        }
      : {}),
    rowSecurity: bool(t, 'row_security'),
    estimatedRows: int(t, 'estimated_rows'),
    totalBytes: int(t, 'total_bytes'),
  };
}

/** The plain-words reason for something pg2my leaves behind; `detail` is the query's detail column. */
export function notConvertedReason(kind: NotConvertedKind, name: string, detail: string | undefined): string {
  switch (kind) {
    case 'view':
      return 'Views are not converted: pg2my copies tables only. Recreate the view on the target by hand, rewriting its query for MySQL.';
    case 'materialized view':
      return 'MySQL has no materialized views, and its rows are not copied. Recreate it on the target as a table or view if it is still needed.';
    case 'trigger':
      return `Triggers are not converted: the trigger function${detail ? ` ${detail}` : ''} is PostgreSQL code that pg2my does not translate. Recreate the logic on the target if it is still needed.`;
    case 'function':
    case 'procedure':
      return `The ${kind} body${detail ? ` (language ${detail})` : ''} is PostgreSQL code that pg2my does not translate. Recreate it on the target by hand if the application calls it.`;
    case 'rule':
      return 'MySQL has no rewrite rules: what this rule does (for example DO INSTEAD) will not happen on the target.';
    case 'policy':
      return 'MySQL has no row-level security: on the target, anyone who can read the table sees every row.';
    case 'extension':
      return `Extension ${name}${detail ? ` ${detail}` : ''} does not exist on MySQL: its functions and operators are gone on the target; columns of its types are mapped one by one.`;
    case 'exclusion constraint':
      return `MySQL has no exclusion constraints: the target will accept rows that conflict under ${detail ?? 'this constraint'}.`;
    default:
      return `${kind} is not converted.`;
  }
}

function parseNotConverted(r: RawRow): NotConverted {
  const kind = str(r, 'kind') as NotConvertedKind;
  const name = str(r, 'name');
  return { kind, schema: str(r, 'schema'), name, reason: notConvertedReason(kind, name, opt(r, 'detail')) };
}

/** Assemble the Catalog from the raw rows. Throws INTERNAL on a row the queries cannot have produced. */
export function parseCatalog(raw: RawCatalog): Catalog {
  const types = new Map(raw.types.map((t) => [str(t, 'oid'), t] as const));
  const columns = groupBy(raw.columns, 'table_oid');
  const constraints = groupBy(raw.constraints, 'table_oid');
  const indexes = groupBy(raw.indexes, 'table_oid');
  const tables = raw.tables
    .map((t) => {
      const oid = str(t, 'oid');
      return parseTable(t, {
        columns: columns.get(oid) ?? [],
        constraints: constraints.get(oid) ?? [],
        indexes: indexes.get(oid) ?? [],
        types,
      });
    })
    .sort((a, b) => cmp(a.schema, b.schema) || cmp(a.name, b.name));
  const bySchemaName = (a: { schema: string; name: string }, b: { schema: string; name: string }) =>
    cmp(a.schema, b.schema) || cmp(a.name, b.name);
  return {
    version: CATALOG_VERSION,
    source: {
      engine: 'postgresql',
      versionNum: int(raw.server, 'version_num'),
      version: str(raw.server, 'version'),
      database: str(raw.server, 'database'),
      encoding: str(raw.server, 'encoding'),
    },
    schemas: [...raw.schemas].sort(cmp),
    tables,
    sequences: raw.sequences
      .map((s) => {
        const last = opt(s, 'last_value');
        const owner = opt(s, 'owner_table');
        return {
          schema: str(s, 'schema'),
          name: str(s, 'name'),
          dataType: str(s, 'data_type'),
          start: str(s, 'start'),
          increment: str(s, 'increment'),
          min: str(s, 'min'),
          max: str(s, 'max'),
          cycle: bool(s, 'cycle'),
          ...(last !== undefined ? { lastValue: last } : {}),
          ...(owner !== undefined
            ? { ownedBy: { schema: str(s, 'owner_schema'), name: owner, column: str(s, 'owner_column') } }
            : {}),
        };
      })
      .sort(bySchemaName),
    enums: raw.enums
      .map((e) => ({
        schema: str(e, 'schema'),
        name: str(e, 'name'),
        labels: json<string[]>(e, 'labels', []),
      }))
      .sort(bySchemaName),
    domains: raw.domains
      .map((d) => {
        const def = opt(d, 'default_expr');
        return {
          schema: str(d, 'schema'),
          name: str(d, 'name'),
          baseType: str(d, 'base_type'),
          notNull: bool(d, 'not_null'),
          ...(def !== undefined ? { default: def } : {}),
          checks: json<string[]>(d, 'checks', []).map(checkExpression),
        };
      })
      .sort(bySchemaName),
    notConverted: raw.notConverted
      .map(parseNotConverted)
      .sort((a, b) => cmp(a.kind, b.kind) || cmp(a.schema, b.schema) || cmp(a.name, b.name)),
  };
}
