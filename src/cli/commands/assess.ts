// `pg2my assess`: measure what would break a migration before anything is written, print the risk report
// (text, JSON or Markdown) and optionally save assess.md + assess.json (0700 directory, 0600 files).
// With --config-out, a pg2my.yaml holding a lossless decision for every blocking risk (0600, no password).
// Flags → config → runAssess → output. Exit 0 for ready and ready-with-warnings, 64 when blocked.

import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { renderConfigOut } from '../../assess/config-out.js';
import { renderMarkdown, renderText } from '../../assess/render-report.js';
import { renderJson } from '../../assess/report.js';
import { redactText } from '../../config/urls.js';
import { ERROR_CODES, MigrationError } from '../../errors.js';
import type { EventSink } from '../../events.js';
import { runAssess } from '../../pipeline/assess.js';
import { writeFileAtomic, writePrivateFile } from '../private-files.js';
import {
  addConnectionFlags,
  configFromFlags,
  err,
  newRunId,
  runAction,
  addTableFlags,
  tableSelection,
} from '../common.js';

const HELP = `
What it does (nothing is written on either server except TEMPORARY tables):
  1. Preflight: connects both sides; TLS on each connection; PostgreSQL 12+, MySQL 8.0+ / MariaDB 10.6+;
     source privileges (CONNECT, USAGE, SELECT on every table and sequence, row-level security bypassed);
     target privileges (CREATE, ALTER, INDEX, INSERT, SELECT, REFERENCES, UPDATE, DELETE, DROP);
     local_infile, max_allowed_packet vs the largest source row, sql_mode, character set,
     lower_case_table_names; the target database is empty or owned by a resumable run of this plan.
  2. Plan: builds the plan like \`pg2my schema\`, but a mapping that needs a decision does not stop it:
     each one is reported as a blocking risk with the config key that resolves it.
  3. Schema risks: names over 64 characters, reserved words, index keys over 3072 bytes, tables
     without a primary key, objects that are not converted (views, triggers, policies, …).
  4. Data scan (one full scan per table on the source): dates outside 1000–9999, infinity, numbers
     that do not fit the planned DECIMAL, NaN/Infinity, strings longer than the planned column, NUL
     characters, arrays not starting at 1 — each with the row count and example keys.
  5. Collation collisions, measured on the target: the distinct PRIMARY KEY / UNIQUE string values are
     loaded into a TEMPORARY table in the planned collation and grouped there, so values that differ
     only by case, accents, trailing spaces or emoji are found exactly as the server would compare them.
  6. Estimate: rows and sizes per table, and a migrate duration extrapolated from a short probe
     (COPY ≤ 20,000 rows of the biggest table, LOAD DATA of those bytes into a TEMPORARY table).

Verdict and exit status:
  ready                 nothing found that would fail or change a value            exit 0
  ready-with-warnings   migrate can run; the open risks are printed                exit 0
  blocked               a blocking risk is open: migrate would fail or lose data   exit ${ERROR_CODES.PREFLIGHT_FAILED.exit} (PREFLIGHT_FAILED)

Reading the report: every risk has a stable id (e.g. COLLATION_COLLISION, DATE_OUT_OF_RANGE), a severity,
the table, column, affected rows and example keys, and a mitigation — usually one config line such as
  types.numeric: text      columns.public.t.c.type: varchar(2000)      collation.key: utf8mb4_0900_bin
Put it in pg2my.yaml (--config) and run assess again until the verdict is not blocked.

One pass: --config-out pg2my.yaml writes your config (-c, comments kept) plus a decision for every
blocking risk that has a lossless alternative — text or bytes storage, a wider type, a binary key
collation, a rename when two names meet — each commented with why; risks that need your own choice
are listed at its top. No password is written (the file is mode 0600). Then: pg2my migrate -c pg2my.yaml

Examples:
  pg2my assess -s postgres://app@pg/app -t mysql://app@my/app
  pg2my assess -s … -t … --config pg2my.yaml --format md --out ./assessment   # assess.md + assess.json
  pg2my assess -s … -t … --config-out pg2my.yaml && pg2my migrate -c pg2my.yaml
`;

const FORMATS = ['text', 'json', 'md'] as const;

/** Phase progress on stderr, only when a person is watching. */
const progress: EventSink = (e) => {
  if (process.stderr.isTTY && (e.event === 'phase.started' || e.event === 'assess.started'))
    process.stderr.write(`${redactText(`pg2my: assess: ${e.msg}`)}\n`);
};

export function register(program: Command): void {
  const cmd = program
    .command('assess')
    .description('measure what would break the migration, before anything is written');
  addTableFlags(addConnectionFlags(cmd, { target: 'required' }))
    .option('--format <format>', 'text (default), json or md', 'text')
    .option('--out <dir>', 'also write assess.md and assess.json into this directory')
    .option(
      '--config-out <file>',
      'write a config with a lossless decision for every blocking risk (merged with -c; no passwords; mode 0600)',
    )
    .addHelpText('after', HELP)
    .action((flags: Record<string, unknown>) =>
      runAction(async () => {
        const format = String(flags.format);
        if (!(FORMATS as readonly string[]).includes(format))
          throw new MigrationError('CONFIG_INVALID', `--format must be text, json or md (got ${format}).`);
        const extra: Record<string, unknown> = tableSelection(flags);
        const config = configFromFlags(flags, extra);
        if (!config.target)
          throw new MigrationError('CONFIG_INVALID', 'assess needs a target.', {
            hint: 'Pass --target mysql://user@host:3306/db or set PG2MY_TARGET: collisions and settings are measured there.',
          });
        const report = await runAssess({ config, runId: newRunId(), sink: progress });
        const rendered =
          format === 'json'
            ? renderJson(report)
            : format === 'md'
              ? renderMarkdown(report)
              : renderText(report);
        process.stdout.write(redactText(rendered));
        if (typeof flags.out === 'string') {
          writePrivateFile(flags.out, 'assess.md', renderMarkdown(report));
          writePrivateFile(flags.out, 'assess.json', renderJson(report));
          err(`pg2my: wrote assess.md and assess.json to ${flags.out}`);
        }
        if (typeof flags.configOut === 'string') writeConfigOut(flags.configOut, flags, config, report);
        const blocking = report.risks.filter((r) => r.status === 'open' && r.severity === 'blocking').length;
        if (report.verdict === 'blocked') {
          err(
            `pg2my: PREFLIGHT_FAILED: assess found ${blocking} open blocking risk(s); migrate would fail or change data.`,
          );
          err(
            '  hint: apply the mitigation of each blocking risk (usually one config line) and run assess again.',
          );
          return ERROR_CODES.PREFLIGHT_FAILED.exit;
        }
        if (report.verdict === 'ready-with-warnings' && format !== 'text')
          err(
            `pg2my: ready with warnings: ${report.risks.filter((r) => r.status === 'open' && r.severity !== 'info').length} open risk(s); see the report.`,
          );
        return 0;
      }),
    );
}

/** Write the --config-out file atomically with mode 0600 (also when it already existed) and say what is in it. */
function writeConfigOut(
  file: string,
  flags: Record<string, unknown>,
  config: ReturnType<typeof configFromFlags>,
  report: Parameters<typeof renderConfigOut>[0]['report'],
): void {
  const baseText = typeof flags.config === 'string' ? readFileSync(flags.config, 'utf8') : undefined;
  const { text, decided } = renderConfigOut({
    report,
    ...(baseText !== undefined ? { baseText } : {}),
    ...(config.source ? { source: config.source } : {}),
    ...(config.target ? { target: config.target } : {}),
    selection: {
      ...(config.schemas ? { schemas: config.schemas } : {}),
      ...(config.tables ? { tables: config.tables } : {}),
      exclude: config.exclude,
    },
    fileName: basename(file),
  });
  // renderConfigOut already refused any registered secret; the file may name hosts and tables: 0600.
  writeFileAtomic(dirname(file), basename(file), text);
  const n = decided.decisions.reduce((s, d) => s + d.risks.length, 0);
  err(
    `pg2my: wrote ${file}: ${decided.decisions.length} decision(s) for ${n} blocking risk(s)${decided.undecided.length ? `; ${decided.undecided.length} blocking risk(s) need your own decision (listed at its top)` : ''}. Read it, then run: pg2my migrate -c ${file}`,
  );
}
