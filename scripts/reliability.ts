// `npm run reliability [-- --slice small] [-- --seed N]`: the reliability scorecard. Starts PRIVATE
// throwaway servers (scripts/lib/reliability-servers.ts), runs the seeded fault matrix through the real
// CLI behind fault proxies, the bad-input catalogue, and the password-canary channels, then prints ONE
// table and exits non-zero if any line is bad (a fault not survived, a bad input not handled with its
// documented exit code, any row lost / duplicated / changed, any canary found). Replay with --seed.

import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startFaultProxy } from '../test/helpers/fault-proxy.js';
import { datasetSql } from '../test/helpers/migrate-dataset.js';
import { prng } from '../test/helpers/prng.js';
import { cli } from './lib/reliability-cli.js';
import {
  type EpisodeResult,
  FAULT_KINDS,
  faultMatrix,
  runEpisode,
  SERIAL_SQL,
} from './lib/reliability-faults.js';
import { INPUT_CASES, type InputOutcome, runInputCase } from './lib/reliability-inputs.js';
import { type Line, renderScorecard } from './lib/reliability-scorecard.js';
import { countSecrets, filesUnder, readAll, runSecretChannels } from './lib/reliability-secrets.js';
import { startPrivateServers } from './lib/reliability-servers.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const slice = flag('--slice') === 'small' ? 'small' : 'full';
  const seed = Number(flag('--seed') ?? (slice === 'small' ? 11 : randomInt(1, 2 ** 31)));
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`reliability: ${line}\n`);
  log(`slice ${slice}, seed ${seed} (replay: --seed ${seed}); CLI from ${cli().how}`);
  const random = prng(seed);
  const tag = randomBytes(4).toString('hex');
  const pgPassword = `Rel@Canary/%!pg-${tag}`;
  const myPassword = `Rel@Canary/%!my-${tag}`;
  const work = mkdtempSync(join(tmpdir(), 'pg2my-reliability-work-'));
  const runsDir = join(work, 'runs');
  const cfgDir = join(work, 'cfg');
  mkdirSync(runsDir, { mode: 0o700 });
  mkdirSync(cfgDir, { mode: 0o700 });
  const servers = await startPrivateServers({ pgPassword, myPassword, tmpfsMb: 384 });
  log(
    `private servers: postgres 127.0.0.1:${servers.pgPort}, mariadb 127.0.0.1:${servers.myPort}; ${servers.tmpfsNote}`,
  );
  const pgProxy = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: servers.pgPort, seed });
  const myProxy = await startFaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: servers.myPort,
    seed: seed + 1,
  });
  let exit = 1;
  try {
    // The source dataset (owned by the app role) and the scratch database the deadlock holder writes to.
    const sourceDb = 'rel_src';
    const admin = new pg.Client({ connectionString: servers.pgAdminUrl() });
    await admin.connect();
    await admin.query(
      `CREATE DATABASE ${sourceDb} OWNER ${servers.appUser} TEMPLATE template0 ENCODING 'UTF8'`,
    );
    await admin.end();
    const app = new pg.Client({
      connectionString: servers.pgAdminUrl(sourceDb).replace('//postgres:', `//${servers.appUser}:`),
    });
    await app.connect();
    await app.query(datasetSql(slice === 'small' ? 0.01 : 0.05));
    await app.query(SERIAL_SQL);
    await app.query('ANALYZE');
    await app.end();
    const my = await mysql.createConnection(servers.myAdminUrl());
    await my.query('CREATE DATABASE rel_scratch');
    await my.query('CREATE TABLE rel_scratch.ballast (n bigint)');
    await my.end();
    const configPath = join(cfgDir, 'faults.yaml');
    writeFileSync(
      configPath,
      [
        'types:',
        '  textKey: varchar(100)',
        'connectTimeoutMs: 2000',
        'migrate:',
        '  workers: 2',
        '  chunkSeconds: 0.1',
        '  initialChunkRows: 150',
        '  maxChunkRows: 300',
        '  stallSeconds: 2',
        '  verify: checksum',
        '  retry:',
        '    maxAttempts: 30',
        '    baseMs: 20',
        '    capMs: 500',
        '    budgetSeconds: 30',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );

    // 1. Faults.
    const ctx = { servers, pgProxy, myProxy, sourceDb, configPath, runsDir, random, log };
    const episodes: EpisodeResult[] = [];
    for (const ep of faultMatrix(random, slice)) episodes.push(await runEpisode(ctx, ep.name, ep.plan));
    pgProxy.setToxic(null);
    myProxy.setToxic(null);

    // 2. Bad inputs (the small slice: a seeded subset, one of each family at least).
    let cases = [...INPUT_CASES];
    if (slice === 'small') {
      const families = new Map<string, (typeof cases)[number][]>();
      for (const c of cases) {
        const fam = c.id.split('-')[0]!;
        families.set(fam, [...(families.get(fam) ?? []), c]);
      }
      cases = [...families.values()].flatMap((xs) => [...xs].sort(() => random() - 0.5).slice(0, 1));
    }
    const inputs: InputOutcome[] = [];
    for (const [i, c] of cases.entries()) {
      const o = await runInputCase({ servers, work: cfgDir, runsDir: join(runsDir, 'inputs') }, c, i);
      inputs.push(o);
      log(`input ${c.id}: exit ${o.code} ${o.handled ? 'ok' : `BAD: ${o.problem}`}`);
    }

    // 3. Canaries through every channel, then every output and written file.
    const tinyDb = 'rel_tiny';
    const pgAdmin = new pg.Client({ connectionString: servers.pgAdminUrl() });
    await pgAdmin.connect();
    await pgAdmin.query(
      `CREATE DATABASE ${tinyDb} OWNER ${servers.appUser} TEMPLATE template0 ENCODING 'UTF8'`,
    );
    await pgAdmin.end();
    const tiny = new pg.Client({
      connectionString: servers.pgAdminUrl(tinyDb).replace('//postgres:', `//${servers.appUser}:`),
    });
    await tiny.connect();
    await tiny.query(
      "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 300) g",
    );
    await tiny.end();
    const channels = await runSecretChannels(
      servers,
      tinyDb,
      join(work, 'channels'),
      cfgDir,
      slice === 'small' ? ['migrate'] : ['assess', 'migrate', 'verify'],
    );
    for (const ch of channels) log(`secret channel ${ch.channel}: ${ch.exits.join(' ')}`);
    const secrets = [pgPassword, myPassword];
    const outputs = [
      ...episodes.flatMap((e) => e.outputs),
      ...inputs.map((i) => i.output),
      ...channels.flatMap((c) => c.outputs),
    ];
    const files = readAll([...filesUnder(runsDir), ...filesUnder(join(work, 'channels'))]);
    const leaks: string[] = [];
    let secretHits = outputs.reduce((n, o) => n + countSecrets(o, secrets), 0);
    if (secretHits > 0) leaks.push(`${secretHits} in command output`);
    for (const f of files) {
      const n = countSecrets(f.text, secrets);
      if (n > 0) leaks.push(`${n} in ${f.path.slice(work.length + 1)}`);
      secretHits += n;
    }

    // The table.
    const faults = episodes.flatMap((e) => e.faults).filter((f) => f.injected);
    const byKind = FAULT_KINDS.map((k) => {
      const fs = faults.filter((f) => f.kind === k);
      return `${k} ${fs.filter((f) => f.survived).length}/${fs.length}`;
    });
    const byPhase = ['preflight', 'key-ranges', 'copy', 'post-data', 'sequences', 'verify'].map((p) => {
      const fs = faults.filter((f) => f.phase === p);
      return `${p} ${fs.filter((f) => f.survived).length}/${fs.length}`;
    });
    const sum = (k: 'lost' | 'duplicated' | 'changed') => episodes.reduce((n, e) => n + e[k], 0);
    const seen = episodes.reduce(
      (a, e) => ({ d: a.d + e.seen.deadlock, l: a.l + e.seen.lockWait, t: a.t + e.seen.tooMany }),
      { d: 0, l: 0, t: 0 },
    );
    const survived = faults.filter((f) => f.survived).length;
    const handled = inputs.filter((i) => i.handled).length;
    const minFaults = slice === 'small' ? 10 : 300;
    const minInputs = slice === 'small' ? 8 : 60;
    const lines: Line[] = [
      {
        label: 'faults injected / survived',
        value: `${faults.length} / ${survived}`,
        ok: survived === faults.length && faults.length >= minFaults,
        detail: [
          `by kind: ${byKind.join(' · ')}`,
          `by step: ${byPhase.join(' · ')}`,
          `survived within the run ${faults.filter((f) => f.survived && !f.resumed && f.kind !== 'tool-sigkill').length} · the run stopped with a resumable exit code and the re-run finished ${faults.filter((f) => f.resumed).length} (${[...new Set(faults.filter((f) => f.resumed).map((f) => f.kind))].join(', ')})`,
          `retries the tool logged for: deadlock ${seen.d} · lock wait ${seen.l} · too many connections ${seen.t}`,
          `disk full: ${servers.tmpfsNote}`,
        ],
      },
      {
        label: 'bad inputs / handled with the right exit code',
        value: `${inputs.length} / ${handled}`,
        ok: handled === inputs.length && inputs.length >= minInputs,
        detail: inputs.filter((i) => !i.handled).map((i) => `${i.id} (${i.what}): ${i.problem}`),
      },
      { label: 'rows lost', value: String(sum('lost')), ok: sum('lost') === 0, detail: [] },
      { label: 'rows duplicated', value: String(sum('duplicated')), ok: sum('duplicated') === 0, detail: [] },
      { label: 'rows changed', value: String(sum('changed')), ok: sum('changed') === 0, detail: [] },
      {
        label: 'secrets found',
        value: String(secretHits),
        ok: secretHits === 0,
        detail: [
          `canaries: 2 passwords · channels: ${channels.map((c) => c.channel).join(', ')} · ${outputs.length} outputs and ${files.length} written files scanned`,
          ...leaks,
        ],
      },
    ];
    const defects = episodes.flatMap((e) => e.defects);
    const text = renderScorecard({
      slice,
      seed,
      seconds: Math.round((Date.now() - started) / 1000),
      episodes: episodes.length,
      lines,
      defects,
    });
    process.stdout.write(text);
    exit = lines.every((l) => l.ok) ? 0 : 1;
    if (exit !== 0) log(`run files kept in ${work}`);
  } finally {
    await pgProxy.close();
    await myProxy.close();
    await servers.stop();
    if (exit === 0) rmSync(work, { recursive: true, force: true });
  }
  return exit;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`reliability: the harness itself failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
