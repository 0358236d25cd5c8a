// The restore check's comparison (missing, extra, row count and checksum differences, each naming the
// table) and the checksum SQL's quoting of names.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableChecksumSql } from './checksum-sql.js';
import { compareTableSums } from './manifest.js';

const t = (table: string, rows: number, checksum = `md5sum128:${rows}:1`) => ({ table, rows, checksum });

test('identical sums compare clean; every difference names its table', () => {
  assert.deepEqual(
    compareTableSums([t('public.a', 3), t('public.b', 0)], [t('public.b', 0), t('public.a', 3)]),
    [],
  );
  assert.deepEqual(
    compareTableSums(
      [t('public.a', 3), t('public.b', 2), t('public.c', 5), t('public.d', 1)],
      [t('public.a', 3, 'md5sum128:9:9'), t('public.b', 1), t('public.d', 1), t('public.e', 0)],
    ),
    [
      'public.a: content checksum differs (3 rows on both sides)',
      'public.b: 2 rows in the source, 1 restored',
      'public.c: missing from the restored copy',
      'public.e: in the restored copy but not in the source',
    ],
  );
});

test('checksum SQL quotes schema and table names and reads ONLY the table itself', () => {
  const sql = tableChecksumSql('we"ird', 'Tab le');
  assert.match(sql, /FROM ONLY "we""ird"\."Tab le" AS t/);
  assert.match(sql, /md5\(t::text\)/);
});
