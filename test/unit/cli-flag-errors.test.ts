// Flag errors are CONFIG_INVALID (exit 2), never commander's exit 1 (TRANSIENT_EXHAUSTED in our table):
// unknown option, unknown command, missing value, no command at all. --help and --version exit 0.
// Runs the real CLI in a child process; no server is needed (parsing fails before any connection).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

for (const args of [[], ['--bogus'], ['bogus'], ['migrate', '--source'], ['verify', '--nope']]) {
  test(`pg2my ${args.join(' ') || '(no arguments)'} exits 2 (CONFIG_INVALID)`, async () => {
    const r = await runCli(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, args.length ? /exit 2 \(CONFIG_INVALID/ : /Usage: pg2my/);
  });
}

for (const args of [['--help'], ['--version'], ['migrate', '--help']]) {
  test(`pg2my ${args.join(' ')} exits 0`, async () => {
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
  });
}
