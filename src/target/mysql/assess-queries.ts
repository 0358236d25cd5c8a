// The MySQL/MariaDB side of `pg2my assess`: server facts (TLS, settings), the current user's privileges from
// information_schema, what the target database holds, and TEMPORARY tables for the collation collision test
// and the load throughput probe. Invariants: nothing but TEMPORARY tables (dropped after use, private to the
// session) is ever written; names go through quoteIdent, collations through checkedSqlName, values are bound.

import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type mysql from 'mysql2/promise';
import { createLoadDataTranscoder, loadDataLocalSql } from './load-data-stream.js';
import { checkedSqlName, quoteIdent } from './quote.js';

type Rows = mysql.RowDataPacket[];

export interface TargetFacts {
  readonly version: string;
  /** CURRENT_USER(), e.g. `app@%`. */
  readonly user: string;
  readonly database: string | null;
  readonly ssl: { readonly on: boolean; readonly version?: string; readonly cipher?: string };
  readonly localInfile: boolean;
  readonly maxAllowedPacket: number;
  /** The server default (GLOBAL) sql_mode, which application sessions get. */
  readonly sqlMode: string;
  readonly charsetServer: string;
  readonly collationServer: string;
  readonly lowerCaseTableNames: number;
  /** Default collation of the target database (what a column without COLLATE gets). */
  readonly databaseCollation: string | null;
  /** MySQL 8.0.13+ sql_require_primary_key (GLOBAL); null where the server has no such variable. */
  readonly requirePrimaryKey: boolean | null;
}

/** Settings, TLS state and identity of this session's server. */
export async function readTargetFacts(conn: mysql.Connection): Promise<TargetFacts> {
  const [[r]] = await conn.query<Rows>(
    `SELECT VERSION() AS v, CURRENT_USER() AS u, DATABASE() AS db, @@GLOBAL.local_infile AS li,
            @@GLOBAL.max_allowed_packet AS map, @@GLOBAL.sql_mode AS sm, @@character_set_server AS cs,
            @@collation_server AS co, @@lower_case_table_names AS lctn,
            (SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()) AS dbco`,
  );
  const [ssl] = await conn.query<Rows>(
    "SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_cipher', 'Ssl_version')",
  );
  const status = new Map(ssl.map((s) => [String(s.Variable_name), String(s.Value ?? '')]));
  let requirePk: boolean | null = null;
  try {
    const [[p]] = await conn.query<Rows>('SELECT @@GLOBAL.sql_require_primary_key AS p');
    requirePk = String(p?.p) === '1';
  } catch {
    // MariaDB has no sql_require_primary_key.
  }
  const cipher = status.get('Ssl_cipher') ?? '';
  const tlsVersion = status.get('Ssl_version') ?? '';
  return {
    version: String(r?.v ?? ''),
    user: String(r?.u ?? ''),
    database: r?.db == null ? null : String(r.db),
    ssl: { on: cipher !== '', ...(tlsVersion ? { version: tlsVersion } : {}), ...(cipher ? { cipher } : {}) },
    localInfile: String(r?.li) === '1',
    maxAllowedPacket: Number(r?.map ?? 0),
    sqlMode: String(r?.sm ?? ''),
    charsetServer: String(r?.cs ?? ''),
    collationServer: String(r?.co ?? ''),
    lowerCaseTableNames: Number(r?.lctn ?? 0),
    databaseCollation: r?.dbco == null ? null : String(r.dbco),
    requirePrimaryKey: requirePk,
  };
}

/** The privileges migrate uses on the target database. */
export const TARGET_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'ALTER',
  'INDEX',
  'REFERENCES',
] as const;

/**
 * Privileges the current user (and its enabled roles) holds on `database`, globally or on the schema
 * (database grants may use LIKE patterns), from information_schema.USER_PRIVILEGES / SCHEMA_PRIVILEGES.
 */
export async function targetPrivileges(conn: mysql.Connection, database: string): Promise<Set<string>> {
  const [[me]] = await conn.query<Rows>('SELECT CURRENT_USER() AS u');
  const cu = String(me?.u ?? '');
  const at = cu.lastIndexOf('@');
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const grantees = [`${q(cu.slice(0, at))}@${q(cu.slice(at + 1))}`];
  const [roles] = await conn.query<Rows>('SELECT * FROM information_schema.ENABLED_ROLES');
  for (const role of roles) {
    if (role.ROLE_NAME == null) continue;
    const name = q(String(role.ROLE_NAME));
    grantees.push(`${name}@''`, `${name}@'%'`);
    if (role.ROLE_HOST != null) grantees.push(`${name}@${q(String(role.ROLE_HOST))}`);
  }
  const [rows] = await conn.query<Rows>(
    `SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN (?)
     UNION
     SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE IN (?) AND ? LIKE TABLE_SCHEMA`,
    [grantees, grantees, database],
  );
  return new Set(rows.map((r) => String(r.p).toUpperCase()));
}

/** CURRENT_USER() (e.g. `app@%`) and DATABASE() of the session. */
export async function sessionIdentity(conn: mysql.Connection): Promise<{ user: string; database: string }> {
  const [[me]] = await conn.query<Rows>('SELECT CURRENT_USER() AS u, DATABASE() AS d');
  return { user: String(me?.u ?? ''), database: me?.d == null ? '' : String(me.d) };
}

/** A column of a temporary table: VARCHAR(maxChars) in `charset` (default utf8mb4) and `collation`, or LONGTEXT utf8mb4_bin. */
export interface TempColumn {
  readonly name: string;
  readonly maxChars?: number;
  readonly collation?: string;
  /** The column's character set, e.g. ascii for a uuid key (CHAR(36) ascii_bin); default utf8mb4. */
  readonly charset?: string;
}

/**
 * Create TEMPORARY table `name` (with an AUTO_INCREMENT `_row` first when rowId), run `fn`, drop it.
 * Temporary tables are private to the session and vanish with it, so a crash leaves nothing behind.
 */
export async function withTempTable<T>(
  conn: mysql.Connection,
  name: string,
  columns: readonly TempColumn[],
  rowId: boolean,
  fn: () => Promise<T>,
): Promise<T> {
  const defs = columns.map((c) =>
    c.maxChars === undefined
      ? `${quoteIdent(c.name)} LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`
      : `${quoteIdent(c.name)} VARCHAR(${Math.max(1, Math.floor(c.maxChars))}) CHARACTER SET ${checkedSqlName(c.charset ?? 'utf8mb4', 'character set')} COLLATE ${checkedSqlName(c.collation ?? 'utf8mb4_bin', 'collation')} NULL`,
  );
  if (rowId) defs.unshift('`_row` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY');
  await conn.query(`DROP TEMPORARY TABLE IF EXISTS ${quoteIdent(name)}`);
  await conn.query(`CREATE TEMPORARY TABLE ${quoteIdent(name)} (${defs.join(', ')}) ENGINE=InnoDB`);
  try {
    return await fn();
  } finally {
    await conn.query(`DROP TEMPORARY TABLE IF EXISTS ${quoteIdent(name)}`).catch(() => {});
  }
}

/** Multi-row INSERT with bound values; each row gives one value per column. Batches stay under ~512 kB. */
export async function insertRows(
  conn: mysql.Connection,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly (string | null)[])[],
): Promise<void> {
  const head = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  let batch: (string | null)[] = [];
  let n = 0;
  let bytes = 0;
  const flush = async () => {
    if (n === 0) return;
    await conn.query(head + Array(n).fill(tuple).join(', '), batch);
    batch = [];
    n = 0;
    bytes = 0;
  };
  for (const r of rows) {
    batch.push(...r);
    n++;
    for (const v of r) bytes += (v?.length ?? 0) * 3 + 8;
    if (bytes > 512 * 1024 || n >= 2000) await flush();
  }
  await flush();
}

/** LOAD DATA LOCAL of PostgreSQL COPY text (transcoded) into `table`'s columns. Returns rows loaded. */
export async function loadCopyText(
  conn: mysql.Connection,
  table: string,
  columns: readonly string[],
  copyText: Readable,
): Promise<number> {
  const transcoder = createLoadDataTranscoder();
  const done = pipeline(copyText, transcoder);
  done.catch(() => {}); // observed below; this only keeps an early failure from being unhandled
  try {
    const [res] = await conn.query<mysql.ResultSetHeader>({
      sql: `${loadDataLocalSql(quoteIdent(table))} (${columns.map(quoteIdent).join(', ')})`,
      infileStreamFactory: () => transcoder,
    });
    await done;
    return res.affectedRows;
  } catch (e) {
    copyText.destroy();
    transcoder.destroy();
    throw e;
  }
}

/** Groups of rows that compare equal on `groupBy` (in their column collations). */
export interface CollisionGroups {
  /** Number of groups with more than one member. */
  readonly groups: number;
  /** Number of rows in those groups. */
  readonly members: number;
  /** The first groups (by first row), each with up to `perGroup` members' `values` columns. */
  readonly examples: readonly (readonly (readonly string[])[])[];
}

/** `SELECT … GROUP BY groupBy HAVING COUNT(*) > 1` on a temporary table with a `_row` id. */
export async function collisionGroups(
  conn: mysql.Connection,
  table: string,
  groupBy: readonly string[],
  values: readonly string[],
  maxGroups = 10,
  perGroup = 5,
): Promise<CollisionGroups> {
  const t = quoteIdent(table);
  const g = groupBy.map(quoteIdent).join(', ');
  const [[tot]] = await conn.query<Rows>(
    `SELECT COUNT(*) AS g, COALESCE(SUM(n), 0) AS m FROM (SELECT COUNT(*) AS n FROM ${t} GROUP BY ${g} HAVING COUNT(*) > 1) x`,
  );
  const groups = Number(tot?.g ?? 0);
  if (groups === 0) return { groups: 0, members: 0, examples: [] };
  await conn.query('SET SESSION group_concat_max_len = 1048576');
  const [heads] = await conn.query<Rows>(
    `SELECT GROUP_CONCAT(\`_row\` ORDER BY \`_row\`) AS ids FROM ${t} GROUP BY ${g} HAVING COUNT(*) > 1 ORDER BY MIN(\`_row\`) LIMIT ${Math.floor(maxGroups)}`,
  );
  const idGroups = heads.map((h) => String(h.ids).split(',').slice(0, perGroup).map(Number));
  const [members] = await conn.query<Rows>(
    `SELECT \`_row\` AS id, ${values.map((v, i) => `${quoteIdent(v)} AS v${i}`).join(', ')} FROM ${t} WHERE \`_row\` IN (?)`,
    [idGroups.flat()],
  );
  const byId = new Map(members.map((m) => [Number(m.id), values.map((_, i) => String(m[`v${i}`] ?? ''))]));
  return {
    groups,
    members: Number(tot?.m ?? 0),
    examples: idGroups.map((ids) => ids.map((id) => byId.get(id) ?? [])),
  };
}
