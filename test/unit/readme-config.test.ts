// Keeps README.md true to the code: the full pg2my.yaml in "Config file" is exactly the built-in defaults
// and names every config key; its commented examples and every other ```yaml block validate; the exit-code
// table matches ERROR_CODES; the type-mapping table is what scripts/type-table.ts generates.
// Invariant: README.md is read as a user would copy from it, so a failure here means the docs lie.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { parseConfig } from '../../src/config/load-config.js';
import { configSchema, defaultConfig } from '../../src/config/schema.js';
import { ERROR_CODES } from '../../src/errors.js';
import { typeTableMarkdown, withTypeTable } from '../../scripts/type-table.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The bodies of the ```yaml fences, in order. */
function yamlBlocks(md: string): string[] {
  return [...md.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** The first yaml block after the `## Config file` heading: the reference config. */
function referenceBlock(): string {
  const at = README.indexOf('\n## Config file\n');
  assert.ok(at >= 0, 'README.md has a "## Config file" section');
  const block = yamlBlocks(README.slice(at))[0];
  assert.ok(block, 'the "Config file" section has a ```yaml block');
  return block;
}

/**
 * Turn `# key: value` example lines into real lines (prose comments never start with `word: `). A parent
 * written as `key: {}` that gains children loses its `{}`.
 */
function uncomment(yaml: string): string {
  const lines = yaml.split('\n');
  const indent = (l: string) => l.length - l.trimStart().length;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)# ([A-Za-z][\w.]*: .*)$/.exec(lines[i]!);
    if (!m) continue;
    lines[i] = `${m[1]}${m[2]}`;
    for (let j = i - 1; j >= 0; j--) {
      const p = lines[j]!;
      if (p.trim() === '' || p.trimStart().startsWith('#')) continue;
      if (indent(p) < indent(lines[i]!)) lines[j] = p.replace(/: \{\}(\s*(#.*)?)$/, ':$1');
      if (indent(p) <= indent(lines[i]!)) break;
    }
  }
  return lines.join('\n');
}

/** Every key path of the config schema (objects walked, records and arrays are leaves). */
function schemaPaths(schema: z.ZodType, prefix = ''): string[] {
  let t = schema as unknown as {
    def: { type: string; innerType?: unknown };
    shape?: Record<string, z.ZodType>;
  };
  while (t.def.type === 'default' || t.def.type === 'optional') t = t.def.innerType as typeof t;
  if (t.def.type !== 'object' || !t.shape) return [prefix];
  return Object.entries(t.shape).flatMap(([k, v]) => schemaPaths(v, prefix ? `${prefix}.${k}` : k));
}

function has(obj: unknown, path: string): boolean {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !(k in cur)) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}

test('README config block: as written, it is exactly the built-in defaults', () => {
  const raw: unknown = parseYaml(referenceBlock());
  assert.deepEqual(parseConfig(raw, 'README.md'), defaultConfig());
  // Every defaulted key is written out, not left to the schema to fill in.
  const missing = schemaPaths(configSchema).filter(
    (p) => has(defaultConfig(), p) && !has(raw, p) && !p.startsWith('columns'),
  );
  assert.deepEqual(missing, [], 'defaulted keys missing from the README block');
});

test('README config block: with the examples uncommented it validates and names every key', () => {
  const raw: unknown = parseYaml(uncomment(referenceBlock()));
  parseConfig(raw, 'README.md (examples uncommented)');
  const missing = schemaPaths(configSchema).filter((p) => !has(raw, p));
  assert.deepEqual(missing, [], 'config keys the README block does not show');
});

test('README: every ```yaml block is a valid pg2my.yaml', () => {
  const blocks = yamlBlocks(README);
  assert.ok(blocks.length >= 1);
  for (const [i, block] of blocks.entries()) {
    assert.doesNotThrow(() => parseConfig(parseYaml(uncomment(block)), `README yaml block ${i + 1}`));
  }
});

test('README exit codes: one row per ERROR_CODES entry, with its exit status and meaning', () => {
  const rows = [...README.matchAll(/^\| (\d+) \| `([A-Z_]+)` \| (.+) \|$/gm)].map((m) => ({
    code: m[2]!,
    exit: Number(m[1]),
    meaning: m[3]!,
  }));
  const expected = Object.entries(ERROR_CODES).map(([code, v]) => ({
    code,
    exit: v.exit,
    meaning: v.meaning,
  }));
  const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
  assert.deepEqual([...rows].sort(byCode), [...expected].sort(byCode));
  const exits = rows.map((r) => r.exit);
  assert.deepEqual(
    exits,
    [...exits].sort((a, b) => a - b),
    'rows sorted by exit status',
  );
});

test('README type table: what scripts/type-table.ts generates (run it with --write to update)', () => {
  assert.equal(README, withTypeTable(README, typeTableMarkdown()));
});
