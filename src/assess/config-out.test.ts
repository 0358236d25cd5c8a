// Unit tests for assess --config-out's pure part: config lines → decisions, merging into the user's YAML
// (comments kept), no password in the output, and risks without a lossless decision listed, not guessed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../config/load-config.js';
import { registerSecret } from '../config/urls.js';
import { MigrationError } from '../errors.js';
import { collectDecisions, parseConfigLine, renderConfigOut } from './config-out.js';
import type { Risk } from './report.js';

const risk = (over: Partial<Risk>): Risk => ({
  id: 'DATE_OUT_OF_RANGE',
  severity: 'blocking',
  status: 'open',
  title: 't',
  description: 'd',
  impact: 'i',
  probability: 'certain',
  blastRadius: { table: 'public.t', column: 'c' },
  mitigation: 'm',
  ...over,
});

test('config lines: column keys keep their dots; placeholders and alternatives are not decisions', () => {
  assert.deepEqual(parseConfigLine('columns.public.t.c.type: varchar(40)'), {
    path: ['columns', 'public.t.c', 'type'],
    value: 'varchar(40)',
  });
  assert.deepEqual(parseConfigLine('types.numeric: text'), { path: ['types', 'numeric'], value: 'text' });
  assert.deepEqual(parseConfigLine('rename.public.Orders: orders_2'), {
    path: ['rename', 'public.Orders'],
    value: 'orders_2',
  });
  assert.deepEqual(parseConfigLine('migrate.workers: 4'), { path: ['migrate', 'workers'], value: 4 });
  assert.equal(parseConfigLine('types.textKey: …'), undefined);
  assert.equal(parseConfigLine('types.numeric: text (or columns.x.type: varchar(n))'), undefined);
});

test('decisions: a fix wins over the config line; equal decisions merge; conflicts and unknowns are undecided', () => {
  const d = collectDecisions([
    risk({ config: 'columns.public.t.c.type: varchar(40)' }),
    risk({ id: 'DATE_INFINITE', config: 'columns.public.t.c.type: varchar(40)' }),
    risk({
      id: 'DECISION_REQUIRED',
      config: 'types.textKey: …',
      fix: { path: ['rename', 'public.A'], value: 'a_2' },
    }),
    risk({ id: 'DECISION_REQUIRED', config: 'types.textKey: …' }),
    risk({ id: 'STRING_TOO_LONG', config: 'columns.public.t.c.type: longtext' }),
    risk({ severity: 'high', config: 'collation.key: utf8mb4_bin' }),
  ]);
  assert.deepEqual(
    d.decisions.map((x) => [x.path, x.value, x.risks.length]),
    [
      [['columns', 'public.t.c', 'type'], 'varchar(40)', 2],
      [['rename', 'public.A'], 'a_2', 1],
    ],
  );
  assert.deepEqual(
    d.undecided.map((r) => r.id),
    ['DECISION_REQUIRED', 'STRING_TOO_LONG'],
  );
});

test('render: merged into the user file with its comments, URLs without passwords, valid config', () => {
  registerSecret('S3cret-pw-xyz');
  const { text } = renderConfigOut({
    report: {
      generatedAt: '2026-01-01T00:00:00Z',
      source: { endpoint: 'src' },
      target: { endpoint: 'tgt' },
      risks: [
        risk({ config: 'columns.public.t.c.type: varchar(40)' }),
        risk({ id: 'DECISION_REQUIRED', title: 'no way', mitigation: 'choose' }),
      ],
    },
    baseText: '# mine\nmigrate:\n  workers: 3 # keep\n',
    source: 'postgres://app:S3cret-pw-xyz@db:5432/app',
    target: 'mysql://app@my:3306/app?password=S3cret-pw-xyz',
    selection: { exclude: ['public.logs'] },
    fileName: 'pg2my.yaml',
  });
  assert.doesNotMatch(text, /S3cret/);
  assert.match(text, /# mine/);
  assert.match(text, /workers: 3 # keep/);
  assert.match(text, /STILL YOUR DECISION: 1 blocking risk/);
  assert.match(text, /# Lossless: /);
  const cfg = parseConfig(parse(text));
  assert.equal(cfg.source, 'postgres://app@db:5432/app');
  assert.equal(cfg.target, 'mysql://app@my:3306/app');
  assert.deepEqual(cfg.exclude, ['public.logs']);
  assert.equal(cfg.columns['public.t.c']?.type, 'varchar(40)');
  assert.equal(cfg.migrate.workers, 3);
});

test('render: a registered secret anywhere else in the output is refused, nothing returned', () => {
  registerSecret('An0ther-secret-q');
  assert.throws(
    () =>
      renderConfigOut({
        report: { generatedAt: 'x', source: { endpoint: 's' }, target: { endpoint: 't' }, risks: [] },
        baseText: 'runDir: /tmp/An0ther-secret-q\n',
        fileName: 'f.yaml',
      }),
    (e) => e instanceof MigrationError && e.code === 'INTERNAL',
  );
});
