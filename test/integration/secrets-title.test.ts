// Secrets never show in the process list: a password given in a --source/--target URL is gone from
// /proc/<pid>/cmdline (what `ps` shows) while the command runs, and from its output, which also warns.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

const SECRET = 'Sup3r-S3cret-pw';

test('a password passed in a URL flag is not in the process title, nor in the output', async () => {
  // 192.0.2.1 (TEST-NET-1) does not answer: the command stays in its connect timeout long enough to look.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'migrate',
      '--source',
      `postgres://app:${SECRET}@192.0.2.1:5432/app`,
      '--target',
      `mysql://app:${SECRET}@192.0.2.1:3306/app`,
      '--connect-timeout',
      '4000',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    output += b.toString();
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  let cmdline = '';
  for (let i = 0; i < 60 && !/pg2my migrate/.test(cmdline); i++) {
    await sleep(100);
    try {
      cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      break;
    }
  }
  const code = await closed;
  assert.match(cmdline, /pg2my migrate/, 'the title was set while the command ran');
  assert.doesNotMatch(cmdline, new RegExp(SECRET));
  assert.notEqual(code, 0);
  assert.doesNotMatch(output, new RegExp(SECRET));
  assert.match(output, /contains a password/, 'the user is warned');
});
