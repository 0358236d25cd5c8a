// Run events: the only channel from the library to the outside world. The library never prints;
// reporters (cli/) turn events into progress bars, JSON log lines and report files.
// Invariant: every event is JSON-safe (no bigint, no Buffer, no secrets) and carries the run id.

export type RunStep =
  | 'preflight'
  | 'plan'
  | 'pre-data'
  | 'copy'
  | 'post-data'
  | 'sequences'
  | 'verify'
  | 'assess'
  | 'schema'
  | 'backup';

export interface RunEvent {
  readonly runId: string;
  readonly step: RunStep;
  /** Dotted event name: step.started, table.started, chunk.copied, chunk.retried, verify.mismatch, … */
  readonly event: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly table?: string;
  readonly chunk?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type EventSink = (e: RunEvent) => void;

/** A sink that drops everything: the library default. */
export const silentSink: EventSink = () => {};
