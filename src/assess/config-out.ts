// `assess --config-out`: turns the report's open blocking risks into a pg2my.yaml that resolves every one
// that has a lossless alternative (text/bytes storage, a wider type, a binary key collation, a rename),
// each commented with why, merged into the user's own config (comments kept). Pure: text in, text out.
// Invariants: no password is ever written (URLs lose theirs; any registered secret in the output is an
// error); a risk without a lossless decision is listed in the header, never guessed; the output parses.

import { isScalar, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { redactText } from '../config/urls.js';
import { MigrationError } from '../errors.js';
import type { AssessReport, Risk } from './report.js';

export interface Decision {
  /** Config key path; a column or table key is one element, e.g. ['columns', 'public.t.c', 'type']. */
  readonly path: readonly string[];
  readonly value: string | number;
  /** The risks it resolves (several risks can share one decision, e.g. `types.numeric: text`). */
  readonly risks: readonly Risk[];
}

export interface ConfigDecisions {
  readonly decisions: readonly Decision[];
  /** Open blocking risks with no lossless decision: the user must choose. */
  readonly undecided: readonly Risk[];
}

/** `columns.public.t.c.type: varchar(40)` → path and value; undefined when the line is not one concrete value. */
export function parseConfigLine(line: string): { path: string[]; value: string | number } | undefined {
  const m = /^([A-Za-z]+)\.(.+?):\s+(.+)$/.exec(line.trim());
  if (!m) return undefined;
  const [, head = '', rest = '', raw = ''] = m;
  const value = raw.trim().replace(/^(["'])(.*)\1$/, '$2');
  if (value === '' || /…|\.\.\.|\be\.g\.|\bor\b|[{}]/.test(value)) return undefined;
  let path: string[];
  if (head === 'columns') {
    const c = /^(.+)\.(type|collation|name)$/.exec(rest);
    if (!c) return undefined;
    path = ['columns', c[1]!, c[2]!];
  } else if (head === 'rename' || head === 'schemaMap') path = [head, rest];
  else if (/^[A-Za-z]+(\.[A-Za-z]+)*$/.test(rest)) path = [head, ...rest.split('.')];
  else return undefined;
  const numeric = (head === 'migrate' || head === 'verify') && /^\d+$/.test(value);
  return { path, value: numeric ? Number(value) : value };
}

/** Every open blocking risk, as a decision (its `fix`, else its concrete `config` line) or as undecided. */
export function collectDecisions(risks: readonly Risk[]): ConfigDecisions {
  const byPath = new Map<string, { path: string[]; value: string | number; risks: Risk[] }>();
  const undecided: Risk[] = [];
  for (const r of risks) {
    if (r.status !== 'open' || r.severity !== 'blocking') continue;
    const d = r.fix ? { path: [...r.fix.path], value: r.fix.value } : r.config && parseConfigLine(r.config);
    if (!d) {
      undecided.push(r);
      continue;
    }
    const k = d.path.join('\u0000');
    const seen = byPath.get(k);
    if (seen && seen.value !== d.value) undecided.push(r);
    else if (seen) seen.risks.push(r);
    else byPath.set(k, { ...d, risks: [r] });
  }
  return { decisions: [...byPath.values()], undecided };
}

/** Why a decision loses nothing, by kind, for the comment above it. */
function losslessBecause(d: Decision): string {
  const [head, , leaf] = d.path;
  const v = String(d.value).toLowerCase();
  if (head === 'columns' && leaf === 'type') {
    if (/blob|binary/.test(v)) return 'every value keeps its exact bytes';
    if (/text|char/.test(v))
      return "every value is kept as PostgreSQL's own text of it (compared as text by verify); the column is no longer a native MySQL type";
    return 'this type holds every value measured in the source';
  }
  if (head === 'rename' || (head === 'columns' && leaf === 'name'))
    return 'only the name on the target changes; assess, migrate, verify and the reports use it';
  if (head === 'schemaMap') return 'the schema goes to its own database on the same server';
  if (head === 'collation')
    return 'a binary collation compares keys byte for byte, as PostgreSQL keeps them apart';
  if (head === 'types') return 'values are kept as text, not converted';
  return 'see the risk';
}

function wrap(text: string, width = 98): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

const where = (r: Risk): string =>
  [r.blastRadius.table, r.blastRadius.column].filter(Boolean).join('.') || '(whole database)';

/** `ID object: title`, without naming the object twice when the title starts with it. */
const titled = (r: Risk): string =>
  r.title.startsWith(`${where(r)}:`) ? `${r.id} ${r.title}` : `${r.id} ${where(r)}: ${r.title}`;

/** A URL without its password (user part and `?password=`); undefined when it is not a parseable URL. */
export function withoutPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    return undefined;
  }
}

export interface ConfigOutInput {
  readonly report: Pick<AssessReport, 'generatedAt' | 'source' | 'target' | 'risks'>;
  /** The text of the user's `-c` file, merged into (its comments kept); undefined for none. */
  readonly baseText?: string;
  /** The effective source/target URLs (flags, env, file); written without their passwords. */
  readonly source?: string;
  readonly target?: string;
  /** Table selection the assessment ran with (flags or file), so migrate -c selects the same tables. */
  readonly selection?: {
    schemas?: readonly string[];
    tables?: readonly string[];
    exclude?: readonly string[];
  };
  /** The file name, for the header's `migrate -c` line. */
  readonly fileName: string;
}

/** The config text (YAML with comments) and what went into it. */
export function renderConfigOut(input: ConfigOutInput): { text: string; decided: ConfigDecisions } {
  const decided = collectDecisions(input.report.risks);
  const doc = parseDocument(input.baseText ?? '');
  if (doc.errors.length)
    throw new MigrationError('CONFIG_INVALID', `The -c config is not valid YAML: ${doc.errors[0]?.message}`);
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  for (const k of ['source', 'target'] as const) {
    const url = input[k] ?? (doc.get(k) as string | undefined);
    const clean = typeof url === 'string' ? withoutPassword(url) : undefined;
    if (clean) doc.set(k, clean);
    else doc.delete(k);
  }
  const sel = input.selection ?? {};
  if (sel.schemas?.length) doc.set('schemas', [...sel.schemas]);
  if (sel.tables?.length) doc.set('tables', [...sel.tables]);
  if (sel.exclude?.length) doc.set('exclude', [...sel.exclude]);

  for (const d of decided.decisions) {
    const before = doc.getIn(d.path);
    doc.setIn(d.path, d.value);
    const parent = doc.getIn(d.path.slice(0, -1), true) as YAMLMap | undefined;
    const last = d.path[d.path.length - 1];
    const pair = parent?.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
    if (!pair) continue;
    if (!isScalar(pair.key)) pair.key = doc.createNode(pair.key) as Scalar;
    const lines = d.risks.flatMap((r) => wrap(titled(r)));
    lines.push(...wrap(`Lossless: ${losslessBecause(d)}.`));
    if (before !== undefined && before !== d.value) lines.push(`Was: ${String(before)}.`);
    (pair.key as Scalar).commentBefore = lines.map((l) => ` ${l}`).join('\n');
  }

  const head = [
    `Written by pg2my assess --config-out (${input.report.generatedAt}) for`,
    `${input.report.source.endpoint} -> ${input.report.target.endpoint}.`,
    `${decided.decisions.length} decision(s) below resolve blocking risks without changing any value; each says why.`,
    `Read them, then run: pg2my migrate -c ${input.fileName}`,
    'Passwords are never written here: set PG2MY_SOURCE_PASSWORD and PG2MY_TARGET_PASSWORD (or PGPASSWORD, MYSQL_PWD).',
  ];
  if (decided.undecided.length) {
    head.push(
      '',
      `STILL YOUR DECISION: ${decided.undecided.length} blocking risk(s) have no lossless alternative:`,
    );
    for (const r of decided.undecided)
      head.push(...wrap(`- ${titled(r)} Fix: ${r.mitigation}`).map((l, i) => (i ? `  ${l}` : l)));
  }
  // A header from an earlier --config-out is replaced, not stacked.
  const prior =
    doc.commentBefore && !doc.commentBefore.includes('Written by pg2my assess --config-out')
      ? `\n${doc.commentBefore}`
      : '';
  doc.commentBefore = head.map((l) => (l ? ` ${l}` : '')).join('\n') + prior;
  const text = doc.toString({ lineWidth: 0 });
  if (redactText(text) !== text)
    throw new MigrationError(
      'INTERNAL',
      'assess --config-out: a secret reached the config text; nothing was written.',
    );
  return { text, decided };
}
