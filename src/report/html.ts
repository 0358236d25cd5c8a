// RunSummary → report.html: one self-contained page (inline CSS; no scripts, fonts, images or links
// to anything outside the run directory) that reads well on screen and on paper. Pure.
// Invariant: the page is built only with the `html` tagged template, which escapes every interpolated
// value; the one unescaped string is the constant stylesheet below.

import { formatBytes, formatDuration, formatInt, formatMB, formatRate } from './format.js';
import type { RunSummary, TableSummary, VerifyTableSummary } from './summarize.js';

/** Markup that is already safe: produced by `html` (or the constant stylesheet), never by user data. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Values an `html` template accepts: text is escaped, Html is kept, lists are concatenated. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function render(v: HtmlValue): string {
  if (v instanceof Html) return v.value;
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template: html`<td>${name}</td>` escapes `name`; nested html`` fragments pass through. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

const CSS = new Html(`
:root{--ink:#1f2430;--muted:#5f6b7a;--line:#e3e7ee;--soft:#f5f7fa;--accent:#2f6fdf;
--ok:#1a7f4b;--ok-bg:#e3f5ea;--bad:#c0362c;--bad-bg:#fbe7e5;--warn:#9a6400;--warn-bg:#fdf1d8;--idle:#5f6b7a;--idle-bg:#eceff3}
*{box-sizing:border-box}
body{margin:0;background:var(--soft);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1100px;margin:0 auto;padding:28px 24px 48px}
header.top{background:#fff;border:1px solid var(--line);border-radius:10px;padding:22px 24px;border-top:5px solid var(--idle)}
header.top.ok{border-top-color:var(--ok)}header.top.failed{border-top-color:var(--bad)}header.top.incomplete{border-top-color:var(--warn)}
h1{margin:0;font-size:22px;font-weight:650;display:flex;align-items:center;gap:12px;flex-wrap:wrap}
h2{font-size:16px;margin:30px 0 10px;font-weight:650}
h3{font-size:14px;margin:18px 0 8px;font-weight:600}
.sub{color:var(--muted);margin-top:4px;font-size:13px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
.pill{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:650;letter-spacing:.02em;text-transform:uppercase;background:var(--idle-bg);color:var(--idle)}
.pill.ok,.pill.equal,.pill.done,.pill.finished,.pill.low,.pill.info{background:var(--ok-bg);color:var(--ok)}
.pill.failed,.pill.error,.pill.different,.pill.blocker,.pill.critical,.pill.high{background:var(--bad-bg);color:var(--bad)}
.pill.incomplete,.pill.unfinished,.pill.medium,.pill.warn{background:var(--warn-bg);color:var(--warn)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:16px 0 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin-top:18px}
.kpi{flex:1 1 auto;min-width:120px;background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.kpi b{display:block;font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.kpi.bad b{color:var(--bad)}
.kpi span{white-space:nowrap;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
section.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:4px 0;overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{padding:8px 14px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
tr:last-child td{border-bottom:0}
th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.name{overflow-wrap:anywhere;font-weight:550}
tbody tr:nth-child(even) td{background:#fafbfd}
.bar{height:8px;background:var(--soft);border-radius:4px;min-width:90px;overflow:hidden;margin-top:6px}
.bar i{display:block;height:100%;background:var(--accent);border-radius:4px}
.bar.step i{background:#7c8cff}
.error-box{margin-top:18px;background:var(--bad-bg);color:#6d1d17;border-radius:8px;padding:12px 16px}
.error-box b{color:var(--bad)}
ul.notices{list-style:none;margin:0;padding:0}
ul.notices li{padding:8px 14px;border-bottom:1px solid var(--line);border-left:4px solid var(--warn);overflow-wrap:anywhere}
ul.notices li:last-child{border-bottom:0}ul.notices li.error{border-left-color:var(--bad)}
ul.notices .where{color:var(--muted);font-size:12px;margin-right:8px}
ul.files{list-style:none;margin:0;padding:12px 14px;display:flex;flex-wrap:wrap;gap:8px}
ul.files li{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:3px 10px}
ul.files a{color:var(--accent);text-decoration:none;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
.muted{color:var(--muted)}
footer{margin-top:36px;color:var(--muted);font-size:12px;text-align:center}
@media print{body{background:#fff}main{padding:0}section.card,header.top,.kpi{break-inside:avoid}}
`);

const STATUS_TITLE: Readonly<Record<RunSummary['status'], string>> = {
  ok: 'ok',
  failed: 'failed',
  incomplete: 'incomplete',
};

function pct(part: number, whole: number): string {
  if (!(whole > 0) || !(part > 0)) return '0%';
  return `${Math.max(1, Math.min(100, (part / whole) * 100)).toFixed(1)}%`;
}

/** An inline bar; the width is computed here from numbers, never taken from data as text. */
function bar(part: number, whole: number, kind = ''): Html {
  return new Html(
    `<div class="bar${kind ? ` ${kind}` : ''}" aria-hidden="true"><i style="width:${pct(part, whole)}"></i></div>`,
  );
}

function kpi(label: string, value: string, bad = false): Html {
  return html`<div class="kpi${bad ? ' bad' : ''}"><b>${value}</b><span>${label}</span></div>`;
}

function tablesSection(s: RunSummary): Html {
  if (s.tables.length === 0) return html``;
  const maxRows = Math.max(0, ...s.tables.map((t) => t.rows));
  const resumed = s.tables.some((t) => t.skippedChunks > 0);
  const row = (t: TableSummary) => html`<tr>
<td class="name">${t.table}</td>
<td class="n">${formatInt(t.rows)}${bar(t.rows, maxRows)}</td>
<td class="n">${formatMB(t.bytes)}</td>
<td class="n">${formatRate(t.rowsPerSecond)}</td>
<td class="n">${formatInt(t.chunks)}</td>
<td class="n">${formatInt(t.retries)}</td>
${resumed ? html`<td class="n">${formatInt(t.skippedChunks)}</td>` : ''}
<td class="n">${formatDuration(t.ms)}</td>
<td><span class="pill ${t.status}">${t.status}</span></td>
</tr>`;
  return html`<h2>Tables</h2>
<section class="card"><table>
<thead><tr><th>Table</th><th class="n">Rows</th><th class="n">MB</th><th class="n">Rows/s</th><th class="n">Chunks</th><th class="n">Retries</th>${resumed ? html`<th class="n">Skipped on resume</th>` : ''}<th class="n">Time</th><th>Status</th></tr></thead>
<tbody>${s.tables.map(row)}</tbody>
</table></section>`;
}

function stepsSection(s: RunSummary): Html {
  if (s.steps.length === 0) return html``;
  const maxMs = Math.max(0, ...s.steps.map((st) => st.ms ?? 0));
  return html`<h2>Steps</h2>
<section class="card"><table>
<thead><tr><th>Step</th><th style="width:55%">Share of time</th><th class="n">Duration</th><th>Status</th></tr></thead>
<tbody>${s.steps.map(
    (st) => html`<tr><td class="name">${st.step}</td><td>${bar(st.ms ?? 0, maxMs, 'step')}</td>
<td class="n">${formatDuration(st.ms)}</td><td><span class="pill ${st.status}">${st.status}</span></td></tr>`,
  )}</tbody>
</table></section>`;
}

function verifySection(s: RunSummary): Html {
  const v = s.verify;
  if (!v) return html``;
  const row = (t: VerifyTableSummary) => html`<tr>
<td class="name">${t.table}</td>
<td><span class="pill ${t.status}">${t.status}</span>${t.error ? html` <span class="muted">${t.error}</span>` : ''}</td>
<td class="n">${t.rowsSource === null ? '–' : formatInt(t.rowsSource)}</td>
<td class="n">${t.rowsTarget === null ? '–' : formatInt(t.rowsTarget)}</td>
<td class="n">${formatInt(t.missing)}</td><td class="n">${formatInt(t.extra)}</td><td class="n">${formatInt(t.different)}</td>
</tr>`;
  return html`<h2>Verify</h2>
<p class="muted">${v.equal} equal, ${v.different} different, ${v.errors} failed to verify, of ${v.tables.length} tables.</p>
<section class="card"><table>
<thead><tr><th>Table</th><th>Result</th><th class="n">Source rows</th><th class="n">Target rows</th><th class="n">Missing</th><th class="n">Extra</th><th class="n">Different</th></tr></thead>
<tbody>${v.tables.map(row)}</tbody>
</table></section>
${
  v.mismatches.length > 0
    ? html`<h3>Rows that differ</h3>
<section class="card"><table>
<thead><tr><th>Table</th><th>Kind</th><th>Key</th><th>Columns</th></tr></thead>
<tbody>${v.mismatches.map(
        (m) =>
          html`<tr><td class="name">${m.table}</td><td>${m.kind}</td><td class="mono">${m.key}</td><td>${m.columns.join(', ')}</td></tr>`,
      )}</tbody>
</table></section>
${v.mismatchesOmitted > 0 ? html`<p class="muted">… and ${formatInt(v.mismatchesOmitted)} more (see events.ndjson).</p>` : ''}`
    : ''
}`;
}

function risksSection(s: RunSummary): Html {
  if (s.risks.length === 0) return html``;
  return html`<h2>Risks</h2>
<section class="card"><table>
<thead><tr><th>Severity</th><th>Id</th><th>Risk</th><th>Table</th></tr></thead>
<tbody>${s.risks.map(
    (r) =>
      html`<tr><td><span class="pill ${r.severity}">${r.severity}</span></td><td class="mono">${r.id}</td><td>${r.title}</td><td class="name">${r.table ?? ''}</td></tr>`,
  )}</tbody>
</table></section>
${s.risksOmitted > 0 ? html`<p class="muted">… and ${formatInt(s.risksOmitted)} more.</p>` : ''}`;
}

function noticesSection(s: RunSummary): Html {
  const all = [...s.errors, ...s.warnings];
  if (all.length === 0) return html``;
  const omitted = s.errorsOmitted + s.warningsOmitted;
  return html`<h2>Errors and warnings</h2>
<section class="card"><ul class="notices">${all.map(
    (n) =>
      html`<li class="${n.level}"><span class="where">${n.step} · ${n.event}${n.table ? html` · ${n.table}` : ''}</span>${n.msg}</li>`,
  )}${omitted > 0 ? html`<li>… and ${formatInt(omitted)} more (all of them are in events.ndjson).</li>` : ''}</ul></section>`;
}

/** Render the self-contained HTML report. */
export function renderHtml(s: RunSummary): string {
  const title = `pg2my ${s.command} — ${STATUS_TITLE[s.status]}`;
  const meta: [string, HtmlValue][] = [['Run id', html`<code>${s.runId}</code>`]];
  if (s.source !== null) meta.push(['Source', s.source]);
  if (s.target !== null) meta.push(['Target', s.target]);
  if (s.planFingerprint !== null) meta.push(['Plan', html`<code>${s.planFingerprint}</code>`]);
  if (s.startedAt !== null) meta.push(['Started', s.startedAt]);
  if (s.finishedAt !== null) meta.push(['Finished', s.finishedAt]);
  if (s.exitCode !== null) meta.push(['Exit code', String(s.exitCode)]);
  const kpis: Html[] = [kpi('Duration', formatDuration(s.totals.ms))];
  if (s.tables.length > 0) {
    kpis.push(
      kpi('Tables', formatInt(s.totals.tables)),
      kpi('Rows', formatInt(s.totals.rows)),
      kpi('Data copied', formatBytes(s.totals.bytes)),
      kpi('Rows/s', formatRate(s.totals.rowsPerSecond)),
      kpi('Retries', formatInt(s.totals.retries)),
    );
  }
  if (s.verify)
    kpis.push(
      kpi(
        'Verified equal',
        `${s.verify.equal} / ${s.verify.tables.length}`,
        s.verify.equal < s.verify.tables.length,
      ),
    );
  if (s.risks.length > 0) kpis.push(kpi('Risks', formatInt(s.risks.length + s.risksOmitted)));

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header class="top ${s.status}">
<h1>pg2my ${s.command} <span class="pill ${s.status}">${STATUS_TITLE[s.status]}</span></h1>
<div class="sub">Run report, generated from the run's events</div>
<dl class="meta">${meta.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${
  s.error
    ? html`<div class="error-box"><b>${s.error.code ? `${s.error.code}: ` : ''}</b>${s.error.message}${
        s.error.hint ? html`<div>Hint: ${s.error.hint}</div>` : ''
      }</div>`
    : ''
}
</header>
<div class="kpis">${kpis}</div>
${tablesSection(s)}
${stepsSection(s)}
${verifySection(s)}
${risksSection(s)}
${noticesSection(s)}
${
  s.artifacts.length > 0
    ? html`<h2>Files in this run directory</h2><section class="card"><ul class="files">${s.artifacts.map(
        (a) => html`<li><a href="${encodeURIComponent(a)}">${a}</a></li>`,
      )}</ul></section>`
    : ''
}
<footer>pg2my · run <code>${s.runId}</code> · every figure on this page comes from events.ndjson in the same directory</footer>
</main>
</body>
</html>
`;
  return page.value;
}
