// Throwaway TLS fixtures for the certificate-verification tests: a CA (and a second, unknown CA) and server
// certificates made with `openssl` in a temp dir at test time, plus a private PostgreSQL (initdb/pg_ctl)
// and a private MariaDB (mariadb-install-db/mariadbd) on free loopback ports under that dir, serving them.
// Invariants: the shared test servers (.pg2my/servers) are never touched; nothing here is committed data;
// stop() stops only the processes started here (by pid / pg_ctl on our own data dir) and removes the dir.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

const HOST = '127.0.0.1';
const isRoot = (): boolean => process.getuid?.() === 0;

function runOk(cmd: string, args: readonly string[], cwd = '/'): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const asPg = (cmd: string, args: readonly string[]): string =>
  isRoot() ? runOk('runuser', ['-u', 'postgres', '--', cmd, ...args]) : runOk(cmd, args);

function pgOwner(path: string): void {
  if (!isRoot()) return;
  chownSync(
    path,
    Number(runOk('id', ['-u', 'postgres']).trim()),
    Number(runOk('id', ['-g', 'postgres']).trim()),
  );
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

function pgBin(): string {
  const v = runOk('ls', ['/usr/lib/postgresql'])
    .split('\n')
    .filter((x) => /^\d+$/.test(x))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (!v) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', v, 'bin');
}

/** The server certificates the tests swap in; each is signed by the test CA. */
export type CertName = 'ip' | 'dns' | 'wrong' | 'expired';

export interface Pki {
  readonly dir: string;
  /** The CA that signed every server certificate. */
  readonly ca: string;
  /** A CA that signed nothing the servers present. */
  readonly otherCa: string;
  cert(name: CertName): { crt: string; key: string };
}

const SUBJECTS: Readonly<Record<CertName, { san: string; dates: string[] }>> = {
  ip: { san: 'IP:127.0.0.1', dates: ['-days', '3650'] },
  dns: { san: 'DNS:localhost', dates: ['-days', '3650'] },
  wrong: { san: 'DNS:db.example.invalid', dates: ['-days', '3650'] },
  // Expired long ago: fixed dates, no clock arithmetic.
  expired: {
    san: 'DNS:localhost,IP:127.0.0.1',
    dates: ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z'],
  },
};

/** A CA, an unknown CA, and the server certificates of SUBJECTS, under `dir`. */
export function makePki(dir: string): Pki {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = test_ca',
      '[ test_ca ]',
      `database = ${join(dir, 'index.txt')}`,
      `new_certs_dir = ${join(dir, 'newcerts')}`,
      `serial = ${join(dir, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[ any ]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const name of ['ca', 'other-ca'])
    runOk('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
      '-days',
      '3650',
      '-subj',
      `/CN=pg2my test ${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  for (const [name, s] of Object.entries(SUBJECTS)) {
    const base = join(dir, `server-${name}`);
    runOk('openssl', [
      'req',
      '-new',
      ...ec,
      '-keyout',
      `${base}.key`,
      '-out',
      `${base}.csr`,
      '-subj',
      `/CN=pg2my test ${name}`,
      '-addext',
      `subjectAltName=${s.san}`,
    ]);
    runOk('openssl', [
      'ca',
      '-batch',
      '-notext',
      '-config',
      join(dir, 'ca.cnf'),
      '-cert',
      join(dir, 'ca.crt'),
      '-keyfile',
      join(dir, 'ca.key'),
      '-in',
      `${base}.csr`,
      '-out',
      `${base}.crt`,
      ...s.dates,
    ]);
  }
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    otherCa: join(dir, 'other-ca.crt'),
    cert: (name) => ({ crt: join(dir, `server-${name}.crt`), key: join(dir, `server-${name}.key`) }),
  };
}

async function waitPort(port: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
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
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** root@localhost over the socket, once mariadbd accepts on it (it binds TCP and the socket in turn). */
async function rootSession(socket: string, alive: () => boolean): Promise<mysql.Connection> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await mysql.createConnection({ socketPath: socket, user: 'root', password: '' });
    } catch (e) {
      if (!alive() || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface TlsServers {
  readonly pki: Pki;
  readonly pgPort: number;
  readonly myPort: number;
  readonly user: string;
  readonly password: string;
  /** An empty database on the MariaDB (the PostgreSQL has `postgres`). */
  readonly myDatabase: string;
  /** Serve this certificate from both servers from now on (PostgreSQL restarts; MariaDB runs FLUSH SSL). */
  use(name: CertName): Promise<void>;
  stop(): Promise<void>;
}

/** Start a private PostgreSQL and MariaDB with TLS on, serving the `ip` certificate first. */
export async function startTlsServers(): Promise<TlsServers> {
  const root = mkdtempSync('/tmp/pg2my-tls-');
  chmodSync(root, 0o711);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  try {
    return await start(root, stops, stopAll);
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function start(
  root: string,
  stops: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
): Promise<TlsServers> {
  const pki = makePki(join(root, 'pki'));
  const user = 'tls_user';
  const password = randomBytes(12).toString('hex');
  const [pgPort, myPort] = [await freePort(), await freePort()];

  // PostgreSQL: hostssl only, so every TCP login is over TLS.
  const bin = pgBin();
  const pgDir = join(root, 'pg');
  const pgData = join(pgDir, 'data');
  mkdirSync(pgDir, { mode: 0o700 });
  pgOwner(pgDir);
  const pwfile = join(pgDir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  pgOwner(pwfile);
  asPg(join(bin, 'initdb'), [
    '-D',
    pgData,
    '-U',
    user,
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--locale=C',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--no-sync',
  ]);
  const pgFile = (name: string, text: string) => {
    writeFileSync(join(pgData, name), text, { mode: 0o600 });
    pgOwner(join(pgData, name));
  };
  pgFile('pg_hba.conf', `local all all trust\nhostssl all all ${HOST}/32 scram-sha-256\n`);
  pgFile(
    'postgresql.auto.conf',
    [
      `listen_addresses = '${HOST}'`,
      `port = ${pgPort}`,
      `unix_socket_directories = '${pgDir}'`,
      'max_connections = 20',
      'shared_buffers = 16MB',
      'fsync = off',
      'ssl = on',
      "ssl_cert_file = 'server.crt'",
      "ssl_key_file = 'server.key'",
      '',
    ].join('\n'),
  );
  const pgCert = (name: CertName) => {
    const c = pki.cert(name);
    for (const [from, to] of [
      [c.crt, 'server.crt'],
      [c.key, 'server.key'],
    ] as const) {
      copyFileSync(from, join(pgData, to));
      chmodSync(join(pgData, to), 0o600);
      pgOwner(join(pgData, to));
    }
  };
  pgCert('ip');
  const pgLog = join(pgDir, 'log');
  const pgCtl = (...args: string[]) =>
    asPg(join(bin, 'pg_ctl'), [...args, '-D', pgData, '-l', pgLog, '-w', '-t', '60', '-s']);
  pgCtl('start');
  stops.push(async () => {
    asPg(join(bin, 'pg_ctl'), ['stop', '-D', pgData, '-m', 'immediate', '-w', '-s']);
  });

  // MariaDB: the test user must use TLS (REQUIRE SSL).
  const myDir = join(root, 'my');
  const myData = join(myDir, 'data');
  const socket = join(myDir, 'sock');
  mkdirSync(myDir, { mode: 0o700 });
  runOk('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${myData}`,
    ...(isRoot() ? ['--user=root'] : []),
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const myCert = (name: CertName) => {
    const c = pki.cert(name);
    copyFileSync(c.crt, join(myDir, 'server.crt'));
    copyFileSync(c.key, join(myDir, 'server.key'));
    chmodSync(join(myDir, 'server.key'), 0o600);
  };
  myCert('ip');
  const child: ChildProcess = spawn(
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      `--datadir=${myData}`,
      `--port=${myPort}`,
      `--bind-address=${HOST}`,
      `--socket=${socket}`,
      `--pid-file=${join(myDir, 'pid')}`,
      ...(isRoot() ? ['--user=root'] : []),
      '--skip-log-bin',
      '--innodb-buffer-pool-size=32M',
      `--ssl-ca=${pki.ca}`,
      `--ssl-cert=${join(myDir, 'server.crt')}`,
      `--ssl-key=${join(myDir, 'server.key')}`,
      `--log-error=${join(myDir, 'error.log')}`,
    ],
    { stdio: 'ignore', cwd: '/' },
  );
  let exited = false;
  const gone = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  stops.push(async () => {
    if (!exited) child.kill('SIGKILL');
    await gone;
  });
  await waitPort(myPort, () => !exited);
  const admin = await rootSession(socket, () => !exited);
  try {
    await admin.query("CREATE USER ?@'%' IDENTIFIED BY ? REQUIRE SSL", [user, password]);
    await admin.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%'", [user]);
    await admin.query('CREATE DATABASE tls_db CHARACTER SET utf8mb4');
  } finally {
    await admin.end();
  }

  return {
    pki,
    pgPort,
    myPort,
    user,
    password,
    myDatabase: 'tls_db',
    async use(name) {
      pgCert(name);
      pgCtl('restart', '-m', 'fast');
      myCert(name);
      const c = await rootSession(socket, () => !exited);
      try {
        await c.query('FLUSH SSL');
      } finally {
        await c.end();
      }
    },
    stop: stopAll,
  };
}
