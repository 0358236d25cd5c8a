// The scorecard's fault matrix: seeded episodes, each one fresh target database migrated through the real
// CLI (via fault proxies in front of the private servers) with faults aimed at a step — preflight, the
// key-range reads at the start of the copy, the copy, post-data, sequences, verify — and re-run with the
// same command until it exits 0. A fault counts as survived only if the run it hit ended with 0 or a
// documented resumable code (or our own SIGKILL), nothing hung, the episode ended at exit 0, and the
// independent oracle (test/helpers/migrate-dataset.ts) found 0 lost, duplicated or changed rows.

import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { FaultProxy } from '../../test/helpers/fault-proxy.js';
import { compareDataset } from '../../test/helpers/migrate-dataset.js';
import { type CliRun, type RunEvent, runCli } from './reliability-cli.js';
import type { PrivateServers } from './reliability-servers.js';

export const FAULT_KINDS = [
  'tool-sigkill',
  'pg-kill-restart',
  'my-kill-restart',
  'pg-tcp-reset',
  'my-tcp-reset',
  'pg-stall',
  'my-stall',
  'latency',
  'lock-wait',
  'deadlock',
  'too-many-conn',
  'disk-full',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const PHASES = ['preflight', 'key-ranges', 'copy', 'post-data', 'sequences', 'verify'] as const;
export type Phase = (typeof PHASES)[number];

export interface Fault {
  readonly kind: FaultKind;
  readonly phase: Phase;
  /** ms after the trigger (step start; for 'copy' the chunk-th chunk.copied). */
  readonly delayMs: number;
  readonly chunk?: number | undefined;
  /** Hold time for faults that last (stall, latency, locks, connection limit, disk full, server down). */
  readonly holdMs: number;
}

export interface FaultOutcome {
  readonly kind: FaultKind;
  readonly phase: Phase;
  injected: boolean;
  survived: boolean;
  /** The run it hit ended with a resumable exit code (not 0, not our SIGKILL): survived only by a re-run. */
  resumed: boolean;
  detail: string;
}

export interface EpisodeResult {
  readonly name: string;
  readonly faults: FaultOutcome[];
  readonly lost: number;
  readonly duplicated: number;
  readonly changed: number;
  readonly exits: string[];
  readonly defects: string[];
  readonly outputs: string[];
  /** The tool's own retry messages that named a deadlock / lock wait / connection limit. */
  readonly seen: { deadlock: number; lockWait: number; tooMany: number };
}

export interface FaultContext {
  readonly servers: PrivateServers;
  readonly pgProxy: FaultProxy;
  readonly myProxy: FaultProxy;
  readonly sourceDb: string;
  readonly configPath: string;
  readonly runsDir: string;
  readonly random: () => number;
  readonly log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DATASET = ['accounts', 'tags', 'line_items', 'events'];
/** Exit codes after which the same command is run again (README: resumable). */
const RESUMABLE = new Set([1, 4, 33]);

function appUrl(ctx: FaultContext, side: 'pg' | 'my', db: string): string {
  const port = side === 'pg' ? ctx.pgProxy.port : ctx.myProxy.port;
  return side === 'pg'
    ? `postgres://${ctx.servers.appUser}@127.0.0.1:${port}/${db}`
    : `mysql://${ctx.servers.appUser}@127.0.0.1:${port}/${db}`;
}

async function withMy<T>(ctx: FaultContext, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection(ctx.servers.myAdminUrl());
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

async function existingTables(c: mysql.Connection, db: string): Promise<string[]> {
  const [rows] = await c.query<mysql.RowDataPacket[]>(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
    [db],
  );
  const have = new Set(rows.map((r) => String(r.t)));
  return DATASET.filter((t) => have.has(t));
}

/** Inject one fault; resolves when it is over and the environment is whole again. Returns a detail, or null. */
async function inject(
  ctx: FaultContext,
  f: Fault,
  child: ChildProcess,
  targetDb: string,
): Promise<string | null> {
  const s = ctx.servers;
  switch (f.kind) {
    case 'tool-sigkill':
      if (child.exitCode !== null || child.signalCode !== null) return null;
      child.kill('SIGKILL');
      return 'SIGKILL';
    case 'pg-kill-restart':
      s.killPg();
      await sleep(f.holdMs);
      await s.startPg();
      return `postgres kill -9, down ${f.holdMs} ms, restarted`;
    case 'my-kill-restart':
      s.killMy();
      await sleep(f.holdMs);
      await s.startMy();
      return `mariadbd kill -9, down ${f.holdMs} ms, restarted`;
    case 'pg-tcp-reset':
    case 'my-tcp-reset': {
      const n = (f.kind === 'pg-tcp-reset' ? ctx.pgProxy : ctx.myProxy).resetAll();
      return n > 0 ? `RST on ${n} connections` : null;
    }
    case 'pg-stall':
    case 'my-stall': {
      const proxy = f.kind === 'pg-stall' ? ctx.pgProxy : ctx.myProxy;
      if (proxy.stats().open === 0) return null;
      await proxy.stallAll(f.holdMs);
      await sleep(10);
      await proxy.stallAll(0); // re-release connections a timer released early (see migrate-faults test)
      return `stall ${f.holdMs} ms`;
    }
    case 'latency': {
      const proxy = ctx.random() < 0.5 ? ctx.pgProxy : ctx.myProxy;
      const ms = 10 + Math.round(ctx.random() * 60);
      proxy.setToxic({ type: 'latency', ms, jitterMs: Math.round(ms / 2), stream: 'both' });
      await sleep(f.holdMs);
      proxy.setToxic(null);
      return `${proxy === ctx.pgProxy ? 'pg' : 'my'} latency ${ms}±${Math.round(ms / 2)} ms for ${f.holdMs} ms`;
    }
    case 'lock-wait':
    case 'deadlock':
      return withMy(ctx, async (c) => {
        const tables = await existingTables(c, targetDb);
        if (tables.length === 0) return null;
        await c.query('SET SESSION innodb_lock_wait_timeout = 5');
        await c.query('BEGIN');
        if (f.kind === 'deadlock') {
          // A heavy transaction (many undo records) so that InnoDB picks the tool as the deadlock victim.
          await c.query('INSERT INTO rel_scratch.ballast (n) SELECT seq FROM rel_scratch.seq_1_to_20000');
        }
        const locked: string[] = [];
        if (f.kind === 'deadlock') {
          // Lock the checkpoint table first: a lane that has written a chunk's rows then waits for its
          // checkpoint row, holding its row locks; our scan of the data tables below then waits for those
          // rows — a cycle InnoDB breaks by rolling back the lighter transaction, the tool's.
          try {
            await c.query(`SELECT COUNT(*) FROM \`${targetDb}\`._pg2my_chunks FOR UPDATE`);
            locked.push('_pg2my_chunks');
          } catch {}
          await sleep(300);
        }
        for (const t of tables) {
          try {
            await c.query(
              f.kind === 'deadlock'
                ? `SELECT * FROM \`${targetDb}\`.\`${t}\` ORDER BY 1 DESC FOR UPDATE`
                : `SELECT COUNT(*) FROM \`${targetDb}\`.\`${t}\` FOR UPDATE`,
            );
            locked.push(t);
          } catch (e) {
            locked.push(`${t}(${(e as { code?: string }).code ?? 'error'})`);
          }
        }
        await sleep(f.holdMs);
        await c.query('ROLLBACK').catch(() => {});
        return `held FOR UPDATE on ${locked.join(',')} for ${f.holdMs} ms`;
      });
    case 'too-many-conn': {
      if (ctx.random() < 0.5) {
        await withMy(ctx, async (c) => {
          await c.query('SET GLOBAL max_connections = 1');
          ctx.myProxy.resetAll();
          await sleep(f.holdMs);
          await c.query('SET GLOBAL max_connections = 80');
        });
        return `mariadb max_connections=1 + RST for ${f.holdMs} ms`;
      }
      const c = new pg.Client({ connectionString: s.pgAdminUrl() });
      await c.connect();
      try {
        await c.query(`ALTER ROLE ${s.appUser} CONNECTION LIMIT 0`);
        ctx.pgProxy.resetAll();
        await sleep(f.holdMs);
      } finally {
        await c.query(`ALTER ROLE ${s.appUser} CONNECTION LIMIT -1`);
        await c.end();
      }
      return `postgres role CONNECTION LIMIT 0 + RST for ${f.holdMs} ms`;
    }
    case 'disk-full': {
      if (!s.tmpfs) return null;
      const ballast = join(s.tmpfs, 'ballast');
      const st = statfsSync(s.tmpfs);
      const free = st.bavail * st.bsize;
      const fill = Math.max(0, free - 256 * 1024);
      const r = spawnSync('fallocate', ['-l', String(fill), ballast]);
      if (r.status !== 0) writeFileSync(ballast, Buffer.alloc(fill));
      await sleep(f.holdMs);
      rmSync(ballast, { force: true });
      return `target tmpfs filled (${Math.round(fill / 1048576)} MB ballast) for ${f.holdMs} ms`;
    }
  }
}

/** The source's `serial_t` (id serial, sequence set ahead of max(id)), as the scorecard creates it. */
export const SERIAL_SQL = `CREATE TABLE serial_t (id serial PRIMARY KEY, v text NOT NULL);
INSERT INTO serial_t (v) SELECT 'row ' || g FROM generate_series(1, 400) g;
SELECT setval('serial_t_id_seq', 1000);`;

async function checkSerial(
  ctx: FaultContext,
  targetDb: string,
): Promise<{ lost: number; duplicated: number; changed: number; problem: string }> {
  const src = new pg.Client({ connectionString: ctx.servers.pgAdminUrl(ctx.sourceDb) });
  await src.connect();
  const a = (await src.query<{ r: string }>(`SELECT id::text || '|' || v AS r FROM serial_t`)).rows.map(
    (x) => x.r,
  );
  await src.end();
  const my = await mysql.createConnection(ctx.servers.myAdminUrl(targetDb));
  try {
    const [rows] = await my.query<mysql.RowDataPacket[]>("SELECT CONCAT(id, '|', v) AS r FROM serial_t");
    const [ai] = await my.query<mysql.RowDataPacket[]>(
      "SELECT AUTO_INCREMENT AS a FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'serial_t'",
    );
    const b = rows.map((x) => String(x.r));
    const count = (xs: string[]) =>
      xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
    const ca = count(a);
    const cb = count(b);
    let onlyA = 0;
    let onlyB = 0;
    for (const [k, n] of ca) onlyA += Math.max(0, n - (cb.get(k) ?? 0));
    for (const [k, n] of cb) onlyB += Math.max(0, n - (ca.get(k) ?? 0));
    const ch = Math.min(onlyA, onlyB);
    const auto = Number(ai[0]?.a ?? 0);
    return {
      lost: onlyA - ch,
      duplicated: onlyB - ch,
      changed: ch,
      problem:
        auto >= 1001 ? '' : `serial_t AUTO_INCREMENT is ${auto}, the source sequence's next value is 1001`,
    };
  } finally {
    await my.end();
  }
}

function tail(text: string, n = 600): string {
  return text.length > n ? `…${text.slice(-n)}` : text;
}

/**
 * One episode: a fresh target database; spawn i of migrate gets the faults plan[i]; after the planned
 * spawns, up to `extra` clean spawns to finish. Then the oracle.
 */
export async function runEpisode(
  ctx: FaultContext,
  name: string,
  plan: readonly (readonly Fault[])[],
  extra = 3,
): Promise<EpisodeResult> {
  const targetDb = `rel_${name}`;
  await withMy(ctx, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS \`${targetDb}\``);
    await c.query(`CREATE DATABASE \`${targetDb}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  });
  const outcomes: FaultOutcome[] = [];
  const exits: string[] = [];
  const defects: string[] = [];
  const outputs: string[] = [];
  const seen = { deadlock: 0, lockWait: 0, tooMany: 0 };
  const args = [
    'migrate',
    '--source',
    appUrl(ctx, 'pg', ctx.sourceDb),
    '--target',
    appUrl(ctx, 'my', targetDb),
    '--config',
    ctx.configPath,
    '--run-dir',
    ctx.runsDir,
    '--log-format',
    'json',
    '--no-progress',
  ];
  const env = {
    PG2MY_SOURCE_PASSWORD: ctx.servers.pgPassword,
    PG2MY_TARGET_PASSWORD: ctx.servers.myPassword,
  };
  let finalOk = false;
  // Faults a run did not reach because it ended early (a defect, or a resumable stop) move on to the next
  // run, so one early failure does not hide the rest of the plan; at most MAX_RUNS runs per episode.
  let carry: Fault[] = [];
  const MAX_RUNS = plan.length + extra + 4;
  for (let i = 0; (i < plan.length + extra || carry.length > 0) && i < MAX_RUNS && !finalOk; i++) {
    const faults = [...carry, ...(plan[i] ?? [])];
    const mine: FaultOutcome[] = faults.map((f) => ({
      kind: f.kind,
      phase: f.phase,
      injected: false,
      survived: false,
      resumed: false,
      detail: 'not reached (the run ended first)',
    }));
    outcomes.push(...mine);
    const pending: Promise<void>[] = [];
    let chunks = 0;
    let killedByUs = false;
    const fire = (k: number, child: ChildProcess) => {
      const f = faults[k]!;
      const o = mine[k]!;
      pending.push(
        (async () => {
          await sleep(f.delayMs);
          if (child.exitCode !== null || child.signalCode !== null) return;
          if (f.kind === 'tool-sigkill') killedByUs = true;
          try {
            const d = await inject(ctx, f, child, targetDb);
            if (d !== null) {
              o.injected = true;
              o.detail = d;
              marks.set(o, progress);
            } else if (f.kind === 'tool-sigkill') killedByUs = false;
          } catch (e) {
            o.injected = true;
            o.detail = `injector error: ${(e as Error).message}`;
          }
        })(),
      );
    };
    // Progress events seen so far, and the count when each fault was over: a fault after which the run
    // still made progress (a chunk copied, a later step started) was survived even if a later fault then ended the run.
    let progress = 0;
    const marks = new Map<FaultOutcome, number>();
    const onEvent = (e: RunEvent, child: ChildProcess) => {
      if (e.event === 'chunk.copied' || e.event === 'step.started') progress++;
      if (e.event === 'chunk.retried' || e.event === 'control.reconnect') {
        const m = `${e.msg ?? ''} ${JSON.stringify(e.data ?? {})}`;
        if (/deadlock|1213/i.test(m)) seen.deadlock++;
        if (/lock wait|1205/i.test(m)) seen.lockWait++;
        if (/too many connections|1040|53300/i.test(m)) seen.tooMany++;
      }
      if (e.event === 'chunk.copied') chunks++;
      faults.forEach((f, k) => {
        if (e.event === 'step.started' && e.step === f.phase) fire(k, child);
        else if (e.event === 'step.started' && e.step === 'copy' && f.phase === 'key-ranges') fire(k, child);
        else if (e.event === 'chunk.copied' && f.phase === 'copy' && chunks === (f.chunk ?? 1))
          fire(k, child);
      });
    };
    let r: CliRun;
    try {
      r = await runCli(args, { env, runsDir: ctx.runsDir, timeoutMs: 180_000, onEvent });
    } finally {
      await Promise.all(pending);
    }
    // Whatever the faults left behind, the next run starts on whole servers.
    if (!ctx.servers.pgAlive()) await ctx.servers.startPg();
    if (!ctx.servers.myAlive()) await ctx.servers.startMy();
    outputs.push(r.stdout, r.stderr);
    const label = r.hung
      ? 'hung'
      : killedByUs && r.signal === 'SIGKILL'
        ? 'SIGKILL'
        : `exit ${r.code ?? r.signal}`;
    exits.push(label);
    const fine =
      !r.hung &&
      ((killedByUs && r.signal === 'SIGKILL') ||
        r.code === 0 ||
        RESUMABLE.has(r.code ?? -1) ||
        (r.code === 2 && /ALREADY_RUNNING/.test(r.stderr)));
    for (const o of mine) {
      if (!o.injected) continue;
      o.survived = fine || (!r.hung && progress > (marks.get(o) ?? progress));
      o.resumed = fine && r.code !== 0 && !(killedByUs && r.signal === 'SIGKILL');
    }
    if (!fine) {
      const hit = mine
        .filter((o) => o.injected && !o.survived)
        .map((o) => `${o.kind}@${o.phase} (${o.detail})`);
      defects.push(
        `${name} run ${i + 1}: ${label} after faults [${hit.join('; ') || 'none'}]: ${tail(
          r.stderr
            .split('\n')
            .filter((l) => !l.includes('"level":"debug"'))
            .join('\n'),
        )}`,
      );
    }
    if (r.code === 2 && /ALREADY_RUNNING/.test(r.stderr)) await sleep(500);
    finalOk = r.code === 0 && !r.hung;
    carry = finalOk ? [] : faults.filter((_, k) => !mine[k]!.injected);
    for (const o of mine.filter((x) => !x.injected)) if (!finalOk) outcomes.splice(outcomes.indexOf(o), 1);
  }
  let lost = 0;
  let duplicated = 0;
  let changed = 0;
  const cmp = await compareDataset(
    ctx.servers.pgAdminUrl(ctx.sourceDb),
    ctx.servers.myAdminUrl(targetDb),
  ).catch((e: Error) => {
    defects.push(`${name}: oracle failed: ${e.message}`);
    return [];
  });
  for (const c of cmp) {
    // A changed row is one source row missing and one other target row in its place.
    const ch = Math.min(c.lost, c.extra);
    changed += ch;
    lost += c.lost - ch;
    duplicated += c.extra - ch;
  }
  // The serial table: rows (id, v) compared here, and AUTO_INCREMENT carried past the sequence.
  const ser = await checkSerial(ctx, targetDb).catch((e: Error) => ({
    lost: 0,
    duplicated: 0,
    changed: 0,
    problem: `oracle (serial) failed: ${e.message}`,
  }));
  lost += ser.lost;
  duplicated += ser.duplicated;
  changed += ser.changed;
  if (ser.problem && finalOk) defects.push(`${name}: ${ser.problem}`);
  if (!finalOk) defects.push(`${name}: never reached exit 0 (${exits.join(', ')})`);
  const clean =
    finalOk && lost + duplicated + changed === 0 && cmp.length === DATASET.length && ser.problem === '';
  if (finalOk && !clean)
    defects.push(
      `${name}: exit 0 but the oracle found lost ${lost}, duplicated ${duplicated}, changed ${changed}`,
    );
  if (!clean) for (const o of outcomes) o.survived = false;
  await withMy(ctx, (c) => c.query(`DROP DATABASE IF EXISTS \`${targetDb}\``));
  ctx.log(
    `${name}: ${exits.join(' → ')}; faults ${outcomes.filter((o) => o.injected).length} injected, ${outcomes.filter((o) => o.survived).length} survived; oracle lost ${lost} dup ${duplicated} changed ${changed}`,
  );
  return { name, faults: outcomes, lost, duplicated, changed, exits, defects, outputs, seen };
}

/** The seeded matrix: which episodes, with which faults in which spawn. `small` is the CI slice. */
export function faultMatrix(
  random: () => number,
  slice: 'small' | 'full',
): { name: string; plan: Fault[][] }[] {
  const uni = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const at = (kind: FaultKind, phase: Phase, holdMs = 0): Fault => ({
    kind,
    phase,
    delayMs: phase === 'copy' ? uni(0, 40) : phase === 'key-ranges' ? 0 : uni(0, 60),
    chunk: phase === 'copy' ? uni(1, slice === 'full' ? 25 : 5) : undefined,
    holdMs,
  });
  const hold = (kind: FaultKind): number =>
    kind === 'pg-stall' || kind === 'my-stall'
      ? random() < 0.2
        ? 5000
        : uni(100, 800)
      : kind === 'latency'
        ? uni(500, 2000)
        : kind === 'lock-wait' || kind === 'deadlock'
          ? uni(1500, 3000)
          : kind === 'too-many-conn'
            ? uni(500, 2500)
            : kind === 'disk-full'
              ? uni(2000, 4000)
              : kind.endsWith('kill-restart')
                ? uni(200, 2000)
                : 0;
  const f = (kind: FaultKind, phase: Phase) => at(kind, phase, hold(kind));
  const episodes: { name: string; plan: Fault[][] }[] = [];
  const full = slice === 'full';
  const killPhases: Phase[] = [
    'preflight',
    'key-ranges',
    'copy',
    'copy',
    'copy',
    'copy',
    'copy',
    'copy',
    'post-data',
    'sequences',
    'verify',
  ];
  // Tool SIGKILL: one per spawn, the same command re-run after each.
  for (let e = 0; e < (full ? 6 : 1); e++) {
    const phases = full ? killPhases : ['preflight', 'copy', 'post-data'];
    const order = phases.map((p) => f('tool-sigkill', p as Phase));
    // Copy kills first (in random order), late ones last (only a run past the copy reaches them).
    const early = order.filter(
      (x) => x.phase !== 'post-data' && x.phase !== 'sequences' && x.phase !== 'verify',
    );
    const late = order.filter((x) => !early.includes(x));
    early.sort(() => random() - 0.5);
    episodes.push({ name: `sigkill_${e}`, plan: [...early, ...late].map((x) => [x]) });
  }
  // Server kill -9 and restart: both servers, every step, in one run (what it does not reach moves on).
  for (let e = 0; e < (full ? 4 : 1); e++) {
    const phases: Phase[] = full ? [...PHASES] : ['copy', 'post-data'];
    episodes.push({
      name: `srvkill_${e}`,
      plan: [phases.map((p, k) => f((k + e) % 2 === 0 ? 'pg-kill-restart' : 'my-kill-restart', p))],
    });
  }
  // Network faults (fault proxy): several per run, spread over the steps.
  const net: FaultKind[] = ['pg-tcp-reset', 'my-tcp-reset', 'pg-stall', 'my-stall', 'latency'];
  for (let e = 0; e < (full ? 28 : 1); e++) {
    const phases: Phase[] = full
      ? ['preflight', 'key-ranges', 'copy', 'copy', 'copy', 'post-data', 'sequences', 'verify']
      : ['key-ranges', 'copy', 'verify'];
    episodes.push({ name: `net_${e}`, plan: [phases.map((p) => f(pick(net), p))] });
  }
  // Lock waits, deadlocks, connection limits on the target (and the source's role limit).
  const db: FaultKind[] = ['lock-wait', 'lock-wait', 'deadlock', 'too-many-conn'];
  for (let e = 0; e < (full ? 12 : 1); e++) {
    const phases: Phase[] = full
      ? ['copy', 'copy', 'post-data', 'sequences', 'verify']
      : ['copy', 'post-data'];
    episodes.push({
      name: `db_${e}`,
      plan: [
        phases.map((p, k) => f(full ? db[(e + k) % db.length]! : k === 0 ? 'deadlock' : 'too-many-conn', p)),
      ],
    });
  }
  // Disk full on the target (tmpfs), during the copy and post-data.
  for (let e = 0; e < (full ? 4 : 1); e++)
    episodes.push({ name: `diskfull_${e}`, plan: [[f('disk-full', e % 2 === 0 ? 'copy' : 'post-data')]] });
  return episodes;
}
