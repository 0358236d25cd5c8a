// Unit tests of the target's limits on stored generated columns (PK, FK actions, char(n) — per dialect, as
// measured on MariaDB 10.11 and documented for MySQL 8), of fitting a result kind to the planned column type,
// and of refusing an expression that reads a column a type override stored as another family.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Column, ColumnType, FkAction, Table } from '../catalog/model.js';
import { MARIADB, MYSQL8 } from '../dialect/capabilities.js';
import { renderFragment } from '../target/mysql/quote.js';
import { fitGenerated, generatedLimits } from './generated-limits.js';
import { translateExpr } from './translate-expr.js';

const col = (name: string, type: Partial<ColumnType> = {}): Column => ({
  name,
  ordinal: 1,
  type: { name: 'int4', formatted: 'integer', ...type },
  nullable: true,
});

const table = (fk?: { onDelete: FkAction; onUpdate: FkAction }): Table =>
  ({
    schema: 'public',
    name: 't',
    columns: [col('id'), col('pid'), col('code', { name: 'bpchar', formatted: 'character(4)' })],
    primaryKey: { name: 't_pkey', columns: ['id'] },
    uniques: [],
    indexes: [],
    foreignKeys: fk
      ? [
          {
            name: 't_pid_fkey',
            columns: ['pid'],
            references: { schema: 'public', name: 'p', columns: ['id'] },
            deferrable: false,
            ...fk,
          },
        ]
      : [],
    checks: [],
    rowSecurity: false,
    estimatedRows: 0,
    totalBytes: 0,
  }) as Table;

test('the primary key and char(n) columns are limits on both dialects', () => {
  for (const d of [MARIADB, MYSQL8]) {
    const l = generatedLimits(table(), d);
    assert.match(l.self.get('id') ?? '', /primary key/);
    assert.match(l.base.get('code') ?? '', /char\(n\)/);
    assert.equal(l.base.get('pid'), undefined);
  }
});

test('FK actions: what each dialect refuses on the column and on a column it reads', () => {
  const cases: [FkAction, FkAction, mariadbBase: boolean, mysqlBase: boolean, self: boolean][] = [
    ['NO ACTION', 'NO ACTION', false, false, false],
    ['RESTRICT', 'RESTRICT', false, false, false],
    ['CASCADE', 'NO ACTION', false, true, false], // measured: MariaDB 10.11 accepts ON DELETE CASCADE on a base column
    ['NO ACTION', 'CASCADE', true, true, true],
    ['SET NULL', 'NO ACTION', true, true, true],
    ['NO ACTION', 'SET NULL', true, true, true],
    ['SET DEFAULT', 'NO ACTION', true, true, true],
  ];
  for (const [onDelete, onUpdate, mariadbBase, mysqlBase, self] of cases) {
    const label = `ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
    const m = generatedLimits(table({ onDelete, onUpdate }), MARIADB);
    const y = generatedLimits(table({ onDelete, onUpdate }), MYSQL8);
    assert.equal(m.base.has('pid'), mariadbBase, `mariadb base ${label}`);
    assert.equal(y.base.has('pid'), mysqlBase, `mysql8 base ${label}`);
    assert.equal(m.self.has('pid'), self, `mariadb self ${label}`);
    assert.equal(y.self.has('pid'), self, `mysql8 self ${label}`);
    if (mariadbBase) assert.match(m.base.get('pid')!, /t_pid_fkey/);
  }
});

test('a result is fitted to the planned column type, or refused', () => {
  const x = [{ ident: 'x' }];
  const fit = (kind: Parameters<typeof fitGenerated>[1], name: string, args?: number[]) => {
    const r = fitGenerated(x, kind, { name, ...(args ? { args } : {}) });
    return 'sql' in r ? renderFragment(r.sql) : `refused: ${r.reason}`;
  };
  assert.equal(fit('num', 'DECIMAL', [12, 2]), 'ROUND(`x`, 2)');
  assert.equal(fit('num', 'BIGINT'), 'ROUND(`x`, 0)');
  assert.equal(fit('int', 'DECIMAL', [12, 2]), '`x`');
  assert.equal(fit('int', 'INT'), '`x`');
  assert.equal(fit('text', 'VARCHAR', [40]), '`x`');
  assert.equal(fit('unknown', 'LONGTEXT'), '`x`');
  assert.equal(fit('json', 'JSON'), '`x`');
  assert.equal(fit('bool', 'TINYINT', [1]), '`x`');
  assert.match(fit('num', 'LONGTEXT'), /refused: .*num value.*LONGTEXT/);
  assert.match(fit('text', 'INT'), /refused/);
  assert.match(fit('int', 'VARCHAR', [10]), /refused/);
  assert.match(fit('json', 'VARCHAR', [10]), /refused/);
});

test('an expression reading a column stored as another family (a type override) is refused', () => {
  const columns = new Map([
    ['price', { target: 'price', kind: 'num' as const, targetType: 'LONGTEXT' }],
    ['qty', { target: 'qty', kind: 'int' as const, targetType: 'INT' }],
  ]);
  const r = translateExpr('(price * (qty)::numeric)', { columns });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /price is LONGTEXT on the target/);
  const ok = translateExpr('(qty * 2)', { columns });
  assert.ok(ok.ok);
});
