// Runs the real pg2my CLI in a child process, the way a user would, for integration tests.
// Passwords are moved out of the URLs into PG2MY_SOURCE_PASSWORD / PG2MY_TARGET_PASSWORD, so they never
// sit in argv; every run's stdout and stderr can be checked for leaked secrets with assertNoSecrets().

import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Split `scheme://user:pass@host/db` into the URL without its password and the password. */
export function splitPassword(url: string): { url: string; password: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

export interface RunCliOptions {
  readonly source?: string;
  readonly target?: string;
  readonly env?: Record<string, string>;
  /** Kill the child after this many ms (SIGKILL); default none. */
  readonly killAfterMs?: number;
  readonly cwd?: string;
}

/**
 * Run `pg2my <args…>`. `source`/`target` URLs (with passwords) are passed as --source/--target without
 * the password, which travels in the environment instead.
 */
export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...(opts.env ?? {}) };
  const argv = [...args];
  if (opts.source) {
    const s = splitPassword(opts.source);
    argv.push('--source', s.url);
    env.PG2MY_SOURCE_PASSWORD = s.password;
  }
  if (opts.target) {
    const t = splitPassword(opts.target);
    argv.push('--target', t.url);
    env.PG2MY_TARGET_PASSWORD = t.password;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...argv], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer =
      opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Assert that none of `secrets` appears in the text, raw or URL-encoded or base64 or hex. */
export function assertNoSecrets(text: string, secrets: readonly string[], where: string): void {
  for (const s of secrets) {
    for (const form of [
      s,
      encodeURIComponent(s),
      Buffer.from(s).toString('base64'),
      Buffer.from(s).toString('hex'),
    ]) {
      assert.ok(!text.includes(form), `a secret leaked into ${where}`);
    }
  }
}
