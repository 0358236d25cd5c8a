// Prometheus text exposition (format 0.0.4) of a run's summary, written as <runDir>/metrics.prom so a
// node_exporter textfile collector or a CI job can pick it up. No dependency: the format is small.
// Invariants: every family has HELP and TYPE lines before its samples; label values are escaped
// (backslash, double quote, newline); the output ends with a newline.

import type { RunSummary } from '../report/summarize.js';

/** Escape a label value: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(v: string): string {
  return v
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, '\\n');
}

/** Escape HELP text: `\` → `\\`, newline → `\n`. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\r?\n|\r/g, '\\n');
}

function labels(l: Readonly<Record<string, string>>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function value(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

type Sample = readonly [Readonly<Record<string, string>>, number];

function family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly Sample[]): string[] {
  return [
    `# HELP ${name} ${escapeHelp(help)}`,
    `# TYPE ${name} ${type}`,
    ...samples.map(([l, v]) => `${name}${labels(l)} ${value(v)}`),
  ];
}

/** Render the run's metrics in the Prometheus text format. */
export function renderMetrics(s: RunSummary): string {
  const perTable = (pick: (t: RunSummary['tables'][number]) => number): Sample[] =>
    s.tables.map((t) => [{ table: t.table }, pick(t)] as const);
  const lines = [
    ...family('pg2my_run_info', 'gauge', 'Identity of the run this file describes (always 1).', [
      [{ run_id: s.runId, command: s.command, status: s.status }, 1],
    ]),
    ...family(
      'pg2my_rows_copied_total',
      'counter',
      'Rows copied by this run, per table.',
      perTable((t) => t.rowsCopied),
    ),
    ...family(
      'pg2my_bytes_copied_total',
      'counter',
      'Bytes copied by this run, per table.',
      perTable((t) => t.bytes),
    ),
    ...family(
      'pg2my_chunk_retries_total',
      'counter',
      'Chunk copies retried after a transient fault, per table.',
      perTable((t) => t.retries),
    ),
    ...family(
      'pg2my_chunks_skipped_total',
      'counter',
      'Chunks found already copied by an earlier run and skipped, per table.',
      perTable((t) => t.skippedChunks),
    ),
    ...family(
      'pg2my_run_duration_seconds',
      'gauge',
      'Wall time of the run in seconds.',
      s.totals.ms === null ? [] : [[{}, s.totals.ms / 1000]],
    ),
    ...family(
      'pg2my_run_exit_code',
      'gauge',
      'Exit status of the run (absent when the run did not finish).',
      s.exitCode === null ? [] : [[{}, s.exitCode]],
    ),
  ];
  return `${lines.join('\n')}\n`;
}
