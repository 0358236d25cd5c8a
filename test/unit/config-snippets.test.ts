// The config snippets pg2my's type-rule errors suggest (`types: { … }`, `columns: { … }` in backticks) are
// valid pg2my.yaml as written: each one, pasted alone into a config file, passes the config schema, becomes
// planner options, and a column type it names parses as a MySQL type. Every rule error offers one.
// Walks every rule over base types × decisions × measured stats × key-ness, so a new hint is covered.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Column, ColumnStats, ColumnType } from '../../src/catalog/model.js';
import { parseConfig, planOptionsFrom } from '../../src/config/load-config.js';
import { MARIADB, MYSQL8 } from '../../src/dialect/capabilities.js';
import { isMigrationError } from '../../src/errors.js';
import { columnSnippet, typesSnippet } from '../../src/plan/config-snippet.js';
import { DEFAULT_TYPE_DECISIONS, type TypeDecisions } from '../../src/plan/options.js';
import { findRule, type RuleContext } from '../../src/plan/rules.js';
import { parseTypeOverride } from '../../src/plan/type-override.js';

const TYPES: readonly (Partial<ColumnType> & { name: string })[] = [
  { name: 'numeric' },
  { name: 'numeric', precision: 10, scale: 2 },
  { name: 'numeric', precision: 70, scale: 2 },
  { name: 'text' },
  { name: 'varchar' },
  { name: 'varchar', length: 5000 },
  { name: 'bpchar', length: 1000 },
  { name: 'citext' },
  { name: 'bytea' },
  { name: 'enum', enum: { schema: 'public', name: 'mood', labels: ['ok', 'sad '] } },
];
const STATS: readonly (ColumnStats | undefined)[] = [
  undefined,
  { numericMaxIntDigits: 10, numericMaxScale: 40, numericSpecials: 0 },
  { numericMaxIntDigits: 70, numericMaxScale: 2, numericSpecials: 0 },
  { numericMaxIntDigits: 12, numericMaxScale: 6, numericSpecials: 0 },
  { numericMaxIntDigits: 1, numericMaxScale: 0, numericSpecials: 1 },
  { maxChars: 300, maxBytes: 300 },
  { maxChars: 5000, maxBytes: 5000 },
];
const DECISIONS: readonly Partial<TypeDecisions>[] = [
  {},
  { numeric: { precision: 10, scale: 2 } },
  { numeric: { precision: 99, scale: 2 } },
  { textKey: { length: 100 } },
  { textKey: { length: 99_999 } },
];

/** Every message and hint of an error the rules raise, over the grid above. */
function ruleErrors(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const type of TYPES)
    for (const stats of STATS)
      for (const d of DECISIONS)
        for (const bounded of [false, true])
          for (const dialect of [MYSQL8, MARIADB]) {
            const col: Column = {
              name: 'c',
              ordinal: 1,
              nullable: true,
              type: { formatted: type.name, ...type },
              ...(stats ? { stats } : {}),
            };
            const ctx: RuleContext = {
              dialect,
              types: { ...DEFAULT_TYPE_DECISIONS, ...d },
              bounded,
              spill: false,
              schema: 'public',
              table: 'Weird table',
            };
            try {
              findRule(col, ctx)?.target(col, ctx);
            } catch (e) {
              if (!isMigrationError(e)) throw e;
              out.push({
                where: `${e.code} ${type.name} ${JSON.stringify({ stats, d, bounded })}`,
                text: `${e.message}\n${e.hint ?? ''}`,
              });
            }
          }
  return out;
}

/** Validate one snippet as a whole pg2my.yaml (throws when it is not). */
function validate(snippet: string): void {
  const raw = parseYaml(snippet) as Record<string, unknown>;
  const options = planOptionsFrom(parseConfig(raw, snippet));
  for (const [w, o] of Object.entries(options.columns)) if (o.type) parseTypeOverride(o.type, w);
  const keys = Object.keys(raw);
  assert.equal(keys.length, 1, snippet);
  if (keys[0] === 'types') {
    // The decision reaches the planner as written: not the default it replaces.
    const k = Object.keys(raw.types as object)[0] as keyof TypeDecisions;
    assert.notDeepEqual(options.types[k], DEFAULT_TYPE_DECISIONS[k], snippet);
  }
}

test('every config snippet in a type-rule error is valid pg2my.yaml; every such error offers one', () => {
  const errors = ruleErrors();
  assert.ok(errors.length > 20, `the grid raises errors (${errors.length})`);
  const seen = new Set<string>();
  for (const e of errors) {
    const snippets = [...e.text.matchAll(/`((?:types|columns): \{[^`]*\})`/g)].map((m) => m[1]!);
    assert.ok(snippets.length > 0, `${e.where} offers a config snippet:\n${e.text}`);
    for (const s of snippets) seen.add(s);
  }
  for (const s of seen) assert.doesNotThrow(() => validate(s), s);
  // The decisions the issue names are among them.
  const all = [...seen].join('\n');
  assert.match(all, /types: \{ textKey: varchar\(\d+\) \}/);
  assert.match(all, /types: \{ numeric: text \}/);
  assert.match(all, /columns: \{ "public\.Weird table\.c": \{ type: varbinary\(\d+\) \} \}/);
});

test('snippets quote what YAML would read otherwise', () => {
  for (const s of [
    typesSnippet('numeric', 'decimal(20,4)'),
    columnSnippet('public.t.yes', 'decimal(20,4)'),
    columnSnippet('a: b.c "d".e', 'varchar(10)'),
    columnSnippet('s.t.c', 'utf8mb4_bin', 'collation'),
  ])
    validate(s.slice(1, -1));
  assert.equal(typesSnippet('textKey', 'varchar(320)'), '`types: { textKey: varchar(320) }`');
  assert.equal(typesSnippet('numeric', 'decimal(20,4)'), '`types: { numeric: "decimal(20,4)" }`');
});

test('the config defaults are the planner defaults (config/schema.ts derives them from DEFAULT_TYPE_DECISIONS)', () => {
  assert.deepEqual(planOptionsFrom(parseConfig({})).types, DEFAULT_TYPE_DECISIONS);
  assert.deepEqual(planOptionsFrom(parseConfig({ types: {} })).types, DEFAULT_TYPE_DECISIONS);
});

test('no source file suggests the config forms the schema rejects ({ length: n }, columns["…"].type = …)', () => {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const bad: string[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(/\{ length: n \}|\]\.type = \w|types\.\w+ to "/g))
          bad.push(`${p.slice(src.length)}: ${m[0]}`);
    }
  };
  walk(src);
  assert.deepEqual(bad, []);
});
