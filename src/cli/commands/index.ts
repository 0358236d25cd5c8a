// The list of commands. Each command lives in its own file and exports `register(program)`;
// adding a command is one import and one line here.

import type { Command } from 'commander';
import { register as registerAssess } from './assess.js';
import { register as registerBackup } from './backup.js';
import { register as registerMigrate } from './migrate.js';
import { register as registerSchema } from './schema.js';
import { register as registerVerify } from './verify.js';

export function registerCommands(program: Command): void {
  registerAssess(program);
  registerBackup(program);
  registerMigrate(program);
  registerSchema(program);
  registerVerify(program);
}
