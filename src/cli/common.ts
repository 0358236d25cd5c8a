// Shared plumbing for every command: common flags, config resolution, run ids, and the one place that
// turns a thrown error into a message, a hint and an exit code. Commands stay small: flags → library call.
// Invariants: nothing printed here can contain a registered secret (redactText is applied to every line);
// the process title never shows the command line (URLs with passwords would be visible in `ps`).

import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { resolveConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { redactText, registerUrlSecrets, urlHasPassword } from '../config/urls.js';
import { ERROR_CODES, exitCodeFor, isMigrationError } from '../errors.js';

/** Flags every command that talks to servers accepts. */
export function addConnectionFlags(
  cmd: Command,
  opts: { target: 'required' | 'optional' | 'none' },
): Command {
  cmd
    .option(
      '-s, --source <url>',
      'PostgreSQL URL, postgres://user@host:5432/db (env PG2MY_SOURCE; password via PG2MY_SOURCE_PASSWORD or PGPASSWORD)',
    )
    .option('-c, --config <file>', 'pg2my.yaml with decisions and options (flags win over it)')
    .option('--connect-timeout <ms>', 'connection timeout in milliseconds', (v) => Number(v));
  if (opts.target !== 'none') {
    cmd.option(
      '-t, --target <url>',
      `MySQL 8 / MariaDB URL, mysql://user@host:3306/db (env PG2MY_TARGET; password via PG2MY_TARGET_PASSWORD or MYSQL_PWD)${opts.target === 'optional' ? '; optional' : ''}`,
    );
  }
  return cmd;
}

/** --schemas, --tables and --exclude: which source tables a command works on. */
export function addTableFlags(cmd: Command): Command {
  return cmd
    .option('--schemas <list>', 'comma-separated PostgreSQL schemas (default: every schema with tables)')
    .option('--tables <list>', 'only these tables (schema.table or table), comma-separated')
    .option('--exclude <list>', 'leave out these tables, comma-separated');
}

/** Config overrides from the table flags (comma-separated lists; empty items dropped). */
export function tableSelection(flags: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of ['schemas', 'tables', 'exclude'] as const) {
    const v = flags[k];
    if (typeof v !== 'string') continue;
    const items = v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (items.length) out[k] = items;
  }
  return out;
}

/** Resolve the config from --config, env and the flags the user passed. Warns about passwords in flags. */
export function configFromFlags(flags: Record<string, unknown>, extra: Record<string, unknown> = {}): Config {
  const overrides: Record<string, unknown> = { ...extra };
  for (const k of ['source', 'target'] as const) {
    const v = flags[k];
    if (typeof v === 'string') {
      overrides[k] = v;
      if (urlHasPassword(v)) {
        process.stderr.write(
          `pg2my: warning: the --${k} URL contains a password, which other users can read in the process list; prefer ${k === 'source' ? 'PG2MY_SOURCE_PASSWORD' : 'PG2MY_TARGET_PASSWORD'}.\n`,
        );
      }
    }
  }
  if (typeof flags.connectTimeout === 'number') overrides.connectTimeoutMs = flags.connectTimeout;
  const config = resolveConfig({
    file: typeof flags.config === 'string' ? flags.config : undefined,
    overrides,
  });
  // Register the passwords now (flag, env or config file), before anything is logged or written.
  registerUrlSecrets(config.source);
  registerUrlSecrets(config.target);
  return config;
}

/** A sortable, unique run id: UTC timestamp + random suffix, e.g. 20261124T105633Z-3f9a1c. */
export function newRunId(now = new Date()): string {
  const ts = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${ts}-${randomBytes(3).toString('hex')}`;
}

/** Write a line to stdout with secrets removed. */
export function out(line: string): void {
  process.stdout.write(`${redactText(line)}\n`);
}

/** Write a line to stderr with secrets removed. */
export function err(line: string): void {
  process.stderr.write(`${redactText(line)}\n`);
}

/** Run a command action: print any error as `pg2my: CODE: message` + hint, and set the exit code. */
export async function runAction(action: () => Promise<number | undefined>): Promise<void> {
  try {
    process.exitCode = (await action()) ?? 0;
  } catch (e) {
    if (isMigrationError(e)) {
      err(`pg2my: ${e.code}: ${e.message}`);
      if (e.hint) err(`  hint: ${e.hint}`);
      err(`  exit ${ERROR_CODES[e.code].exit} (${ERROR_CODES[e.code].meaning})`);
    } else {
      err(`pg2my: INTERNAL: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      err(
        '  this is a bug in pg2my; please report it with the command you ran (passwords are redacted above).',
      );
    }
    process.exitCode = exitCodeFor(e);
  }
}

/** The README's exit code table, generated from ERROR_CODES so docs and code cannot drift. */
export function exitCodeHelp(): string {
  const rows = new Map<number, string[]>();
  for (const [code, v] of Object.entries(ERROR_CODES)) rows.set(v.exit, [...(rows.get(v.exit) ?? []), code]);
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([exit, codes]) => `  ${String(exit).padStart(3)}  ${codes.join(', ')}`)
    .join('\n');
}
