// RunSummary → report.md, the report for people: a header (run id, command, source, target, status),
// the tables copied (rows, MB, rows/s, retries), steps with durations, verify results, assess risks,
// then warnings and errors. Pure. Invariant: every value that came from the run (table names,
// messages, keys) goes through mdCell/mdText, so no value can break a table row or inject HTML.

import { formatDuration, formatInt, formatMB, formatRate } from './format.js';
import type { RunSummary } from './summarize.js';

/**
 * Escape text for one GitHub-flavoured Markdown table cell: `|` cannot end the cell, newlines become
 * `<br>`, `<`/`>`/`&` are entities (no raw HTML), and emphasis/link/code characters are backslash-escaped.
 */
export function mdCell(text: string): string {
  return mdInline(text).replace(/\r\n|\r|\n/g, '<br>');
}

/** Escape text for a Markdown line outside tables (headings, list items): newlines become spaces. */
export function mdText(text: string): string {
  return mdInline(text).replace(/\r\n|\r|\n/g, ' ');
}

function mdInline(text: string): string {
  return (
    text
      .replace(/[\\`*[\]|#~]/g, (c) => `\\${c}`)
      // `_` emphasises only at word edges (GFM ignores intraword underscores): keep snake_case readable.
      .replace(/_/g, (c, i: number, s: string) =>
        /[\p{L}\p{N}]/u.test(s[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(s[i + 1] ?? '') ? c : `\\${c}`,
      )
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // Control characters (other than newlines, handled by the callers) would garble a terminal.
      .replace(
        /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g,
        (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
      )
  );
}

/** A GFM table; `align` per column: 'l' or 'r'. Cells are escaped here. */
function table(head: readonly string[], align: string, rows: readonly (readonly string[])[]): string[] {
  const sep = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [
    `| ${head.map(mdCell).join(' | ')} |`,
    `| ${sep.join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

const STATUS_WORD: Readonly<Record<RunSummary['status'], string>> = {
  ok: 'OK',
  failed: 'FAILED',
  incomplete: 'INCOMPLETE (the run ended without reporting a result)',
};

/** Render the report for people. Ends with a newline. */
export function renderMarkdown(s: RunSummary): string {
  const out: string[] = [];
  out.push(`# pg2my ${mdText(s.command)}: ${STATUS_WORD[s.status]}`, '');
  const status = `${STATUS_WORD[s.status]}${s.exitCode === null ? '' : ` (exit ${s.exitCode})`}`;
  const header: [string, string][] = [
    ['Run id', s.runId],
    ['Command', `pg2my ${s.command}`],
    ['Status', status],
  ];
  if (s.source !== null) header.push(['Source', s.source]);
  if (s.target !== null) header.push(['Target', s.target]);
  if (s.planFingerprint !== null) header.push(['Plan fingerprint', s.planFingerprint]);
  if (s.startedAt !== null) header.push(['Started', s.startedAt]);
  if (s.finishedAt !== null) header.push(['Finished', s.finishedAt]);
  header.push(['Duration', formatDuration(s.totals.ms)]);
  if (s.tables.length > 0) {
    header.push(
      ['Rows', formatInt(s.totals.rows)],
      ['Data copied', `${formatMB(s.totals.bytes)} MB`],
      ['Rows/s', formatRate(s.totals.rowsPerSecond)],
      ['Chunk retries', formatInt(s.totals.retries)],
    );
  }
  out.push(...table(['', ''], 'll', header), '');

  if (s.error) {
    out.push('## Error', '');
    out.push(`**${s.error.code ? `${mdText(s.error.code)}: ` : ''}${mdText(s.error.message)}**`);
    if (s.error.hint) out.push('', `Hint: ${mdText(s.error.hint)}`);
    out.push('');
  }

  if (s.tables.length > 0) {
    out.push('## Tables', '');
    const resumed = s.tables.some((t) => t.skippedChunks > 0);
    const head = ['Table', 'Rows', 'MB', 'Rows/s', 'Chunks', 'Retries'];
    if (resumed) head.push('Skipped on resume');
    head.push('Time', 'Status');
    const rows = s.tables.map((t) => {
      const r = [
        t.table,
        formatInt(t.rows),
        formatMB(t.bytes),
        formatRate(t.rowsPerSecond),
        formatInt(t.chunks),
        formatInt(t.retries),
      ];
      if (resumed) r.push(`${formatInt(t.skippedChunks)} chunks (${formatInt(t.skippedRows)} rows)`);
      r.push(formatDuration(t.ms), t.status === 'done' ? 'done' : 'incomplete');
      return r;
    });
    out.push(...table(head, `lrrrrr${resumed ? 'r' : ''}rl`, rows), '');
  }

  if (s.steps.length > 0) {
    out.push('## Steps', '');
    out.push(
      ...table(
        ['Step', 'Duration', 'Status'],
        'lrl',
        s.steps.map((st) => [st.step, formatDuration(st.ms), st.status]),
      ),
      '',
    );
  }

  if (s.verify) {
    const v = s.verify;
    out.push('## Verify', '');
    out.push(
      `${v.equal} equal, ${v.different} different, ${v.errors} failed to verify (of ${v.tables.length} tables).`,
      '',
    );
    out.push(
      ...table(
        ['Table', 'Result', 'Source rows', 'Target rows', 'Missing', 'Extra', 'Different'],
        'llrrrrr',
        v.tables.map((t) => [
          t.table,
          t.status === 'error' ? `error: ${t.error ?? 'unknown'}` : t.status,
          t.rowsSource === null ? '–' : formatInt(t.rowsSource),
          t.rowsTarget === null ? '–' : formatInt(t.rowsTarget),
          formatInt(t.missing),
          formatInt(t.extra),
          formatInt(t.different),
        ]),
      ),
      '',
    );
    if (v.mismatches.length > 0) {
      out.push('### Rows that differ', '');
      out.push(
        ...table(
          ['Table', 'Kind', 'Key', 'Columns'],
          'llll',
          v.mismatches.map((m) => [m.table, m.kind, m.key, m.columns.join(', ')]),
        ),
      );
      if (v.mismatchesOmitted > 0) out.push('', `… and ${formatInt(v.mismatchesOmitted)} more.`);
      out.push('');
    }
  }

  if (s.risks.length > 0) {
    out.push('## Risks', '');
    out.push(
      ...table(
        ['Severity', 'Id', 'Risk', 'Table'],
        'llll',
        s.risks.map((r) => [r.severity, r.id, r.title, r.table ?? '']),
      ),
    );
    if (s.risksOmitted > 0) out.push('', `… and ${formatInt(s.risksOmitted)} more.`);
    out.push('');
  }

  for (const [title, list, omitted] of [
    ['Errors', s.errors, s.errorsOmitted],
    ['Warnings', s.warnings, s.warningsOmitted],
  ] as const) {
    if (list.length === 0) continue;
    out.push(`## ${title}`, '');
    for (const n of list)
      out.push(
        `- ${mdText(n.step)}: ${n.table ? `${mdText(n.table)}: ` : ''}${mdText(n.msg)} (${mdText(n.event)})`,
      );
    if (omitted > 0) out.push(`- … and ${formatInt(omitted)} more (all of them are in events.ndjson).`);
    out.push('');
  }

  if (s.artifacts.length > 0) {
    out.push('## Files in this run directory', '');
    for (const a of s.artifacts) out.push(`- ${mdText(a)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
