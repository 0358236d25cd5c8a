// Integration-test access to the real servers started by scripts/servers.ts (never mocks).
// testServers() starts them if needed, so one test file can be run directly; fresh*Database() give each
// test its own empty database. Names are test-controlled but are still quoted as identifiers.
// Optional real MySQL 8: set PG2MY_TEST_MYSQL8_URL=mysql://user:pass@host:port/ (admin rights, URL-encoded
// password); then mysql8Url(db) and freshMysql8Database(name) return URLs, otherwise they return null.

import mysql from 'mysql2/promise';
import pg from 'pg';
import { ensureServers, serverUrls } from '../../scripts/lib/servers-lib.js';

export interface TestServers {
  /** Admin URL of the test PostgreSQL (user postgres), database `db` (default `postgres`). */
  pgUrl(db?: string): string;
  /** Admin URL of the test MariaDB (user root), database `db` (default: none). */
  mysqlUrl(db?: string): string;
  pgPassword: string;
  mysqlPassword: string;
  /** Admin URL of the user-provided MySQL 8 (PG2MY_TEST_MYSQL8_URL), or null when not configured. */
  mysql8Url(db?: string): string | null;
}

let servers: Promise<TestServers> | undefined;

/** The running test servers (started on first use in this process, then cached). */
export function testServers(): Promise<TestServers> {
  servers ??= ensureServers().then((info) => ({
    pgUrl: (db?: string) => serverUrls(info, db === undefined ? {} : { pgDatabase: db }).pg,
    mysqlUrl: (db?: string) => serverUrls(info, db === undefined ? {} : { mysqlDatabase: db }).mysql,
    pgPassword: info.pg.password,
    mysqlPassword: info.mariadb.password,
    mysql8Url,
  }));
  return servers;
}

const pgIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const myIdent = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function withMysql<T>(url: string, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection(url);
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

let pgLocale: string | undefined;

/** 'C.UTF-8' (as the server spells it) when the OS locale exists on the server, else 'C'. */
async function chooseLocale(admin: pg.Client): Promise<string> {
  if (pgLocale === undefined) {
    const r = await admin.query<{ c: string }>(
      `SELECT collcollate AS c FROM pg_collation
        WHERE collprovider = 'c' AND lower(replace(collname, '-', '')) = 'c.utf8'
        ORDER BY collname LIMIT 1`,
    );
    pgLocale = r.rows[0]?.c ?? 'C';
  }
  return pgLocale;
}

/**
 * Drop (WITH (FORCE)) and create PostgreSQL database `name` (UTF8, template0, C.UTF-8 or C collation),
 * run `sql` in it (multi-statement text, simple query protocol) and return its admin URL.
 */
export async function freshPgDatabase(name: string, sql?: string): Promise<string> {
  const s = await testServers();
  await withPg(s.pgUrl('postgres'), async (admin) => {
    const locale = (await chooseLocale(admin)).replaceAll("'", "''");
    await admin.query(`DROP DATABASE IF EXISTS ${pgIdent(name)} WITH (FORCE)`);
    await admin.query(
      `CREATE DATABASE ${pgIdent(name)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '${locale}' LC_CTYPE '${locale}'`,
    );
  });
  const url = s.pgUrl(name);
  if (sql !== undefined && sql.trim() !== '') {
    await withPg(url, async (c) => {
      await c.query(sql);
    });
  }
  return url;
}

async function recreateMysqlDatabase(adminUrl: string, name: string): Promise<void> {
  await withMysql(adminUrl, async (c) => {
    // A foreign key from another database (schemaMap tests) must not keep this one from being dropped.
    await c.query('SET SESSION foreign_key_checks = 0');
    await c.query(`DROP DATABASE IF EXISTS ${myIdent(name)}`);
    await c.query(`CREATE DATABASE ${myIdent(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  });
}

/** Drop and create MariaDB database `name` (utf8mb4) and return its admin URL. */
export async function freshMysqlDatabase(name: string): Promise<string> {
  const s = await testServers();
  await recreateMysqlDatabase(s.mysqlUrl(), name);
  return s.mysqlUrl(name);
}

/** URL of database `db` (or none) on the user's MySQL 8 from PG2MY_TEST_MYSQL8_URL, or null if unset. */
export function mysql8Url(db?: string): string | null {
  const raw = process.env.PG2MY_TEST_MYSQL8_URL;
  if (!raw) return null;
  const u = new URL(raw);
  u.pathname = db === undefined ? '/' : `/${encodeURIComponent(db)}`;
  return u.toString();
}

/** Like freshMysqlDatabase() on the user's MySQL 8; null when PG2MY_TEST_MYSQL8_URL is unset. */
export async function freshMysql8Database(name: string): Promise<string | null> {
  const admin = mysql8Url();
  if (admin === null) return null;
  await recreateMysqlDatabase(admin, name);
  return mysql8Url(name);
}
