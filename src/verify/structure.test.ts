// Unit tests for verify's structure check over a hand-made plan and target read-back: a matching target
// has no problem; a missing index, a changed type, a missing table and a low AUTO_INCREMENT are reported;
// MariaDB's utf8mb3 read-back of 4-byte characters is not drift; a NOT ENFORCED CHECK is drift unless it is
// the plan's NOT VALID check on MySQL 8.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MARIADB, MYSQL8 } from '../dialect/capabilities.js';
import type { MigrationPlan } from '../plan/model.js';
import type { TargetSchema, TargetTableInfo } from '../target/mysql/introspect.js';
import { autoIncrementColumns, checkStructure, infoSchemaSpelling } from './structure.js';

const plan: MigrationPlan = {
  version: 1,
  dialect: 'mariadb',
  fingerprint: 'x',
  tables: [],
  preData: [
    {
      kind: 'createTable',
      table: 'users',
      columns: [
        { name: 'id', type: { name: 'BIGINT' }, nullable: false, autoIncrement: true },
        {
          name: 'email',
          type: { name: 'VARCHAR', args: [255], charset: 'utf8mb4', collation: 'utf8mb4_nopad_bin' },
          nullable: false,
          autoIncrement: false,
        },
        {
          name: 'mood',
          type: {
            name: 'ENUM',
            values: ['ok', 'très bien 😀'],
            charset: 'utf8mb4',
            collation: 'utf8mb4_nopad_bin',
          },
          nullable: true,
          autoIncrement: false,
        },
      ],
      primaryKey: { columns: ['id'] },
    },
  ],
  postData: [
    {
      kind: 'addIndex',
      table: 'users',
      name: 'users_email',
      unique: true,
      parts: [{ column: 'email', descending: false }],
    },
    { kind: 'setAutoIncrement', table: 'users', column: 'id', next: '10' },
  ],
  decisions: [],
  warnings: [],
  renamed: [],
  notConverted: [],
};

function target(over: Partial<TargetTableInfo> = {}): TargetSchema {
  const users: TargetTableInfo = {
    name: 'users',
    columns: [
      {
        name: 'id',
        ordinal: 1,
        type: 'bigint',
        nullable: false,
        default: null,
        charset: null,
        collation: null,
        autoIncrement: true,
        generated: false,
        comment: '',
      },
      {
        name: 'email',
        ordinal: 2,
        type: 'varchar(255)',
        nullable: false,
        default: null,
        charset: 'utf8mb4',
        collation: 'utf8mb4_nopad_bin',
        autoIncrement: false,
        generated: false,
        comment: '',
      },
      {
        name: 'mood',
        ordinal: 3,
        type: "enum('ok','très bien ?')",
        nullable: true,
        default: null,
        charset: 'utf8mb4',
        collation: 'utf8mb4_nopad_bin',
        autoIncrement: false,
        generated: false,
        comment: '',
      },
    ],
    indexes: [
      { name: 'users_email', unique: true, parts: [{ column: 'email', descending: false, subPart: null }] },
    ],
    primaryKey: ['id'],
    foreignKeys: [],
    checks: [],
    autoIncrement: '12',
    collation: 'utf8mb4_nopad_bin',
    comment: '',
    ...over,
  };
  return { database: 'db', tables: new Map([['users', users]]) };
}

test('a target that matches the plan has no problem', () => {
  assert.deepEqual(autoIncrementColumns(plan), [{ table: 'users', column: 'id' }]);
  assert.deepEqual(
    checkStructure(plan, target(), MARIADB, [{ table: 'users', column: 'id', max: '11' }]),
    [],
  );
});

test('a missing index, a changed type, a low AUTO_INCREMENT and a missing table are reported', () => {
  const t = target({
    indexes: [],
    columns: target()
      .tables.get('users')!
      .columns.map((c) => (c.name === 'email' ? { ...c, type: 'varchar(100)' } : c)),
    autoIncrement: '12',
  });
  const problems = checkStructure(plan, t, MARIADB, [{ table: 'users', column: 'id', max: '20' }]);
  assert.deepEqual(
    problems.map((p) => [p.object, p.expected, p.actual]),
    [
      ['unique index users_email', 'email', 'missing'],
      ['column email type', 'varchar(255)', 'varchar(100)'],
      ['auto_increment id', '>= 21 (max(id) + 1)', '12'],
    ],
  );
  const none: TargetSchema = { database: 'db', tables: new Map() };
  assert.deepEqual(
    checkStructure(plan, none, MARIADB).map((p) => `${p.table} ${p.object}`),
    ['users table'],
  );
});

test("MariaDB's utf8mb3 information_schema shows 4-byte characters as '?': not drift", () => {
  assert.ok(infoSchemaSpelling("enum('ok','très bien 😀')", "enum('ok','très bien ?')"));
  assert.ok(!infoSchemaSpelling("enum('ok','a')", "enum('ok','?')"));
  assert.ok(infoSchemaSpelling("enum('Émile')", "enum('émile')"), 'read-back lower-cases COLUMN_TYPE');
  assert.ok(!infoSchemaSpelling('varchar(10)', 'varchar(11)'));
});

test('a NOT ENFORCED check is expected for a NOT VALID check on MySQL 8 and drift otherwise', () => {
  const withCheck = (notValid: boolean): MigrationPlan => ({
    ...plan,
    postData: [
      ...plan.postData,
      { kind: 'addCheck', table: 'users', name: 'ck', expression: ['1'], ...(notValid ? { notValid } : {}) },
    ],
  });
  const t = target({ checks: [{ name: 'ck', clause: '1', enforced: false }] });
  const ai = [{ table: 'users', column: 'id', max: '11' }];
  assert.deepEqual(checkStructure(withCheck(true), t, MYSQL8, ai), []);
  const drift = [['check ck', 'ENFORCED', 'NOT ENFORCED']];
  const objects = (p: ReturnType<typeof checkStructure>) => p.map((x) => [x.object, x.expected, x.actual]);
  assert.deepEqual(objects(checkStructure(withCheck(false), t, MYSQL8, ai)), drift);
  assert.deepEqual(objects(checkStructure(withCheck(true), t, MARIADB, ai)), drift);
  const missing = checkStructure(withCheck(true), target(), MARIADB, ai);
  assert.deepEqual(objects(missing), [
    ['check ck', 'present (NOT VALID: existing rows unchecked)', 'missing'],
  ]);
});
