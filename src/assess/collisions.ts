// Measures, on the real target server, which distinct PRIMARY KEY / UNIQUE values of the source would
// collide under the target collation: the distinct key values stream from the source into a TEMPORARY table
// whose key columns use the plan's collation (and a reference collation), then GROUP BY … HAVING COUNT(*) > 1.
// Invariants: the only write anywhere is that temporary table, dropped afterwards; a collision under the
// plan's collation is an open blocking risk, one only under the reference collation is reported mitigated.

import type { Catalog } from '../catalog/model.js';
import type { Dialect } from '../dialect/capabilities.js';
import type { MigrationPlan, TargetColumn } from '../plan/model.js';
import { distinctKeyValues } from '../source/postgres/assess-queries.js';
import type { SourceClient } from '../source/postgres/connect.js';
import {
  type CollisionGroups,
  collisionGroups,
  insertRows,
  type TargetFacts,
  type TempColumn,
  withTempTable,
} from '../target/mysql/assess-queries.js';
import type { TargetSession } from '../target/mysql/connect.js';
import type { CheckResult, Risk } from './report.js';

const TEMP = '_pg2my_assess_keys';
/** Per-column cap so that two copies of every key part stay under InnoDB's 65,535-byte row limit. */
const ROW_CHARS = 7_900;

type Kind = 'trailing-space' | 'case' | 'accent';
const fold: Readonly<Record<Kind, (s: string) => string>> = {
  'trailing-space': (s) => s.replace(/ +$/, ''),
  case: (s) => s.toLowerCase(),
  accent: (s) => s.normalize('NFD').replace(/\p{M}/gu, ''),
};
const COMBOS: readonly Kind[][] = [
  ['trailing-space'],
  ['case'],
  ['accent'],
  ['trailing-space', 'case'],
  ['trailing-space', 'accent'],
  ['case', 'accent'],
  ['trailing-space', 'case', 'accent'],
];

/** What makes two distinct strings equal under a collation: case, accent, trailing-space, emoji-or-supplementary or other. */
export function classifyPair(a: string, b: string): string {
  if (a === b) return 'identical';
  for (const combo of COMBOS) {
    const f = (s: string) => combo.reduce((v, k) => fold[k](v), s);
    if (f(a) === f(b)) return combo.join('+');
  }
  return /[\u{10000}-\u{10FFFF}]/u.test(a + b) ? 'emoji-or-supplementary' : 'other';
}

/**
 * The collation to compare the plan's against, to show what the plan protects from: the target database's
 * default (what a column without COLLATE gets), or utf8mb4_unicode_ci when that default is the plan's own.
 */
export function collisionsReference(facts: TargetFacts, keyCollation: string): string {
  const db = facts.databaseCollation ?? facts.collationServer;
  return db.startsWith('utf8mb4_') && db !== keyCollation ? db : 'utf8mb4_unicode_ci';
}

/** A key the collision test measures: target table, key name, and per part the plan's column. */
interface KeyToTest {
  readonly source: string;
  readonly key: string;
  readonly parts: readonly {
    readonly source: string;
    readonly target: TargetColumn;
    readonly maxChars: number;
  }[];
}

/**
 * The keys to measure, and the keys skipped with why: a key without a text part on the target (integers,
 * numeric, dates and times, bytea as VARBINARY, …) is compared by value there, as PostgreSQL does, so two
 * distinct source keys cannot collide.
 */
function keysToTest(catalog: Catalog, plan: MigrationPlan): { keys: KeyToTest[]; skipped: string[] } {
  const out: KeyToTest[] = [];
  const skipped: string[] = [];
  const cols = new Map<string, Map<string, TargetColumn>>();
  const keys: { table: string; name: string; columns: readonly string[] }[] = [];
  for (const op of plan.preData) {
    if (op.kind !== 'createTable') continue;
    cols.set(op.table, new Map(op.columns.map((c) => [c.name, c])));
    if (op.primaryKey) keys.push({ table: op.table, name: 'PRIMARY KEY', columns: op.primaryKey.columns });
  }
  for (const op of plan.postData)
    if (op.kind === 'addIndex' && op.unique)
      keys.push({ table: op.table, name: op.name, columns: op.parts.map((p) => p.column) });
  for (const k of keys) {
    const tp = plan.tables.find((t) => t.target === k.table);
    const table =
      tp && catalog.tables.find((t) => t.schema === tp.source.schema && t.name === tp.source.name);
    if (!tp || !table) continue;
    const parts = k.columns.map((c) => {
      const cp = tp.columns.find((x) => x.target === c);
      const target = cols.get(k.table)?.get(c);
      const measured = table.columns.find((x) => x.name === cp?.source)?.stats?.maxChars ?? 0;
      const declared = target?.type.charset !== undefined ? (target.type.args?.[0] ?? 0) : 1024;
      return cp && target
        ? {
            source: cp.source,
            target,
            maxChars: Math.min(ROW_CHARS / k.columns.length, Math.max(declared, measured, 1)),
          }
        : undefined;
    });
    const name = `${tp.source.schema}.${tp.source.name} ${k.name}`;
    if (parts.some((p) => p === undefined)) {
      skipped.push(`${name} (a key column is not copied)`);
      continue;
    }
    if (!parts.some((p) => p?.target.type.charset !== undefined)) {
      const types = k.columns.map((c) => tp.columns.find((x) => x.target === c)?.sourceType ?? '?');
      skipped.push(`${name} (${types.join(', ')}: no text part, compared by value, cannot collide)`);
      continue;
    }
    out.push({
      source: `${tp.source.schema}.${tp.source.name}`,
      key: k.name,
      parts: parts as KeyToTest['parts'],
    });
  }
  return { keys: out, skipped };
}

function describeGroups(
  g: CollisionGroups,
  stringParts: readonly number[],
): { examples: string[]; kinds: string[]; annotated: string[] } {
  const kinds = new Set<string>();
  const annotated: string[] = [];
  const examples = g.examples.map((unordered) => {
    // Deterministic order (code points), whatever order the source's DISTINCT produced.
    const members = [...unordered].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
    const first = members[0] ?? [];
    const mine = new Set<string>();
    for (const m of members.slice(1))
      for (const i of stringParts) {
        const k = classifyPair(first[i] ?? '', m[i] ?? '');
        if (k !== 'identical') mine.add(k);
      }
    for (const k of mine) kinds.add(k);
    const shown = JSON.stringify(members.map((m) => (m.length === 1 ? m[0] : m)));
    annotated.push(`${shown} (${[...mine].sort().join(', ')})`);
    return shown;
  });
  return { examples, kinds: [...kinds].sort(), annotated };
}

/**
 * Test every PRIMARY KEY and UNIQUE key with a string part for collisions on the target server. The plan's
 * collation per column is measured; `reference` (default: the target database's collation) is measured
 * too when it differs, to show what the plan's binary collation protects against.
 */
export async function scanCollisions(
  client: SourceClient,
  target: TargetSession,
  catalog: Catalog,
  plan: MigrationPlan,
  dialect: Dialect,
  reference: string | undefined,
): Promise<{ risks: Risk[]; checks: CheckResult[] }> {
  const risks: Risk[] = [];
  const { keys, skipped } = keysToTest(catalog, plan);
  for (const k of keys) {
    const coll = k.parts.map((p) => {
      const cs = p.target.type.charset;
      if (p.target.type.collation) return p.target.type.collation;
      if (cs === undefined) return 'utf8mb4_bin';
      return cs === 'utf8mb4' ? dialect.keyCollation : `${cs}_bin`;
    });
    const strings = k.parts.flatMap((p, i) => (p.target.type.charset !== undefined ? [i] : []));
    const ref = reference && strings.some((i) => coll[i] !== reference) ? reference : undefined;
    // Each text part in the target's own character set and collation (a uuid is CHAR(36) ascii_bin).
    const columns: TempColumn[] = k.parts.map((p, i) => ({
      name: `k${i}`,
      maxChars: p.maxChars,
      collation: coll[i] ?? 'utf8mb4_bin',
      ...(p.target.type.charset ? { charset: p.target.type.charset } : {}),
    }));
    if (ref)
      for (const i of strings)
        columns.push({ name: `r${i}`, maxChars: k.parts[i]?.maxChars ?? 1, collation: ref });
    const names = columns.map((c) => c.name);
    const tableName = `${k.source}.${k.parts.map((p) => p.source).join(', ')}`;
    const started = performance.now();
    const measured = await withTempTable(target.conn, TEMP, columns, true, async () => {
      let n = 0;
      const src = catalog.tables.find((t) => `${t.schema}.${t.name}` === k.source);
      if (!src) return [undefined, undefined, 0] as const;
      for await (const batch of distinctKeyValues(
        client,
        src,
        k.parts.map((p) => ({ name: p.source, maxChars: p.maxChars })),
      )) {
        n += batch.length;
        await insertRows(
          target.conn,
          TEMP,
          names,
          ref ? batch.map((r) => [...r, ...strings.map((i) => r[i] ?? '')]) : batch,
        );
      }
      const values = k.parts.map((_, i) => `k${i}`);
      const planned = await collisionGroups(target.conn, TEMP, values, values);
      const referenced = ref
        ? await collisionGroups(
            target.conn,
            TEMP,
            values.map((v, i) => (strings.includes(i) ? `r${i}` : v)),
            values,
          )
        : undefined;
      return [planned, referenced, n] as const;
    }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    if (measured instanceof Error) {
      risks.push({
        id: 'CHECK_FAILED',
        severity: 'high',
        status: 'open',
        title: `${tableName}: the collation collision test could not run`,
        description: `Measuring ${k.key} of ${k.source} on the target failed: ${measured.message}`,
        impact:
          'Whether distinct values of this key collide on the target is unknown; the copy may fail on them.',
        probability: 'possible',
        blastRadius: { table: k.source, column: k.parts.map((p) => p.source).join(', '), objects: [k.key] },
        mitigation:
          'Check that the configured collation exists on the target (SHOW COLLATION), then run assess again.',
      });
      continue;
    }
    const [planned, referenced, values] = measured;
    const ms = Math.round(performance.now() - started);
    const found =
      planned && planned.groups > 0 ? planned : referenced && referenced.groups > 0 ? referenced : undefined;
    if (!found) continue;
    const open = found === planned;
    const collation = open ? [...new Set(strings.map((i) => coll[i]))].join(', ') : (ref ?? '');
    const { examples, kinds, annotated } = describeGroups(found, strings);
    const column = k.parts.map((p) => p.source).join(', ');
    risks.push({
      id: 'COLLATION_COLLISION',
      severity: 'blocking',
      status: open ? 'open' : 'mitigated',
      title: open
        ? `${tableName}: ${found.groups} group(s) of distinct ${k.key} values collide under ${collation}`
        : `${tableName}: ${found.groups} group(s) of ${k.key} values differ only by ${kinds.join(', ')}; the plan's ${[...new Set(strings.map((i) => coll[i]))].join(', ')} keeps them apart`,
      description: `${found.members} distinct source values of ${k.key} on ${k.source} (${column}) fall into ${found.groups} group(s) that ${collation} compares as equal (${kinds.join(', ') || 'unclassified'}).${open ? '' : ` Under the plan's collation they stay distinct; they would collide if collation.key were set to ${ref}.`}`,
      impact: open
        ? `The target ${k.key === 'PRIMARY KEY' ? 'rejects the copy with a duplicate-key error' : 'cannot build the UNIQUE index'}, or, if built first, rejects rows PostgreSQL holds as distinct.`
        : 'None with this plan. Changing collation.key (or the column collation) to a case-, accent- or pad-insensitive collation would make the copy fail on these values.',
      probability: open ? 'certain' : 'unlikely',
      blastRadius: { table: k.source, column, rows: found.members, exampleKeys: examples, objects: [k.key] },
      mitigation: open
        ? `Use the binary NO PAD key collation ${dialect.keyCollation} (remove collation.key from the config), or make the values distinct in PostgreSQL.`
        : `Keep collation.key at ${dialect.keyCollation} (the default).`,
      ...(open ? { config: `collation.key: ${dialect.keyCollation}` } : {}),
      evidence: `${values} distinct key values streamed into a TEMPORARY table on the target with ${collation} and grouped there (${ms} ms); groups: ${annotated.join('; ')}.`,
    });
  }
  const failed = risks.filter((r) => r.id === 'CHECK_FAILED').length;
  const checks: CheckResult[] = [
    {
      name: 'collation collision test',
      status: failed > 0 ? 'fail' : 'pass',
      detail: `${keys.length - failed} of ${keys.length} key(s) with a text part measured on the target${skipped.length ? `; not measured: ${skipped.join('; ')}` : ''}`,
    },
  ];
  return { risks, checks };
}
