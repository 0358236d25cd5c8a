// Throughput of the COPY-text → LOAD DATA transcoder on ~200 MB of synthetic COPY text per profile.
// Prints MB/s; not a test (no assertions on time). Run: npx tsx scripts/bench-transcoder.ts [MB]
// Data is generated once (~1 MB sample) and replayed in 64 KiB chunks, the size sockets usually deliver.

import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyTextToLoadData } from '../src/target/mysql/load-data-stream.js';

const TOTAL_MB = Number(process.argv[2] ?? 200);
const CHUNK = 64 * 1024;

/** Deterministic PRNG (mulberry32) so every run benchmarks the same bytes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'été', '日本語', 'naïve', 'x', 'lorem', 'ipsum'];

/** ~1 MB of COPY text rows: id, name, text, nullable, timestamp. */
function sample(profile: 'plain' | 'typical' | 'formfeed-heavy'): Buffer {
  const r = rng(42);
  const lines: string[] = [];
  let size = 0;
  for (let id = 1; size < 1 << 20; id++) {
    const words = Array.from(
      { length: 3 + Math.floor(r() * 12) },
      () => WORDS[Math.floor(r() * WORDS.length)],
    );
    let text = words.join(' ');
    if (profile === 'typical') {
      if (r() < 0.05) text += '\\nsecond line\\ttabbed \\\\ backslash';
      if (r() < 0.002) text += ' \\f page';
    } else if (profile === 'formfeed-heavy') {
      text = text.replaceAll(' ', '\\f');
    }
    const nullable = r() < 0.2 ? '\\N' : String(Math.floor(r() * 1e9));
    const line = `${id}\tname-${id}\t${text}\t${nullable}\t2024-01-0${1 + (id % 9)} 12:34:56.123456\n`;
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(lines.join(''), 'utf8');
}

async function run(profile: 'plain' | 'typical' | 'formfeed-heavy'): Promise<void> {
  const buf = sample(profile);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += CHUNK) chunks.push(buf.subarray(i, i + CHUNK));
  const reps = Math.max(1, Math.round((TOTAL_MB * 1024 * 1024) / buf.length));
  function* source(): Generator<Buffer> {
    for (let r = 0; r < reps; r++) yield* chunks;
  }
  let out = 0;
  const t = new CopyTextToLoadData();
  const start = performance.now();
  await pipeline(
    Readable.from(source()),
    t,
    new Writable({
      write(c: Buffer, _e, cb) {
        out += c.length;
        cb();
      },
    }),
  );
  const ms = performance.now() - start;
  const mb = t.bytes / (1024 * 1024);
  process.stdout.write(
    `${profile.padEnd(15)} ${mb.toFixed(0)} MB in ${(ms / 1000).toFixed(2)} s = ${(mb / (ms / 1000)).toFixed(0)} MB/s` +
      ` (${t.rows} rows, out ${(out / (1024 * 1024)).toFixed(0)} MB)\n`,
  );
}

for (const p of ['plain', 'typical', 'formfeed-heavy'] as const) await run(p);
