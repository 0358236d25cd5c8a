#!/usr/bin/env node
// The pg2my command line: argv → command module → library call → exit code. No SQL, no business rules.
// Invariant: the process title is scrubbed before anything else, so URLs with passwords given as flags
// do not stay visible in the process list for the length of a migration.

import { Command, CommanderError } from 'commander';
import { err, exitCodeHelp } from './common.js';
import { registerCommands } from './commands/index.js';

process.title = `pg2my ${process.argv[2] ?? ''}`.trim();

const program = new Command('pg2my')
  .description(
    'Move a PostgreSQL database into MySQL 8 or MariaDB without losing or silently changing a value.\n\n' +
      'Typical session:\n' +
      '  pg2my assess  --source postgres://app@pg/app --target mysql://app@my/app   # what would break, before anything is written\n' +
      '  pg2my schema  --source … --target …            # review the MySQL DDL (add --apply to create it)\n' +
      '  pg2my migrate --source … --target …            # copy from one snapshot; run again to resume after a crash\n' +
      '  pg2my verify  --source … --target …            # prove the target identical, or list the rows that differ\n' +
      '  pg2my backup  --source … --out DIR             # pg_dump of the source, proved by a restore (before the switch)\n\n' +
      'Passwords: put them in PG2MY_SOURCE_PASSWORD / PG2MY_TARGET_PASSWORD (or PGPASSWORD / MYSQL_PWD), not in flags.',
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `\nExit codes:\n${exitCodeHelp()}\n`)
  // Subcommands inherit this: a flag error (unknown option or command, missing value, no command) is
  // CONFIG_INVALID, exit 2; commander's own exit 1 is TRANSIENT_EXHAUSTED's status in our table.
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  if (e.exitCode === 0)
    process.exitCode = 0; // --help, --version
  else {
    err('  exit 2 (CONFIG_INVALID: bad flag, config file or URL)');
    process.exitCode = 2;
  }
}
