// The backup manifest (`backup.json` beside the dump) and the table-by-table comparison of a restored copy
// with the source (pure). Invariant: the manifest holds no password (the source is described as
// user@host:port/db) and says whether the restore check passed and, if not, what failed.

export interface TableSum {
  /** `schema.table`. */
  readonly table: string;
  readonly rows: number;
  readonly checksum: string;
}

export interface RestoreCheck {
  readonly ok: boolean;
  /** Where the check stopped: `list`, `restore`, `compare`, or `done` when it passed. */
  readonly stage: 'list' | 'restore' | 'compare' | 'done';
  readonly scratchDatabase: string;
  /** Entries in the archive's table of contents (pg_restore --list). */
  readonly listEntries: number;
  readonly tablesCompared: number;
  /** One line per failure, each naming the table or the tool that failed. */
  readonly problems: readonly string[];
  readonly ms: number;
}

export interface BackupManifest {
  readonly format: 'pg2my-backup/1';
  readonly runId: string;
  readonly dumpFile: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly source: { readonly server: string; readonly database: string; readonly serverVersion: string };
  readonly pgDump: { readonly path: string; readonly version: string };
  readonly pgRestore: { readonly path: string; readonly version: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly checksumMethod: string;
  readonly tables: readonly TableSum[];
  readonly restoreCheck: RestoreCheck;
}

/** `schema.table` as the manifest and messages spell it. */
export const qualified = (schema: string, name: string): string => `${schema}.${name}`;

/**
 * What differs between the source's tables and the restored copy's: tables missing or extra, row counts
 * and checksums. Empty when identical.
 */
export function compareTableSums(source: readonly TableSum[], restored: readonly TableSum[]): string[] {
  const problems: string[] = [];
  const byName = new Map(restored.map((t) => [t.table, t]));
  for (const s of source) {
    const r = byName.get(s.table);
    if (!r) problems.push(`${s.table}: missing from the restored copy`);
    else if (r.rows !== s.rows) problems.push(`${s.table}: ${s.rows} rows in the source, ${r.rows} restored`);
    else if (r.checksum !== s.checksum)
      problems.push(`${s.table}: content checksum differs (${s.rows} rows on both sides)`);
    byName.delete(s.table);
  }
  for (const t of byName.keys()) problems.push(`${t}: in the restored copy but not in the source`);
  return problems;
}

/** The manifest's JSON text (stable key order, trailing newline). */
export function renderManifest(m: BackupManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
