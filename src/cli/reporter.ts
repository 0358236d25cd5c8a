// The CLI's reporter: turns a run's events into stderr output (JSON/text log lines, or the TTY progress
// display with only warn/error lines) and into the run directory: events.ndjson as the run goes, then
// summary.json, report.md, report.html and metrics.prom on close; other stages add artifacts.
// Invariants: the run directory is 0700 and every file in it 0600 whatever the umask; everything
// written (stderr, files) passes through redactText; artifacts are replaced atomically (temp + rename);
// the sink never throws into the library (a failing disk costs the report, not the migration).

import { closeSync, fchmodSync, fsyncSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { makePrivateDir, writeFileAtomic } from './private-files.js';
import { redactText } from '../config/urls.js';
import { isMigrationError, MigrationError } from '../errors.js';
import type { EventSink, RunEvent, RunStep } from '../events.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { createSummaryBuilder, type RunSummary } from '../report/summarize.js';
import {
  createLogger,
  formatJsonLine,
  type LogFormat,
  type LogLevel,
  sanitize,
  writeSyncAll,
} from './log.js';
import { renderMetrics } from './metrics.js';
import { createProgress } from './progress.js';

/** Files the reporter itself writes; writeArtifact refuses these names. */
export const RUN_DIR_FILES = [
  'events.ndjson',
  'summary.json',
  'report.md',
  'report.html',
  'metrics.prom',
] as const;

const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface CliReporterOptions {
  readonly runId: string;
  /** The run directory; created (with parents) if missing, mode 0700. */
  readonly runDir: string;
  /** The pg2my command, e.g. "migrate"; run.started's `command` wins when present. */
  readonly command: string;
  readonly logFormat: LogFormat;
  /** Show the progress display when stderr is a terminal (false: log lines instead, e.g. --no-progress). */
  readonly progress: boolean;
  /** Lowest level written to stderr; default 'warn' while the progress display is shown, else 'info'. */
  readonly logLevel?: LogLevel;
  /** File descriptor for log lines and the display; default 2 (stderr). */
  readonly fd?: number;
  /** Whether `fd` is a terminal; default: asked of the descriptor. */
  readonly isTTY?: boolean;
}

/** How the run ended, for close() when the library never emitted run.finished (e.g. it threw first). */
export interface RunOutcome {
  readonly exitCode: number;
  readonly error?: unknown;
}

export interface CliReporter {
  /** Give this to the library: every event goes to stderr (filtered), events.ndjson and the summary. */
  readonly sink: EventSink;
  readonly runDir: string;
  /** Write `<runDir>/<name>` atomically, mode 0600, redacted. `name` is a plain file name. */
  writeArtifact(name: string, content: string): void;
  /**
   * Stop the display, write summary.json, report.md, report.html and metrics.prom, close events.ndjson.
   * Idempotent. The returned summary is redacted. `outcome` is used only if no run.finished was seen.
   */
  close(outcome?: RunOutcome): Promise<{ summary: RunSummary; reportPath: string }>;
}

/**
 * Redact an artifact. JSON artifacts are redacted value by value first: inside a JSON string a secret
 * with a quote or backslash is escaped, and redactText on the text alone would not recognise it.
 */
function redactContent(name: string, content: string): string {
  if (name.endsWith('.json')) {
    try {
      const indent = /^[[{]\r?\n( +|\t)/.exec(content)?.[1] ?? '';
      const text = JSON.stringify(sanitize(JSON.parse(content)), null, indent);
      return redactText(content.endsWith('\n') ? `${text}\n` : text);
    } catch {
      // Not JSON after all: fall through to the plain text redaction.
    }
  }
  return redactText(content);
}

function errorJson(e: unknown): unknown {
  if (isMigrationError(e)) return e.toJSON();
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message };
  return e === undefined ? undefined : String(e);
}

/** Create the reporter for one CLI run; see CliReporter and the file header. */
export function createCliReporter(opts: CliReporterOptions): CliReporter {
  const { runId, runDir } = opts;
  const fd = opts.fd ?? 2;
  const tty = opts.isTTY ?? (fd === 2 ? process.stderr.isTTY === true : isatty(fd));
  const showProgress = opts.progress && tty;
  const t0 = performance.now();
  const startedAt = new Date().toISOString();

  makePrivateDir(runDir, 'run directory');
  const eventsFd = openSync(join(runDir, 'events.ndjson'), 'a', 0o600);
  fchmodSync(eventsFd, 0o600);
  let eventsOpen = true;

  const out = (text: string) => writeSyncAll(fd, text);
  const progress = createProgress({ enabled: showProgress, write: out });
  const logger = createLogger({
    runId,
    format: opts.logFormat,
    minLevel: opts.logLevel ?? (showProgress ? 'warn' : 'info'),
    write: (line) => progress.above(line),
  });
  const builder = createSummaryBuilder({ runId, command: opts.command, startedAt });
  const artifacts: string[] = [];
  let finishedSeen = false;
  let lastStep: RunStep = 'preflight';
  let sinkFailed = false;
  let closing: Promise<{ summary: RunSummary; reportPath: string }> | undefined;

  const sink: EventSink = (e: RunEvent) => {
    try {
      if (e.event === 'run.finished') finishedSeen = true;
      if (typeof e.step === 'string') lastStep = e.step;
      builder.add(e);
      if (eventsOpen) writeSyncAll(eventsFd, formatJsonLine(e, runId, new Date().toISOString()));
      logger.event(e);
      progress.event(e);
    } catch (err) {
      if (!sinkFailed) {
        sinkFailed = true;
        out(
          redactText(
            `pg2my: warning: recording run events failed (${err instanceof Error ? err.message : String(err)}); the run goes on, its report may be incomplete\n`,
          ),
        );
      }
    }
  };

  function writeArtifact(name: string, content: string): void {
    if (!ARTIFACT_NAME.test(name) || (RUN_DIR_FILES as readonly string[]).includes(name))
      throw new MigrationError('INTERNAL', `Not a valid artifact name: ${JSON.stringify(name)}`);
    writeFileAtomic(runDir, name, redactContent(name, content));
    if (!artifacts.includes(name)) artifacts.push(name);
  }

  async function doClose(outcome?: RunOutcome): Promise<{ summary: RunSummary; reportPath: string }> {
    if (!finishedSeen && outcome) {
      const error = errorJson(outcome.error);
      sink({
        runId,
        step: lastStep,
        event: 'run.finished',
        level: outcome.exitCode === 0 ? 'info' : 'error',
        msg:
          outcome.exitCode === 0
            ? 'run finished'
            : `run ended with exit ${outcome.exitCode}${
                typeof error === 'object' && error !== null && 'message' in error
                  ? `: ${String((error as { message: unknown }).message)}`
                  : ''
              }`,
        data: {
          status: outcome.exitCode === 0 ? 'ok' : 'failed',
          exitCode: outcome.exitCode,
          ...(error === undefined ? {} : { error }),
        },
      });
    }
    progress.close();
    try {
      const raw = builder.summary({
        finishedAt: new Date().toISOString(),
        elapsedMs: Math.round(performance.now() - t0),
        artifacts: [...artifacts, ...RUN_DIR_FILES.filter((f) => f !== 'report.html')],
      });
      const summary = sanitize(raw) as RunSummary;
      writeFileAtomic(runDir, 'summary.json', redactText(`${JSON.stringify(summary, null, 2)}\n`));
      writeFileAtomic(runDir, 'metrics.prom', redactText(renderMetrics(summary)));
      writeFileAtomic(runDir, 'report.html', redactText(renderHtml(summary)));
      writeFileAtomic(runDir, 'report.md', redactText(renderMarkdown(summary)));
      return { summary, reportPath: join(runDir, 'report.md') };
    } finally {
      if (eventsOpen) {
        eventsOpen = false;
        try {
          fsyncSync(eventsFd);
        } catch {
          // fsync is not supported on every file system; the lines were written already.
        }
        closeSync(eventsFd);
      }
    }
  }

  return {
    sink,
    runDir,
    writeArtifact,
    close(outcome) {
      closing ??= doClose(outcome);
      return closing;
    },
  };
}
