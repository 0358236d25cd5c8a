// `pg2my schema`: print, save or apply the MySQL 8 / MariaDB DDL for a PostgreSQL database.
// Flags → config → runSchema → output. Exit 0 when the DDL was produced (and applied, with --apply).

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { silentSink } from '../../events.js';
import { runSchema } from '../../pipeline/schema.js';
import {
  addConnectionFlags,
  configFromFlags,
  err,
  newRunId,
  out,
  runAction,
  addTableFlags,
  tableSelection,
} from '../common.js';

const HELP = `
What it does:
  Reads the PostgreSQL catalog (tables, columns, keys, indexes, FKs, checks, enums, domains,
  sequences, comments), maps every column through the type rules, and prints the MySQL DDL in two
  parts: pre-data (tables with their primary keys) and post-data (unique and secondary indexes,
  foreign keys, checks, AUTO_INCREMENT values). Lossy or ambiguous choices are listed as comments
  with the config key that changes them; views, triggers, functions and the like are listed as
  "not converted" with the reason.

Dialect:
  With --target, the dialect comes from the target server's version (MySQL 8 → mysql8,
  MariaDB → mariadb). Without a target, --dialect decides (default mysql8).

Apply:
  --apply creates on the target only what is missing and changes nothing that exists. When an
  existing table differs from the plan, it stops before writing anything and names the difference.
  Running it twice is safe: the second run finds nothing to do.

Examples:
  pg2my schema --source postgres://app@db/app --dialect mariadb > schema.sql
  PG2MY_TARGET_PASSWORD=… pg2my schema -s postgres://app@db/app -t mysql://app@my/app --apply
`;

export function register(program: Command): void {
  const cmd = program
    .command('schema')
    .description('print, save or apply the MySQL DDL for the source database');
  addTableFlags(addConnectionFlags(cmd, { target: 'optional' }))
    .option('--dialect <name>', 'mysql8 or mariadb when there is no --target (default mysql8)')
    .option('--apply', 'create what is missing on the target (needs --target)')
    .option('--out <file>', 'write the DDL to this file instead of stdout')
    .addHelpText('after', HELP)
    .action((flags: Record<string, unknown>) =>
      runAction(async () => {
        const extra: Record<string, unknown> = tableSelection(flags);
        if (typeof flags.dialect === 'string') extra.dialect = flags.dialect;
        const config = configFromFlags(flags, extra);
        const result = await runSchema({
          config,
          apply: flags.apply === true,
          sink: silentSink,
          runId: newRunId(),
        });
        if (typeof flags.out === 'string') {
          writeFileSync(flags.out, result.sql);
          err(
            `pg2my: wrote ${result.plan.tables.length} tables of ${result.dialect.name} DDL to ${flags.out}`,
          );
        } else if (!flags.apply) {
          process.stdout.write(result.sql);
        }
        const p = result.plan;
        err(
          `pg2my: ${p.tables.length} tables, ${p.postData.length} post-data ops, ${p.decisions.length} decisions, ${p.notConverted.length} not converted, ${p.warnings.length} warnings (dialect ${result.dialect.name})`,
        );
        if (result.comparison && !flags.apply) {
          err(
            `pg2my: target: ${result.comparison.missing.length} ops missing, ${result.comparison.drift.length} differences`,
          );
        }
        if (flags.apply)
          out(
            `applied ${result.applied.length} DDL operations to the target (${result.comparison?.missing.length ?? 0} were missing)`,
          );
        return 0;
      }),
    );
}
