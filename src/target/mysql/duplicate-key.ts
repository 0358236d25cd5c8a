// Explains a duplicate-key warning (1062) from a chunk load by what actually collided, judged by the
// source: the collation is blamed only when the target holds a key whose text differs from the rejected
// one and PostgreSQL has both as distinct rows; when the target's stored key is the rejected key itself,
// the target changed another row's key on load (e.g. a 0 renumbered in an AUTO_INCREMENT column).
// Invariants: read-only on both sides; runs inside the chunk's open transaction (it sees the chunk's rows);
// any step that cannot be decided says so instead of guessing.

import type mysql from 'mysql2/promise';
import type { ChunkRange } from '../../copy/chunk-range.js';
import type { ColumnPlan } from '../../plan/model.js';
import { quoteIdent } from './quote.js';

/** Source rows holding exactly this key (source column names, text values); undefined when unknown. */
export type SourceKeyCount = (
  columns: readonly string[],
  values: readonly string[],
) => Promise<number | undefined>;

export interface DuplicateContext {
  readonly conn: mysql.Connection;
  readonly chunk: ChunkRange;
  /** The target table written (and its database when not the connection's). */
  readonly into: { readonly table: string; readonly database?: string };
  /** Copied columns (source ↔ target names). */
  readonly columns: readonly ColumnPlan[];
  readonly sourceKeyCount?: SourceKeyCount;
  /** The target table's AUTO_INCREMENT column (target name), if any. */
  readonly autoIncrement?: string;
}

export interface DuplicateExplained {
  readonly cause: 'collation' | 'changed-key' | 'unknown';
  /** One or more sentences, after `Table t: `. */
  readonly message: string;
  readonly hint: string;
  /** The keys involved, as `(cols) = (values)`. */
  readonly keys: readonly string[];
}

/** `Duplicate entry 'E' for key 'K'` (MariaDB: K = index; MySQL 8: K = table.index). */
export function parseDuplicate(message: string): { entry: string; key: string } | undefined {
  const m = /^Duplicate entry '([\s\S]*)' for key '([^']*)'$/.exec(message);
  return m ? { entry: m[1]!, key: m[2]! } : undefined;
}

const showKey = (cols: readonly string[], values: readonly string[]): string =>
  `(${cols.join(', ')}) = (${values.map((v) => `'${v}'`).join(', ')})`;

const COLLATION_HINT =
  'Use a binary NO PAD key collation (the default; check collation.key and columns.* in the config), or make the values distinct in PostgreSQL. `pg2my assess` lists every collision.';
const CHANGED_HINT =
  'The target rewrote a key value while loading, so pg2my stopped rather than store a changed key. Try `--load-method insert`, and report this as a pg2my bug with this message.';

/** The columns of the target index named in a 1062 message, in index order. */
async function indexColumns(conn: mysql.Connection, into: Into, key: string): Promise<string[]> {
  const name = key.startsWith(`${into.table}.`) ? key.slice(into.table.length + 1) : key;
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS c FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND INDEX_NAME = ? ORDER BY SEQ_IN_INDEX`,
    [into.database ?? null, into.table, name],
  );
  return rows.map((r) => String(r.c));
}

/** Keys stored on the target (this transaction included) that the target's comparison finds equal to `values`. */
async function storedEqual(
  conn: mysql.Connection,
  into: Into,
  cols: readonly string[],
  values: readonly string[],
): Promise<string[][]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>({
    sql: `SELECT ${cols.map((c) => `CAST(${quoteIdent(c)} AS CHAR)`).join(', ')} FROM ${qualified(into)} WHERE ${cols.map((c) => `${quoteIdent(c)} = ?`).join(' AND ')} LIMIT 5`,
    values: [...values],
    rowsAsArray: true,
  });
  return (rows as unknown as (string | null)[][]).map((r) => r.map((v) => String(v)));
}

type Into = DuplicateContext['into'];
const qualified = (into: Into): string =>
  `${into.database === undefined ? '' : `${quoteIdent(into.database)}.`}${quoteIdent(into.table)}`;

/** True when the chunk's integer key range (lo exclusive, hi inclusive) contains 0. */
function chunkHoldsZero(chunk: ChunkRange): boolean {
  if (chunk.kind !== 'int') return false;
  const lo = chunk.lo?.[0];
  const hi = chunk.hi?.[0];
  try {
    return (lo === undefined || BigInt(lo) < 0n) && (hi === undefined || BigInt(hi) >= 0n);
  } catch {
    return false;
  }
}

/** What a 1062 warning means for this chunk; see the file header. */
export async function explainDuplicate(ctx: DuplicateContext, warning: string): Promise<DuplicateExplained> {
  const unknown = (why: string): DuplicateExplained => ({
    cause: 'unknown',
    message: `two rows have the same key on the target (${warning}); ${why}`,
    hint: 'Run `pg2my assess` (it tests every key for collisions on the target), and compare the key in PostgreSQL.',
    keys: [],
  });
  const dup = parseDuplicate(warning);
  if (!dup) return unknown('the message could not be read, so what collided is unknown.');
  const targetCols = await indexColumns(ctx.conn, ctx.into, dup.key).catch(() => []);
  const sourceCols = targetCols.map((c) => ctx.columns.find((x) => x.target === c)?.source);
  if (targetCols.length === 0 || sourceCols.some((c) => c === undefined))
    return unknown(`key ${dup.key} is not a key of copied columns, so the source could not be compared.`);
  const src = sourceCols as string[];
  const entry = targetCols.length === 1 ? [dup.entry] : dup.entry.split('-');
  if (entry.length !== targetCols.length)
    return unknown(`the entry '${dup.entry}' cannot be split into the ${targetCols.length} key parts.`);
  const stored = await storedEqual(ctx.conn, ctx.into, targetCols, entry).catch(() => []);
  const count = async (values: readonly string[]) =>
    ctx.sourceKeyCount ? await ctx.sourceKeyCount(src, values).catch(() => undefined) : undefined;
  const rejectedKey = showKey(src, entry);

  const other = stored.find((s) => s.some((v, i) => v !== entry[i]));
  if (other) {
    const [nRejected, nOther] = [await count(entry), await count(other)];
    const otherKey = showKey(src, other);
    if (nRejected === 0 || nOther === 0)
      return {
        cause: 'changed-key',
        message: `the target compares ${rejectedKey} equal to the stored ${otherKey} (${warning}), but PostgreSQL has no row with ${nRejected === 0 ? rejectedKey : otherKey}: the target changed a key value on load.`,
        hint: CHANGED_HINT,
        keys: [rejectedKey, otherKey],
      };
    const checked = nRejected !== undefined && nOther !== undefined;
    return {
      cause: 'collation',
      message: `source keys ${otherKey} and ${rejectedKey} are distinct rows in PostgreSQL${checked ? '' : ' (not re-checked in the source)'}, but the target's key collation compares them as equal (${warning}). The target's key collation treats values as equal that PostgreSQL keeps apart.`,
      hint: COLLATION_HINT,
      keys: [otherKey, rejectedKey],
    };
  }
  if (stored.length === 0)
    return unknown(`no stored row equals '${dup.entry}' (the entry may be shortened in the message).`);

  // The target holds the rejected key itself: some other row arrived under it.
  const n = await count(entry);
  const ai = ctx.autoIncrement;
  if (ai !== undefined && targetCols.length === 1 && targetCols[0] === ai && chunkHoldsZero(ctx.chunk)) {
    const zeroStored = (await storedEqual(ctx.conn, ctx.into, targetCols, ['0']).catch(() => [])).length > 0;
    const zeroInSource = (await count(['0'])) ?? 0;
    if (!zeroStored && zeroInSource > 0) {
      const zeroKey = showKey(src, ['0']);
      return {
        cause: 'changed-key',
        message: `the target renumbered source key ${zeroKey}: it replaced the 0 in AUTO_INCREMENT column ${ai} with a generated value, which then collided with source key ${rejectedKey} (${warning}). The source keys are distinct; this is not a collation collision.`,
        hint: CHANGED_HINT,
        keys: [zeroKey, rejectedKey],
      };
    }
  }
  if (n === 1)
    return {
      cause: 'changed-key',
      message: `PostgreSQL has one row with ${rejectedKey}, but the target already stored another row under that key (${warning}): the target changed another row's key value on load. This is not a collation collision.`,
      hint: CHANGED_HINT,
      keys: [rejectedKey],
    };
  return unknown(
    n === undefined
      ? `the stored key is identical to the rejected one and the source could not be checked.`
      : `the source has ${n} row(s) with ${rejectedKey}.`,
  );
}
