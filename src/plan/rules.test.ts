// Tests of the rule list as data: ids are unique, decision rules say which decision and explain it,
// first match wins in the intended order, every PostgreSQL base type the catalog knows has a rule, and
// the small helpers (decision choice, TEXT family, citext collations) behave.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Column, ColumnType } from '../catalog/model.js';
import { MARIADB, MYSQL8 } from '../dialect/capabilities.js';
import { DEFAULT_TYPE_DECISIONS } from './options.js';
import {
  CITEXT_COLLATION,
  decisionChoice,
  findRule,
  isSequenceColumn,
  type RuleContext,
  TYPE_RULES,
  textFamily,
} from './rules.js';

const ctx = (over: Partial<RuleContext> = {}): RuleContext => ({
  dialect: MYSQL8,
  types: DEFAULT_TYPE_DECISIONS,
  bounded: false,
  spill: false,
  schema: 'public',
  table: 't',
  ...over,
});
const col = (type: Partial<ColumnType> & { name: string }, over: Partial<Column> = {}): Column => ({
  name: 'c',
  ordinal: 1,
  nullable: true,
  ...over,
  type: { formatted: type.name, ...type },
});

test('rule ids are unique', () => {
  const ids = TYPE_RULES.map((r) => r.id);
  assert.deepEqual(ids, [...new Set(ids)]);
});

test('decision rules name their decision and explain the choice', () => {
  for (const r of TYPE_RULES.filter((x) => x.decisionKey !== undefined)) {
    assert.ok(r.explain, `${r.id} has explain`);
    const keyed = r.match.when?.[r.decisionKey!] !== undefined || r.match.bounded === true;
    assert.ok(keyed, `${r.id} matches on its decision (or on key-ness for textKey)`);
  }
});

test('every base type named by the catalog model has a rule', () => {
  const names =
    'int2 int4 int8 numeric float4 float8 bool bpchar varchar text bytea date time timetz timestamp timestamptz interval uuid json jsonb inet cidr macaddr macaddr8 money citext tsvector xml bit varbit oid'.split(
      ' ',
    );
  for (const n of names) {
    const c = col({ name: n, ...(n === 'numeric' ? { precision: 10, scale: 2 } : {}) });
    assert.ok(findRule(c, ctx()), n);
  }
  // Types without a MySQL twin get a lossless default; anything else (extension, composite, custom range)
  // falls to pg-text, so no type is unmappable.
  for (const [n, id] of [
    ['point', 'geometric'],
    ['polygon', 'geometric'],
    ['public.hstore', 'hstore'],
    ['extensions.hstore', 'hstore'],
    ['hstore', 'hstore'],
    ['int4range', 'range'],
    ['tstzmultirange', 'range'],
    ['tsquery', 'tsquery'],
    ['pg_lsn', 'pg-lsn'],
    ['txid_snapshot', 'snapshot'],
    ['name', 'name'],
    ['public.uuidrange', 'pg-text'],
    ['public.ltree', 'pg-text'],
    ['public.address', 'pg-text'],
  ] as const) {
    const r = findRule(col({ name: n }), ctx());
    assert.equal(r?.id, id, n);
    assert.ok(r.id === 'name' || r.note?.startsWith('no MySQL twin'), `${n} warns`);
  }
  assert.equal(
    findRule(col({ name: 'enum', enum: { schema: 'public', name: 'e', labels: ['a'] } }), ctx())?.id,
    'enum',
  );
});

test('first match wins, in the intended order', () => {
  const id = (c: Column, x: RuleContext = ctx()) => findRule(c, x)?.id;
  assert.equal(id(col({ name: 'int4', array: { dims: 1 } })), 'array-json');
  assert.equal(
    id(
      col({ name: 'int4', array: { dims: 1 } }),
      ctx({ types: { ...DEFAULT_TYPE_DECISIONS, array: 'text' } }),
    ),
    'array-text',
  );
  assert.equal(id(col({ name: 'int8' }, { default: "nextval('s'::regclass)" })), 'serial8');
  assert.equal(id(col({ name: 'int8' }, { identity: 'always' })), 'serial8');
  assert.equal(id(col({ name: 'int8' })), 'int8');
  assert.equal(id(col({ name: 'text' }), ctx({ bounded: true })), 'string-key');
  assert.equal(id(col({ name: 'varchar', length: 255 }), ctx({ bounded: true })), 'varchar');
  assert.equal(id(col({ name: 'varchar', length: 1000 }), ctx({ bounded: true })), 'string-key');
  assert.equal(id(col({ name: 'varchar', length: 1000 })), 'varchar');
  assert.equal(id(col({ name: 'varchar' })), 'text');
  assert.equal(id(col({ name: 'citext' }), ctx({ bounded: true })), 'citext-key');
  assert.equal(id(col({ name: 'bytea' }), ctx({ bounded: true })), 'bytea-key');
  assert.equal(id(col({ name: 'numeric', precision: 5, scale: 0 })), 'numeric');
  assert.equal(id(col({ name: 'numeric' })), 'numeric-measure');
  const fixed = ctx({ types: { ...DEFAULT_TYPE_DECISIONS, numeric: { precision: 20, scale: 4 } } });
  assert.equal(id(col({ name: 'numeric' }), fixed), 'numeric-fixed');
  assert.equal(id(col({ name: 'bit', length: 64 })), 'bit');
  assert.equal(id(col({ name: 'bit', length: 65 })), 'bit-long');
});

test('helpers', () => {
  assert.equal(decisionChoice(DEFAULT_TYPE_DECISIONS, 'numeric'), 'measure');
  assert.equal(decisionChoice({ ...DEFAULT_TYPE_DECISIONS, textKey: { length: 80 } }, 'textKey'), 'fixed');
  assert.deepEqual(textFamily(65_535), { name: 'TEXT' });
  assert.deepEqual(textFamily(65_536), { name: 'MEDIUMTEXT' });
  assert.deepEqual(textFamily(16_777_216), { name: 'LONGTEXT' });
  assert.ok(isSequenceColumn(col({ name: 'int4' }, { default: "nextval('x'::regclass)" })));
  assert.ok(!isSequenceColumn(col({ name: 'int4' }, { default: '0' })));
  // citext: case-insensitive, accent-sensitive collations on both engines.
  assert.match(CITEXT_COLLATION[MYSQL8.name], /^utf8mb4_.*as_ci$/);
  assert.match(CITEXT_COLLATION[MARIADB.name], /^utf8mb4_.*nopad_as_ci$/);
});
