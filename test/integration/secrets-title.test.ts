// Secrets never show in the process list: a password given in a --source/--target URL is gone from
// /proc/<pid>/cmdline (what `ps` shows) while the command runs, and from its output, which also warns.
// No timing and no network assumption: the URLs point at a local listener that accepts and never answers,
// so the command is provably mid-connect (its title long set) when the first connection arrives.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';

const SECRET = 'Sup3r-S3cret-pw';

test('a password passed in a URL flag is not in the process title, nor in the output', async () => {
  // A TCP listener that accepts and never answers: no greeting, so every client waits in its connect.
  const sockets: Socket[] = [];
  let connected: () => void = () => {};
  const firstConnection = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    connected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'migrate',
      '--source',
      `postgres://app:${SECRET}@127.0.0.1:${port}/app`,
      '--target',
      `mysql://app:${SECRET}@127.0.0.1:${port}/app`,
      '--connect-timeout',
      '600000',
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
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  // Either the command reaches its first connect (title set long before) or it ends early (a failure).
  const early = await Promise.race([firstConnection.then(() => false), closed.then(() => true)]);
  let cmdline = '';
  if (!early) cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  child.kill('SIGKILL');
  const { code } = await closed;
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(early, false, `the command ended before it connected: ${output}`);
  assert.match(cmdline, /pg2my migrate/, 'the title was set while the command ran');
  assert.doesNotMatch(cmdline, new RegExp(SECRET));
  assert.notEqual(code, 0);
  assert.doesNotMatch(output, new RegExp(SECRET));
  assert.match(output, /contains a password/, 'the user is warned');
});
