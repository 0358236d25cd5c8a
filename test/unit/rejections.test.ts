// Issue 10 point 5: every way the copy can end in DATA_REJECTED has an assess risk that finds the values
// first. Walks src/assess/rejections.ts against the classifiers (each errno / SQLSTATE whose fault kind
// means DATA_REJECTED), against the DATA_REJECTED raise sites in src/, and against the assess modules
// (each class's risk id is one assess really raises). A new rejection path without a risk fails here.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DATA_REJECTED_SITES,
  NOT_VALUE_SIGNALS,
  REJECTION_CLASSES,
  type RejectionClass,
} from '../../src/assess/rejections.js';
import { RISK_IDS } from '../../src/assess/report.js';
import { FAULT_KIND_CODE, type FaultKind } from '../../src/runtime/fault-kinds.js';
import { PG_SQLSTATE_CLASS_RULES, PG_SQLSTATE_RULES } from '../../src/source/postgres/classify-error.js';
import {
  MYSQL_ERRNO_RULES,
  MYSQL_FLAVOUR_ERRNO_RULES,
  MYSQL_SQLSTATE_CLASS_RULES,
} from '../../src/target/mysql/classify-error.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const classes = Object.entries(REJECTION_CLASSES) as [string, RejectionClass][];
const rejects = (kind: string) => FAULT_KIND_CODE[kind as FaultKind] === 'DATA_REJECTED';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}
const SOURCES = files(join(ROOT, 'src')).map((p) => ({
  path: relative(ROOT, p).split('\\').join('/'),
  text: readFileSync(p, 'utf8'),
}));

test('every target errno the classifier turns into DATA_REJECTED is a rejection class or a documented non-value', () => {
  const errnos = new Set<number>();
  for (const rules of [MYSQL_ERRNO_RULES, ...Object.values(MYSQL_FLAVOUR_ERRNO_RULES)])
    for (const [errno, rule] of rules) if (rejects(rule.kind)) errnos.add(errno);
  assert.ok(errnos.size > 10, 'the walk sees the classifier table');
  const missing = [...errnos].filter(
    (n) => !classes.some(([, c]) => c.errnos.includes(n)) && NOT_VALUE_SIGNALS[`mysql:${n}`] === undefined,
  );
  assert.deepEqual(
    missing,
    [],
    'add these errnos to a class in src/assess/rejections.ts (with its assess risk)',
  );
  const stale = Object.keys(NOT_VALUE_SIGNALS)
    .filter((k) => k.startsWith('mysql:'))
    .filter((k) => !errnos.has(Number(k.slice(6))));
  assert.deepEqual(stale, [], 'NOT_VALUE_SIGNALS names errnos the classifier does not reject');
});

test('every SQLSTATE class that means DATA_REJECTED, on either side, is covered', () => {
  const uncovered: string[] = [];
  for (const [prefix, rule] of MYSQL_SQLSTATE_CLASS_RULES) {
    if (!rejects(rule.kind)) continue;
    const byClass = classes.some(([, c]) => (c.targetSqlstates ?? []).some((s) => s.startsWith(prefix)));
    if (!byClass && NOT_VALUE_SIGNALS[`mysql-sqlstate:${prefix}`] === undefined)
      uncovered.push(`mysql ${prefix}`);
  }
  for (const [code, rule] of [...PG_SQLSTATE_RULES, ...PG_SQLSTATE_CLASS_RULES]) {
    if (!rejects(rule.kind)) continue;
    const byClass = classes.some(([, c]) => (c.sourceSqlstates ?? []).some((s) => s.startsWith(code)));
    if (!byClass && NOT_VALUE_SIGNALS[`pg-sqlstate:${code}`] === undefined) uncovered.push(`pg ${code}`);
  }
  assert.deepEqual(uncovered, []);
});

test('every rejection class names an assess risk that assess really raises', () => {
  const assessCode = SOURCES.filter(
    (f) =>
      (f.path.startsWith('src/assess/') || f.path.startsWith('src/pipeline/assess')) &&
      !f.path.endsWith('/report.ts') &&
      !f.path.endsWith('/rejections.ts'),
  );
  for (const [id, c] of classes) {
    assert.ok(c.risk in RISK_IDS, `${id}: ${c.risk} is not a risk id`);
    assert.ok(
      assessCode.some((f) => f.text.includes(`'${c.risk}'`)),
      `${id}: no assess module raises ${c.risk}`,
    );
    assert.ok(
      c.errnos.length + (c.targetSqlstates?.length ?? 0) + (c.sourceSqlstates?.length ?? 0) > 0,
      `${id}: how does the copy see it?`,
    );
  }
});

test('every DATA_REJECTED raise site in src/ is listed with the classes it raises', () => {
  // errors.ts defines the code; fault-kinds.ts maps fault kinds to it (walked through the errnos above).
  const skip = new Set(['src/errors.ts', 'src/runtime/fault-kinds.ts', 'src/assess/rejections.ts']);
  const found: Record<string, number> = {};
  for (const f of SOURCES) {
    if (skip.has(f.path)) continue;
    const n = f.text.split(`'DATA_REJECTED'`).length - 1;
    if (n > 0) found[f.path] = n;
  }
  const listed = Object.fromEntries(Object.entries(DATA_REJECTED_SITES).map(([p, s]) => [p, s.length]));
  assert.deepEqual(
    found,
    listed,
    'a DATA_REJECTED raise site changed: list it in DATA_REJECTED_SITES (src/assess/rejections.ts) with its classes, and give any new class an assess risk',
  );
  const raised = new Set(Object.values(DATA_REJECTED_SITES).flat(2));
  for (const [id, c] of classes)
    assert.ok(
      raised.has(id as never) || (c.sourceSqlstates?.length ?? 0) + (c.targetSqlstates?.length ?? 0) > 0,
      `${id}: raised by no listed site and by no classified SQLSTATE`,
    );
});
