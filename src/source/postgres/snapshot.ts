// One exported PostgreSQL snapshot shared by every reader of a run: a coordinator session opens a
// REPEATABLE READ READ ONLY transaction, exports its snapshot and stays open for the whole copy; each reader
// joins it with SET TRANSACTION SNAPSHOT, so all lanes (and the plan's introspection) see one instant.
// If the coordinator is lost, new readers get a NEW snapshot (onRenewed reports it, as a warn event); a
// resume after a crash also starts from a new snapshot. Both are safe only because migrations run in a
// write-quiet window — and verify compares the end result, so a change in between is caught, not hidden.

import type { ConnectionSpec } from '../../config/urls.js';
import { MigrationError } from '../../errors.js';
import { connectSource, type SourceClient, type SourceConnectOptions } from './connect.js';

/** Settings for every session in the snapshot: no session limits, and scans that return rows in a stable order. */
const SNAPSHOT_SESSION_SQL = [
  'SET idle_in_transaction_session_timeout = 0',
  'SET statement_timeout = 0',
  // Deterministic row order for the same query in the same snapshot: a re-read of a chunk (to name a
  // rejected row by its position) must see the rows in the order the first read did.
  'SET synchronize_seqscans = off',
  'SET max_parallel_workers_per_gather = 0',
].join('; ');

export interface SnapshotOptions extends SourceConnectOptions {
  /** Called when the coordinator was lost and readers now join a new snapshot. Must not throw. */
  readonly onRenewed?: (info: {
    readonly previous: string;
    readonly current: string;
    readonly reason: string;
  }) => void;
}

function quoteSnapshotId(id: string): string {
  if (!/^[0-9A-Fa-f-]+$/.test(id))
    throw new MigrationError('INTERNAL', `Unexpected snapshot id ${JSON.stringify(id)}.`);
  return `'${id}'`;
}

/** True for the error PostgreSQL raises when an exported snapshot no longer exists (22023). */
function isInvalidSnapshot(e: unknown): boolean {
  return (e as { code?: unknown }).code === '22023';
}

/**
 * A shared snapshot. `coordinator` is a session inside the snapshot (use it for planning queries; never
 * end its transaction); `openReader()` gives a new session that has joined it.
 */
export class SourceSnapshot {
  #coordinator: SourceClient;
  #id: string;
  #lost: string | undefined;
  #renewing: Promise<void> | undefined;
  #closed = false;
  readonly #spec: ConnectionSpec;
  readonly #opts: SnapshotOptions;

  private constructor(spec: ConnectionSpec, opts: SnapshotOptions, coordinator: SourceClient, id: string) {
    this.#spec = spec;
    this.#opts = opts;
    this.#coordinator = coordinator;
    this.#id = id;
    this.#watch(coordinator);
  }

  /** Connect a coordinator, start the transaction and export its snapshot. */
  static async open(spec: ConnectionSpec, opts: SnapshotOptions = {}): Promise<SourceSnapshot> {
    const { client, id } = await SourceSnapshot.#export(spec, opts);
    return new SourceSnapshot(spec, opts, client, id);
  }

  static async #export(
    spec: ConnectionSpec,
    opts: SnapshotOptions,
  ): Promise<{ client: SourceClient; id: string }> {
    const client = await connectSource(spec, opts);
    try {
      await client.query(SNAPSHOT_SESSION_SQL);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const r = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      return { client, id: String(r.rows[0]?.id ?? '') };
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
  }

  #watch(client: SourceClient): void {
    const lost = (reason: string) => () => {
      if (this.#coordinator === client && !this.#closed) this.#lost ??= reason;
    };
    client.on('error', lost('the coordinator session failed'));
    client.on('end', lost('the coordinator session ended'));
  }

  /** The exported snapshot id readers join now. */
  get id(): string {
    return this.#id;
  }

  /** The coordinator session (inside the snapshot). */
  get coordinator(): SourceClient {
    return this.#coordinator;
  }

  /** Replace a lost coordinator by a new one with a new snapshot (once, however many lanes ask). */
  async #renew(reason: string): Promise<void> {
    this.#renewing ??= (async () => {
      const previous = this.#id;
      const old = this.#coordinator;
      const { client, id } = await SourceSnapshot.#export(this.#spec, this.#opts);
      this.#coordinator = client;
      this.#id = id;
      this.#lost = undefined;
      this.#watch(client);
      await old.end().catch(() => {});
      this.#opts.onRenewed?.({ previous, current: id, reason });
    })().finally(() => {
      this.#renewing = undefined;
    });
    await this.#renewing;
  }

  /** Open a reader session that has joined the snapshot (renewing the snapshot first if it was lost). */
  async openReader(): Promise<SourceClient> {
    if (this.#closed) throw new MigrationError('INTERNAL', 'The source snapshot is closed.');
    if (this.#lost !== undefined) await this.#renew(this.#lost);
    const client = await connectSource(this.#spec, this.#opts);
    try {
      await client.query(SNAPSHOT_SESSION_SQL);
      for (let attempt = 1; ; attempt++) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          await client.query(`SET TRANSACTION SNAPSHOT ${quoteSnapshotId(this.#id)}`);
          return client;
        } catch (e) {
          await client.query('ROLLBACK');
          // The coordinator died without our noticing yet: its snapshot is gone. Take a new one, once.
          if (!isInvalidSnapshot(e) || attempt > 1) throw e;
          await this.#renew('the exported snapshot no longer exists (coordinator lost)');
        }
      }
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
  }

  /** End the coordinator's transaction and session. Readers are closed by their owners. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#renewing?.catch(() => {});
    await this.#coordinator.query('COMMIT').catch(() => {});
    await this.#coordinator.end().catch(() => {});
  }
}

/** End a reader's snapshot transaction and close it; never throws. */
export async function closeReader(client: SourceClient): Promise<void> {
  await client.query('COMMIT').catch(() => {});
  await client.end().catch(() => {});
}
