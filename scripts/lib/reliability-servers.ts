// Private throwaway servers for `npm run reliability`: one PostgreSQL (initdb/pg_ctl) and one MariaDB
// (mariadb-install-db/mariadbd) on free loopback ports in a temp dir, never the shared test servers in
// .pg2my/servers. Both can be killed with SIGKILL and restarted on the same data dir; the MariaDB data dir
// sits on its own small tmpfs when we are root (for the disk-full fault), else on plain disk (noted).
// Passwords are the scorecard's canaries; the app users are not superusers (so max_connections bites).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';

const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PrivateServers {
  readonly root: string;
  readonly pgPort: number;
  readonly myPort: number;
  /** The datadir's tmpfs mount point, or null when none could be mounted. */
  readonly tmpfs: string | null;
  readonly tmpfsNote: string;
  /** Admin (superuser) URLs, for fixtures and the oracle. */
  pgAdminUrl(db?: string): string;
  myAdminUrl(db?: string): string;
  /** App users (pg2my runs as these): PG role rel_app (owner of the fixtures), MariaDB rel_app (no SUPER). */
  readonly appUser: string;
  readonly pgPassword: string;
  readonly myPassword: string;
  killPg(): void;
  startPg(): Promise<void>;
  killMy(): void;
  startMy(): Promise<void>;
  myAlive(): boolean;
  pgAlive(): boolean;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function runOk(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}
const isRoot = () => process.getuid?.() === 0;
const asPg = (cmd: string, args: readonly string[]) =>
  isRoot() ? runOk('runuser', ['-u', 'postgres', '--', cmd, ...args]) : runOk(cmd, args);

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const v = runOk('ls', [base])
    .split('\n')
    .filter((x) => /^\d+$/.test(x))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (!v) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return join(base, v, 'bin');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

async function waitPort(port: number, ms: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = net.connect(port, HOST);
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    if (!alive() || Date.now() > deadline) throw new Error(`server on port ${port} did not come up`);
    await sleep(100);
  }
}

export async function startPrivateServers(opts: {
  readonly pgPassword: string;
  readonly myPassword: string;
  readonly tmpfsMb: number;
}): Promise<PrivateServers> {
  const root = mkdtempSync('/tmp/pg2my-reliability-');
  chmodSync(root, 0o711);
  const pgDir = join(root, 'pg');
  const pgData = join(pgDir, 'data');
  mkdirSync(pgDir, { mode: 0o700 });
  if (isRoot()) {
    const uid = Number(runOk('id', ['-u', 'postgres']).trim());
    const gid = Number(runOk('id', ['-g', 'postgres']).trim());
    chownSync(pgDir, uid, gid);
  }
  const myDir = join(root, 'my');
  mkdirSync(myDir, { mode: 0o700 });
  let tmpfs: string | null = null;
  let tmpfsNote = 'not root: no tmpfs';
  if (isRoot()) {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${opts.tmpfsMb}m,mode=0700`, 'tmpfs', myDir], {
      encoding: 'utf8',
    });
    if (r.status === 0) {
      tmpfs = myDir;
      tmpfsNote = `MariaDB datadir on a ${opts.tmpfsMb} MB tmpfs`;
    } else tmpfsNote = `mount -t tmpfs failed: ${r.stderr.trim()}`;
  }
  const myData = join(myDir, 'data');
  const mySock = join(myDir, 'my.sock');
  const pgPort = await freePort();
  const myPort = await freePort();
  const bin = pgBin();
  const appUser = 'rel_app';

  // PostgreSQL
  const pw = join(pgDir, 'pw');
  writeFileSync(pw, `${opts.pgPassword}\n`, { mode: 0o600 });
  if (isRoot()) runOk('chown', ['postgres', pw]);
  asPg(join(bin, 'initdb'), [
    '-D',
    pgData,
    '-U',
    'postgres',
    `--pwfile=${pw}`,
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--no-sync',
  ]);
  rmSync(pw);
  const conf = join(pgData, 'postgresql.conf');
  writeFileSync(
    conf,
    `${readFileSync(conf, 'utf8')}\nlisten_addresses='${HOST}'\nport=${pgPort}\nunix_socket_directories='${pgDir}'\nmax_connections=60\nfsync=off\nsynchronous_commit=off\nfull_page_writes=off\nshared_buffers=64MB\n`,
  );
  const pgLog = join(pgDir, 'postgres.log');
  const pgPidFile = join(pgData, 'postmaster.pid');
  const pgPid = (): number | null => {
    try {
      const p = Number(readFileSync(pgPidFile, 'utf8').split('\n')[0]);
      return p > 0 && pidAlive(p) ? p : null;
    } catch {
      return null;
    }
  };
  let killed: number[] = [];
  const startPg = async () => {
    // After a kill -9 the backends may still be exiting; pg_ctl refuses while they hold shared memory.
    for (let i = 0; i < 100 && killed.some(pidAlive); i++) await sleep(50);
    for (let attempt = 1; ; attempt++) {
      try {
        asPg(join(bin, 'pg_ctl'), ['start', '-D', pgData, '-l', pgLog, '-w', '-t', '60', '-s']);
        return;
      } catch (e) {
        if (attempt >= 10) throw e;
        await sleep(300);
      }
    }
  };
  const killPg = () => {
    const p = pgPid();
    if (p === null) return;
    const kids = children(p);
    killed = [p, ...kids];
    process.kill(p, 'SIGKILL');
    for (const k of kids) {
      try {
        process.kill(k, 'SIGKILL');
      } catch {}
    }
  };
  await startPg();

  // MariaDB
  mkdirSync(myData, { recursive: true, mode: 0o700 });
  runOk('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${myData}`,
    ...(isRoot() ? ['--user=root'] : []),
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ]);
  let myChild: ChildProcess | null = null;
  const myArgs = [
    '--no-defaults',
    `--datadir=${myData}`,
    `--port=${myPort}`,
    `--bind-address=${HOST}`,
    `--socket=${mySock}`,
    '--local-infile=1',
    ...(isRoot() ? ['--user=root'] : []),
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--skip-log-bin',
    '--skip-name-resolve',
    '--innodb-buffer-pool-size=128M',
    '--innodb-log-file-size=16M',
    '--innodb-flush-log-at-trx-commit=2',
    '--max-connections=80',
    // Lock waits end in errors (1205) within the holders' hold times, so the faults are real errors.
    '--innodb-lock-wait-timeout=1',
    '--lock-wait-timeout=3',
    `--log-error=${join(myDir, 'error.log')}`,
  ];
  const myAlive = () => myChild !== null && myChild.exitCode === null && myChild.signalCode === null;
  const startMy = async () => {
    rmSync(mySock, { force: true });
    const child = spawn('/usr/sbin/mariadbd', myArgs, { stdio: 'ignore', cwd: '/' });
    myChild = child;
    await waitPort(myPort, 120_000, () => child.exitCode === null && child.signalCode === null);
  };
  const killMy = () => {
    if (myAlive()) myChild!.kill('SIGKILL');
  };
  await startMy();
  const rootConn = await mysql.createConnection({ socketPath: mySock, user: 'root', password: '' });
  try {
    for (const h of ['localhost', HOST]) {
      await rootConn.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', ['root', h, opts.myPassword]);
      await rootConn.query('ALTER USER ?@? IDENTIFIED BY ?', ['root', h, opts.myPassword]);
      await rootConn.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', ['root', h]);
    }
    await rootConn.query('CREATE USER ?@? IDENTIFIED BY ?', [appUser, HOST, opts.myPassword]);
    // Every privilege on the rel_* databases, nothing global (no SUPER, no CONNECTION ADMIN).
    await rootConn.query(`GRANT ALL PRIVILEGES ON \`rel\\_%\`.* TO ?@?`, [appUser, HOST]);
    await rootConn.query('FLUSH PRIVILEGES');
  } finally {
    await rootConn.end();
  }
  const pgc = new pg.Client({ host: HOST, port: pgPort, user: 'postgres', password: opts.pgPassword });
  await pgc.connect();
  try {
    await pgc.query(
      `CREATE ROLE ${appUser} LOGIN CREATEDB PASSWORD '${opts.pgPassword.replaceAll("'", "''")}'`,
    );
  } finally {
    await pgc.end();
  }

  const enc = encodeURIComponent;
  return {
    root,
    pgPort,
    myPort,
    tmpfs,
    tmpfsNote,
    appUser,
    pgPassword: opts.pgPassword,
    myPassword: opts.myPassword,
    pgAdminUrl: (db = 'postgres') =>
      `postgres://postgres:${enc(opts.pgPassword)}@${HOST}:${pgPort}/${enc(db)}`,
    myAdminUrl: (db) => `mysql://root:${enc(opts.myPassword)}@${HOST}:${myPort}/${db ? enc(db) : ''}`,
    killPg,
    startPg,
    killMy,
    startMy,
    myAlive,
    pgAlive: () => pgPid() !== null,
    async stop() {
      try {
        asPg(join(bin, 'pg_ctl'), ['stop', '-D', pgData, '-m', 'immediate', '-w', '-t', '30', '-s']);
      } catch {
        killPg();
      }
      if (myAlive()) {
        const c = myChild!;
        const done = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await done;
      }
      if (tmpfs) spawnSync('umount', [tmpfs]);
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    },
  };
}
