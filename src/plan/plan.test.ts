// Tests of buildPlan on small hand-made catalogs: determinism and fingerprint, name collisions, key
// plans, AUTO_INCREMENT placement and start values, post-data order, what is not converted and why,
// renames, row-size spilling, index size warnings and decision sources.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog, Column, ColumnType, Index, Sequence, Table } from '../catalog/model.js';
import { MARIADB, MYSQL8 } from '../dialect/capabilities.js';
import { isMigrationError } from '../errors.js';
import { tableRowBytes } from './index-bytes.js';
import type { DdlOp, MigrationPlan } from './model.js';
import { DEFAULT_PLAN_OPTIONS, type PlanOptions } from './options.js';
import { buildPlan, canonicalJson, keyPlan } from './plan.js';
import { catalogTable } from '../../test/helpers/catalog-builders.js';

const col = (
  name: string,
  type: Partial<ColumnType> & { name: string },
  over: Partial<Column> = {},
): Column => ({
  name,
  ordinal: 1,
  nullable: true,
  ...over,
  type: { formatted: type.name, ...type },
});
const id = (name = 'id', over: Partial<Column> = {}) =>
  col(
    name,
    { name: 'int8' },
    { nullable: false, identity: 'by default', sequence: { schema: 'public', name: `${name}_seq` }, ...over },
  );
const table = catalogTable;
const index = (name: string, columns: string[], over: Partial<Index> = {}): Index => ({
  name,
  unique: false,
  columns: columns.map((column) => ({ column, descending: false })),
  method: 'btree',
  backsConstraint: false,
  ...over,
});
const seq = (name: string, over: Partial<Sequence> = {}): Sequence => ({
  schema: 'public',
  name,
  dataType: 'bigint',
  start: '1',
  increment: '1',
  min: '1',
  max: '9223372036854775807',
  cycle: false,
  ...over,
});
const catalog = (tables: Table[], over: Partial<Catalog> = {}): Catalog => ({
  version: 1,
  source: { engine: 'postgresql', versionNum: 160004, version: '16.4', database: 'app', encoding: 'UTF8' },
  schemas: ['public'],
  tables,
  sequences: [],
  enums: [],
  domains: [],
  notConverted: [],
  ...over,
});
const plan = (c: Catalog, o: PlanOptions = DEFAULT_PLAN_OPTIONS, d = MYSQL8): MigrationPlan =>
  buildPlan(c, d, o);
const ops = <K extends DdlOp['kind']>(p: MigrationPlan, kind: K) =>
  [...p.preData, ...p.postData].filter((o): o is Extract<DdlOp, { kind: K }> => o.kind === kind);

const users = table('users', [id(), col('email', { name: 'varchar', length: 255 }, { nullable: false })], {
  primaryKey: { name: 'users_pkey', columns: ['id'] },
  indexes: [index('users_email_idx', ['email'], { unique: true })],
});
const posts = table(
  'posts',
  [id(), col('user_id', { name: 'int8' }, { nullable: false }), col('title', { name: 'text' })],
  {
    primaryKey: { name: 'posts_pkey', columns: ['id'] },
    foreignKeys: [
      {
        name: 'posts_user_fk',
        columns: ['user_id'],
        references: { schema: 'public', name: 'users', columns: ['id'] },
        onDelete: 'CASCADE',
        onUpdate: 'NO ACTION',
        deferrable: false,
      },
    ],
    checks: [{ name: 'posts_title_check', expression: "(title <> ''::text)" }],
  },
);

test('deterministic: same input, same plan and fingerprint; options change the fingerprint', () => {
  const c = catalog([users, posts], { sequences: [seq('id_seq', { lastValue: '41' })] });
  const a = plan(c);
  assert.deepEqual(plan(c), a);
  assert.match(a.fingerprint, /^[0-9a-f]{64}$/);
  const { fingerprint } = a;
  // The fingerprint covers the plan, not the options: a decision no column uses changes nothing.
  const unused = plan(c, { ...DEFAULT_PLAN_OPTIONS, types: { ...DEFAULT_PLAN_OPTIONS.types, json: 'json' } });
  assert.equal(unused.fingerprint, fingerprint);
  const other = plan(c, { ...DEFAULT_PLAN_OPTIONS, collation: { text: 'utf8mb4_0900_ai_ci' } });
  assert.notEqual(other.fingerprint, fingerprint);
  assert.notEqual(plan(c, DEFAULT_PLAN_OPTIONS, MARIADB).fingerprint, fingerprint);
  assert.equal(canonicalJson({ b: 1, a: [1, { d: undefined, c: 'x' }] }), '{"a":[1,{"c":"x"}],"b":1}');
});

test('pre-data is one CREATE TABLE per table with its PK; post-data indexes come before every FK', () => {
  const p = plan(catalog([posts, users]));
  assert.deepEqual(
    p.preData.map((o) => o.kind),
    ['createTable', 'createTable'],
  );
  assert.deepEqual(
    p.preData.map((o) => o.table),
    ['posts', 'users'],
  );
  assert.deepEqual(
    p.postData.map((o) => `${o.kind} ${o.table}`),
    ['addIndex users', 'addForeignKey posts', 'addCheck posts'],
  );
  const create = ops(p, 'createTable')[0]!;
  assert.deepEqual(create.primaryKey, { columns: ['id'] });
  assert.equal(create.columns[0]?.autoIncrement, true);
});

test('tables from different schemas that meet on the target are an error naming both', () => {
  const a = table('Users', [id()]);
  const b = { ...table('users', [id()]), schema: 'crm' };
  assert.throws(
    () => plan(catalog([a, b])),
    (e) =>
      isMigrationError(e) &&
      e.code === 'IDENTIFIER_INVALID' &&
      e.message.includes('public.Users') &&
      e.message.includes('crm.users'),
  );
  assert.throws(
    () => plan(catalog([table('t', [col('Name', { name: 'text' }), col('name', { name: 'text' })])])),
    (e) => isMigrationError(e) && e.code === 'IDENTIFIER_INVALID' && /differ only by case/.test(e.message),
  );
  assert.throws(
    () => plan(catalog([table('t😀', [id()])])),
    (e) => isMigrationError(e) && e.code === 'IDENTIFIER_INVALID' && e.message.includes('public.t😀'),
  );
});

test('key plans: int, text, composite, unique NOT NULL, ctid', () => {
  const t = (
    over: Partial<Table>,
    cols: Column[] = [id(), col('code', { name: 'text' }, { nullable: false }), col('n', { name: 'int4' })],
  ) => keyPlan(table('t', cols, over));
  assert.deepEqual(t({ primaryKey: { name: 'pk', columns: ['id'] } }), { kind: 'int', columns: ['id'] });
  assert.deepEqual(t({ primaryKey: { name: 'pk', columns: ['code'] } }), { kind: 'text', columns: ['code'] });
  assert.deepEqual(t({ primaryKey: { name: 'pk', columns: ['id', 'code'] } }), {
    kind: 'composite',
    columns: ['id', 'code'],
  });
  assert.deepEqual(
    t({
      uniques: [
        { name: 'u', columns: ['n'], nullsNotDistinct: false },
        { name: 'v', columns: ['code'], nullsNotDistinct: false },
      ],
    }),
    {
      kind: 'text',
      columns: ['code'],
    },
  );
  assert.deepEqual(t({ indexes: [index('ix', ['id'], { unique: true })] }), { kind: 'int', columns: ['id'] });
  assert.deepEqual(t({ indexes: [index('ix', ['n'], { unique: true })] }), { kind: 'ctid', columns: [] });
  assert.deepEqual(t({}), { kind: 'ctid', columns: [] });
});

test('AUTO_INCREMENT: leads the PK, else a UNIQUE key created with the table; counters from the sequence', () => {
  const tickets = table(
    'tickets',
    [
      col('code', { name: 'text' }, { nullable: false, stats: { maxChars: 5 } }),
      col(
        'seq_no',
        { name: 'int4' },
        {
          nullable: false,
          default: "nextval('tickets_seq'::regclass)",
          sequence: { schema: 'public', name: 'tickets_seq' },
        },
      ),
      col(
        'other',
        { name: 'int4' },
        {
          nullable: false,
          default: "nextval('other_seq'::regclass)",
          sequence: { schema: 'public', name: 'other_seq' },
        },
      ),
    ],
    {
      primaryKey: { name: 'pk', columns: ['code'] },
      uniques: [{ name: 'tickets_seq_no_key', columns: ['seq_no'], nullsNotDistinct: false }],
    },
  );
  const p = plan(
    catalog([users, tickets], {
      sequences: [
        seq('id_seq', { lastValue: '41', increment: '1' }),
        seq('tickets_seq', { start: '100' }),
        seq('other_seq'),
      ],
    }),
  );
  const create = ops(p, 'createTable').find((o) => o.table === 'tickets')!;
  assert.deepEqual(create.uniqueKeys, [{ name: 'tickets_seq_no_key', columns: ['seq_no'] }]);
  assert.deepEqual(
    create.columns.map((c) => c.autoIncrement),
    [false, true, false],
  );
  assert.equal(
    ops(p, 'addIndex').filter((o) => o.table === 'tickets').length,
    0,
    'not repeated in post-data',
  );
  assert.deepEqual(
    ops(p, 'setAutoIncrement').map((o) => [o.table, o.column, o.next]),
    [
      ['users', 'id', '42'],
      ['tickets', 'seq_no', '100'],
    ],
  );
  assert.ok(
    p.warnings.some((w) => w.code === 'AUTO_INCREMENT_NOT_POSSIBLE' && w.object === 'public.tickets.other'),
  );
  assert.ok(p.notConverted.some((n) => n.kind === 'default' && n.name === 'tickets.other'));
  const odd = plan(
    catalog([users], { sequences: [seq('id_seq', { lastValue: '10', increment: '5', cycle: true })] }),
  );
  assert.equal(ops(odd, 'setAutoIncrement')[0]?.next, '15');
  assert.ok(odd.warnings.some((w) => w.code === 'SEQUENCE_SEMANTICS'));
});

test('what is not converted, and why', () => {
  const t = table(
    't',
    [
      id(),
      col('a', { name: 'int4' }),
      col('b', { name: 'varchar', length: 20 }),
      col('doc', { name: 'jsonb' }),
      col('parent_id', {
        name: 'int8',
        domain: {
          schema: 'public',
          name: 'pos',
          notNull: false,
          checks: ['CHECK ((VALUE > 0))', "(VALUE ~~ '1%'::text)"],
        },
      }),
    ],
    {
      primaryKey: { name: 't_pkey', columns: ['id'] },
      uniques: [{ name: 't_b_key', columns: ['b'], nullsNotDistinct: true }],
      indexes: [
        index('t_partial', ['a'], { unique: true, predicate: '(a > 0)' }),
        index('t_expr', [], { columns: [{ expression: 'lower((b)::text)', descending: false }] }),
        index('t_gin', ['doc'], { method: 'gin' }),
        index('t_doc', ['doc']),
        index('t_desc', ['a', 'b'], {
          columns: [
            { column: 'a', descending: true },
            { column: 'b', descending: false },
          ],
        }),
      ],
      foreignKeys: [
        {
          name: 't_fk_default',
          columns: ['parent_id'],
          references: { schema: 'public', name: 't', columns: ['id'] },
          onDelete: 'SET DEFAULT',
          onUpdate: 'NO ACTION',
          deferrable: false,
        },
        {
          name: 't_fk_missing',
          columns: ['a'],
          references: { schema: 'public', name: 'gone', columns: ['id'] },
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
          deferrable: false,
        },
        {
          name: 't_fk_self',
          columns: ['parent_id'],
          references: { schema: 'public', name: 't', columns: ['id'] },
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
          deferrable: true,
        },
      ],
      checks: [
        { name: 't_ok', expression: '(a > 0)' },
        { name: 't_regex', expression: "((b)::text ~ 'x'::text)" },
        { name: 't_ai', expression: '(id > 0)' },
      ],
    },
  );
  const p = plan(
    catalog([t], {
      notConverted: [{ kind: 'view', schema: 'public', name: 'v', reason: 'views are not migrated' }],
    }),
  );
  const nc = Object.fromEntries(p.notConverted.map((n) => [n.name, n]));
  assert.equal(nc.v?.kind, 'view', 'catalog entries carried through');
  assert.equal(nc['t.t_b_key']?.kind, 'unique constraint');
  assert.match(nc['t.t_partial']!.reason, /uniqueness is NOT enforced/);
  assert.equal(nc['t.t_partial']?.kind, 'partial index');
  assert.equal(nc['t.t_expr']?.kind, 'expression index');
  assert.equal(nc['t.t_gin']?.kind, 'index method');
  assert.equal(nc['t.t_doc']?.kind, 'index');
  assert.match(nc['t.t_fk_default']!.reason, /SET DEFAULT/);
  assert.equal(nc['t.t_fk_default']?.kind, 'foreign key');
  assert.match(nc['t.t_fk_missing']!.reason, /public\.gone/);
  assert.equal(nc['t.t_regex']?.kind, 'check constraint');
  assert.match(nc['t.t_ai']!.reason, /AUTO_INCREMENT/);
  assert.match(nc['t.parent_id (domain public.pos)']!.reason, /~~/);
  assert.deepEqual(
    ops(p, 'addCheck').map((o) => o.name),
    ['t_ok', 't_parent_id_check_1'],
  );
  assert.deepEqual(
    ops(p, 'addIndex').map((o) => [o.name, o.parts]),
    [
      [
        't_desc',
        [
          { column: 'a', descending: true },
          { column: 'b', descending: false },
        ],
      ],
    ],
  );
  assert.deepEqual(
    ops(p, 'addForeignKey').map((o) => o.name),
    ['t_fk_self'],
  );
  const codes = p.warnings.map((w) => `${w.code} ${w.object}`);
  assert.ok(codes.includes('UNIQUE_NOT_ENFORCED public.t.t_b_key'));
  assert.ok(codes.includes('UNIQUE_NOT_ENFORCED public.t.t_partial'));
  assert.ok(codes.includes('FK_DEFERRABLE public.t.t_fk_self'));
});

test('a primary key MySQL cannot index is an error; CHECKs on FK-action columns are reported', () => {
  assert.throws(
    () =>
      plan(
        catalog([
          table('t', [col('doc', { name: 'jsonb' }, { nullable: false })], {
            primaryKey: { name: 'pk', columns: ['doc'] },
          }),
        ]),
      ),
    (e) => isMigrationError(e) && e.code === 'TYPE_UNMAPPABLE' && e.message.includes('public.t.doc'),
  );
  const p = plan(
    catalog([users, { ...posts, checks: [{ name: 'posts_user_check', expression: '(user_id > 0)' }] }]),
  );
  assert.match(p.notConverted.find((n) => n.name === 'posts.posts_user_check')!.reason, /3823/);
  const emojiCheck = [{ name: 'posts_title_check', expression: "(title <> '😀'::text)" }];
  const emoji = plan(catalog([{ ...posts, foreignKeys: [], checks: emojiCheck }]));
  assert.equal(ops(emoji, 'addCheck').length, 1);
  assert.ok(
    emoji.warnings.some(
      (w) => w.code === 'CHECK_LITERAL_4BYTE' && w.object === 'public.posts.posts_title_check',
    ),
  );
});

test('long names are shortened and listed; FK and CHECK names are unique per database', () => {
  const long = 'a'.repeat(70);
  const fk = (name: string) => ({
    name,
    columns: ['user_id'],
    references: { schema: 'public', name: 'users', columns: ['id'] },
    onDelete: 'NO ACTION' as const,
    onUpdate: 'NO ACTION' as const,
    deferrable: false,
  });
  const t1 = table(long, [id(), col(long, { name: 'int4' }), col('user_id', { name: 'int8' })], {
    foreignKeys: [fk('user_fk')],
    indexes: [index('PRIMARY', ['user_id'])],
  });
  const t2 = table('t2', [id(), col('user_id', { name: 'int8' })], {
    foreignKeys: [fk('user_fk')],
    checks: [{ name: 'user_fk', expression: '(user_id > 0)' }],
  });
  const p = plan(catalog([users, t1, t2]));
  const short = `${'a'.repeat(55)}_`;
  assert.ok(ops(p, 'createTable')[1]!.table.startsWith(short));
  assert.equal(ops(p, 'createTable')[1]!.table.length, 64);
  assert.deepEqual(
    ops(p, 'addForeignKey').map((o) => o.name),
    ['user_fk', 'user_fk_2'],
  );
  assert.deepEqual(
    ops(p, 'addCheck').map((o) => o.name),
    ['user_fk_3'],
  );
  assert.equal(ops(p, 'addIndex').find((o) => o.table.startsWith(short))?.name, 'PRIMARY_2');
  assert.deepEqual(
    p.renamed.map((r) => [r.kind, r.to.length <= 64]),
    [
      ['table', true],
      ['column', true],
      ['index', true],
      ['foreignKey', true],
      ['check', true],
    ],
  );
});

test('rows past 65,535 bytes: the widest non-key VARCHARs become TEXT, with a warning', () => {
  const cols = [
    id(),
    ...Array.from({ length: 20 }, (_, i) =>
      col(`v${i}`, { name: 'varchar', length: 1000 + i }, { stats: { maxChars: 10 } }),
    ),
  ];
  const p = plan(
    catalog([
      table('wide', cols, {
        primaryKey: { name: 'pk', columns: ['id'] },
        indexes: [index('v0_idx', ['v0'])],
      }),
    ]),
  );
  const create = ops(p, 'createTable')[0]!;
  assert.ok(tableRowBytes(create.columns) <= 65_535);
  const spilled = create.columns.filter((c) => c.type.name === 'TEXT').map((c) => c.name);
  assert.deepEqual(spilled, ['v16', 'v17', 'v18', 'v19'], 'widest first, indexed v0 untouched');
  assert.equal(p.warnings.filter((w) => w.code === 'VARCHAR_AS_TEXT').length, 4);
  assert.ok(p.tables[0]!.columns.filter((c) => c.loss !== undefined).length === 4);
});

test('index key bytes past the limit are warned about', () => {
  const t = table(
    't',
    [id(), col('a', { name: 'varchar', length: 500 }), col('b', { name: 'varchar', length: 500 })],
    {
      indexes: [index('t_ab', ['a', 'b'])],
    },
  );
  const w = plan(catalog([t])).warnings.find((x) => x.code === 'INDEX_KEY_TOO_LONG');
  assert.equal(w?.object, 'public.t.t_ab');
  assert.match(w!.message, /4000 bytes/);
});

test('decisions: default vs config; table-level warnings', () => {
  const t = table('events', [id(), col('at', { name: 'timestamptz' })], {
    rowSecurity: true,
    partitioning: { strategy: 'range', key: 'at', partitions: ['public.events_2024'] },
  });
  const def = plan(catalog([t]));
  assert.deepEqual(
    def.decisions.map((d) => [d.column, d.key, d.choice, d.source]),
    [['public.events.at', 'types.timestamptz', 'datetime', 'default']],
  );
  const cfg = plan(catalog([t]), {
    ...DEFAULT_PLAN_OPTIONS,
    types: { ...DEFAULT_PLAN_OPTIONS.types, timestamptz: 'timestamp' },
  });
  assert.equal(cfg.decisions[0]?.source, 'config');
  assert.ok(
    def.warnings.some((w) => w.code === 'PARTITIONED_TABLE' && w.message.includes('public.events_2024')),
  );
  assert.ok(def.warnings.some((w) => w.code === 'ROW_SECURITY'));
  const emoji = plan(catalog([{ ...t, comment: 'events 📅' }]));
  assert.equal(emoji.notConverted.find((n) => n.kind === 'comment')?.name, 'events');
  assert.equal((emoji.preData[0] as Extract<DdlOp, { kind: 'createTable' }>).comment, undefined);
  assert.throws(
    () => plan(catalog([t]), { ...DEFAULT_PLAN_OPTIONS, collation: { key: 'utf8mb4_bin; DROP' } }),
    /collation\.key/,
  );
});
