// Enforces the import direction of the architecture by reading every source file's imports:
// a pure core (catalog, dialect, plan, report, runtime, copy/verify algorithms) with I/O at the edges.
// A failure names the file and the import that breaks the rule.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Import specifiers of a file, resolved to src-relative paths for relative imports. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) out.push(relative(SRC, join(file, '..', spec)).replace(/\.js$/, '.ts'));
    else out.push(`pkg:${spec}`);
  }
  return out;
}

/** Allowed prefixes per folder (src-relative). Packages are listed explicitly where they matter. */
const RULES: readonly { folder: string; allow: readonly string[]; forbidPackages?: readonly string[] }[] = [
  { folder: 'catalog/', allow: ['catalog/', 'errors.ts'] },
  { folder: 'dialect/', allow: ['dialect/'] },
  { folder: 'plan/', allow: ['plan/', 'catalog/', 'dialect/', 'errors.ts', 'pkg:node:crypto'] },
  { folder: 'report/', allow: ['report/', 'events.ts', 'errors.ts'] },
  { folder: 'runtime/', allow: ['runtime/', 'errors.ts', 'pkg:node:'] },
  // backup/: pure (manifest, checksum SQL, versions, client argv/env) except run-*.ts, its process/file edge.
  {
    folder: 'backup/run-',
    allow: ['backup/', 'config/urls.ts', 'errors.ts', 'pkg:node:'],
    forbidPackages: ['pkg:pg', 'pkg:mysql2'],
  },
  { folder: 'backup/', allow: ['backup/', 'config/urls.ts', 'errors.ts'] },
  {
    folder: 'copy/',
    allow: [
      'copy/',
      'plan/',
      'catalog/',
      'dialect/',
      'runtime/',
      'errors.ts',
      'events.ts',
      'source/',
      'target/',
      'config/',
      'pkg:node:',
    ],
    forbidPackages: ['pkg:pg', 'pkg:mysql2'],
  },
  {
    folder: 'verify/',
    allow: [
      'verify/',
      'plan/',
      'catalog/',
      'dialect/',
      'runtime/',
      'copy/',
      'errors.ts',
      'events.ts',
      'source/',
      'target/',
      'config/',
      'pkg:node:',
    ],
    forbidPackages: ['pkg:pg', 'pkg:mysql2'],
  },
];

test('imports point one way (pure core, I/O at the edges)', () => {
  const problems: string[] = [];
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    for (const imp of imports(file)) {
      // Drivers stay in their adapters.
      if ((imp === 'pkg:pg' || imp.startsWith('pkg:pg-')) && !rel.startsWith('source/postgres/'))
        problems.push(`${rel} imports ${imp}: only source/postgres/ may use the PostgreSQL driver`);
      if (imp.startsWith('pkg:mysql2') && !rel.startsWith('target/mysql/'))
        problems.push(`${rel} imports ${imp}: only target/mysql/ may use the MySQL driver`);
      // Nothing below the CLI imports it; only cli/ and index.ts import pipeline/.
      if (imp.startsWith('cli/') && !rel.startsWith('cli/'))
        problems.push(`${rel} imports ${imp}: nothing may import cli/`);
      if (
        imp.startsWith('pipeline/') &&
        !rel.startsWith('cli/') &&
        !rel.startsWith('pipeline/') &&
        rel !== 'index.ts'
      )
        problems.push(`${rel} imports ${imp}: only cli/ and index.ts may import pipeline/`);
      const rule = RULES.find((r) => rel.startsWith(r.folder));
      if (!rule) continue;
      if (rule.forbidPackages?.some((p) => imp === p || imp.startsWith(`${p}/`)))
        problems.push(`${rel} imports ${imp}`);
      if (!imp.startsWith('pkg:') && !rule.allow.some((a) => imp.startsWith(a)))
        problems.push(`${rel} imports ${imp}: ${rule.folder} may import only ${rule.allow.join(', ')}`);
      if (
        imp.startsWith('pkg:') &&
        ['catalog/', 'dialect/', 'plan/', 'report/', 'backup/'].includes(rule.folder) &&
        !rule.allow.some((a) => imp.startsWith(a))
      ) {
        problems.push(`${rel} imports ${imp}: ${rule.folder} is pure and may not import packages`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('every source file opens with a comment saying what it owns', () => {
  const missing = files(SRC).filter((f) => !/^(#!.*\n)?\/\/ \S/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(
    missing.map((f) => relative(SRC, f)),
    [],
  );
});
