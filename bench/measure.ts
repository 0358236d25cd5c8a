// Process and machine measurement for the bench: run a command, time it, and take its peak RSS and CPU
// (GNU time's exact rusage when /usr/bin/time is GNU time, else /proc polling of VmHWM and utime+stime), plus
// CPU-seconds used meanwhile by PostgreSQL (postmaster tree), MariaDB (mariadbd) and the whole machine.
// Invariants: passwords travel only in `env`, never in argv; a failed command rejects with its stderr tail;
// every figure that could not be read is null, never a guess.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  readonly ms: number;
  /** Peak RSS of the process (and, under GNU time, the largest of its waited-for children) in MB (10^6 B). */
  readonly peakRssMb: number | null;
  /** user + system CPU-seconds of the process and its waited-for children. */
  readonly cpuS: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';

let gnuTime: boolean | undefined;
/** True when /usr/bin/time is GNU time (it understands -f and -o). */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    const r = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
    gnuTime = r.status === 0 && /^\d+\s*$/.test(r.stderr);
  }
  return gnuTime;
}

let ticks: number | undefined;
/** Kernel clock ticks per second (for /proc/<pid>/stat); 100 when getconf is missing. */
function clockTicks(): number {
  if (ticks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    ticks = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticks;
}

interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in ticks. */
  readonly own: number;
  /** cutime + cstime (reaped children), in ticks. */
  readonly children: number;
}

function procStat(pid: number): ProcStat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      own: Number(f[11]) + Number(f[12]),
      children: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null;
  }
}

function vmHwmKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** CPU ticks of a process plus its live descendants plus everything it has reaped. */
function treeTicks(root: number): number | null {
  const rootStat = procStat(root);
  if (!rootStat) return null;
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (!st) continue;
    const list = byParent.get(st.ppid) ?? [];
    list.push(Number(name));
    byParent.set(st.ppid, list);
  }
  let total = rootStat.own + rootStat.children;
  const todo = [...(byParent.get(root) ?? [])];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    const st = procStat(pid);
    if (st) total += st.own;
    todo.push(...(byParent.get(pid) ?? []));
  }
  return total;
}

/** Busy ticks of the whole machine (all CPUs, /proc/stat: everything but idle and iowait). */
function machineBusyTicks(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return total - (v[3] ?? 0) - (v[4] ?? 0);
  } catch {
    return null;
  }
}

export interface ServerPids {
  /** The postmaster (its backends are its children). */
  readonly pg: number | null;
  readonly mariadb: number | null;
}

/** CPU-seconds used by each party during one measurement. */
export interface CpuSplit {
  /** The measured client processes (psql + mariadb CLI, node). */
  readonly client: number | null;
  readonly pg: number | null;
  readonly mariadb: number | null;
  /** The bench harness itself (this node process). */
  readonly harness: number;
  /** Everything else on the machine (other tenants). */
  readonly other: number | null;
  /** The whole machine's busy CPU-seconds. */
  readonly machine: number | null;
}

export interface CpuSnapshot {
  /** CPU ticks of the measured client's process tree, when a pid was given. */
  readonly client: number | null;
  readonly pg: number | null;
  readonly mariadb: number | null;
  readonly machine: number | null;
  readonly harness: NodeJS.CpuUsage;
}

export function cpuSnapshot(pids: ServerPids, clientPid?: number): CpuSnapshot {
  return {
    client: clientPid === undefined ? null : treeTicks(clientPid),
    pg: pids.pg === null ? null : treeTicks(pids.pg),
    mariadb: pids.mariadb === null ? null : (procStat(pids.mariadb)?.own ?? null),
    machine: machineBusyTicks(),
    harness: process.cpuUsage(),
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** CPU used between two snapshots; `clientCpuS` (exact, from rusage) wins over the snapshots' client ticks. */
export function cpuSplit(
  before: CpuSnapshot,
  after: CpuSnapshot,
  clientCpuS: number | null = null,
): CpuSplit {
  const hz = clockTicks();
  const d = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : round2((b - a) / hz);
  clientCpuS ??= d(before.client, after.client);
  const h = process.cpuUsage(before.harness);
  const harness = round2((h.user + h.system) / 1e6);
  const pg = d(before.pg, after.pg);
  const mariadb = d(before.mariadb, after.mariadb);
  const machine = d(before.machine, after.machine);
  const known = [clientCpuS, pg, mariadb];
  const other =
    machine === null || known.some((x) => x === null)
      ? null
      : round2(Math.max(0, machine - harness - known.reduce<number>((s, x) => s + (x ?? 0), 0)));
  return {
    client: clientCpuS === null ? null : round2(clientCpuS),
    pg,
    mariadb,
    harness,
    other,
    machine,
  };
}

/**
 * Wait until the machine has been nearly idle (< `maxBusyCores` busy) for one second, at most `maxMs`.
 * Returns how long it waited and whether it found the machine quiet.
 */
export async function waitForQuiet(
  maxMs: number,
  maxBusyCores = 0.3,
): Promise<{ waitedMs: number; quiet: boolean }> {
  const t0 = performance.now();
  const hz = clockTicks();
  for (;;) {
    const a = machineBusyTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const b = machineBusyTicks();
    if (a === null || b === null) return { waitedMs: Math.round(performance.now() - t0), quiet: false };
    if ((b - a) / hz < maxBusyCores) return { waitedMs: Math.round(performance.now() - t0), quiet: true };
    if (performance.now() - t0 >= maxMs)
      return { waitedMs: Math.round(performance.now() - t0), quiet: false };
  }
}

/** Run `cmd args` to completion; reject on a non-zero exit. */
export function measure(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: {
    readonly cwd?: string;
    /** Called with each complete stderr line and the spawned pid, as the line arrives. */
    readonly onStderrLine?: (line: string, pid: number) => void;
  } = {},
): Promise<Measured> {
  const useTime = hasGnuTime();
  const dir = useTime ? mkdtempSync(join(tmpdir(), 'pg2my-bench-')) : null;
  const timeFile = dir === null ? null : join(dir, 'time');
  const argv =
    timeFile === null ? [cmd, ...args] : [GNU_TIME, '-f', '%M %U %S', '-o', timeFile, cmd, ...args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    // Polling fallback: VmHWM is the kernel's own high-water mark, so only the last interval can be missed.
    let hwmKb: number | null = null;
    let cpuTicks: number | null = null;
    const poll =
      timeFile === null
        ? setInterval(() => {
            if (child.pid === undefined) return;
            const kb = vmHwmKb(child.pid);
            if (kb !== null) hwmKb = Math.max(hwmKb ?? 0, kb);
            const st = procStat(child.pid);
            if (st) cpuTicks = st.own + st.children;
          }, 20)
        : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    let partial = '';
    child.stderr.on('data', (b: Buffer) => {
      const text = b.toString();
      stderr += text;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
      if (opts.onStderrLine && child.pid !== undefined) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) opts.onStderrLine(line, child.pid);
      }
    });
    const cleanup = (): void => {
      if (poll) clearInterval(poll);
      if (dir) rmSync(dir, { recursive: true, force: true });
    };
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      let peakRssMb: number | null = hwmKb === null ? null : (hwmKb * 1024) / 1e6;
      let cpuS: number | null = cpuTicks === null ? null : cpuTicks / clockTicks();
      if (timeFile !== null) {
        try {
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          const [kb, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
          if (Number.isFinite(kb)) peakRssMb = ((kb ?? 0) * 1024) / 1e6;
          if (Number.isFinite(user) && Number.isFinite(sys)) cpuS = (user ?? 0) + (sys ?? 0);
        } catch {
          // no time file: the command could not be started; the exit code says so below
        }
      }
      cleanup();
      if (code !== 0) {
        reject(new Error(`${cmd} ${args[0] ?? ''} exited ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ ms, peakRssMb, cpuS, stdout, stderr });
    });
  });
}

/** Run `jobs` with at most `lanes` at a time, in order (the next job goes to the first free lane). */
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

/** PIDs of the two servers from their pid files (first line), or null when unreadable. */
export function serverPids(pgDataDir: string, mariadbDataDir: string): ServerPids {
  const read = (path: string): number | null => {
    try {
      const n = Number(readFileSync(path, 'utf8').split('\n')[0]?.trim());
      return Number.isInteger(n) && n > 0 && procStat(n) !== null ? n : null;
    } catch {
      return null;
    }
  };
  return {
    pg: read(join(pgDataDir, 'postmaster.pid')),
    mariadb: read(join(mariadbDataDir, 'mysqld.pid')),
  };
}
