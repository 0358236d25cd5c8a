// introspect() against the real test PostgreSQL with both sample schemas (test/fixtures/sql): spot-checks
// every catalog fact the planner relies on (types and typmods, identity/serial sequences, enums, domains,
// arrays, partitions, index shapes, FK actions, checks, comments, notConverted), that stats appear only
// where mappings need them, and that the output is deterministic and JSON-clean. Edge cases live in
// introspect-edge-cases.test.ts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import pg from 'pg';
import type { Catalog, Column, Table } from '../../src/catalog/model.js';
import { parseConnectionUrl } from '../../src/config/urls.js';
import { connectSource } from '../../src/source/postgres/connect.js';
import { type IntrospectOptions, introspect } from '../../src/source/postgres/introspect.js';
import { freshPgDatabase } from '../helpers/servers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/sql/${name}.sql`, import.meta.url), 'utf8');

async function withSource<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectSource(parseConnectionUrl(url, 'source'));
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
const read = (url: string, opts: IntrospectOptions = {}) => withSource(url, (c) => introspect(c, opts));

function table(c: Catalog, name: string, schema = 'public'): Table {
  const t = c.tables.find((x) => x.schema === schema && x.name === name);
  assert.ok(t, `table ${schema}.${name}`);
  return t;
}
function col(t: Table, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c, `column ${t.name}.${name}`);
  return c;
}
const index = (t: Table, name: string) => t.indexes.find((i) => i.name === name);
const fk = (t: Table, name: string) => t.foreignKeys.find((f) => f.name === name);
const statsColumns = (c: Catalog) =>
  c.tables.flatMap((t) => t.columns.filter((x) => x.stats).map((x) => `${t.name}.${x.name}`));

test('rails sample: identity and serial ids, Rails indexes and FKs, stats on keyed strings only', async () => {
  const url = await freshPgDatabase('introspect_rails', fixture('rails'));
  const c = await read(url);
  assert.equal(c.version, 1);
  assert.equal(c.source.engine, 'postgresql');
  assert.ok(c.source.versionNum >= 120000);
  assert.match(c.source.version, /^PostgreSQL \d+/);
  assert.equal(c.source.database, 'introspect_rails');
  assert.equal(c.source.encoding, 'UTF8');
  assert.deepEqual(c.schemas, ['public']);
  assert.deepEqual(
    c.tables.map((t) => t.name),
    [
      'alarm_contents',
      'ar_internal_metadata',
      'contents',
      'feedbacks',
      'line_groups',
      'operators',
      'schema_migrations',
    ],
  );

  const ops = table(c, 'operators');
  assert.deepEqual(col(ops, 'id'), {
    name: 'id',
    ordinal: 1,
    type: { name: 'int8', formatted: 'bigint' },
    nullable: false,
    identity: 'by default',
    sequence: { schema: 'public', name: 'operators_id_seq' },
  });
  assert.deepEqual(col(ops, 'email').type, {
    name: 'varchar',
    formatted: 'character varying(255)',
    length: 255,
  });
  assert.equal(col(ops, 'email').default, "''::character varying");
  assert.deepEqual(col(ops, 'status'), {
    name: 'status',
    ordinal: 6,
    type: { name: 'int4', formatted: 'integer' },
    nullable: false,
    default: '0',
  });
  assert.equal(col(ops, 'admin').default, 'false');
  assert.deepEqual(col(ops, 'created_at').type, {
    name: 'timestamp',
    formatted: 'timestamp(6) without time zone',
    fsp: 6,
  });
  assert.deepEqual(ops.primaryKey, { name: 'operators_pkey', columns: ['id'] });
  assert.deepEqual(index(ops, 'index_operators_on_email'), {
    name: 'index_operators_on_email',
    unique: true,
    columns: [{ column: 'email', descending: false }],
    method: 'btree',
    backsConstraint: false,
  });
  assert.equal(index(ops, 'operators_pkey')?.backsConstraint, true);
  assert.deepEqual(ops.uniques, [], 'unique indexes are not UNIQUE constraints');
  // Japanese address: 14 characters, 29 UTF-8 bytes; the longest ASCII one has 22.
  assert.deepEqual(col(ops, 'email').stats, { maxChars: 22, maxBytes: 29 });
  assert.equal(ops.estimatedRows, 20, 'the fixture ends with ANALYZE');
  assert.ok(ops.totalBytes > 0);

  const groups = table(c, 'line_groups');
  assert.equal(col(groups, 'id').default, "nextval('line_groups_id_seq'::regclass)");
  assert.equal(col(groups, 'id').identity, undefined);
  assert.deepEqual(col(groups, 'id').sequence, { schema: 'public', name: 'line_groups_id_seq' });
  assert.deepEqual(col(groups, 'line_group_id').type, { name: 'varchar', formatted: 'character varying' });
  assert.equal(index(groups, 'index_line_groups_on_line_group_id')?.unique, true);
  assert.deepEqual(fk(groups, 'fk_rails_1f3a9c2b7d'), {
    name: 'fk_rails_1f3a9c2b7d',
    columns: ['operator_id'],
    references: { schema: 'public', name: 'operators', columns: ['id'] },
    onDelete: 'NO ACTION',
    onUpdate: 'NO ACTION',
    deferrable: false,
  });
  assert.equal(fk(table(c, 'contents'), 'fk_rails_5e0d4b8a61')?.onDelete, 'CASCADE');
  assert.equal(fk(table(c, 'contents'), 'fk_rails_8c2e7f1a90')?.onDelete, 'SET NULL');
  assert.equal(fk(table(c, 'feedbacks'), 'fk_rails_e2b6f8d047')?.onDelete, 'RESTRICT');
  assert.deepEqual(
    index(table(c, 'feedbacks'), 'index_feedbacks_on_operator_id_and_created_at')?.columns.map(
      (x) => x.column,
    ),
    ['operator_id', 'created_at'],
  );
  assert.equal(table(c, 'contents').estimatedRows, 123);

  assert.deepEqual(statsColumns(c).sort(), [
    'ar_internal_metadata.key',
    'line_groups.line_group_id',
    'operators.email',
    'operators.reset_password_token',
    'schema_migrations.version',
  ]);
  const seq = c.sequences.find((s) => s.name === 'operators_id_seq');
  assert.deepEqual(seq, {
    schema: 'public',
    name: 'operators_id_seq',
    dataType: 'bigint',
    start: '1',
    increment: '1',
    min: '1',
    max: '9223372036854775807',
    cycle: false,
    lastValue: '20',
    ownedBy: { schema: 'public', name: 'operators', column: 'id' },
  });
  assert.deepEqual(c.notConverted, []);
  assert.deepEqual(JSON.parse(JSON.stringify(c)), c, 'no undefined-valued properties');
});

test('kitchen sink: every type, partitions, index shapes, FK actions, checks, comments, notConverted', async () => {
  const url = await freshPgDatabase('introspect_kitchen_sink', fixture('kitchen-sink'));
  const c = await read(url);
  const all = table(c, 'all_types');
  const type = (name: string) => col(all, name).type;
  assert.equal(all.columns.length, 43);
  assert.deepEqual(
    all.columns.map((x) => x.ordinal),
    all.columns.map((_, i) => i + 1),
  );
  assert.deepEqual(col(all, 'id').identity, 'always');
  assert.deepEqual(col(all, 'c_serial').sequence, { schema: 'public', name: 'all_types_c_serial_seq' });
  const names = Object.fromEntries(all.columns.map((x) => [x.name, x.type.name]));
  assert.deepEqual(
    [names.c_int2, names.c_int4, names.c_int8, names.c_real, names.c_double, names.c_bool, names.c_bytea],
    ['int2', 'int4', 'int8', 'float4', 'float8', 'bool', 'bytea'],
  );
  for (const n of [
    'date',
    'uuid',
    'json',
    'jsonb',
    'inet',
    'cidr',
    'macaddr',
    'money',
    'citext',
    'tsvector',
    'xml',
  ])
    assert.equal(names[`c_${n}`], n);
  assert.deepEqual(type('c_numeric_12_2'), {
    name: 'numeric',
    formatted: 'numeric(12,2)',
    precision: 12,
    scale: 2,
  });
  assert.deepEqual(type('c_numeric'), { name: 'numeric', formatted: 'numeric' });
  assert.deepEqual(type('c_char'), { name: 'bpchar', formatted: 'character(10)', length: 10 });
  assert.deepEqual(type('c_varchar'), { name: 'varchar', formatted: 'character varying(50)', length: 50 });
  assert.equal(type('c_varchar_unbounded').length, undefined);
  assert.equal(type('c_time').fsp, undefined);
  assert.equal(type('c_time3').fsp, 3);
  assert.equal(type('c_timestamp3').fsp, 3);
  assert.equal(type('c_timestamptz0').fsp, 0, 'fsp 0 is kept, not dropped as falsy');
  assert.deepEqual(type('c_int_array'), { name: 'int4', formatted: 'integer[]', array: { dims: 1 } });
  assert.deepEqual(type('c_text_array').array, { dims: 1 });
  assert.deepEqual(type('c_int_matrix').array, { dims: 2 });
  assert.deepEqual(type('c_mood'), {
    name: 'enum',
    formatted: 'mood',
    enum: { schema: 'public', name: 'mood', labels: ['sad', 'ok', 'happy', 'très bien 😀'] },
  });
  assert.deepEqual(type('c_positive'), {
    name: 'int4',
    formatted: 'positive_int',
    domain: { schema: 'public', name: 'positive_int', notNull: false, checks: ['VALUE > 0'] },
  });
  assert.equal(type('c_email').name, 'text');
  assert.equal(col(all, 'c_numeric').comment, 'Unbounded numeric: the target precision comes from the data.');
  assert.deepEqual(col(all, 'c_numeric').stats, {
    numericMaxIntDigits: 20,
    numericMaxScale: 15,
    numericSpecials: 0,
  });
  assert.ok(col(all, 'order') && col(all, 'key'));

  const customers = table(c, 'customers');
  assert.equal(customers.comment, "People who place orders. Not a comment terminator: */ and it's fine.");
  assert.equal(
    col(customers, 'email').comment,
    "Login e-mail, compared case-insensitively; it's */ unique-ish.",
  );
  assert.equal(col(customers, 'id').identity, 'by default');
  assert.equal(col(customers, 'mood').default, "'ok'::mood");
  assert.deepEqual(customers.uniques, [
    { name: 'customers_username_key', columns: ['username'], nullsNotDistinct: false },
  ]);
  assert.deepEqual(index(customers, 'customers_lower_full_name_idx')?.columns, [
    { expression: 'lower(full_name::text)', descending: false },
  ]);
  assert.equal(index(customers, 'customers_email_key_idx')?.backsConstraint, false);
  assert.equal(fk(customers, 'customers_country_code_fkey')?.onDelete, 'SET NULL');

  const orders = table(c, 'orders');
  assert.equal(orders.rowSecurity, true);
  assert.deepEqual(index(orders, 'orders_customer_placed_idx')?.columns, [
    { column: 'customer_id', descending: true },
    { column: 'placed_at', descending: true },
  ]);
  assert.equal(index(orders, 'orders_open_idx')?.predicate, "status = 'open'::text");
  assert.deepEqual(orders.checks, [
    {
      name: 'orders_status_check',
      expression: "status = ANY (ARRAY['open'::text, 'paid'::text, 'shipped'::text])",
    },
    { name: 'orders_total_check', expression: 'total >= 0::numeric' },
  ]);
  assert.equal(fk(orders, 'orders_customer_id_fkey')?.onDelete, 'CASCADE');
  assert.equal(col(orders, 'placed_at').type.fsp, 3);

  const products = table(c, 'products');
  assert.equal(index(products, 'products_search_idx')?.method, 'gin');
  assert.deepEqual(
    products.uniques.map((u) => [u.name, u.nullsNotDistinct]),
    [
      ['products_barcode_key', c.source.versionNum >= 150000],
      ['products_sku_key', false],
    ],
  );
  const lines = table(c, 'order_lines');
  assert.deepEqual(lines.primaryKey, { name: 'order_lines_pkey', columns: ['order_id', 'line_no'] });
  assert.equal(fk(lines, 'order_lines_product_id_fkey')?.onDelete, 'RESTRICT');
  assert.equal(col(lines, 'line_total').generated, '((quantity)::numeric * unit_price)');
  assert.equal(col(lines, 'line_total').default, undefined);
  assert.equal(table(c, 'event_log').primaryKey, undefined);
  assert.equal(table(c, 'countries').primaryKey?.columns[0], 'code');

  const m = table(c, 'measurements');
  assert.deepEqual(m.partitioning, {
    strategy: 'range',
    key: 'RANGE (taken_on)',
    partitions: ['measurements_2023', 'measurements_2024'],
  });
  assert.equal(m.estimatedRows, 15, 'summed over the partitions');
  assert.ok(m.totalBytes > 0);
  assert.ok(!c.tables.some((t) => t.name.startsWith('measurements_')), 'partitions are not tables');

  assert.deepEqual(
    c.notConverted.map((n) => [n.kind, n.name]),
    [
      ['extension', 'citext'],
      ['function', 'touch_updated_at()'],
      ['materialized view', 'product_prices'],
      ['policy', 'orders.orders_visible'],
      ['rule', 'event_log.event_log_no_delete'],
      ['trigger', 'customers.customers_touch'],
      ['view', 'customer_order_totals'],
    ],
  );
  for (const n of c.notConverted) assert.ok(n.reason.length > 40 && n.schema === 'public', n.name);
  assert.deepEqual(c.enums, [
    { schema: 'public', name: 'mood', labels: ['sad', 'ok', 'happy', 'très bien 😀'] },
  ]);
  assert.deepEqual(
    c.domains.map((d) => [d.name, d.baseType, d.checks]),
    [
      ['email_address', 'text', ["VALUE ~~ '%@%'::text"]],
      ['positive_int', 'integer', ['VALUE > 0']],
    ],
  );
  // Measured: what the planner bounds (plan/bounded-columns.ts). products.barcode's UNIQUE NULLS NOT
  // DISTINCT is not converted, so barcode is not bounded on the target and not measured.
  assert.deepEqual(statsColumns(c).sort(), [
    'all_types.c_numeric',
    'countries.code',
    'customers.country_code',
    'customers.email',
    'customers.username',
    'products.sku',
  ]);
  assert.deepEqual(col(customers, 'username').stats, { maxChars: 7, maxBytes: 10 });

  // Deterministic, JSON-clean, and independent of the client's own type parsers.
  assert.deepEqual(await read(url), c);
  assert.deepEqual(JSON.parse(JSON.stringify(c)), c);
  const plain = new pg.Client({ connectionString: url });
  await plain.connect();
  try {
    assert.deepEqual(await introspect(plain), c);
  } finally {
    await plain.end();
  }
  assert.deepEqual(statsColumns(await read(url, { measure: false })), []);
});
