// Process measurement for the bench: run a command, time it, and track its peak resident memory by polling
// /proc/<pid>/status (VmHWM, the kernel's own high-water mark), so no extra tool (GNU time) is needed.
// Invariants: passwords travel only in `env`, never in argv; a failed command throws with its stderr tail.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  readonly ms: number;
  /** Peak RSS of the spawned process in MB (10^6 bytes); null when /proc could not be read. */
  readonly peakRssMb: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function hwmKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Run `cmd args` to completion; reject on a non-zero exit. */
export function measure(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: { readonly stdin?: 'ignore' | 'pipe' } = {},
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] });
    let peak: number | null = null;
    const poll = setInterval(() => {
      const kb = child.pid === undefined ? null : hwmKb(child.pid);
      if (kb !== null) peak = Math.max(peak ?? 0, kb);
    }, 25);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(poll);
      const ms = performance.now() - t0;
      if (code !== 0) {
        reject(new Error(`${cmd} ${args[0] ?? ''} exited ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ ms, peakRssMb: peak === null ? null : (peak * 1024) / 1e6, stdout, stderr });
    });
  });
}

/** Run `jobs` with at most `lanes` at a time, in order. */
export async function inLanes<T>(jobs: readonly (() => Promise<T>)[], lanes: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(lanes, jobs.length)) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}
