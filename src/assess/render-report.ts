// Renders an AssessReport for people: Markdown shaped as a reliability risk assessment (risk areas by
// severity, each with Description, Impact, Probability, Blast Radius, Mitigation) and compact terminal text.
// Pure. Invariants: every number shown comes from the report (measured facts, no invented figures);
// user-controlled text (names, values) is escaped for Markdown tables and code spans.

import {
  type AssessReport,
  type BlastRadius,
  countOpen,
  RISK_IDS,
  type Risk,
  type Severity,
  SEVERITIES,
} from './report.js';

const SECTION: Readonly<Record<Severity, string>> = {
  blocking: 'Blocking — must be resolved before migrate',
  high: 'High risk areas',
  medium: 'Medium risk areas',
  low: 'Low risk areas',
  info: 'Informational',
};

const VERDICT_TEXT = {
  blocked: 'BLOCKED — migrate would fail or change data; resolve the blocking risks first',
  'ready-with-warnings': 'READY WITH WARNINGS — migrate can run; review the open risks',
  ready: 'READY — nothing found that would fail or change a value',
} as const;

/** Thousands separators, locale-independent. */
export function fmtInt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Bytes as B / kB / MB / GB (powers of 1024, one decimal). */
export function fmtBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Seconds as `45 s`, `12 min 5 s`, `3 h 20 min`. */
export function fmtDuration(s: number): string {
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** One line of code-span-safe text: no newlines, no backticks breaking out. */
function code(s: string): string {
  const flat = s.replace(/[\r\n\t]/g, ' ');
  return flat.includes('`') ? `\`\` ${flat} \`\`` : `\`${flat}\``;
}

/** Text safe inside a Markdown table cell or list item. */
function cell(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/([|\\*<>[\]])/g, '\\$1');
}

function blast(b: BlastRadius): string {
  const parts: string[] = [];
  if (b.table) parts.push(`table ${code(b.table)}`);
  if (b.column) parts.push(`column ${code(b.column)}`);
  if (b.rows !== undefined) parts.push(`${fmtInt(b.rows)} affected`);
  if (b.objects?.length) parts.push(b.objects.map(code).join(', '));
  let out = parts.join(', ') || 'the whole run';
  if (b.exampleKeys?.length) out += `; examples: ${b.exampleKeys.map(code).join(', ')}`;
  return out;
}

function riskMarkdown(r: Risk): string[] {
  const lines = [
    `### ${cell(r.title)}`,
    '',
    `\`${r.id}\` — ${RISK_IDS[r.id]}. Status: **${r.status}**.`,
    '',
    `- **Description:** ${cell(r.description)}`,
    `- **Impact:** ${cell(r.impact)}`,
    `- **Probability:** ${r.probability}`,
    `- **Blast radius:** ${blast(r.blastRadius)}`,
    `- **Mitigation:** ${cell(r.mitigation)}${r.config ? ` Config: ${code(r.config)}` : ''}`,
  ];
  if (r.evidence) lines.push(`- **Measured:** ${cell(r.evidence)}`);
  lines.push('');
  return lines;
}

/** The Markdown report (`--format md`, and assess.md with `--out`). */
export function renderMarkdown(report: AssessReport): string {
  const open = countOpen(report.risks);
  const mitigated = report.risks.filter((r) => r.status === 'mitigated');
  const out: string[] = [
    '# pg2my migration risk assessment',
    '',
    `**Verdict: ${VERDICT_TEXT[report.verdict]}.**`,
    '',
    `- Source: ${code(report.source.endpoint)}${report.source.version ? ` — ${cell(report.source.version)}` : ''}`,
    `- Target: ${code(report.target.endpoint)}${report.target.version ? ` — ${cell(report.target.version)}` : ''}${report.target.dialect ? ` (dialect ${report.target.dialect})` : ''}`,
    `- Run ${code(report.runId)}, generated ${report.generatedAt}`,
  ];
  if (report.plan)
    out.push(
      `- Plan ${code(report.plan.fingerprint.slice(0, 12))}: ${report.plan.tables} tables, ${report.plan.decisions} decisions, ${report.plan.notConverted} objects not converted`,
    );
  out.push('', '| Severity | Open | Mitigated |', '|---|---:|---:|');
  for (const s of SEVERITIES)
    out.push(`| ${s} | ${open[s]} | ${mitigated.filter((r) => r.severity === s).length} |`);
  out.push('');
  for (const s of SEVERITIES) {
    const rs = report.risks.filter((r) => r.severity === s && r.status === 'open');
    if (rs.length === 0) continue;
    out.push(`## ${SECTION[s]}`, '');
    for (const r of rs) out.push(...riskMarkdown(r));
  }
  if (mitigated.length > 0) {
    out.push('## Measured and mitigated by the plan', '');
    for (const r of mitigated) out.push(...riskMarkdown(r));
  }
  out.push('## Preflight checks', '', '| Check | Result | Detail |', '|---|---|---|');
  for (const c of report.checks) out.push(`| ${cell(c.name)} | ${c.status} | ${cell(c.detail)} |`);
  out.push('');
  if (report.tables.length > 0) {
    out.push(
      '## Tables',
      '',
      '| Table | Rows | On disk | Stream | Largest row |',
      '|---|---:|---:|---:|---:|',
    );
    for (const t of report.tables)
      out.push(
        `| ${cell(t.table)} | ${fmtInt(t.rows)}${t.exact ? '' : ' (est.)'} | ${fmtBytes(t.bytes)} | ${fmtBytes(t.streamBytes)} | ${t.largestRowBytes === undefined ? '—' : fmtBytes(t.largestRowBytes)} |`,
      );
    out.push('');
  }
  if (report.estimate) {
    const e = report.estimate;
    out.push(
      '## Predicted migrate duration',
      '',
      `About **${fmtDuration(e.seconds)}** for the copy (${fmtBytes(e.bytesPerSecond)}/s, ${fmtInt(e.rowsPerSecond)} rows/s measured).`,
      '',
      cell(e.method),
      '',
    );
  }
  const t = Object.entries(report.timingsMs)
    .map(([k, v]) => `${k} ${fmtInt(v)} ms`)
    .join(', ');
  out.push(`_Assess took: ${t}._`, '');
  return out.join('\n');
}

/** Compact terminal text (`--format text`, the default). */
export function renderText(report: AssessReport): string {
  const open = countOpen(report.risks);
  const counts = SEVERITIES.filter((s) => open[s] > 0).map((s) => `${open[s]} ${s}`);
  const mitigated = report.risks.filter((r) => r.status === 'mitigated').length;
  const out = [
    `pg2my assess: ${VERDICT_TEXT[report.verdict]}`,
    `  ${counts.join(', ') || 'no open risks'}${mitigated ? `; ${mitigated} measured and mitigated` : ''}`,
    `  source ${report.source.endpoint}${report.source.version ? ` (${report.source.version})` : ''}`,
    `  target ${report.target.endpoint}${report.target.version ? ` (${report.target.version})` : ''}`,
    '',
  ];
  for (const r of report.risks) {
    const b = r.blastRadius;
    const n = b.rows === undefined ? '' : ` [${fmtInt(b.rows)}]`;
    const tag = r.status === 'mitigated' ? 'ok' : r.severity.toUpperCase();
    out.push(`${tag.padEnd(9)}${r.id}${n}  ${r.title.replace(/[\r\n]+/g, ' ')}`);
    if (b.exampleKeys?.length) out.push(`         e.g. ${b.exampleKeys.join('; ').replace(/[\r\n]+/g, ' ')}`);
    if (r.status === 'open' && r.severity !== 'info')
      out.push(
        `         fix: ${r.config && !r.config.endsWith('…') ? r.config : r.mitigation.replace(/[\r\n]+/g, ' ')}`,
      );
  }
  const failed = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  out.push('', `checks: ${report.checks.length - failed.length}/${report.checks.length} passed`);
  for (const c of failed) out.push(`  ${c.status}: ${c.name}: ${c.detail}`);
  const rows = report.tables.reduce((n, t) => n + t.rows, 0);
  const bytes = report.tables.reduce((n, t) => n + t.bytes, 0);
  out.push(`tables: ${report.tables.length}, ${fmtInt(rows)} rows, ${fmtBytes(bytes)} on disk`);
  if (report.estimate)
    out.push(
      `predicted copy: ${fmtDuration(report.estimate.seconds)} at ${fmtBytes(report.estimate.bytesPerSecond)}/s (${report.estimate.method})`,
    );
  return `${out.join('\n')}\n`;
}
