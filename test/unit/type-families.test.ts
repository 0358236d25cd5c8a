// One home per type family: the MySQL families live in src/dialect/type-families.ts and the PostgreSQL ones
// in src/catalog/type-families.ts. This test reads every other source file and fails on a list literal
// that spells a family again (three or more of its members), so a new copy cannot drift from the table.
// Rule data (which PostgreSQL types one rule matches) is not a family and is allowed.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PG_INT_FORMATTED } from '../../src/catalog/type-families.js';
import {
  MYSQL_BLOB_BYTES,
  MYSQL_BYTES_TYPES,
  MYSQL_INT_TYPES,
  MYSQL_LOB_TYPES,
  MYSQL_STRING_TYPES,
  MYSQL_TEXT_BYTES,
  MYSQL_TEXT_TYPES,
} from '../../src/dialect/type-families.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const HOMES = new Set(['dialect/type-families.ts', 'catalog/type-families.ts']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  'MySQL integers': [...MYSQL_INT_TYPES],
  'MySQL TEXT types': Object.keys(MYSQL_TEXT_BYTES),
  'MySQL BLOB types': Object.keys(MYSQL_BLOB_BYTES),
  'PostgreSQL integers (format_type)': Object.values(PG_INT_FORMATTED),
};

test('no source file outside the homes spells a type family again', () => {
  const found: string[] = [];
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    if (HOMES.has(rel)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\[([^[\]]*)\]/g)) {
      const items = new Set([...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!));
      for (const [family, members] of Object.entries(FAMILIES))
        if (members.filter((n) => items.has(n)).length >= 3)
          found.push(`${rel}: ${family} in [${m[1]!.trim()}]`);
    }
  }
  assert.deepEqual(found, []);
});

test('the families nest as documented', () => {
  for (const t of MYSQL_TEXT_TYPES) assert.ok(MYSQL_STRING_TYPES.has(t), t);
  assert.deepEqual(
    [...MYSQL_STRING_TYPES].filter((t) => !MYSQL_TEXT_TYPES.has(t)),
    ['ENUM', 'SET'],
  );
  for (const t of Object.keys(MYSQL_BLOB_BYTES))
    assert.ok(MYSQL_BYTES_TYPES.has(t) && MYSQL_LOB_TYPES.has(t), t);
  for (const t of Object.keys(MYSQL_TEXT_BYTES))
    assert.ok(MYSQL_TEXT_TYPES.has(t) && MYSQL_LOB_TYPES.has(t), t);
  assert.ok(MYSQL_LOB_TYPES.has('JSON'));
});
