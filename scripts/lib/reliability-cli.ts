// Runs the real pg2my CLI for the reliability scorecard: `node dist/cli/main.js` when the build is at least
// as new as every source file, else tsx on src. A migrate run's events are followed live from its
// events.ndjson (found through the run id on the first JSON log line) so faults can be aimed at a step;
// a watchdog SIGKILLs a run that outlives its time limit and marks it hung (a hang is a failure).

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function cliArgv(): { argv: string[]; how: string } {
  const main = join(ROOT, 'dist/cli/main.js');
  let built = 0;
  try {
    built = statSync(main).mtimeMs;
  } catch {}
  const newest = (dir: string): number =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .reduce((m, f) => Math.max(m, statSync(join(dir, f)).mtimeMs), 0);
  if (built > 0 && newest(join(ROOT, 'src')) <= built) return { argv: [main], how: 'dist (built)' };
  // tsx by absolute URL: a run with another working directory must still find it.
  return {
    argv: ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts')],
    how: 'tsx on src (dist is stale)',
  };
}

export interface RunEvent {
  readonly event?: string;
  readonly step?: string;
  readonly msg?: string;
  readonly data?: Record<string, unknown>;
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly hung: boolean;
  readonly events: RunEvent[];
  readonly runId: string | null;
}

export interface CliOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly timeoutMs: number;
  /** Directory holding <run id>/events.ndjson (migrate's --run-dir), to follow events live. */
  readonly runsDir?: string;
  readonly onEvent?: (e: RunEvent, child: ChildProcess) => void;
  readonly onSpawn?: (child: ChildProcess) => void;
}

let cached: { argv: string[]; how: string } | undefined;
export function cli(): { argv: string[]; how: string } {
  cached ??= cliArgv();
  return cached;
}

export function runCli(args: readonly string[], opts: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...(process.env as Record<string, string>), ...(opts.env ?? {}) };
    // A canary in our own environment must only reach the child where a case puts it.
    delete env.PG2MY_SOURCE_PASSWORD;
    delete env.PG2MY_TARGET_PASSWORD;
    delete env.PGPASSWORD;
    delete env.MYSQL_PWD;
    Object.assign(env, opts.env ?? {});
    const child = spawn(process.execPath, [...cli().argv, ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let hung = false;
    let runId: string | null = null;
    const events: RunEvent[] = [];
    const watchdog = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    let tail: NodeJS.Timeout | undefined;
    let fd: number | undefined;
    let offset = 0;
    let partial = '';
    const buf = Buffer.alloc(1 << 16);
    const utf8 = new StringDecoder('utf8');
    const drain = (file: string) => {
      try {
        fd ??= openSync(file, 'r');
      } catch {
        return;
      }
      for (
        let n = readSync(fd, buf, 0, buf.length, offset);
        n > 0;
        n = readSync(fd, buf, 0, buf.length, offset)
      ) {
        offset += n;
        partial += utf8.write(buf.subarray(0, n));
      }
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        let e: RunEvent;
        try {
          e = JSON.parse(line) as RunEvent;
        } catch {
          continue;
        }
        events.push(e);
        opts.onEvent?.(e, child);
      }
    };
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (runId !== null || opts.runsDir === undefined) return;
      runId = /"run_id":"([^"]+)"/.exec(stderr)?.[1] ?? null;
      if (runId !== null) {
        const file = join(opts.runsDir, runId, 'events.ndjson');
        tail = setInterval(() => drain(file), 5);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      clearInterval(tail);
      if (runId !== null && opts.runsDir !== undefined) drain(join(opts.runsDir, runId, 'events.ndjson'));
      if (fd !== undefined) closeSync(fd);
      resolve({ code, signal, stdout, stderr, hung, events, runId });
    });
  });
}
