// One table row per PostgreSQL type (and per decision value): the MySQL 8 and MariaDB target type with
// its collation, the transform, the rule and whether the mapping is lossy; then the errors that must name
// schema.table.column and the config key, overrides, collations, defaults and generated columns.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Column, ColumnType } from '../catalog/model.js';
import { type Dialect, MARIADB, MYSQL8 } from '../dialect/capabilities.js';
import { type ErrorCode, isMigrationError } from '../errors.js';
import { type ColumnContext, mapColumn } from './map-column.js';
import type { TargetType, Transform } from './model.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions, type TypeDecisions } from './options.js';

type Spec = Partial<ColumnType> & { readonly name: string };
const column = (type: Spec, over: Partial<Column> = {}): Column => ({
  name: 'c',
  ordinal: 1,
  nullable: true,
  ...over,
  type: { formatted: type.name, ...type },
});
const options = (types: Partial<TypeDecisions> = {}, more: Partial<PlanOptions> = {}): PlanOptions => ({
  ...DEFAULT_PLAN_OPTIONS,
  ...more,
  types: { ...DEFAULT_PLAN_OPTIONS.types, ...types },
});
const ctx = (dialect: Dialect, over: Partial<ColumnContext> = {}): ColumnContext => ({
  dialect,
  options: DEFAULT_PLAN_OPTIONS,
  schema: 'public',
  table: 't',
  isKey: false,
  isIndexed: false,
  autoIncrement: false,
  ...over,
});
/** `VARCHAR(50) utf8mb4_0900_as_cs`: type, arguments or labels, collation. */
function fmt(t: TargetType): string {
  const args = t.values
    ? `(${t.values.map((v) => `'${v}'`).join(',')})`
    : t.args
      ? `(${t.args.join(',')})`
      : '';
  return `${t.name}${args}${t.collation ? ` ${t.collation}` : ''}`;
}

const MOOD = { schema: 'public', name: 'mood', labels: ['sad', 'ok', 'A', 'a'] };
const stats = (maxChars: number) => ({ stats: { maxChars, maxBytes: maxChars } });

interface Row {
  readonly pg: string;
  readonly type: Spec;
  readonly col?: Partial<Column>;
  readonly key?: boolean;
  readonly ai?: boolean;
  readonly types?: Partial<TypeDecisions>;
  readonly mysql8: string;
  readonly mariadb: string;
  readonly transform: Transform;
  readonly rule: string;
  /** Which dialects' mappings carry a loss note. */
  readonly loss?: 'both' | 'mysql8';
}

// biome-ignore format: one row per line reads as a table
const ROWS: readonly Row[] = [
  { pg: 'smallint', type: { name: 'int2' }, mysql8: 'SMALLINT', mariadb: 'SMALLINT', transform: 'none', rule: 'int2' },
  { pg: 'integer', type: { name: 'int4' }, mysql8: 'INT', mariadb: 'INT', transform: 'none', rule: 'int4' },
  { pg: 'bigint', type: { name: 'int8' }, mysql8: 'BIGINT', mariadb: 'BIGINT', transform: 'none', rule: 'int8' },
  { pg: 'serial', type: { name: 'int4' }, col: { default: "nextval('t_c_seq'::regclass)" }, ai: true, mysql8: 'INT', mariadb: 'INT', transform: 'none', rule: 'serial4' },
  { pg: 'bigserial', type: { name: 'int8' }, col: { default: "nextval('t_c_seq'::regclass)" }, ai: true, mysql8: 'BIGINT', mariadb: 'BIGINT', transform: 'none', rule: 'serial8' },
  { pg: 'smallint identity', type: { name: 'int2' }, col: { identity: 'by default' }, ai: true, mysql8: 'SMALLINT', mariadb: 'SMALLINT', transform: 'none', rule: 'serial2' },
  { pg: 'bigint GENERATED ALWAYS', type: { name: 'int8' }, col: { identity: 'always' }, ai: true, mysql8: 'BIGINT', mariadb: 'BIGINT', transform: 'none', rule: 'serial8', loss: 'both' },
  { pg: 'numeric(12,2)', type: { name: 'numeric', precision: 12, scale: 2 }, mysql8: 'DECIMAL(12,2)', mariadb: 'DECIMAL(12,2)', transform: 'none', rule: 'numeric' },
  { pg: 'numeric(5,-2)', type: { name: 'numeric', precision: 5, scale: -2 }, mysql8: 'DECIMAL(7,0)', mariadb: 'DECIMAL(7,0)', transform: 'none', rule: 'numeric' },
  { pg: 'numeric(2,5)', type: { name: 'numeric', precision: 2, scale: 5 }, mysql8: 'DECIMAL(5,5)', mariadb: 'DECIMAL(5,5)', transform: 'none', rule: 'numeric' },
  { pg: 'numeric (measure)', type: { name: 'numeric' }, col: { stats: { numericMaxIntDigits: 20, numericMaxScale: 9 } }, mysql8: 'DECIMAL(65,9)', mariadb: 'DECIMAL(65,9)', transform: 'none', rule: 'numeric-measure' },
  { pg: 'numeric (text)', type: { name: 'numeric' }, types: { numeric: 'text' }, mysql8: 'LONGTEXT ascii_bin', mariadb: 'LONGTEXT ascii_bin', transform: 'none', rule: 'numeric-text', loss: 'both' },
  { pg: 'numeric (decimal(20,4))', type: { name: 'numeric' }, types: { numeric: { precision: 20, scale: 4 } }, mysql8: 'DECIMAL(20,4)', mariadb: 'DECIMAL(20,4)', transform: 'none', rule: 'numeric-fixed' },
  { pg: 'real', type: { name: 'float4' }, mysql8: 'FLOAT', mariadb: 'FLOAT', transform: 'none', rule: 'float4' },
  { pg: 'double precision', type: { name: 'float8' }, mysql8: 'DOUBLE', mariadb: 'DOUBLE', transform: 'none', rule: 'float8' },
  { pg: 'boolean', type: { name: 'bool' }, mysql8: 'TINYINT(1)', mariadb: 'TINYINT(1)', transform: 'bool', rule: 'bool' },
  { pg: 'character(10)', type: { name: 'bpchar', length: 10 }, mysql8: 'CHAR(10) utf8mb4_0900_as_cs', mariadb: 'CHAR(10) utf8mb4_nopad_bin', transform: 'text', rule: 'bpchar' },
  { pg: 'character(300)', type: { name: 'bpchar', length: 300 }, mysql8: 'VARCHAR(300) utf8mb4_0900_as_cs', mariadb: 'VARCHAR(300) utf8mb4_nopad_bin', transform: 'text', rule: 'bpchar' },
  { pg: 'varchar(50)', type: { name: 'varchar', length: 50 }, mysql8: 'VARCHAR(50) utf8mb4_0900_as_cs', mariadb: 'VARCHAR(50) utf8mb4_nopad_bin', transform: 'none', rule: 'varchar' },
  { pg: 'varchar(255) in a key', type: { name: 'varchar', length: 255 }, key: true, mysql8: 'VARCHAR(255) utf8mb4_0900_bin', mariadb: 'VARCHAR(255) utf8mb4_nopad_bin', transform: 'none', rule: 'varchar' },
  { pg: 'varchar(16383)', type: { name: 'varchar', length: 16383 }, mysql8: 'VARCHAR(16383) utf8mb4_0900_as_cs', mariadb: 'VARCHAR(16383) utf8mb4_nopad_bin', transform: 'none', rule: 'varchar' },
  { pg: 'varchar(16384)', type: { name: 'varchar', length: 16384 }, mysql8: 'MEDIUMTEXT utf8mb4_0900_as_cs', mariadb: 'MEDIUMTEXT utf8mb4_nopad_bin', transform: 'none', rule: 'varchar', loss: 'both' },
  { pg: 'varchar(10485760)', type: { name: 'varchar', length: 10_485_760 }, mysql8: 'LONGTEXT utf8mb4_0900_as_cs', mariadb: 'LONGTEXT utf8mb4_nopad_bin', transform: 'none', rule: 'varchar', loss: 'both' },
  { pg: 'varchar(1000) in a key', type: { name: 'varchar', length: 1000 }, col: stats(300), key: true, mysql8: 'VARCHAR(300) utf8mb4_0900_bin', mariadb: 'VARCHAR(300) utf8mb4_nopad_bin', transform: 'text', rule: 'string-key' },
  { pg: 'varchar', type: { name: 'varchar' }, mysql8: 'LONGTEXT utf8mb4_0900_as_cs', mariadb: 'LONGTEXT utf8mb4_nopad_bin', transform: 'text', rule: 'text' },
  { pg: 'text', type: { name: 'text' }, mysql8: 'LONGTEXT utf8mb4_0900_as_cs', mariadb: 'LONGTEXT utf8mb4_nopad_bin', transform: 'text', rule: 'text' },
  { pg: 'text in a key', type: { name: 'text' }, col: stats(40), key: true, mysql8: 'VARCHAR(255) utf8mb4_0900_bin', mariadb: 'VARCHAR(255) utf8mb4_nopad_bin', transform: 'text', rule: 'string-key' },
  { pg: 'text in a key (textKey length)', type: { name: 'text' }, key: true, types: { textKey: { length: 100 } }, mysql8: 'VARCHAR(100) utf8mb4_0900_bin', mariadb: 'VARCHAR(100) utf8mb4_nopad_bin', transform: 'text', rule: 'string-key' },
  { pg: 'bytea', type: { name: 'bytea' }, mysql8: 'LONGBLOB', mariadb: 'LONGBLOB', transform: 'bytea', rule: 'bytea' },
  { pg: 'bytea in a key', type: { name: 'bytea' }, col: { stats: { maxBytes: 16 } }, key: true, mysql8: 'VARBINARY(255)', mariadb: 'VARBINARY(255)', transform: 'bytea', rule: 'bytea-key' },
  { pg: 'date', type: { name: 'date' }, mysql8: 'DATE', mariadb: 'DATE', transform: 'none', rule: 'date' },
  { pg: 'time', type: { name: 'time' }, mysql8: 'TIME(6)', mariadb: 'TIME(6)', transform: 'none', rule: 'time' },
  { pg: 'time(3)', type: { name: 'time', fsp: 3 }, mysql8: 'TIME(3)', mariadb: 'TIME(3)', transform: 'none', rule: 'time' },
  { pg: 'timetz (text)', type: { name: 'timetz' }, mysql8: 'VARCHAR(32) ascii_bin', mariadb: 'VARCHAR(32) ascii_bin', transform: 'text', rule: 'timetz-text' },
  { pg: 'timetz (time)', type: { name: 'timetz' }, types: { timetz: 'time' }, mysql8: 'TIME(6)', mariadb: 'TIME(6)', transform: 'timetz-utc', rule: 'timetz-time', loss: 'both' },
  { pg: 'timestamp(3)', type: { name: 'timestamp', fsp: 3 }, mysql8: 'DATETIME(3)', mariadb: 'DATETIME(3)', transform: 'none', rule: 'timestamp' },
  { pg: 'timestamptz (datetime)', type: { name: 'timestamptz' }, mysql8: 'DATETIME(6)', mariadb: 'DATETIME(6)', transform: 'timestamptz-utc', rule: 'timestamptz-datetime' },
  { pg: 'timestamptz(0) (timestamp)', type: { name: 'timestamptz', fsp: 0 }, types: { timestamptz: 'timestamp' }, mysql8: 'TIMESTAMP(0)', mariadb: 'TIMESTAMP(0)', transform: 'timestamptz-utc', rule: 'timestamptz-timestamp', loss: 'both' },
  { pg: 'interval (text)', type: { name: 'interval' }, mysql8: 'VARCHAR(64) ascii_bin', mariadb: 'VARCHAR(64) ascii_bin', transform: 'interval-iso', rule: 'interval-text' },
  { pg: 'interval (time)', type: { name: 'interval' }, types: { interval: 'time' }, mysql8: 'TIME(6)', mariadb: 'TIME(6)', transform: 'interval-time', rule: 'interval-time', loss: 'both' },
  { pg: 'uuid', type: { name: 'uuid' }, mysql8: 'CHAR(36) ascii_bin', mariadb: 'CHAR(36) ascii_bin', transform: 'text', rule: 'uuid' },
  { pg: 'uuid in a key', type: { name: 'uuid' }, key: true, mysql8: 'CHAR(36) ascii_bin', mariadb: 'CHAR(36) ascii_bin', transform: 'text', rule: 'uuid' },
  { pg: 'json (text)', type: { name: 'json' }, mysql8: 'LONGTEXT utf8mb4_0900_bin', mariadb: 'LONGTEXT utf8mb4_nopad_bin', transform: 'none', rule: 'json-text' },
  { pg: 'json (json)', type: { name: 'json' }, types: { json: 'json' }, mysql8: 'JSON', mariadb: 'JSON', transform: 'none', rule: 'json-json', loss: 'mysql8' },
  { pg: 'jsonb', type: { name: 'jsonb' }, mysql8: 'JSON', mariadb: 'JSON', transform: 'none', rule: 'jsonb', loss: 'mysql8' },
  { pg: 'integer[] (json)', type: { name: 'int4', array: { dims: 1 } }, mysql8: 'JSON', mariadb: 'JSON', transform: 'array-json', rule: 'array-json', loss: 'both' },
  { pg: 'integer[][] (json)', type: { name: 'int4', array: { dims: 2 } }, mysql8: 'JSON', mariadb: 'JSON', transform: 'array-json', rule: 'array-json', loss: 'both' },
  { pg: 'text[] (text)', type: { name: 'text', array: { dims: 1 } }, types: { array: 'text' }, mysql8: 'LONGTEXT utf8mb4_0900_as_cs', mariadb: 'LONGTEXT utf8mb4_nopad_bin', transform: 'text', rule: 'array-text', loss: 'both' },
  { pg: 'enum', type: { name: 'enum', enum: MOOD }, mysql8: "ENUM('sad','ok','A','a') utf8mb4_0900_bin", mariadb: "ENUM('sad','ok','A','a') utf8mb4_nopad_bin", transform: 'none', rule: 'enum' },
  { pg: 'domain over integer', type: { name: 'int4', domain: { schema: 'public', name: 'positive_int', notNull: true, checks: ['(VALUE > 0)'] }, }, mysql8: 'INT', mariadb: 'INT', transform: 'none', rule: 'int4' },
  { pg: 'inet', type: { name: 'inet' }, mysql8: 'VARCHAR(43) ascii_bin', mariadb: 'VARCHAR(43) ascii_bin', transform: 'text', rule: 'inet' },
  { pg: 'cidr', type: { name: 'cidr' }, mysql8: 'VARCHAR(43) ascii_bin', mariadb: 'VARCHAR(43) ascii_bin', transform: 'text', rule: 'cidr' },
  { pg: 'macaddr', type: { name: 'macaddr' }, mysql8: 'VARCHAR(17) ascii_bin', mariadb: 'VARCHAR(17) ascii_bin', transform: 'text', rule: 'macaddr' },
  { pg: 'macaddr8', type: { name: 'macaddr8' }, mysql8: 'VARCHAR(23) ascii_bin', mariadb: 'VARCHAR(23) ascii_bin', transform: 'text', rule: 'macaddr8' },
  { pg: 'money', type: { name: 'money' }, mysql8: 'DECIMAL(19,2)', mariadb: 'DECIMAL(19,2)', transform: 'money', rule: 'money' },
  { pg: 'citext', type: { name: 'citext' }, mysql8: 'LONGTEXT utf8mb4_0900_as_ci', mariadb: 'LONGTEXT utf8mb4_uca1400_nopad_as_ci', transform: 'text', rule: 'citext' },
  { pg: 'citext in a key', type: { name: 'citext' }, col: stats(17), key: true, mysql8: 'VARCHAR(255) utf8mb4_0900_as_ci', mariadb: 'VARCHAR(255) utf8mb4_uca1400_nopad_as_ci', transform: 'text', rule: 'citext-key' },
  { pg: 'tsvector', type: { name: 'tsvector' }, mysql8: 'LONGTEXT utf8mb4_0900_as_cs', mariadb: 'LONGTEXT utf8mb4_nopad_bin', transform: 'text', rule: 'tsvector', loss: 'both' },
  { pg: 'xml', type: { name: 'xml' }, mysql8: 'LONGTEXT utf8mb4_0900_as_cs', mariadb: 'LONGTEXT utf8mb4_nopad_bin', transform: 'text', rule: 'xml' },
  { pg: 'bit(8)', type: { name: 'bit', length: 8 }, mysql8: 'BIT(8)', mariadb: 'BIT(8)', transform: 'bit', rule: 'bit' },
  { pg: 'bit(100)', type: { name: 'bit', length: 100 }, mysql8: 'VARCHAR(100) ascii_bin', mariadb: 'VARCHAR(100) ascii_bin', transform: 'text', rule: 'bit-long' },
  { pg: 'bit varying(16)', type: { name: 'varbit', length: 16 }, mysql8: 'VARCHAR(16) ascii_bin', mariadb: 'VARCHAR(16) ascii_bin', transform: 'text', rule: 'varbit' },
  { pg: 'bit varying', type: { name: 'varbit' }, mysql8: 'LONGTEXT ascii_bin', mariadb: 'LONGTEXT ascii_bin', transform: 'text', rule: 'varbit-unbounded' },
  { pg: 'oid', type: { name: 'oid' }, mysql8: 'INT UNSIGNED', mariadb: 'INT UNSIGNED', transform: 'none', rule: 'oid' },
];

test('one row per PostgreSQL type: target type per dialect, transform, rule, loss', () => {
  for (const row of ROWS) {
    for (const dialect of [MYSQL8, MARIADB]) {
      const c = column(row.type, row.col);
      const m = mapColumn(
        c,
        ctx(dialect, {
          options: options(row.types),
          isKey: row.key ?? false,
          autoIncrement: row.ai ?? false,
        }),
      );
      const label = `${row.pg} on ${dialect.name}`;
      assert.equal(fmt(m.column.type), dialect.name === 'mysql8' ? row.mysql8 : row.mariadb, label);
      assert.equal(m.plan.transform, row.transform, label);
      assert.equal(m.plan.ruleId, row.rule, label);
      const lossy = row.loss === 'both' || (row.loss === 'mysql8' && dialect.name === 'mysql8');
      assert.equal(m.plan.loss !== undefined, lossy, `${label}: loss ${m.plan.loss}`);
      assert.equal(m.column.autoIncrement, row.ai ?? false, label);
      if (m.column.type.collation)
        assert.ok(m.column.type.collation.startsWith(`${m.column.type.charset}_`), label);
    }
  }
});

test('decisions: one per decision-keyed mapping, default or config', () => {
  const d = (types: Partial<TypeDecisions>, spec: Spec, over: Partial<ColumnContext> = {}) =>
    mapColumn(
      column(spec, { stats: { maxChars: 3, numericMaxScale: 2 } }),
      ctx(MYSQL8, { options: options(types), ...over }),
    ).decision;
  assert.deepEqual(
    { ...d({}, { name: 'timestamptz' })!, note: '' },
    {
      key: 'types.timestamptz',
      column: 'public.t.c',
      ruleId: 'timestamptz-datetime',
      choice: 'datetime',
      source: 'default',
      note: '',
    },
  );
  assert.equal(d({ timestamptz: 'timestamp' }, { name: 'timestamptz' })?.source, 'config');
  assert.equal(d({ numeric: { precision: 20, scale: 4 } }, { name: 'numeric' })?.choice, 'decimal(20,4)');
  assert.equal(d({}, { name: 'text' }, { isKey: true })?.key, 'types.textKey');
  assert.equal(d({}, { name: 'text' }), undefined);
  assert.equal(d({}, { name: 'int4' }), undefined);
  for (const [spec, key] of [
    [{ name: 'numeric' }, 'types.numeric'],
    [{ name: 'interval' }, 'types.interval'],
    [{ name: 'timetz' }, 'types.timetz'],
    [{ name: 'json' }, 'types.json'],
    [{ name: 'int4', array: { dims: 1 } }, 'types.array'],
  ] as const) {
    assert.equal(d({}, spec)?.key, key, spec.name);
  }
});

function throwsCode(fn: () => unknown, code: ErrorCode, ...mentions: string[]): void {
  assert.throws(fn, (e) => {
    assert.ok(isMigrationError(e), String(e));
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.ok(e.message.includes(m), `${JSON.stringify(e.message)} mentions ${m}`);
    return true;
  });
}

test('errors name schema.table.column and the config key', () => {
  const map =
    (spec: Spec, over: Partial<Column> = {}, c: Partial<ColumnContext> = {}) =>
    () =>
      mapColumn(column(spec, over), ctx(MYSQL8, c));
  throwsCode(map({ name: 'numeric' }), 'DECISION_REQUIRED', 'public.t.c', 'types.numeric', 'measure');
  throwsCode(
    map({ name: 'numeric' }, { stats: { numericMaxScale: 31 } }),
    'DECISION_REQUIRED',
    'public.t.c',
    'types.numeric',
  );
  throwsCode(
    map({ name: 'numeric' }, { stats: { numericMaxScale: 2, numericSpecials: 1 } }),
    'DECISION_REQUIRED',
    'NaN',
  );
  throwsCode(
    map({ name: 'numeric' }, { stats: { numericMaxScale: 10, numericMaxIntDigits: 60 } }),
    'DECISION_REQUIRED',
    '65',
  );
  throwsCode(
    map({ name: 'numeric', precision: 70, scale: 2, formatted: 'numeric(70,2)' }),
    'TYPE_UNMAPPABLE',
    'public.t.c',
    'numeric(70,2)',
    'columns["public.t.c"].type',
  );
  throwsCode(map({ name: 'numeric', precision: 40, scale: 35 }), 'TYPE_UNMAPPABLE', 'public.t.c');
  throwsCode(
    map({ name: 'text' }, {}, { isKey: true }),
    'DECISION_REQUIRED',
    'public.t.c',
    'types.textKey',
    'measure',
  );
  throwsCode(map({ name: 'text' }, stats(1000), { isKey: true }), 'DECISION_REQUIRED', 'public.t.c', '3072');
  throwsCode(
    map({ name: 'text' }, stats(150), { isKey: true, options: options({ textKey: { length: 100 } }) }),
    'DECISION_REQUIRED',
    'types.textKey',
  );
  throwsCode(
    map({ name: 'text' }, {}, { isKey: true, options: options({ textKey: { length: 2000 } }) }),
    'CONFIG_INVALID',
    'types.textKey',
  );
  throwsCode(
    map({ name: 'enum', enum: { schema: 'public', name: 'e', labels: ['a', 'b '] } }),
    'TYPE_UNMAPPABLE',
    'trailing space',
  );
  throwsCode(
    map({ name: 'numeric' }, {}, { options: options({ numeric: { precision: 70, scale: 2 } }) }),
    'CONFIG_INVALID',
    'types.numeric',
  );
  throwsCode(
    map(
      { name: 'numeric' },
      { stats: { numericMaxScale: 6 } },
      { options: options({ numeric: { precision: 20, scale: 4 } }) },
    ),
    'DECISION_REQUIRED',
    'round',
  );
});

test('column overrides come before the rules', () => {
  const key = 'public.t.c';
  const over = (type: string | undefined, collation?: string) =>
    options({}, { columns: { [key]: { ...(type ? { type } : {}), ...(collation ? { collation } : {}) } } });
  const m = mapColumn(column({ name: 'text' }), ctx(MYSQL8, { options: over('varchar(320)'), isKey: true }));
  assert.equal(fmt(m.column.type), 'VARCHAR(320) utf8mb4_0900_bin');
  assert.equal(m.plan.ruleId, `config:columns.${key}`);
  assert.equal(m.decision?.source, 'config');
  assert.equal(m.decision?.key, `columns.${key}`);
  // A type kept as text can be given another string type; the values still travel as text.
  const point = mapColumn(column({ name: 'point' }), ctx(MYSQL8, { options: over('varchar(64)') }));
  assert.equal(fmt(point.column.type), 'VARCHAR(64) ascii_bin');
  assert.equal(point.plan.transform, 'text');
  // Overrides skip the rule's decision errors (no stats needed) and keep its transform.
  const num = mapColumn(column({ name: 'numeric' }), ctx(MYSQL8, { options: over('decimal(30,6)') }));
  assert.equal(fmt(num.column.type), 'DECIMAL(30,6)');
  const tz = mapColumn(column({ name: 'timestamptz' }), ctx(MYSQL8, { options: over('datetime(3)') }));
  assert.equal(tz.plan.transform, 'timestamptz-utc');
  assert.equal(
    mapColumn(column({ name: 'bool' }), ctx(MYSQL8, { options: over('varchar(5)') })).plan.transform,
    'text',
  );
  assert.equal(
    fmt(mapColumn(column({ name: 'oid' }), ctx(MYSQL8, { options: over('bigint unsigned') })).column.type),
    'BIGINT UNSIGNED',
  );
  // Collation only.
  const ci = mapColumn(
    column({ name: 'text' }),
    ctx(MYSQL8, { options: over(undefined, 'utf8mb4_0900_ai_ci') }),
  );
  assert.equal(fmt(ci.column.type), 'LONGTEXT utf8mb4_0900_ai_ci');
  for (const bad of [
    'varchar(320); DROP TABLE t',
    'varchar',
    'decimal(70,2)',
    'geometry',
    'char(300)',
    'text unsigned',
  ]) {
    throwsCode(
      () => mapColumn(column({ name: 'text' }), ctx(MYSQL8, { options: over(bad) })),
      'CONFIG_INVALID',
      key,
    );
  }
  throwsCode(
    () => mapColumn(column({ name: 'int4' }), ctx(MYSQL8, { options: over(undefined, 'utf8mb4_bin') })),
    'CONFIG_INVALID',
  );
  throwsCode(
    () => mapColumn(column({ name: 'text' }), ctx(MYSQL8, { options: over(undefined, 'latin1_bin') })),
    'CONFIG_INVALID',
  );
});

test('collations: key columns vs the rest, and the config defaults', () => {
  const opts = options({}, { collation: { key: 'utf8mb4_bin', text: 'utf8mb4_0900_ai_ci' } });
  const text = (isKey: boolean, o = DEFAULT_PLAN_OPTIONS) =>
    mapColumn(column({ name: 'varchar', length: 20 }), ctx(MYSQL8, { isKey, options: o })).column.type
      .collation;
  assert.equal(text(true), MYSQL8.keyCollation);
  assert.equal(text(false), MYSQL8.textCollation);
  assert.equal(text(true, opts), 'utf8mb4_bin');
  assert.equal(text(false, opts), 'utf8mb4_0900_ai_ci');
  // A plain-indexed (not key) text column gets a bounded type but the text collation.
  const ix = mapColumn(column({ name: 'text' }, stats(10)), ctx(MYSQL8, { isIndexed: true }));
  assert.equal(fmt(ix.column.type), 'VARCHAR(255) utf8mb4_0900_as_cs');
});

test('nullability: domain NOT NULL applies', () => {
  const dom = { schema: 'public', name: 'd', notNull: true, checks: [] };
  assert.equal(mapColumn(column({ name: 'int4', domain: dom }), ctx(MYSQL8)).column.nullable, false);
  assert.equal(mapColumn(column({ name: 'int4' }), ctx(MYSQL8)).column.nullable, true);
});

// [pg type, default, expected TargetDefault (JSON) or a NotConverted reason pattern]
// biome-ignore format: one row per line reads as a table
const DEFAULTS: readonly [Spec, string, string | RegExp, Partial<ColumnContext>?][] = [
  [{ name: 'int4' }, '0', '{"kind":"literal","sql":["0"]}'],
  [{ name: 'int4' }, "'-1'::integer", '{"kind":"literal","sql":["-1"]}'],
  [{ name: 'int4' }, '(-1)', '{"kind":"literal","sql":["-1"]}'],
  [{ name: 'int4' }, '1.5', /not a INT value/],
  [{ name: 'numeric', precision: 10, scale: 2 }, '0.00', '{"kind":"literal","sql":["0.00"]}'],
  [{ name: 'numeric', precision: 10, scale: 2 }, "'NaN'::numeric", /not a DECIMAL value/],
  [{ name: 'varchar', length: 10 }, "'x'::character varying", '{"kind":"literal","sql":[{"str":"x"}]}'],
  [{ name: 'varchar', length: 10 }, "''::character varying", '{"kind":"literal","sql":[{"str":""}]}'],
  [{ name: 'text' }, "'it''s'::text", '{"kind":"expression","sql":[{"str":"it\'s"}]}'],
  [{ name: 'bool' }, 'true', '{"kind":"literal","sql":["1"]}'],
  [{ name: 'bool' }, "'f'::boolean", '{"kind":"literal","sql":["0"]}'],
  [{ name: 'timestamp', fsp: 6 }, 'now()', '{"kind":"current_timestamp","fsp":6}'],
  [{ name: 'timestamp', fsp: 0 }, 'CURRENT_TIMESTAMP', '{"kind":"current_timestamp","fsp":0}'],
  [{ name: 'timestamp' }, "'2000-01-01 00:00:00'::timestamp without time zone", '{"kind":"literal","sql":[{"str":"2000-01-01 00:00:00"}]}'],
  [{ name: 'timestamp' }, "'infinity'::timestamp without time zone", /not a DATETIME literal/],
  [{ name: 'timestamptz' }, 'now()', '{"kind":"expression","sql":["UTC_TIMESTAMP(6)"]}'],
  [{ name: 'timestamptz' }, 'now()', '{"kind":"current_timestamp","fsp":6}', { options: options({ timestamptz: 'timestamp' }) }],
  [{ name: 'timestamptz' }, "'2020-01-01 00:00:00+00'::timestamp with time zone", /timestamptz-utc conversion/],
  [{ name: 'date' }, 'CURRENT_DATE', '{"kind":"expression","sql":["CURRENT_DATE"]}'],
  [{ name: 'date' }, "('now'::text)::date", '{"kind":"expression","sql":["CURRENT_DATE"]}'],
  [{ name: 'date' }, "'2024-02-29'::date", '{"kind":"literal","sql":[{"str":"2024-02-29"}]}'],
  [{ name: 'uuid' }, 'gen_random_uuid()', '{"kind":"expression","sql":["UUID()"]}'],
  [{ name: 'jsonb' }, "'{}'::jsonb", '{"kind":"expression","sql":[{"str":"{}"}]}'],
  [{ name: 'int4', array: { dims: 1 } }, "'{}'::integer[]", '{"kind":"expression","sql":[{"str":"[]"}]}'],
  [{ name: 'int4', array: { dims: 1 } }, "'{1,2}'::integer[]", /array defaults/],
  [{ name: 'enum', enum: MOOD }, "'ok'::mood", '{"kind":"literal","sql":[{"str":"ok"}]}'],
  [{ name: 'enum', enum: MOOD }, "'nope'::mood", /not one of the enum labels/],
  [{ name: 'interval' }, "'1 day'::interval", /interval-iso conversion/],
  [{ name: 'text' }, "lower('X'::text)", /function lower\(\) has no MySQL translation/],
  [{ name: 'text' }, 'NULL::text', 'none'],
  [{ name: 'int4' }, "nextval('s'::regclass)", /one AUTO_INCREMENT column/],
  [{ name: 'int4' }, "nextval('s'::regclass)", 'none', { autoIncrement: true }],
];

test('defaults: literals, clock functions, UUID(), and the rest reported as not converted', () => {
  for (const [spec, text, want, over] of DEFAULTS) {
    const m = mapColumn(column(spec, { default: text }), ctx(MYSQL8, over));
    const label = `${spec.name} DEFAULT ${text}`;
    if (want instanceof RegExp) {
      assert.equal(m.column.default, undefined, label);
      assert.equal(m.notConverted.length, 1, label);
      assert.equal(m.notConverted[0]?.kind, 'default', label);
      assert.match(m.notConverted[0]!.reason, want, label);
    } else {
      assert.equal(m.column.default === undefined ? 'none' : JSON.stringify(m.column.default), want, label);
      assert.deepEqual(m.notConverted, [], label);
    }
  }
  const uuid = mapColumn(column({ name: 'uuid' }, { default: 'gen_random_uuid()' }), ctx(MYSQL8));
  assert.equal(uuid.warnings[0]?.code, 'DEFAULT_UUID_V1');
  const dom = mapColumn(column({ name: 'int4' }), ctx(MYSQL8, { domainDefault: '1' }));
  assert.deepEqual(dom.column.default, { kind: 'literal', sql: ['1'] });
});

test('generated columns: translated, or copied as values and reported', () => {
  const exprColumns = new Map([
    ['quantity', { target: 'quantity', kind: 'int' as const }],
    ['unit_price', { target: 'unit_price', kind: 'num' as const }],
    ['id', { target: 'id', kind: 'int' as const }],
  ]);
  const spec = { name: 'numeric', precision: 14, scale: 2 };
  const ok = mapColumn(
    column(spec, { generated: '((quantity)::numeric * unit_price)' }),
    ctx(MYSQL8, { exprColumns }),
  );
  // Rounded to the column's scale, as PostgreSQL's numeric(14,2) assignment does (MySQL would warn 1265).
  assert.deepEqual(ok.column.generated, [
    'ROUND(',
    '(',
    { ident: 'quantity' },
    ' * ',
    { ident: 'unit_price' },
    ')',
    ', 2)',
  ]);
  assert.equal(ok.plan.generated, true);
  assert.equal(ok.plan.loss, undefined);
  const twice = { generated: '(quantity * 2)', nullable: false };
  const notNull = mapColumn(column(spec, twice), ctx(MYSQL8, { exprColumns }));
  assert.match(notNull.plan.loss ?? '', /NOT NULL on the generated column/);
  assert.deepEqual(
    ok.warnings.map((w) => w.code),
    ['GENERATED_COLUMN'],
    'the plan says the generated column was converted',
  );
  const bad = mapColumn(
    column(spec, { generated: "(unit_price || 'x'::text)" }),
    ctx(MYSQL8, { exprColumns }),
  );
  assert.equal(bad.column.generated, undefined);
  assert.equal(bad.plan.generated, false);
  assert.equal(bad.notConverted[0]?.kind, 'generated column');
  const ai = mapColumn(
    column(spec, { generated: '(id * 2)' }),
    ctx(MYSQL8, { exprColumns, autoIncrementColumn: 'id' }),
  );
  assert.match(ai.notConverted[0]?.reason ?? '', /AUTO_INCREMENT/);
});

test('comments: kept up to 1024 BMP characters, else reported', () => {
  const kept = mapColumn(column({ name: 'int4' }, { comment: "it's */ 日本" }), ctx(MYSQL8));
  assert.equal(kept.column.comment, "it's */ 日本");
  for (const comment of ['x'.repeat(1025), 'note 😀']) {
    const m = mapColumn(column({ name: 'int4' }, { comment }), ctx(MYSQL8));
    assert.equal(m.column.comment, undefined, comment);
    assert.equal(m.notConverted[0]?.kind, 'comment', comment);
  }
});

test('ENUM labels outside the BMP are kept, with a warning about schema dumps', () => {
  const labels = ['ok', 'très bien 😀'];
  const m = mapColumn(column({ name: 'enum', enum: { schema: 'public', name: 'e', labels } }), ctx(MARIADB));
  assert.deepEqual(m.column.type.values, labels);
  assert.equal(m.warnings[0]?.code, 'ENUM_LABEL_4BYTE');
});
