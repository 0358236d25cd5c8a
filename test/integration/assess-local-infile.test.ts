// assess on a target whose local_infile is OFF. The shared test MariaDB must not be changed globally, so this
// test starts its OWN throwaway MariaDB (fresh datadir under the OS temp dir, --local-infile=0, a free port),
// and stops exactly that process (by its pid) and deletes its datadir afterwards. Skipped without mariadbd.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { assess } from '../helpers/assess.js';
import { freshPgDatabase } from '../helpers/servers.js';

const MARIADBD = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/local/sbin/mariadbd'].find(existsSync);
const isRoot = process.getuid?.() === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Start a private MariaDB with local_infile OFF; returns its admin URL and a stop function. */
async function privateMariadb(): Promise<{ url: string; stop: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'pg2my-assess-mariadb-'));
  const dataDir = join(root, 'data');
  const socket = join(root, 'mysqld.sock');
  const user = isRoot ? ['--user=root'] : [];
  const init = spawnSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...user,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ],
    { encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    MARIADBD!,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      '--local-infile=0',
      '--skip-name-resolve',
      ...user,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=64M',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      `--log-error=${join(root, 'error.log')}`,
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; !existsSync(socket); i++) {
      if (child.exitCode !== null || i > 600) throw new Error('the private mariadbd did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const password = `pw-${process.pid}-infile`;
    const c = await mysql.createConnection({ socketPath: socket, user: 'root', password: '' });
    await c.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'");
    await c.query("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY ?", [password]);
    await c.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
    await c.query('CREATE DATABASE assess_infile CHARACTER SET utf8mb4');
    await c.end();
    return { url: `mysql://root:${encodeURIComponent(password)}@127.0.0.1:${port}/assess_infile`, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

test('local_infile OFF on the target: a medium risk (INSERT fallback), blocking with loadMethod load-data', {
  skip: MARIADBD ? false : 'mariadbd is not installed',
  timeout: 180_000,
}, async () => {
  const source = await freshPgDatabase(
    'assess_infile',
    "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g; ANALYZE;",
  );
  const server = await privateMariadb();
  try {
    const r = await assess(source, server.url);
    const li = r.risks.find((x) => x.id === 'LOCAL_INFILE_DISABLED');
    assert.equal(li?.severity, 'medium');
    assert.equal(li?.config, 'migrate.loadMethod: insert');
    assert.equal(r.verdict, 'ready-with-warnings');
    assert.equal(r.estimate, undefined, 'the LOAD DATA side of the probe cannot be measured');
    assert.match(r.checks.find((c) => c.name === 'throughput probe')?.detail ?? '', /local_infile is OFF/);
    const strict = await assess(source, server.url, { migrate: { loadMethod: 'load-data' } });
    assert.equal(strict.risks.find((x) => x.id === 'LOCAL_INFILE_DISABLED')?.severity, 'blocking');
    assert.equal(strict.verdict, 'blocked');
  } finally {
    await server.stop();
  }
});
