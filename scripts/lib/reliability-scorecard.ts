// Renders the reliability scorecard: ONE table of lines (faults, bad inputs, rows lost / duplicated /
// changed, secrets), each OK or BAD with its details below, then the defects the fault runs met (command
// run, fault, what happened). Pure text: no I/O, no clock.

export interface Line {
  readonly label: string;
  readonly value: string;
  readonly ok: boolean;
  readonly detail: readonly string[];
}

export function renderScorecard(s: {
  readonly slice: string;
  readonly seed: number;
  readonly seconds: number;
  readonly episodes: number;
  readonly lines: readonly Line[];
  readonly defects: readonly string[];
}): string {
  const w = Math.max(...s.lines.map((l) => l.label.length));
  const v = Math.max(...s.lines.map((l) => l.value.length));
  const out = [
    `RELIABILITY SCORECARD  slice ${s.slice}  seed ${s.seed}  ${s.episodes} fault episodes  ${s.seconds}s`,
    `${'line'.padEnd(w)}  ${'value'.padStart(v)}  result`,
    `${'-'.repeat(w)}  ${'-'.repeat(v)}  ------`,
  ];
  for (const l of s.lines) {
    out.push(`${l.label.padEnd(w)}  ${l.value.padStart(v)}  ${l.ok ? 'OK' : 'BAD'}`);
    for (const d of l.detail) out.push(`    ${d}`);
  }
  if (s.defects.length > 0) {
    out.push('', `defects met by the fault runs (${s.defects.length}):`);
    for (const d of s.defects) out.push(`  - ${d.replaceAll('\n', ' | ')}`);
  }
  out.push('', `RESULT ${s.lines.every((l) => l.ok) ? 'PASS' : 'FAIL'}`, '');
  return out.join('\n');
}
