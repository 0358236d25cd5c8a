// Tests of the DDL renderers: exact SQL per op kind on both dialects, explicit CHARACTER SET and COLLATE on
// every string column, expression defaults on TEXT/JSON, batching of ALTERs per table, and that the
// reviewable script's comments cannot break out and its header is deterministic.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MARIADB, MYSQL8 } from '../../dialect/capabilities.js';
import type { DdlOp, MigrationPlan, TargetColumn } from '../../plan/model.js';
import {
  commentText,
  renderColumn,
  renderOp,
  renderScript,
  renderTableOps,
  renderType,
} from './render-ddl.js';

const varchar: TargetColumn = {
  name: 'email',
  type: { name: 'VARCHAR', args: [255], charset: 'utf8mb4', collation: 'utf8mb4_0900_bin' },
  nullable: false,
  autoIncrement: false,
  default: { kind: 'literal', sql: [{ str: '' }] },
  comment: "it's */ here",
};

test('createTable: columns, PK, unique keys, table options and comment', () => {
  const op: Extract<DdlOp, { kind: 'createTable' }> = {
    kind: 'createTable',
    table: 'order',
    columns: [
      { name: 'id', type: { name: 'BIGINT' }, nullable: false, autoIncrement: true },
      varchar,
      { name: 'n', type: { name: 'INT UNSIGNED' }, nullable: true, autoIncrement: false },
      {
        name: 'total',
        type: { name: 'DECIMAL', args: [14, 2] },
        nullable: true,
        autoIncrement: false,
        generated: ['(', { ident: 'a' }, ' * ', { ident: 'b' }, ')'],
      },
    ],
    primaryKey: { columns: ['id'] },
    uniqueKeys: [{ name: 'order_n_key', columns: ['n'] }],
    comment: "Don't */ stop",
  };
  assert.equal(
    renderOp(op, MYSQL8),
    [
      'CREATE TABLE `order` (',
      '  `id` BIGINT NOT NULL AUTO_INCREMENT,',
      "  `email` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin NOT NULL DEFAULT '' COMMENT 'it''s */ here',",
      '  `n` INT UNSIGNED NULL,',
      '  `total` DECIMAL(14,2) GENERATED ALWAYS AS ((`a` * `b`)) STORED,',
      '  PRIMARY KEY (`id`),',
      '  UNIQUE KEY `order_n_key` (`n`)',
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin COMMENT='Don''t */ stop'",
    ].join('\n'),
  );
  assert.match(
    renderOp({ kind: 'createTable', table: op.table, columns: op.columns }, MARIADB),
    /\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin$/,
  );
});

test('types and defaults', () => {
  assert.equal(
    renderType({ name: 'ENUM', values: ["a'b", 'c'], charset: 'utf8mb4', collation: 'utf8mb4_nopad_bin' }),
    "ENUM('a''b','c') CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin",
  );
  assert.equal(renderType({ name: 'DECIMAL UNSIGNED', args: [10, 2] }), 'DECIMAL(10,2) UNSIGNED');
  assert.throws(() => renderType({ name: 'INT; DROP TABLE x' }));
  assert.throws(() => renderType({ name: 'VARCHAR', args: [-1] }));
  assert.throws(() =>
    renderType({ name: 'TEXT', charset: 'utf8mb4', collation: 'utf8mb4_bin; DROP TABLE x' }),
  );
  const col = (over: Partial<TargetColumn>): string =>
    renderColumn({
      name: 'c',
      type: { name: 'LONGTEXT', charset: 'utf8mb4', collation: 'utf8mb4_0900_as_cs' },
      nullable: true,
      autoIncrement: false,
      ...over,
    });
  assert.equal(
    col({ default: { kind: 'literal', sql: [{ str: 'x' }] } }),
    "`c` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_cs NULL DEFAULT ('x')",
  );
  assert.equal(
    col({ type: { name: 'JSON' }, default: { kind: 'expression', sql: [{ str: '{}' }] } }),
    "`c` JSON NULL DEFAULT ('{}')",
  );
  assert.equal(
    col({ type: { name: 'DATETIME', args: [6] }, default: { kind: 'current_timestamp', fsp: 6 } }),
    '`c` DATETIME(6) NULL DEFAULT CURRENT_TIMESTAMP(6)',
  );
  assert.equal(
    col({ type: { name: 'DATETIME', args: [0] }, default: { kind: 'current_timestamp', fsp: 0 } }),
    '`c` DATETIME(0) NULL DEFAULT CURRENT_TIMESTAMP',
  );
  assert.equal(
    col({
      type: { name: 'CHAR', args: [36], charset: 'ascii', collation: 'ascii_bin' },
      default: { kind: 'expression', sql: ['UUID()'] },
    }),
    '`c` CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL DEFAULT (UUID())',
  );
  assert.equal(
    col({ type: { name: 'TINYINT', args: [1] }, nullable: false, default: { kind: 'literal', sql: ['1'] } }),
    '`c` TINYINT(1) NOT NULL DEFAULT 1',
  );
});

const alterOps: DdlOp[] = [
  { kind: 'addIndex', table: 't', name: 'u', unique: true, parts: [{ column: 'a', descending: false }] },
  {
    kind: 'addIndex',
    table: 't',
    name: 'i',
    unique: false,
    parts: [
      { column: 'a', descending: true },
      { column: 'b', descending: false },
    ],
  },
  {
    kind: 'addForeignKey',
    table: 'u',
    name: 'fk',
    columns: ['t_id'],
    refTable: 't',
    refColumns: ['id'],
    onDelete: 'SET NULL',
    onUpdate: 'NO ACTION',
  },
  { kind: 'addCheck', table: 'u', name: 'ck', expression: ['(', { ident: 'n' }, ' > 0)'] },
  { kind: 'setAutoIncrement', table: 'u', column: 'id', next: '42' },
];

test('one renderer per op kind', () => {
  assert.deepEqual(
    alterOps.map((o) => renderOp(o, MYSQL8)),
    [
      'ALTER TABLE `t` ADD UNIQUE INDEX `u` (`a`)',
      'ALTER TABLE `t` ADD INDEX `i` (`a` DESC, `b`)',
      'ALTER TABLE `u` ADD CONSTRAINT `fk` FOREIGN KEY (`t_id`) REFERENCES `t` (`id`) ON DELETE SET NULL ON UPDATE NO ACTION',
      'ALTER TABLE `u` ADD CONSTRAINT `ck` CHECK ((`n` > 0))',
      'ALTER TABLE `u` AUTO_INCREMENT = 42',
    ],
  );
  assert.throws(() =>
    renderOp({ kind: 'setAutoIncrement', table: 'u', column: 'id', next: '1; DROP TABLE u' }, MYSQL8),
  );
  assert.throws(() =>
    renderOp({ kind: 'addCheck', table: 'u', name: 'ck', expression: ['1); DROP TABLE u; --'] }, MYSQL8),
  );
});

test('renderTableOps batches consecutive ALTERs per table, keeping order', () => {
  const create: DdlOp = {
    kind: 'createTable',
    table: 'v',
    columns: [{ name: 'id', type: { name: 'INT' }, nullable: false, autoIncrement: false }],
  };
  const out = renderTableOps([...alterOps, create, alterOps[0]!], MYSQL8);
  assert.deepEqual(out, [
    'ALTER TABLE `t`\n  ADD UNIQUE INDEX `u` (`a`),\n  ADD INDEX `i` (`a` DESC, `b`)',
    'ALTER TABLE `u`\n  ADD CONSTRAINT `fk` FOREIGN KEY (`t_id`) REFERENCES `t` (`id`) ON DELETE SET NULL ON UPDATE NO ACTION,\n  ADD CONSTRAINT `ck` CHECK ((`n` > 0)),\n  AUTO_INCREMENT = 42',
    renderOp(create, MYSQL8),
    'ALTER TABLE `t`\n  ADD UNIQUE INDEX `u` (`a`)',
  ]);
});

const hostile = 'evil\n DROP TABLE x; -- \r\n*/ /* \u2028 next\u0000';
const planWith = (dialect: 'mysql8' | 'mariadb'): MigrationPlan => ({
  version: 1,
  dialect,
  fingerprint: 'f'.repeat(64),
  tables: [
    {
      source: { schema: 'public', name: 't' },
      target: 't',
      columns: [
        {
          source: 'c',
          target: 'c',
          sourceType: 'jsonb',
          ruleId: 'jsonb',
          transform: 'none',
          loss: hostile,
          generated: false,
        },
      ],
      key: { kind: 'ctid', columns: [] },
      estimatedRows: 0,
      totalBytes: 0,
    },
  ],
  preData: [
    {
      kind: 'createTable',
      table: 't',
      columns: [{ name: 'c', type: { name: 'JSON' }, nullable: true, autoIncrement: false }],
    },
  ],
  postData: [alterOps[0]!],
  decisions: [
    {
      key: 'types.json',
      column: 'public.t.c',
      ruleId: 'json-text',
      choice: 'text',
      source: 'default',
      note: hostile,
    },
  ],
  warnings: [{ code: 'X', object: hostile, message: hostile }],
  renamed: [{ kind: 'table', scope: 'database', from: hostile, to: 't' }],
  notConverted: [{ kind: 'view', schema: 'public', name: hostile, reason: hostile }],
});

test('renderScript: comments cannot break out; statements end with semicolons', () => {
  const sql = renderScript(planWith('mysql8'), MYSQL8);
  const head = sql.slice(0, sql.indexOf('SET NAMES utf8mb4;'));
  for (const line of head.split('\n').filter((l) => l !== ''))
    assert.ok(line.startsWith('-- ') || line === '--', JSON.stringify(line));
  assert.ok(!head.includes('*/'));
  assert.ok(!head.includes('\u2028') && !head.includes('\u0000') && !head.includes('\r'));
  assert.match(sql, /^-- pg2my schema for MySQL 8 \(mysql8\)\n-- Plan fingerprint: f{64}\n/);
  assert.match(
    sql,
    /CREATE TABLE `t` \(\n {2}`c` JSON NULL\n\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;\n/,
  );
  assert.match(sql, /ALTER TABLE `t`\n {2}ADD UNIQUE INDEX `u` \(`a`\);\n$/);
  assert.equal(renderScript(planWith('mysql8'), MYSQL8), sql, 'deterministic');
  assert.throws(() => renderScript(planWith('mariadb'), MYSQL8), /plan is for mariadb/);
  assert.equal(commentText('a\nb*/c'), 'a b* /c');
});
