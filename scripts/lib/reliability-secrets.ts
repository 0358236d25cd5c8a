// The scorecard's secrets check: the private servers' passwords are canaries. Each channel a user can
// pass a password through (flag URL, environment, config file, ?password=, odd %-encoding) runs migrate
// and assess --out; then every output and every file under the run/output dirs is grepped for each
// canary in every form (raw, %-encoded, base64, hex). Files we wrote ourselves (configs) are not scanned.

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { runCli } from './reliability-cli.js';
import type { PrivateServers } from './reliability-servers.js';

export function secretForms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('hex'),
  ];
}

/** How many canary occurrences (any form) are in the text. */
export function countSecrets(text: string, secrets: readonly string[]): number {
  let n = 0;
  for (const s of secrets)
    for (const f of secretForms(s)) {
      for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1)) n++;
    }
  return n;
}

export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).isFile());
  } catch {
    return [];
  }
}

export interface ChannelResult {
  readonly channel: string;
  readonly outputs: string[];
  readonly exits: string[];
}

/**
 * Run migrate and assess --out once per channel. `sourceDb` must be migratable; each channel gets its own
 * target database. Written files land under outRoot (the caller scans it); configs go to cfgDir.
 */
export async function runSecretChannels(
  s: PrivateServers,
  sourceDb: string,
  outRoot: string,
  cfgDir: string,
  commands: readonly ('assess' | 'migrate' | 'verify')[],
): Promise<ChannelResult[]> {
  const enc = encodeURIComponent;
  const odd = (pw: string) =>
    [...pw].map((ch) => (/[A-Za-z]/.test(ch) ? `%${ch.charCodeAt(0).toString(16)}` : enc(ch))).join('');
  const base = (side: 'pg' | 'my', db: string) =>
    side === 'pg'
      ? `postgres://${s.appUser}@127.0.0.1:${s.pgPort}/${db}`
      : `mysql://${s.appUser}@127.0.0.1:${s.myPort}/${db}`;
  const withPw = (u: string, pw: string) => u.replace('@127.0.0.1', `:${pw}@127.0.0.1`);
  const channels: { name: string; src: string; tgt: string; env: Record<string, string>; cfg?: string }[] =
    [];
  const mk = (name: string, f: (db: string) => Omit<(typeof channels)[number], 'name'>) => {
    const db = `rel_secret_${channels.length}`;
    channels.push({ name, ...f(db) });
  };
  mk('flag URL', (db) => ({
    src: withPw(base('pg', sourceDb), enc(s.pgPassword)),
    tgt: withPw(base('my', db), enc(s.myPassword)),
    env: {},
  }));
  mk('environment', (db) => ({
    src: base('pg', sourceDb),
    tgt: base('my', db),
    env: { PG2MY_SOURCE_PASSWORD: s.pgPassword, PG2MY_TARGET_PASSWORD: s.myPassword },
  }));
  mk('PGPASSWORD / MYSQL_PWD', (db) => ({
    src: base('pg', sourceDb),
    tgt: base('my', db),
    env: { PGPASSWORD: s.pgPassword, MYSQL_PWD: s.myPassword },
  }));
  mk('config file', (db) => ({
    src: '',
    tgt: '',
    env: {},
    cfg: `source: "${withPw(base('pg', sourceDb), enc(s.pgPassword))}"\ntarget: "${withPw(base('my', db), enc(s.myPassword))}"\n`,
  }));
  mk('?password=', (db) => ({
    src: `${base('pg', sourceDb)}?password=${enc(s.pgPassword)}`,
    tgt: `${base('my', db)}?password=${enc(s.myPassword)}`,
    env: {},
  }));
  mk('odd %-encoding', (db) => ({
    src: withPw(base('pg', sourceDb), odd(s.pgPassword)),
    tgt: withPw(base('my', db), odd(s.myPassword)),
    env: {},
  }));
  const out: ChannelResult[] = [];
  for (const [i, ch] of channels.entries()) {
    const db = `rel_secret_${i}`;
    const m = await mysql.createConnection(s.myAdminUrl());
    try {
      await m.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await m.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } finally {
      await m.end();
    }
    const conn: string[] = [];
    if (ch.cfg !== undefined) {
      const p = join(cfgDir, `secret-${i}.yaml`);
      writeFileSync(p, ch.cfg, { mode: 0o600 });
      conn.push('--config', p);
    } else conn.push('--source', ch.src, '--target', ch.tgt);
    const dir = join(outRoot, `channel_${i}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const res: ChannelResult = { channel: ch.name, outputs: [], exits: [] };
    for (const args of [
      ['assess', ...conn, '--out', join(dir, 'assess')],
      ['migrate', ...conn, '--run-dir', join(dir, 'runs'), '--no-progress', '--log-format', 'json'],
      ['verify', ...conn],
    ].filter((a) => commands.includes(a[0] as 'assess'))) {
      const r = await runCli(args, { env: ch.env, timeoutMs: 120_000, cwd: dir });
      res.outputs.push(r.stdout, r.stderr);
      res.exits.push(`${args[0]}=${r.code ?? r.signal}`);
    }
    out.push(res);
  }
  return out;
}

export function readAll(files: readonly string[]): { path: string; text: string }[] {
  return files.map((p) => ({ path: p, text: readFileSync(p, 'latin1') }));
}
