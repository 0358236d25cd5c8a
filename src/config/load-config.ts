// Loads pg2my.yaml, merges environment and flags over it, and converts the result to planner options.
// Precedence: flags > environment (PG2MY_SOURCE, PG2MY_TARGET) > config file > defaults.
// Invariant: every problem is a CONFIG_INVALID error naming the file and the exact key path.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { MigrationError } from '../errors.js';
import type { PlanOptions, TypeDecisions } from '../plan/options.js';
import { type Config, configSchema } from './schema.js';
import { parseConnectionUrl } from './urls.js';

function formatIssues(
  issues: readonly {
    path: readonly PropertyKey[];
    message: string;
    code: string;
    keys?: readonly string[];
  }[],
): string {
  return issues
    .map((i) => {
      const path = i.path.map(String).join('.') || '(top level)';
      if (i.code === 'unrecognized_keys' && i.keys)
        return `unknown key ${i.keys.map((k) => (path === '(top level)' ? k : `${path}.${k}`)).join(', ')}`;
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

/** Validate a plain object as a Config (used for files and for tests). */
export function parseConfig(raw: unknown, origin = 'config'): Config {
  const r = configSchema.safeParse(raw ?? {});
  if (!r.success) {
    throw new MigrationError('CONFIG_INVALID', `${origin}: ${formatIssues(r.error.issues as never)}`, {
      hint: 'See `pg2my --help` and the README section "Config file" for every key and its default.',
    });
  }
  return r.data;
}

/** Read and validate a YAML config file. */
export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MigrationError('CONFIG_INVALID', `Cannot read config file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new MigrationError('CONFIG_INVALID', `${path} is not valid YAML: ${(e as Error).message}`);
  }
  return parseConfig(raw, path);
}

/** Deep-merge `over` onto `base` for plain objects; arrays and scalars replace. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (
    typeof base === 'object' &&
    base !== null &&
    !Array.isArray(base) &&
    typeof over === 'object' &&
    over !== null &&
    !Array.isArray(over)
  ) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
    return out;
  }
  return over;
}

/**
 * The effective config: file (if any), then PG2MY_SOURCE / PG2MY_TARGET, then flag overrides given as a
 * partial config object (only keys the user actually passed).
 */
export function resolveConfig(opts: {
  file?: string | undefined;
  overrides?: Record<string, unknown>;
}): Config {
  const fromFile = opts.file ? loadConfigFile(opts.file) : parseConfig({});
  const env: Record<string, unknown> = {};
  if (process.env.PG2MY_SOURCE) env.source = process.env.PG2MY_SOURCE;
  if (process.env.PG2MY_TARGET) env.target = process.env.PG2MY_TARGET;
  return parseConfig(merge(merge(fromFile, env), opts.overrides ?? {}), opts.file ?? 'flags');
}

function parseDecimal(s: string): { precision: number; scale: number } {
  const m = /^decimal\((\d+),\s*(\d+)\)$/i.exec(s);
  return { precision: Number(m?.[1]), scale: Number(m?.[2]) };
}

/** Planner options from a validated config. */
export function planOptionsFrom(config: Config): PlanOptions {
  const t = config.types;
  const types: TypeDecisions = {
    numeric: t.numeric === 'measure' || t.numeric === 'text' ? t.numeric : parseDecimal(t.numeric),
    timestamptz: t.timestamptz,
    textKey: t.textKey === 'measure' ? 'measure' : { length: Number(/\d+/.exec(t.textKey)?.[0]) },
    array: t.array,
    interval: t.interval,
    timetz: t.timetz,
    json: t.json,
  };
  const collation: { key?: string; text?: string } = {};
  if (config.collation.key) collation.key = config.collation.key;
  if (config.collation.text) collation.text = config.collation.text;
  const columns: Record<string, { type?: string; collation?: string; name?: string }> = {};
  for (const [k, v] of Object.entries(config.columns)) {
    const o: { type?: string; collation?: string; name?: string } = {};
    if (v.type) o.type = v.type;
    if (v.collation) o.collation = v.collation;
    if (v.name !== undefined) o.name = v.name;
    columns[k] = o;
  }
  // The planner treats a schema mapped to the URL's own database as unmapped: its tables stay unqualified.
  const targetDatabase = urlDatabase(config.target);
  return {
    types,
    collation,
    columns,
    rename: config.rename,
    schemaMap: config.schemaMap,
    ...(targetDatabase !== undefined ? { targetDatabase } : {}),
  };
}

/** The database named in the target URL, or undefined (no target, or a URL the connect step will refuse). */
function urlDatabase(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  try {
    return parseConnectionUrl(target, 'target').database;
  } catch {
    return undefined;
  }
}
