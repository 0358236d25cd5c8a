// Shared by the migrate crash and fault tests: a generate_series dataset in real PostgreSQL with the four
// chunking shapes (integer key, text key, composite key, no key → ctid) plus an FK and secondary indexes,
// and an oracle that is independent of pg2my: per table, COUNT(*) and the multiset of per-row MD5s of a
// canonical text computed in SQL on each side, compared here in JS (lost = only in source, duplicated =
// only in target). Invariant: the oracle never calls pg2my code; it only needs the target table names.

import mysql from 'mysql2/promise';
import pg from 'pg';

/** Rows per table for a given scale (1 = about 210k rows in all). */
export function datasetRows(scale: number): Record<DatasetTable, number> {
  const n = (base: number) => Math.max(50, Math.round(base * scale));
  return { accounts: n(100_000), tags: n(40_000), line_items: n(40_000), events: n(30_000) };
}

export type DatasetTable = 'accounts' | 'tags' | 'line_items' | 'events';

/**
 * The schema and rows. Keys have gaps; text has multibyte (2-, 3- and 4-byte UTF-8), tabs, backslashes,
 * newlines and empty strings; NULLs in every nullable column; bytea with and without NULL; `events` has no
 * key and holds exact duplicate rows (so only a multiset comparison is right for it).
 */
export function datasetSql(scale: number): string {
  const r = datasetRows(scale);
  return `
CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  email varchar(120),
  balance numeric(14,2) NOT NULL,
  active boolean NOT NULL,
  created_at timestamp(6) NOT NULL,
  avatar bytea,
  note text
);
INSERT INTO accounts
SELECT g * 4 + g % 3,
       'name ' || g || ' ' || (ARRAY['Zoë','日本語','Ñandú','😀 emoji','plain'])[1 + g % 5],
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'user' || g || '@example.com' END,
       ((g::bigint * 7919) % 100000000) / 100.0 - 5000,
       g % 3 = 0,
       timestamp '2020-01-01' + g * interval '1 second 123457 microseconds',
       CASE WHEN g % 5 = 0 THEN NULL WHEN g % 17 = 0 THEN '\\x'::bytea ELSE decode(md5(g::text) || '00ff5c0a09', 'hex') END,
       CASE WHEN g % 11 = 0 THEN NULL WHEN g % 13 = 0 THEN '' ELSE repeat('ab', g % 40) || E'\\t\\\\N\\n' || chr(233) END
  FROM generate_series(1, ${r.accounts}) g;

CREATE TABLE tags (
  code text PRIMARY KEY,
  label varchar(200) NOT NULL,
  weight integer,
  icon bytea
);
INSERT INTO tags
SELECT 'tag-' || md5(g::text) || (ARRAY['', 'é', '日本', '😀', ' x'])[1 + g % 5],
       'label ' || g || (ARRAY[' Ärger', ' 中文', ' 🙂🙃', ' tab' || chr(9), ''])[1 + g % 5],
       CASE WHEN g % 9 = 0 THEN NULL ELSE (g * 31) % 1000 - 500 END,
       CASE WHEN g % 4 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 8, '0'), 'hex') END
  FROM generate_series(1, ${r.tags}) g;

CREATE TABLE line_items (
  account_id bigint NOT NULL REFERENCES accounts (id),
  sku text NOT NULL,
  qty integer NOT NULL,
  price numeric(10,2),
  comment text,
  PRIMARY KEY (account_id, sku)
);
INSERT INTO line_items
SELECT (1 + (g % ${r.accounts})) * 4 + (1 + (g % ${r.accounts})) % 3,
       'sku-' || (g / ${r.accounts}) || '-' || (ARRAY['a', 'ß', 'Ω', '😀'])[1 + g % 4] || g,
       1 + g % 20,
       CASE WHEN g % 6 = 0 THEN NULL ELSE (g % 100000) / 100.0 END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'ligne ' || g || ' — «cité»' END
  FROM generate_series(1, ${r.line_items}) g;
CREATE INDEX line_items_sku ON line_items (sku);

CREATE TABLE events (
  occurred_at timestamp(6),
  kind text,
  payload bytea,
  amount integer
);
INSERT INTO events
SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE timestamp '2021-06-01' + (g % 5000) * interval '1 minute' END,
       (ARRAY['login', 'logout', 'achat', 'ℹ info', NULL])[1 + g % 5],
       CASE WHEN g % 3 = 0 THEN NULL ELSE decode(md5((g % 5000)::text), 'hex') END,
       g % 5000
  FROM generate_series(1, ${r.events}) g;
CREATE INDEX events_kind ON events (kind);
CREATE INDEX accounts_email ON accounts (email);
ANALYZE;
`;
}

type Kind = 'int' | 'text' | 'numeric' | 'bool' | 'ts' | 'bytea';

/** Columns of each table and how to render them canonically on both sides. */
const COLUMNS: Record<DatasetTable, readonly (readonly [string, Kind])[]> = {
  accounts: [
    ['id', 'int'],
    ['name', 'text'],
    ['email', 'text'],
    ['balance', 'numeric'],
    ['active', 'bool'],
    ['created_at', 'ts'],
    ['avatar', 'bytea'],
    ['note', 'text'],
  ],
  tags: [
    ['code', 'text'],
    ['label', 'text'],
    ['weight', 'int'],
    ['icon', 'bytea'],
  ],
  line_items: [
    ['account_id', 'int'],
    ['sku', 'text'],
    ['qty', 'int'],
    ['price', 'numeric'],
    ['comment', 'text'],
  ],
  events: [
    ['occurred_at', 'ts'],
    ['kind', 'text'],
    ['payload', 'bytea'],
    ['amount', 'int'],
  ],
};

export const DATASET_TABLES = Object.keys(COLUMNS) as DatasetTable[];

function pgCanon(col: string, kind: Kind): string {
  const c = `"${col}"`;
  const v =
    kind === 'text'
      ? c
      : kind === 'bool'
        ? `(${c})::int::text`
        : kind === 'ts'
          ? `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US')`
          : kind === 'bytea'
            ? `encode(${c}, 'hex')`
            : `${c}::text`;
  // Length-prefixed, so no separator can be forged by a value; NULL is distinct from every value.
  return `CASE WHEN ${c} IS NULL THEN 'N' ELSE octet_length(${v})::text || ':' || ${v} END`;
}

function myCanon(col: string, kind: Kind): string {
  const c = `\`${col}\``;
  const v =
    kind === 'text'
      ? `CAST(${c} AS BINARY)`
      : kind === 'ts'
        ? `CAST(DATE_FORMAT(${c}, '%Y-%m-%d %H:%i:%s.%f') AS BINARY)`
        : kind === 'bytea'
          ? `CAST(LOWER(HEX(${c})) AS BINARY)`
          : `CAST(CAST(${c} AS CHAR) AS BINARY)`;
  return `CASE WHEN ${c} IS NULL THEN CAST('N' AS BINARY) ELSE CONCAT(CAST(LENGTH(${v}) AS BINARY), CAST(':' AS BINARY), ${v}) END`;
}

/** Per-row MD5s of the canonical text, sorted, and the row count. */
export interface TableDigest {
  readonly count: number;
  readonly md5s: readonly string[];
}

export async function pgDigest(url: string): Promise<Map<DatasetTable, TableDigest>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'");
    const out = new Map<DatasetTable, TableDigest>();
    for (const t of DATASET_TABLES) {
      const expr = COLUMNS[t].map(([c, k]) => pgCanon(c, k)).join(` || '|' || `);
      const r = await client.query<{ h: string }>(`SELECT md5(${expr}) AS h FROM "${t}"`);
      const cnt = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${t}"`);
      out.set(t, { count: Number(cnt.rows[0]!.n), md5s: r.rows.map((x) => x.h).sort() });
    }
    return out;
  } finally {
    await client.end();
  }
}

export async function mysqlDigest(url: string): Promise<Map<DatasetTable, TableDigest>> {
  const conn = await mysql.createConnection({ uri: url, dateStrings: true, supportBigNumbers: true });
  try {
    await conn.query("SET time_zone = '+00:00'");
    const out = new Map<DatasetTable, TableDigest>();
    for (const t of DATASET_TABLES) {
      const expr = COLUMNS[t].map(([c, k]) => myCanon(c, k)).join(", CAST('|' AS BINARY), ");
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        `SELECT MD5(CONCAT(${expr})) AS h FROM \`${t}\``,
      );
      const [cnt] = await conn.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${t}\``);
      out.set(t, { count: Number(cnt[0]!.n), md5s: rows.map((x) => String(x.h)).sort() });
    }
    return out;
  } finally {
    await conn.end();
  }
}

export interface TableComparison {
  readonly table: DatasetTable;
  readonly sourceRows: number;
  readonly targetRows: number;
  /** Source rows with no equal target row (multiset difference). */
  readonly lost: number;
  /** Target rows with no equal source row (duplicates and changed rows). */
  readonly extra: number;
}

/** Multiset difference of two sorted MD5 lists. */
function diffSorted(a: readonly string[], b: readonly string[]): { onlyA: number; onlyB: number } {
  let i = 0;
  let j = 0;
  let onlyA = 0;
  let onlyB = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (a[i]! < b[j]!) {
      onlyA++;
      i++;
    } else {
      onlyB++;
      j++;
    }
  }
  return { onlyA: onlyA + (a.length - i), onlyB: onlyB + (b.length - j) };
}

/** Compare every dataset table of the source and the target, independently of pg2my. */
export async function compareDataset(sourceUrl: string, targetUrl: string): Promise<TableComparison[]> {
  const [src, tgt] = await Promise.all([pgDigest(sourceUrl), mysqlDigest(targetUrl)]);
  return DATASET_TABLES.map((table) => {
    const s = src.get(table)!;
    const t = tgt.get(table)!;
    const d = diffSorted(s.md5s, t.md5s);
    return { table, sourceRows: s.count, targetRows: t.count, lost: d.onlyA, extra: d.onlyB };
  });
}
