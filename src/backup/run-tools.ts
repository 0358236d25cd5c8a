// Running the PostgreSQL client tools and the backup's file I/O (the edge of src/backup/): spawn with a given
// environment (never a shell), keep the tail of stderr redacted and printable, find the tools and their
// versions, hash a file, and write a private file atomically. A tool that cannot start is PREFLIGHT_FAILED.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { redactText } from '../config/urls.js';
import { MigrationError } from '../errors.js';
import { type PgVersion, parseClientVersion } from './versions.js';

export interface ToolRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const STDERR_KEEP = 8192;

/** Control characters and undecodable bytes (a damaged archive's contents in an error) become `?`. */
const printable = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, '?');

/**
 * Run a client tool; PREFLIGHT_FAILED naming the path when it cannot be started. When `signal` aborts, the
 * child gets SIGTERM and the promise rejects with the signal's reason once the child has exited.
 */
export function runTool(
  path: string,
  args: readonly string[],
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<ToolRun> {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err = (err + b.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MigrationError(
          'PREFLIGHT_FAILED',
          `Cannot run ${path}: ${e.code === 'ENOENT' ? 'not found' : e.message}.`,
          {
            details: { tool: path },
            hint: "Install the PostgreSQL client tools (pg_dump, pg_restore) of the server's major version or newer, and put them on PATH or pass their directory with --pg-bin DIR.",
            cause: e,
          },
        ),
      ),
    );
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason);
      else
        resolve({
          code,
          signal: sig,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: printable(redactText(err.trim())),
        });
    });
  });
}

export const toolFailed = (r: ToolRun): string =>
  `${r.signal ? `killed by ${r.signal}` : `exit ${r.code}`}${r.stderr ? `: ${r.stderr.split('\n').slice(-6).join(' | ')}` : ''}`;

export async function toolVersion(path: string): Promise<PgVersion> {
  const r = await runTool(path, ['--version'], { PATH: process.env.PATH ?? '' });
  const v = r.code === 0 ? parseClientVersion(r.stdout) : undefined;
  if (!v)
    throw new MigrationError('PREFLIGHT_FAILED', `${path} --version did not print a PostgreSQL version.`, {
      details: { tool: path },
      hint: 'Point --pg-bin at the bin directory of a PostgreSQL client installation.',
    });
  return v;
}

export function toolPath(pgBin: string | undefined, name: string): string {
  if (pgBin === undefined) return name;
  const p = join(pgBin, name);
  if (!existsSync(p))
    throw new MigrationError('PREFLIGHT_FAILED', `No ${name} in --pg-bin ${pgBin}.`, {
      details: { tool: name, pgBin },
      hint: `Pass the bin directory of a PostgreSQL client installation (e.g. /usr/lib/postgresql/16/bin), or leave --pg-bin out to use ${name} from PATH.`,
    });
  return p;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** Write `content` as `dir/name`, mode 0600, atomically (temp file, fsync, rename). */
export function writePrivate(dir: string, name: string, content: string): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, join(dir, name));
}
