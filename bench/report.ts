// The bench's results model and its presentation: per-measurement figures, the ratios c/a, c/b, d/c, the
// issue's targets with PASS/MISS, the printed table and the Markdown table for the README.
// Invariants: pure functions of a BenchResults value (no I/O); a figure that was not measured prints as
// "-" and its target as "n/a", never as a pass; MB are 10^6 bytes of the dataset's MySQL-ready COPY text.

import type { CpuSplit } from './measure.js';

export type MeasurementKey = 'pipe' | 'naive' | 'pg2myCopy' | 'pg2myMigrate' | 'verify';

export const MEASUREMENT_LABELS: Record<MeasurementKey, string> = {
  pipe: '(a) pipe limit: psql COPY | mariadb LOAD DATA',
  naive: '(b) naive: SELECT 1000 + mysql2 INSERT 1000',
  pg2myCopy: '(c) pg2my migrate: copy phase',
  pg2myMigrate: '(c) pg2my migrate: full (--verify none)',
  verify: '(d) pg2my verify --level checksum',
};

export interface ForeignSessions {
  /** Most busy sessions of other clients seen at once on each server. */
  readonly pg: number;
  readonly mariadb: number;
  /** Where they were: `postgresql:<db>`, `mariadb:<db>:<command>` (at most 10). */
  readonly seen: readonly string[];
}

export interface RunFigures {
  /** The measured time of this run (see Measurement.timeIs). */
  readonly ms: number;
  /** Wall time of the whole process(es), start to exit. */
  readonly processMs: number;
  readonly peakRssMb: number | null;
  readonly cpu: CpuSplit | null;
  /** Seconds waited for a quiet machine before this run, and whether it was quiet. */
  readonly waitedMs: number;
  readonly quiet: boolean;
  /** Sessions of other clients seen busy on the servers during the run (0 = the servers were ours). */
  readonly foreignSessions: ForeignSessions;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface Measurement {
  readonly key: MeasurementKey;
  readonly label: string;
  /** What `ms` measures, in words. */
  readonly timeIs: string;
  /** Rows the measurement moved or compared (the dataset's rows). */
  readonly rows: number;
  /** The dataset's COPY text bytes (MB/s is bytes / ms). */
  readonly bytes: number;
  /** Median of runs[].ms. */
  readonly ms: number;
  readonly rowsPerS: number;
  readonly mbPerS: number;
  /** Largest peak RSS over the runs (MB); for the pipe, the largest psql/mariadb/bash process. */
  readonly peakRssMb: number | null;
  /** Whose memory peakRssMb is. */
  readonly rssOf: string;
  readonly runs: readonly RunFigures[];
}

export interface Target {
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  readonly op: '<=' | '>=';
  readonly limit: number;
  /** null when the value was not measured. */
  readonly pass: boolean | null;
}

export interface BenchResults {
  readonly bench: 'pg2my';
  readonly size: string;
  readonly scale: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly workers: number;
  readonly runsPerMeasurement: number;
  /** HEAD when the bench ran, and the src/ files that differed from it. */
  readonly git: { readonly commit: string | null; readonly dirty: readonly string[] };
  readonly machine: Readonly<Record<string, unknown>>;
  readonly servers: Readonly<Record<string, unknown>>;
  readonly dataset: {
    readonly database: string;
    readonly reused: boolean;
    readonly generateMs: number;
    readonly rows: number;
    readonly bytes: number;
    readonly tables: readonly { readonly table: string; readonly rows: number; readonly bytes: number }[];
  };
  readonly measurements: Readonly<Record<MeasurementKey, Measurement>>;
  readonly ratios: {
    /** c/a: copy phase time / pipe time. */
    readonly copyOverPipe: number;
    /** c/b: naive time / copy phase time (how many times faster pg2my copies). */
    readonly speedupOverNaive: number;
    /** d/c: verify time / copy phase time. */
    readonly verifyOverCopy: number;
    /** full migrate time / pipe time (context: post-data DDL is extra work the pipe does not do). */
    readonly migrateOverPipe: number;
  };
  readonly targets: readonly Target[];
}

function target(name: string, value: number | null, unit: string, op: '<=' | '>=', limit: number): Target {
  const pass = value === null ? null : op === '<=' ? value <= limit : value >= limit;
  return { name, value, unit, op, limit, pass };
}

/** The targets, computed from the measurements. */
export function targetsFor(m: Readonly<Record<MeasurementKey, Measurement>>): Target[] {
  const rss = [m.pg2myMigrate.peakRssMb, m.verify.peakRssMb].filter((x): x is number => x !== null);
  return [
    target('c/a copy phase time / pipe time', m.pg2myCopy.ms / m.pipe.ms, 'x', '<=', 1.25),
    target('c/b speedup over naive INSERT', m.naive.ms / m.pg2myCopy.ms, 'x', '>=', 2.3),
    target('peak RSS of pg2my (migrate, verify)', rss.length ? Math.max(...rss) : null, 'MB', '<=', 300),
    target('d/c verify time / copy phase time', m.verify.ms / m.pg2myCopy.ms, 'x', '<=', 1),
  ];
}

/** 'PostgreSQL 15.18 (Debian …) on x86_64…' → 'PostgreSQL 15.18'; '10.11.19-MariaDB-0+deb12u1' → 'MariaDB 10.11.19'. */
function short(v: unknown): string {
  const s = String(v ?? '?');
  const maria = /^(\d+\.\d+\.\d+)-MariaDB/.exec(s);
  if (maria) return `MariaDB ${maria[1]}`;
  return /^\S+ \S+/.exec(s)?.[0] ?? s;
}

/** A run during which other clients used the servers, or other processes used > 0.1 core on average. */
export function disturbed(r: RunFigures): boolean {
  const other = r.cpu?.other ?? 0;
  return (
    r.foreignSessions.pg + r.foreignSessions.mariadb > 0 || other > Math.max(0.25, (0.1 * r.processMs) / 1000)
  );
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmt = (n: number | null | undefined, digits = 1): string => (n == null ? '-' : n.toFixed(digits));

function cpuText(c: CpuSplit | null): string {
  if (!c) return '-';
  return [c.client, c.pg, c.mariadb, c.other].map((x) => fmt(x)).join(' / ');
}

/** The median run of a measurement (the one whose ms is closest to the median). */
export function medianRun(m: Measurement): RunFigures | undefined {
  return [...m.runs].sort((a, b) => Math.abs(a.ms - m.ms) - Math.abs(b.ms - m.ms))[0];
}

function pad(cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string {
  return cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
}

/** The plain-text table printed at the end of a bench run. */
export function renderText(r: BenchResults): string {
  const keys = Object.keys(MEASUREMENT_LABELS) as MeasurementKey[];
  const head = ['measurement', 'time s', 'rows/s', 'MB/s', 'peak RSS MB', 'CPU s client/PG/MariaDB/other'];
  const rows = keys.map((k) => {
    const m = r.measurements[k];
    return [
      m.label,
      fmt(m.ms / 1000, 2),
      fmtInt(m.rowsPerS),
      fmt(m.mbPerS),
      `${fmt(m.peakRssMb, 0)} (${m.rssOf})`,
      cpuText(medianRun(m)?.cpu ?? null),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const right = [false, true, true, true, true, true];
  const lines = [
    `pg2my bench, size ${r.size} (scale ${r.scale}): ${fmtInt(r.dataset.rows)} rows, ${fmt(r.dataset.bytes / 1e6)} MB of COPY text, ${r.workers} lanes, median of ${r.runsPerMeasurement} run(s)`,
    `source ${short(r.servers.pg)}, target ${short(r.servers.mariadb)}, ${String(r.machine.cpus ?? '?')} CPUs, Node ${String(r.machine.node ?? '?')}`,
    '',
    pad(head, widths, right),
    pad(
      widths.map((w) => '-'.repeat(w)),
      widths,
      right,
    ),
    ...rows.map((row) => pad(row, widths, right)),
    '',
    'targets (shown, never asserted):',
  ];
  for (const t of r.targets) {
    const verdict = t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS';
    lines.push(
      `  ${t.name.padEnd(40)} ${fmt(t.value, 2).padStart(8)} ${t.unit.padEnd(2)}  target ${t.op} ${t.limit} ${t.unit}  ${verdict}`,
    );
  }
  const all = Object.values(r.measurements).flatMap((m) => m.runs);
  const bad = all.filter(disturbed).length;
  lines.push(
    bad
      ? `  ${bad} of ${all.length} runs were disturbed by other clients of the servers or other processes (see foreignSessions and cpu.other in the JSON)`
      : `  no run was disturbed by other clients of the servers or other processes`,
  );
  lines.push(
    `  full migrate / pipe time: ${fmt(r.ratios.migrateOverPipe, 2)}x (post-data indexes and FKs are work the pipe does not do)`,
  );
  return `${lines.join('\n')}\n`;
}

/** A Markdown table of the same figures, for the README's Performance section. */
export function renderMarkdown(r: BenchResults): string {
  const keys = Object.keys(MEASUREMENT_LABELS) as MeasurementKey[];
  const lines = [
    '| measurement | time s | rows/s | MB/s | peak RSS MB | CPU s client / PG / MariaDB / other |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const k of keys) {
    const m = r.measurements[k];
    lines.push(
      `| ${m.label} | ${fmt(m.ms / 1000, 2)} | ${fmtInt(m.rowsPerS)} | ${fmt(m.mbPerS)} | ${fmt(m.peakRssMb, 0)} (${m.rssOf}) | ${cpuText(medianRun(m)?.cpu ?? null)} |`,
    );
  }
  lines.push('', '| target | measured | target | result |', '|---|---:|---|---|');
  for (const t of r.targets) {
    const verdict = t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS';
    lines.push(`| ${t.name} | ${fmt(t.value, 2)} ${t.unit} | ${t.op} ${t.limit} ${t.unit} | ${verdict} |`);
  }
  return `${lines.join('\n')}\n`;
}
