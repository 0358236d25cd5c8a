// Issue 3, 9(b): crash and resume. `pg2my migrate` (the built CLI in a child process) copies a ~210k-row
// PostgreSQL dataset (integer, text, composite and no key) in small chunks and is SIGKILLed at ≥ 20 seeded
// random points — before, during and after the copy — then run again with the same command each time.
// Invariants asserted: the last run exits 0; an oracle independent of pg2my finds 0 lost, 0 duplicated rows
// and identical content; the checkpoints sum to the source rows and come from several runs; no password in
// any output or run artefact. Seed: PG2MY_CRASH_SEED (printed). No wall-clock assertion anywhere.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { assertNoSecrets, splitPassword } from '../helpers/cli.js';
import { compareDataset, DATASET_TABLES, datasetRows, datasetSql } from '../helpers/migrate-dataset.js';
import { freshMysqlDatabase, freshPgDatabase, testServers } from '../helpers/servers.js';
import { prng } from '../helpers/prng.js';

const DB = 'pg2my_it_migrate_crash';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_CHUNK_ROWS = 400;
const KILLS = 22;
const MIN_KILLS = 20;

const SEED = Number(process.env.PG2MY_CRASH_SEED ?? randomInt(1, 2 ** 31));

/** `node dist/cli/main.js` when the build is at least as new as every source file, else tsx on src. */
function cliArgv(): { argv: string[]; how: string } {
  const main = join(ROOT, 'dist/cli/main.js');
  let built = 0;
  try {
    built = statSync(main).mtimeMs;
  } catch {}
  const newest = (dir: string): number =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .reduce((m, f) => Math.max(m, statSync(join(dir, f)).mtimeMs), 0);
  if (built > 0 && newest(join(ROOT, 'src')) <= built) return { argv: [main], how: 'dist (built)' };
  return { argv: ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')], how: 'tsx on src (dist is stale)' };
}

/** When a run is killed: on an event (a step starting, or copy start), then after a delay or N chunks. */
interface KillPlan {
  readonly aim: 'startup' | 'preflight' | 'pre-data' | 'copy' | 'post-data' | 'sequences' | 'verify';
  /** ms after the trigger (for 'startup': after spawn). */
  readonly delayMs: number;
  /** copy only: kill at the latest this many ms after the chunksCap-th chunk.copied event of the run. */
  readonly chunksCap?: number;
  readonly capDelayMs?: number;
}

function killPlans(random: () => number): KillPlan[] {
  const uni = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const early: KillPlan[] = [
    { aim: 'startup', delayMs: uni(0, 250) },
    { aim: 'preflight', delayMs: uni(0, 60) },
    { aim: 'preflight', delayMs: uni(0, 60) },
    { aim: 'pre-data', delayMs: uni(0, 25) },
  ];
  // A random time into the copy, but no later than a random number of committed chunks (×2 lanes, ~530
  // chunks in all): a fast machine cannot finish the copy before the copy kills run out.
  const copy: KillPlan[] = Array.from({ length: KILLS - early.length - 4 }, () => ({
    aim: 'copy',
    delayMs: uni(0, 300),
    chunksCap: uni(1, 28),
    capDelayMs: uni(0, 8),
  }));
  const late: KillPlan[] = [
    { aim: 'post-data', delayMs: uni(0, 60) },
    { aim: 'post-data', delayMs: uni(0, 120) },
    { aim: 'sequences', delayMs: uni(0, 5) },
    { aim: 'verify', delayMs: uni(0, 300) },
  ];
  // Early kills anywhere among the copy kills (a resume that is killed before the copy is interesting too);
  // the late ones at the end, since only a run that finishes the copy can reach post-data.
  const head = [...copy];
  for (const e of early) head.splice(Math.floor(random() * (head.length + 1)), 0, e);
  return [...head, ...late];
}

interface RunOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The step the run was in when it ended: the last step.started seen ('startup' if none). */
  readonly phase: string;
  readonly chunksCopied: number;
  readonly killed: boolean;
}

/**
 * Spawn one migrate run; kill it per `plan` (or never). Events come from the run's events.ndjson (it has
 * the debug-level chunk.copied events that stderr leaves out), tailed every few ms once stderr's first
 * line gave the run id.
 */
function runOnce(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  runsDir: string,
  plan: KillPlan | undefined,
): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, argv, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let phase = 'startup';
    let copyDone = false;
    let chunks = 0;
    let killed = false;
    const timers: NodeJS.Timeout[] = [];
    let killDue = false;
    const kill = () => {
      if (killed || child.exitCode !== null || child.signalCode !== null) return;
      // A copy kill lands only once this run committed a chunk, however slow the machine: every copy-killed
      // run then adds checkpoints, and the "chunks from several runs" assertion does not depend on timing.
      if (plan?.aim === 'copy' && chunks === 0 && !copyDone) {
        killDue = true;
        return;
      }
      killed = true;
      child.kill('SIGKILL');
    };
    const after = (ms: number) => timers.push(setTimeout(kill, ms));
    if (plan?.aim === 'startup') after(plan.delayMs);
    const onEvent = (ev: { event?: string; step?: string }) => {
      if (ev.event === 'step.started' && ev.step) {
        phase = ev.step;
        if (plan && plan.aim === ev.step) after(plan.delayMs);
      }
      if (ev.event === 'step.finished' && ev.step === 'copy') copyDone = true;
      if (ev.event === 'chunk.copied') {
        chunks++;
        if (killDue) kill();
        if (plan?.aim === 'copy' && plan.chunksCap !== undefined && chunks === plan.chunksCap)
          after(plan.capDelayMs ?? 0);
      }
    };
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    let tail: NodeJS.Timeout | undefined;
    const follow = (runId: string) => {
      const file = join(runsDir, runId, 'events.ndjson');
      let fd: number | undefined;
      let offset = 0;
      let partial = '';
      const buf = Buffer.alloc(1 << 16);
      const utf8 = new StringDecoder('utf8');
      tail = setInterval(() => {
        try {
          fd ??= openSync(file, 'r');
        } catch {
          return; // not created yet
        }
        for (
          let n = readSync(fd, buf, 0, buf.length, offset);
          n > 0;
          n = readSync(fd, buf, 0, buf.length, offset)
        ) {
          offset += n;
          partial += utf8.write(buf.subarray(0, n));
        }
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          try {
            onEvent(JSON.parse(line) as { event?: string; step?: string });
          } catch {} // a line is written whole; anything else is not an event
        }
      }, 4);
      child.once('close', () => {
        clearInterval(tail);
        if (fd !== undefined) closeSync(fd);
      });
    };
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (tail !== undefined) return;
      const runId = /"run_id":"([^"]+)"/.exec(stderr)?.[1];
      if (runId) follow(runId);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      clearInterval(tail);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        phase: phase === 'copy' && copyDone ? 'copy (finished)' : phase,
        chunksCopied: chunks,
        killed: killed && signal === 'SIGKILL',
      });
    });
  });
}

/** Every file under dir, as text. */
function readTree(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((p) => ({ path: p, text: readFileSync(p, 'latin1') }));
}

test(`migrate survives ${MIN_KILLS}+ SIGKILLs at random points and resumes to an identical target (seed ${SEED})`, async (t) => {
  console.log(`migrate-crash: seed ${SEED} (replay with PG2MY_CRASH_SEED=${SEED})`);
  const random = prng(SEED);
  const servers = await testServers();
  const sourceUrl = await freshPgDatabase(DB, datasetSql(1));
  const targetUrl = await freshMysqlDatabase(DB);
  const work = mkdtempSync(join(tmpdir(), 'pg2my-crash-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const configPath = join(work, 'pg2my.yaml');
  writeFileSync(
    configPath,
    [
      'types:',
      '  textKey: varchar(100)',
      'migrate:',
      '  workers: 2',
      '  chunkSeconds: 0.1',
      `  maxChunkRows: ${MAX_CHUNK_ROWS}`,
      '  verify: checksum',
      '',
    ].join('\n'),
  );
  const src = splitPassword(sourceUrl);
  const tgt = splitPassword(targetUrl);
  const cli = cliArgv();
  const runsDir = join(work, 'runs');
  console.log(`migrate-crash: running the CLI from ${cli.how}`);
  const argv = [
    ...cli.argv,
    'migrate',
    '--source',
    src.url,
    '--target',
    tgt.url,
    '--config',
    configPath,
    '--chunk-rows',
    '200',
    '--run-dir',
    runsDir,
    '--log-format',
    'json',
    '--no-progress',
  ];
  const env = {
    ...process.env,
    PG2MY_SOURCE_PASSWORD: src.password,
    PG2MY_TARGET_PASSWORD: tgt.password,
  };
  const secrets = [servers.pgPassword, servers.mysqlPassword];
  const outputs: string[] = [];
  const phases = new Map<string, number>();
  let kills = 0;

  /** Run with `plan`; a run that starts while the killed one still holds the target's lock is retried. */
  const run = async (plan: KillPlan | undefined, label: string): Promise<RunOutcome> => {
    for (let attempt = 1; ; attempt++) {
      const r = await runOnce(argv, env, runsDir, plan);
      outputs.push(r.stdout, r.stderr);
      if (r.code === 2 && r.stderr.includes('ALREADY_RUNNING') && attempt < 20) {
        await new Promise((res) => setTimeout(res, 250));
        continue;
      }
      console.log(
        `migrate-crash: ${label} aim=${plan?.aim ?? 'none'} → ${r.killed ? `killed in ${r.phase}` : `exit ${r.code}`} (${r.chunksCopied} chunks committed)`,
      );
      if (!r.killed && r.code !== 0) {
        assert.fail(
          `${label}: unexpected exit ${r.code} (signal ${r.signal})\n${r.stdout}\n${r.stderr.slice(-4000)}`,
        );
      }
      return r;
    }
  };

  const plans = killPlans(random);
  for (let i = 0; i < plans.length || (kills < MIN_KILLS && i < plans.length + 20); i++) {
    // Extra runs (only if some planned kill came too late): kill them early in the copy or post-data.
    const plan: KillPlan = plans[i] ?? {
      aim: i % 2 ? 'copy' : 'post-data',
      delayMs: Math.round(random() * 50),
    };
    const r = await run(plan, `run ${i + 1}`);
    if (r.killed) {
      kills++;
      phases.set(r.phase, (phases.get(r.phase) ?? 0) + 1);
    }
  }
  console.log(`migrate-crash: ${kills} SIGKILLs by phase: ${JSON.stringify(Object.fromEntries(phases))}`);
  assert.ok(kills >= MIN_KILLS, `only ${kills} runs were killed`);
  const before =
    (phases.get('startup') ?? 0) + (phases.get('preflight') ?? 0) + (phases.get('pre-data') ?? 0);
  const during = phases.get('copy') ?? 0;
  const afterCopy = kills - before - during;
  assert.ok(before >= 1, 'no kill landed before the copy');
  assert.ok(during >= kills / 2, `only ${during} of ${kills} kills landed during the copy`);
  assert.ok(afterCopy >= 1, 'no kill landed after the copy');

  const last = await run(undefined, 'final run');
  assert.equal(last.code, 0, `the final run failed:\n${last.stdout}\n${last.stderr.slice(-4000)}`);
  assert.match(last.stdout, /result: IDENTICAL/);

  // The oracle: counts and per-row digests computed on both servers, compared here.
  const cmp = await compareDataset(sourceUrl, targetUrl);
  const rows = datasetRows(1);
  for (const c of cmp) {
    assert.equal(c.sourceRows, rows[c.table], `${c.table}: source rows`);
    assert.deepEqual(
      { table: c.table, targetRows: c.targetRows, lost: c.lost, duplicatedOrChanged: c.extra },
      { table: c.table, targetRows: c.sourceRows, lost: 0, duplicatedOrChanged: 0 },
    );
  }

  // The checkpoints: every row accounted for exactly once, chunks written by several runs, small chunks.
  const conn = await mysql.createConnection(targetUrl);
  try {
    const [byTable] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT table_name, SUM(row_count) AS n, MAX(row_count) AS biggest, COUNT(*) AS chunks FROM _pg2my_chunks GROUP BY table_name',
    );
    const sums = new Map(byTable.map((r) => [String(r.table_name), r]));
    for (const table of DATASET_TABLES) {
      const r = sums.get(table);
      assert.ok(r, `no checkpoints for ${table}`);
      assert.equal(Number(r.n), rows[table], `${table}: checkpointed rows`);
      // Text and composite keys are cut at the n-th key: never more than maxChunkRows per chunk.
      if (table === 'tags' || table === 'line_items')
        assert.ok(Number(r.biggest) <= MAX_CHUNK_ROWS, `${table}: a chunk of ${r.biggest} rows`);
    }
    const [runs] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT run_id, COUNT(*) AS chunks FROM _pg2my_chunks GROUP BY run_id ORDER BY MIN(committed_at)',
    );
    console.log(
      `migrate-crash: chunks by run: ${runs.map((r) => `${String(r.run_id)}=${Number(r.chunks)}`).join(' ')}`,
    );
    assert.ok(runs.length >= 5, `chunks were committed by only ${runs.length} run(s)`);
  } finally {
    await conn.end();
  }

  // No password in anything a run printed or wrote.
  assertNoSecrets(outputs.join('\n'), secrets, 'the output of a migrate run');
  for (const f of readTree(runsDir)) assertNoSecrets(f.text, secrets, f.path);
});
