// Lifecycle of the throwaway PostgreSQL and MariaDB servers that tests and demos run against.
// Invariants: we only ever start/stop servers whose data dirs live under our own state root (recorded in
// <repo>/.pg2my/servers/servers.json, mode 0600); ports are probed free at first start and then reused;
// the distro services (5432/3306, /var/lib/...) are never used or touched; passwords are never logged.
// Server state lives under <repo>/.pg2my/servers, or /tmp/pg2my-servers-<hash> when the `postgres` OS
// user cannot reach the repo (e.g. a clone under /root) or socket paths would be too long.

import { spawn, spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';

export interface PgServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  socketDir: string;
  /** Postmaster pid when last seen running, null when stopped. */
  pid: number | null;
}

export interface MariadbServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  socket: string;
  /** mariadbd pid when last seen running, null when stopped. */
  pid: number | null;
}

export interface ServerInfo {
  pg: PgServerInfo;
  mariadb: MariadbServerInfo;
}

export interface ServerStatus {
  pg: { running: boolean; pid: number | null };
  mariadb: { running: boolean; pid: number | null };
}

const HOST = '127.0.0.1';
const PG_PREFERRED_PORT = 55432;
const MARIADB_PREFERRED_PORT = 53306;
/** Unix socket paths must fit in sockaddr_un.sun_path (108 bytes incl. NUL); keep a margin. */
const MAX_SOCKET_PATH = 100;

export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const stateDir: string = join(repoRoot, '.pg2my', 'servers');
export const stateFile: string = join(stateDir, 'servers.json');
const lockFile = join(stateDir, 'servers.lock');

function log(msg: string): void {
  process.stderr.write(`servers: ${msg}\n`);
}

const isRoot = (): boolean => process.getuid?.() === 0;

// ---------------------------------------------------------------------------------------------------
// Small process helpers

interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: '/', ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

function runOk(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) {
    const out = (r.stderr + r.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.status}):\n${out}`);
  }
  return r.stdout;
}

/** Run a PostgreSQL binary as the `postgres` OS user when we are root (postgres refuses to run as root). */
function runAsPg(cmd: string, args: readonly string[]): string {
  return isRoot() ? runOk('runuser', ['-u', 'postgres', '--', cmd, ...args]) : runOk(cmd, args);
}

function canPgUserTraverse(path: string): boolean {
  if (!isRoot()) return true;
  return run('runuser', ['-u', 'postgres', '--', 'test', '-x', path]).status === 0;
}

let pgIds: { uid: number; gid: number } | undefined;
function pgOwner(): { uid: number; gid: number } | null {
  if (!isRoot()) return null;
  if (!pgIds) {
    pgIds = {
      uid: Number(runOk('id', ['-u', 'postgres']).trim()),
      gid: Number(runOk('id', ['-g', 'postgres']).trim()),
    };
  }
  return pgIds;
}

/** mkdir -p, then make the directory owned by postgres (when root) with the given mode. */
function mkPgDir(path: string, mode: number): void {
  mkdirSync(path, { recursive: true, mode });
  const owner = pgOwner();
  if (owner) chownSync(path, owner.uid, owner.gid);
  chmodSync(path, mode);
}

function writePgFile(path: string, text: string, mode = 0o600): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  const owner = pgOwner();
  if (owner) chownSync(path, owner.uid, owner.gid);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function readPidFile(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function tcpAccepts(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((res) => {
    const sock = connect({ host: HOST, port });
    const done = (ok: boolean) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen({ host: HOST, port, exclusive: true }, () => srv.close(() => res(true)));
  });
}

/** First free port in [preferred, preferred+200) not in `avoid`, else whatever the kernel hands out. */
async function pickPort(preferred: number, avoid: readonly number[]): Promise<number> {
  for (let p = preferred; p < preferred + 200; p++) {
    if (!avoid.includes(p) && (await portFree(p))) return p;
  }
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen({ host: HOST, port: 0 }, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no free port'))));
    });
  });
}

/** URL-safe random text that always contains each of @:/?#% so URL-encoding gets exercised. */
function makePassword(): string {
  const chars = randomBytes(18).toString('base64url').split('');
  for (const special of '@:/?#%') chars.splice(randomInt(chars.length + 1), 0, special);
  return chars.join('');
}

// ---------------------------------------------------------------------------------------------------
// Installation

function findPgBin(version?: string): string | null {
  const base = '/usr/lib/postgresql';
  if (version && existsSync(join(base, version, 'bin', 'initdb'))) return join(base, version, 'bin');
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

function findMariadbd(): string | null {
  for (const p of ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/local/sbin/mariadbd']) {
    if (existsSync(p)) return p;
  }
  const r = run('sh', ['-c', 'command -v mariadbd']);
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

let aptUpdated = false;
function aptInstall(packages: readonly string[]): void {
  if (!isRoot()) {
    throw new Error(`missing ${packages.join(', ')}; install them (apt-get install ${packages.join(' ')})`);
  }
  // Keep the distro services from starting during install (the Docker-image convention); only if absent.
  const policy = '/usr/sbin/policy-rc.d';
  const addedPolicy = !existsSync(policy);
  if (addedPolicy)
    writeFileSync(policy, '#!/bin/sh\n# temporary, added by pg2my scripts/servers.ts\nexit 101\n', {
      mode: 0o755,
    });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    log(`apt-get install ${packages.join(' ')} (this takes a minute)`);
    if (!aptUpdated) {
      runOk('apt-get', ['update'], { env });
      aptUpdated = true;
    }
    runOk('apt-get', ['install', '-y', ...packages], { env });
  } finally {
    if (addedPolicy) rmSync(policy, { force: true });
  }
}

function ensureInstalled(): { pgBin: string; mariadbd: string } {
  if (!findPgBin()) aptInstall(['postgresql']);
  if (!findMariadbd()) aptInstall(['mariadb-server', 'mariadb-client']);
  const pgBin = findPgBin();
  const mariadbd = findMariadbd();
  if (!pgBin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');
  if (!mariadbd) throw new Error('mariadbd not found');
  return { pgBin, mariadbd };
}

// ---------------------------------------------------------------------------------------------------
// State file

export function readServerInfo(): ServerInfo | null {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch {
    return null;
  }
  const j = JSON.parse(text) as Partial<ServerInfo>;
  if (!j.pg || !j.mariadb || typeof j.pg.port !== 'number' || typeof j.mariadb.port !== 'number') {
    throw new Error(`${stateFile} is malformed; run "npx tsx scripts/servers.ts stop" and delete it`);
  }
  return { pg: { ...j.pg, pid: j.pg.pid ?? null }, mariadb: { ...j.mariadb, pid: j.mariadb.pid ?? null } };
}

function writeServerInfo(info: ServerInfo): void {
  mkdirSync(stateDir, { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, stateFile);
}

/** Make the state dir reachable (traverse only, no listing) for the postgres user when we run as root. */
function prepareStateDir(): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o711 });
  if (!isRoot()) return;
  for (const d of [join(repoRoot, '.pg2my'), stateDir]) {
    const mode = statSync(d).mode & 0o7777;
    if ((mode & 0o011) !== 0o011) chmodSync(d, mode | 0o011);
  }
}

/** Where server data goes: under the repo when postgres can reach it and socket paths fit, else /tmp. */
function chooseDataRoot(): string {
  prepareStateDir();
  const longest = join(stateDir, 'mariadb', 'data', 'mysqld.sock').length + 8;
  if (longest <= MAX_SOCKET_PATH && canPgUserTraverse(stateDir)) return stateDir;
  const hash = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  const root = `/tmp/pg2my-servers-${hash}`;
  mkdirSync(root, { recursive: true, mode: 0o711 });
  chmodSync(root, 0o711);
  log(`using ${root} for server data (repo path not usable by the postgres user)`);
  return root;
}

async function acquireLock(): Promise<() => void> {
  mkdirSync(stateDir, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readPidFile(lockFile);
    if (holder === null || !pidAlive(holder)) {
      // Stale lock (holder gone). Another waiter may remove it at the same time; that is fine.
      try {
        unlinkSync(lockFile);
      } catch {}
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile} (held by pid ${holder})`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

const pgRoot = (p: PgServerInfo): string => dirname(p.dataDir);
const pgInitMarker = (p: PgServerInfo): string => join(pgRoot(p), '.initialized');

/** Pid of the postmaster running on our data dir, or null. */
function pgPid(p: PgServerInfo): number | null {
  const pid = readPidFile(join(p.dataDir, 'postmaster.pid'));
  if (pid === null || !pidAlive(pid)) return null;
  const cl = cmdline(pid);
  return cl.includes('postgres') && cl.includes(p.dataDir) ? pid : null;
}

function pgBinFor(p: PgServerInfo): string {
  let version: string | undefined;
  try {
    version = readFileSync(join(p.dataDir, 'PG_VERSION'), 'utf8').trim();
  } catch {}
  const bin = findPgBin(version);
  if (!bin) throw new Error('PostgreSQL binaries not found');
  return bin;
}

function pgConf(p: PgServerInfo): string {
  return [
    '# written by pg2my scripts/lib/servers-lib.ts on every start',
    `listen_addresses = '${HOST}'`,
    `port = ${p.port}`,
    `unix_socket_directories = '${p.socketDir}'`,
    'unix_socket_permissions = 0700',
    'max_connections = 100',
    'shared_buffers = 512MB',
    'synchronous_commit = off',
    'fsync = off',
    'full_page_writes = off',
    "password_encryption = 'scram-sha-256'",
    '',
  ].join('\n');
}

function initPg(p: PgServerInfo): void {
  const root = pgRoot(p);
  rmSync(root, { recursive: true, force: true });
  mkPgDir(root, 0o700);
  mkPgDir(p.socketDir, 0o700);
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL binaries not found');
  const locales = run('locale', ['-a']).stdout.split('\n');
  const locale = locales.some((l) => /^C\.utf-?8$/i.test(l.trim())) ? 'C.UTF-8' : 'C';
  const pwfile = join(root, 'pwfile');
  writePgFile(pwfile, `${p.password}\n`);
  log(`initializing PostgreSQL (${bin.split('/').at(-2)}) in ${p.dataDir}`);
  try {
    runAsPg(join(bin, 'initdb'), [
      '-D',
      p.dataDir,
      '-U',
      p.user,
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      `--locale=${locale}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
    ]);
  } finally {
    rmSync(pwfile, { force: true });
  }
  writePgFile(
    join(p.dataDir, 'pg_hba.conf'),
    [
      '# written by pg2my scripts/lib/servers-lib.ts',
      '# TYPE  DATABASE  USER  ADDRESS       METHOD',
      'local   all       all                 trust',
      `host    all       all   ${HOST}/32  scram-sha-256`,
      '',
    ].join('\n'),
  );
  const conf = join(p.dataDir, 'postgresql.conf');
  writePgFile(conf, `${readFileSync(conf, 'utf8')}\ninclude 'pg2my.conf'\n`);
  writePgFile(join(p.dataDir, 'pg2my.conf'), pgConf(p));
  writeFileSync(pgInitMarker(p), new Date().toISOString());
}

async function startPg(p: PgServerInfo, avoidPort: number): Promise<void> {
  if (!(await portFree(p.port))) {
    const old = p.port;
    p.port = await pickPort(PG_PREFERRED_PORT, [avoidPort]);
    log(`PostgreSQL port ${old} is taken by something else; using ${p.port}`);
  }
  writePgFile(join(p.dataDir, 'pg2my.conf'), pgConf(p));
  const logFile = join(pgRoot(p), 'postgres.log');
  log(`starting PostgreSQL on ${HOST}:${p.port}`);
  try {
    runAsPg(join(pgBinFor(p), 'pg_ctl'), ['start', '-D', p.dataDir, '-l', logFile, '-w', '-t', '120', '-s']);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- ${logFile} (tail) ---\n${tail(logFile, 20)}`);
  }
}

async function stopPg(p: PgServerInfo): Promise<void> {
  if (pgPid(p) === null) return;
  log('stopping PostgreSQL');
  runAsPg(join(pgBinFor(p), 'pg_ctl'), ['stop', '-D', p.dataDir, '-m', 'fast', '-w', '-t', '120', '-s']);
}

async function checkPgLogin(p: PgServerInfo): Promise<string> {
  const client = new pg.Client({
    host: HOST,
    port: p.port,
    user: p.user,
    password: p.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const r = await client.query<{ v: string }>('SELECT version() AS v');
    return r.rows[0]?.v ?? '';
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// MariaDB

const mariaRoot = (m: MariadbServerInfo): string => dirname(m.dataDir);
const mariaInitMarker = (m: MariadbServerInfo): string => join(mariaRoot(m), '.initialized');
const mariaPidFile = (m: MariadbServerInfo): string => join(m.dataDir, 'mysqld.pid');

/** Pid of the mariadbd running on our data dir, or null. */
function mariadbPid(m: MariadbServerInfo): number | null {
  const pid = readPidFile(mariaPidFile(m));
  if (pid === null || !pidAlive(pid)) return null;
  const cl = cmdline(pid);
  return /mariadbd|mysqld/.test(cl) && cl.includes(`--datadir=${m.dataDir}`) ? pid : null;
}

function mariadbArgs(m: MariadbServerInfo): string[] {
  return [
    '--no-defaults',
    `--datadir=${m.dataDir}`,
    `--port=${m.port}`,
    `--bind-address=${HOST}`,
    `--socket=${m.socket}`,
    `--pid-file=${mariaPidFile(m)}`,
    '--local-infile=1',
    ...(isRoot() ? ['--user=root'] : []),
    '--max-allowed-packet=64M',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=1G',
    '--innodb-log-file-size=512M',
    '--innodb-flush-log-at-trx-commit=2',
    `--log-error=${join(m.dataDir, 'error.log')}`,
  ];
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function startMariadb(m: MariadbServerInfo, mariadbd: string, avoidPort: number): Promise<void> {
  if (!(await portFree(m.port))) {
    const old = m.port;
    m.port = await pickPort(MARIADB_PREFERRED_PORT, [avoidPort]);
    log(`MariaDB port ${old} is taken by something else; using ${m.port}`);
  }
  rmSync(m.socket, { force: true });
  const outLog = join(mariaRoot(m), 'mariadbd.out');
  const out = openSync(outLog, 'a', 0o600);
  log(`starting MariaDB on ${HOST}:${m.port}`);
  const child = spawn(mariadbd, mariadbArgs(m), { detached: true, stdio: ['ignore', out, out], cwd: '/' });
  closeSync(out);
  const state: { exited: number | null } = { exited: null };
  child.once('exit', (code) => {
    state.exited = code ?? -1;
  });
  child.unref();
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (state.exited !== null) {
      throw new Error(
        `mariadbd exited with ${state.exited}\n--- error.log (tail) ---\n${tail(join(m.dataDir, 'error.log'), 20)}\n${tail(outLog, 5)}`,
      );
    }
    if (existsSync(m.socket) && (await tcpAccepts(m.port))) return;
    if (Date.now() > deadline) throw new Error(`MariaDB did not accept connections within 120s`);
    await sleep(100);
  }
}

async function stopMariadb(m: MariadbServerInfo): Promise<void> {
  const pid = mariadbPid(m);
  if (pid === null) return;
  log('stopping MariaDB');
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 120_000;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`MariaDB (pid ${pid}) did not stop within 120s`);
    await sleep(100);
  }
}

async function initMariadb(m: MariadbServerInfo, mariadbd: string): Promise<void> {
  const root = mariaRoot(m);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(m.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(root, 0o700);
  log(`initializing MariaDB in ${m.dataDir}`);
  runOk('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${m.dataDir}`,
    ...(isRoot() ? ['--user=root'] : []),
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ]);
  await startMariadb(m, mariadbd, -1);
  // Fresh install: root@localhost has an empty password and is only reachable through our socket.
  const conn = await mysql.createConnection({ socketPath: m.socket, user: 'root', password: '' });
  try {
    // Leave exactly root@localhost and root@127.0.0.1, both with the password; drop anonymous and other roots.
    const [extra] = await conn.query<mysql.RowDataPacket[]>(
      "SELECT User AS u, Host AS h FROM mysql.user WHERE User = '' OR (User = 'root' AND Host NOT IN (?, ?))",
      ['localhost', HOST],
    );
    for (const row of extra) await conn.query('DROP USER ?@?', [String(row.u), String(row.h)]);
    for (const host of ['localhost', HOST]) {
      await conn.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [m.user, host, m.password]);
      await conn.query('ALTER USER ?@? IDENTIFIED BY ?', [m.user, host, m.password]);
      await conn.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [m.user, host]);
    }
    await conn.query('FLUSH PRIVILEGES');
  } finally {
    await conn.end();
  }
  writeFileSync(mariaInitMarker(m), new Date().toISOString());
}

async function checkMariadbLogin(m: MariadbServerInfo): Promise<string> {
  const conn = await mysql.createConnection({ host: HOST, port: m.port, user: m.user, password: m.password });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    return String(rows[0]?.v ?? '');
  } finally {
    await conn.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// Public API

/** Whether each recorded server is running (our pid on our data dir, and accepting TCP on its port). */
export async function serverStatus(info: ServerInfo): Promise<ServerStatus> {
  const pgP = pgPid(info.pg);
  const myP = mariadbPid(info.mariadb);
  const [pgUp, myUp] = await Promise.all([
    pgP === null ? false : tcpAccepts(info.pg.port),
    myP === null ? false : tcpAccepts(info.mariadb.port),
  ]);
  return {
    pg: { running: pgUp, pid: pgUp ? pgP : null },
    mariadb: { running: myUp, pid: myUp ? myP : null },
  };
}

/**
 * A new state for this repo: fresh passwords and free ports. Data already under the chosen root has
 * unknown passwords, so whatever of ours runs there is stopped and the data is wiped first.
 */
async function newServerInfo(): Promise<ServerInfo> {
  const dataRoot = chooseDataRoot();
  const info: ServerInfo = {
    pg: {
      host: HOST,
      port: 0,
      user: 'postgres',
      password: makePassword(),
      dataDir: join(dataRoot, 'pg', 'data'),
      socketDir: join(dataRoot, 'pg', 'run'),
      pid: null,
    },
    mariadb: {
      host: HOST,
      port: 0,
      user: 'root',
      password: makePassword(),
      dataDir: join(dataRoot, 'mariadb', 'data'),
      socket: join(dataRoot, 'mariadb', 'data', 'mysqld.sock'),
      pid: null,
    },
  };
  await stopPg(info.pg);
  await stopMariadb(info.mariadb);
  rmSync(pgRoot(info.pg), { recursive: true, force: true });
  rmSync(mariaRoot(info.mariadb), { recursive: true, force: true });
  info.pg.port = await pickPort(PG_PREFERRED_PORT, []);
  info.mariadb.port = await pickPort(MARIADB_PREFERRED_PORT, [info.pg.port]);
  return info;
}

/**
 * Install (apt-get, root only) / initialize / start both servers as needed and return their info.
 * Idempotent and fast when both are already running; serialized across processes by a lock file.
 */
export async function ensureServers(): Promise<ServerInfo> {
  const current = readServerInfo();
  if (current) {
    const st = await serverStatus(current);
    if (st.pg.running && st.mariadb.running) {
      if (st.pg.pid !== current.pg.pid || st.mariadb.pid !== current.mariadb.pid) {
        current.pg.pid = st.pg.pid;
        current.mariadb.pid = st.mariadb.pid;
        writeServerInfo(current);
      }
      return current;
    }
  }
  const release = await acquireLock();
  try {
    const { mariadbd } = ensureInstalled();
    let info = readServerInfo();
    if (!info) {
      info = await newServerInfo();
      writeServerInfo(info);
    }
    const { pg: p, mariadb: m } = info;

    if (!existsSync(pgInitMarker(p))) {
      await stopPg(p);
      initPg(p);
    }
    if (pgPid(p) === null) await startPg(p, m.port);
    writeServerInfo(info);

    if (!existsSync(mariaInitMarker(m))) {
      await stopMariadb(m);
      await initMariadb(m, mariadbd);
    } else if (mariadbPid(m) === null) {
      await startMariadb(m, mariadbd, p.port);
    }
    writeServerInfo(info);

    await checkPgLogin(p);
    await checkMariadbLogin(m);
    const st = await serverStatus(info);
    if (!st.pg.running) throw new Error(`PostgreSQL is not running; see ${join(pgRoot(p), 'postgres.log')}`);
    if (!st.mariadb.running) throw new Error(`MariaDB is not running; see ${join(m.dataDir, 'error.log')}`);
    p.pid = st.pg.pid;
    m.pid = st.mariadb.pid;
    writeServerInfo(info);
    return info;
  } finally {
    release();
  }
}

/** Stop both servers if they run (only the ones on our recorded data dirs). Idempotent. */
export async function stopServers(): Promise<void> {
  const info = readServerInfo();
  if (!info) return;
  const release = await acquireLock();
  try {
    await stopPg(info.pg);
    await stopMariadb(info.mariadb);
    info.pg.pid = null;
    info.mariadb.pid = null;
    writeServerInfo(info);
  } finally {
    release();
  }
}

/** Admin URLs (passwords URL-encoded). PG defaults to database `postgres`, MySQL to no database. */
export function serverUrls(
  info: ServerInfo,
  opts: { pgDatabase?: string; mysqlDatabase?: string } = {},
): { pg: string; mysql: string } {
  const enc = encodeURIComponent;
  const { pg: p, mariadb: m } = info;
  return {
    pg: `postgres://${enc(p.user)}:${enc(p.password)}@${p.host}:${p.port}/${enc(opts.pgDatabase ?? 'postgres')}`,
    mysql: `mysql://${enc(m.user)}:${enc(m.password)}@${m.host}:${m.port}/${opts.mysqlDatabase ? enc(opts.mysqlDatabase) : ''}`,
  };
}

/** The same URL with the password replaced by `***`, for logs. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Server versions as reported by SQL, logging in with the recorded passwords over TCP. */
export async function serverVersions(info: ServerInfo): Promise<{ pg: string; mariadb: string }> {
  return { pg: await checkPgLogin(info.pg), mariadb: await checkMariadbLogin(info.mariadb) };
}
