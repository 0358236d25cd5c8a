// Reads a MySQL 8 / MariaDB database's schema back from information_schema into a plain TargetSchema,
// with type spellings normalised across servers (bigint(20) → bigint; MariaDB JSON = longtext + check).
// Used by convergence (plan vs target), `schema --apply` (only what is missing) and verify's structure checks.
// Invariant: read-only; every query is parameterised by the database name.

import type mysql from 'mysql2/promise';

export interface TargetColumnInfo {
  readonly name: string;
  readonly ordinal: number;
  /** Normalised COLUMN_TYPE: lower case, no integer display width, e.g. `varchar(255)`, `decimal(12,2)`. */
  readonly type: string;
  readonly nullable: boolean;
  /** COLUMN_DEFAULT as the server reports it (MariaDB quotes string literals; MySQL does not). */
  readonly default: string | null;
  readonly charset: string | null;
  readonly collation: string | null;
  readonly autoIncrement: boolean;
  readonly generated: boolean;
  readonly comment: string;
}

export interface TargetIndexInfo {
  readonly name: string;
  readonly unique: boolean;
  readonly parts: readonly {
    readonly column: string;
    readonly descending: boolean;
    readonly subPart: number | null;
  }[];
}

export interface TargetForeignKeyInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  readonly onDelete: string;
  readonly onUpdate: string;
}

export interface TargetTableInfo {
  readonly name: string;
  readonly columns: readonly TargetColumnInfo[];
  /** PRIMARY is not listed here; see primaryKey. */
  readonly indexes: readonly TargetIndexInfo[];
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly TargetForeignKeyInfo[];
  /** `enforced` is false only for a MySQL 8 NOT ENFORCED check (MariaDB has no such state). */
  readonly checks: readonly { readonly name: string; readonly clause: string; readonly enforced?: boolean }[];
  readonly autoIncrement: string | null;
  readonly collation: string | null;
  readonly comment: string;
}

export interface TargetSchema {
  readonly database: string;
  readonly tables: ReadonlyMap<string, TargetTableInfo>;
}

/** `bigint(20) unsigned` → `bigint unsigned`; keeps tinyint(1), decimal(p,s), varchar(n), enum(...). */
export function normaliseColumnType(columnType: string): string {
  const t = columnType.trim().toLowerCase();
  const m = /^(tinyint|smallint|mediumint|int|integer|bigint)\((\d+)\)(.*)$/.exec(t);
  if (m) {
    const [, base, width, rest] = m;
    if (base === 'tinyint' && width === '1') return t;
    return `${base}${rest ?? ''}`.trim();
  }
  return t.replace(/^(datetime|timestamp|time)\(0\)$/, '$1');
}

type Row = mysql.RowDataPacket;

async function rows(conn: mysql.Connection, sql: string, params: unknown[]): Promise<Row[]> {
  const [r] = await conn.query<Row[]>(sql, params);
  return r;
}

/**
 * The target as a plan sees it: the connection's database, plus every database schemaMap puts tables in,
 * whose tables are keyed `database.table` (tableKey) in the one map.
 */
export async function introspectPlanTarget(
  conn: mysql.Connection,
  plan: { readonly tables: readonly { readonly database?: string }[] },
): Promise<TargetSchema> {
  const home = await introspectTarget(conn);
  const tables = new Map(home.tables);
  const others = new Set(plan.tables.flatMap((t) => (t.database === undefined ? [] : [t.database])));
  for (const db of [...others].sort()) {
    const schema = await introspectTarget(conn, db);
    for (const [name, info] of schema.tables) tables.set(`${db}.${name}`, info);
  }
  return { database: home.database, tables };
}

/** Read every base table of `database` (default: the connection's current database). */
export async function introspectTarget(conn: mysql.Connection, database?: string): Promise<TargetSchema> {
  const db = database ?? String((await rows(conn, 'SELECT DATABASE() AS d', []))[0]?.d ?? '');
  // MySQL 8 caches information_schema.TABLES statistics (AUTO_INCREMENT) for a day by default.
  await conn.query('SET SESSION information_schema_stats_expiry = 0').catch(() => {});
  const [tables, columns, stats, fks, checks] = await Promise.all([
    rows(
      conn,
      `SELECT TABLE_NAME AS t, AUTO_INCREMENT AS ai, TABLE_COLLATION AS coll, TABLE_COMMENT AS cmt
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
      [db],
    ),
    rows(
      conn,
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, ORDINAL_POSITION AS pos, COLUMN_TYPE AS ty, IS_NULLABLE AS nul,
              COLUMN_DEFAULT AS def, CHARACTER_SET_NAME AS cs, COLLATION_NAME AS coll, EXTRA AS extra, COLUMN_COMMENT AS cmt
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      [db],
    ),
    rows(
      conn,
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS nu, SEQ_IN_INDEX AS seq, COLUMN_NAME AS c,
              COLLATION AS dir, SUB_PART AS sub
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      [db],
    ),
    rows(
      conn,
      `SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS n, k.COLUMN_NAME AS c, k.REFERENCED_TABLE_NAME AS rt,
              k.REFERENCED_COLUMN_NAME AS rc, r.UPDATE_RULE AS upd, r.DELETE_RULE AS del
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
        WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
        ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      [db],
    ),
    rows(
      conn,
      // tc.* for ENFORCED, which MySQL 8 has and MariaDB's TABLE_CONSTRAINTS lacks.
      `SELECT tc.TABLE_NAME AS t, tc.CONSTRAINT_NAME AS n, cc.CHECK_CLAUSE AS clause, tc.*
         FROM information_schema.TABLE_CONSTRAINTS tc
         JOIN information_schema.CHECK_CONSTRAINTS cc
           ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
        WHERE tc.TABLE_SCHEMA = ? AND tc.CONSTRAINT_TYPE = 'CHECK'
        ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME`,
      [db],
    ),
  ]);

  const byTable = new Map<
    string,
    {
      cols: TargetColumnInfo[];
      idx: Map<string, TargetIndexInfo & { parts: TargetIndexInfo['parts'][number][] }>;
      pk: string[];
      fks: Map<
        string,
        {
          name: string;
          columns: string[];
          refTable: string;
          refColumns: string[];
          onDelete: string;
          onUpdate: string;
        }
      >;
      checks: { name: string; clause: string; enforced: boolean }[];
    }
  >();
  const slot = (t: string) => {
    let s = byTable.get(t);
    if (!s) {
      s = { cols: [], idx: new Map(), pk: [], fks: new Map(), checks: [] };
      byTable.set(t, s);
    }
    return s;
  };
  for (const c of columns) {
    const extra = String(c.extra ?? '').toLowerCase();
    slot(String(c.t)).cols.push({
      name: String(c.c),
      ordinal: Number(c.pos),
      type: normaliseColumnType(String(c.ty)),
      nullable: c.nul === 'YES',
      default: c.def === null || c.def === undefined ? null : String(c.def),
      charset: c.cs === null ? null : String(c.cs),
      collation: c.coll === null ? null : String(c.coll),
      autoIncrement: extra.includes('auto_increment'),
      generated: /(stored|virtual|persistent) generated|^(stored|virtual|persistent)$/.test(extra),
      comment: String(c.cmt ?? ''),
    });
  }
  for (const s of stats) {
    const t = slot(String(s.t));
    const name = String(s.i);
    if (name === 'PRIMARY') {
      t.pk.push(String(s.c));
      continue;
    }
    let idx = t.idx.get(name);
    if (!idx) {
      idx = { name, unique: Number(s.nu) === 0, parts: [] };
      t.idx.set(name, idx);
    }
    idx.parts.push({
      column: String(s.c),
      descending: s.dir === 'D',
      subPart: s.sub === null ? null : Number(s.sub),
    });
  }
  for (const f of fks) {
    const t = slot(String(f.t));
    const name = String(f.n);
    let fk = t.fks.get(name);
    if (!fk) {
      fk = {
        name,
        columns: [],
        refTable: String(f.rt),
        refColumns: [],
        onDelete: String(f.del),
        onUpdate: String(f.upd),
      };
      t.fks.set(name, fk);
    }
    fk.columns.push(String(f.c));
    fk.refColumns.push(String(f.rc));
  }
  for (const c of checks)
    slot(String(c.t)).checks.push({
      name: String(c.n),
      clause: String(c.clause),
      enforced: String(c.ENFORCED ?? 'YES') !== 'NO',
    });

  const out = new Map<string, TargetTableInfo>();
  for (const t of tables) {
    const name = String(t.t);
    const s = slot(name);
    out.set(name, {
      name,
      columns: s.cols,
      indexes: [...s.idx.values()],
      primaryKey: s.pk,
      foreignKeys: [...s.fks.values()],
      checks: s.checks,
      autoIncrement: t.ai === null || t.ai === undefined ? null : String(t.ai),
      collation: t.coll === null ? null : String(t.coll),
      comment: String(t.cmt ?? ''),
    });
  }
  return { database: db, tables: out };
}
