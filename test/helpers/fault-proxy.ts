// In-process TCP fault proxy for fault tests against real servers on loopback, with Toxiproxy's vocabulary:
// latency, reset_peer, timeout (blackhole), limit_data, down, slicer; plus resetAll() and stallAll().
// Invariants: it listens on 127.0.0.1 only and connects only to the loopback upstream it was given (an IP in
// 127.0.0.0/8, ::1 or 'localhost'); byte order within a direction is always preserved; randomness
// (jitter, probability, slice sizes) comes from a seeded PRNG so a failing fault test replays the same way.

import * as net from 'node:net';
import { prng } from './prng.js';

/** Which way a toxic acts: upstream = client → server, downstream = server → client (Toxiproxy's names). */
export type ToxicStream = 'upstream' | 'downstream' | 'both';

/** Toxics. `stream` defaults to 'downstream', as in Toxiproxy. */
export type Toxic =
  /** Delay every chunk by ms ± jitterMs (order kept). */
  | {
      readonly type: 'latency';
      readonly ms: number;
      readonly jitterMs?: number;
      readonly stream?: ToxicStream;
    }
  /**
   * Send RST both ways once `afterBytes` (default 0) more bytes have passed in `stream` since the toxic was
   * set; each connection is hit with `probability` (default 1), drawn once per connection.
   */
  | {
      readonly type: 'reset_peer';
      readonly afterBytes?: number;
      readonly probability?: number;
      readonly stream?: ToxicStream;
    }
  /**
   * Lose a reply: once client → server data containing `match` was delivered, the server's next reply on that
   * connection is dropped and the connection reset (the server did the work; the client never hears of it).
   * Hits `count` (default 1) times in all, then does nothing.
   */
  | { readonly type: 'lose_reply'; readonly match: Buffer; readonly count?: number }
  /** Blackhole: drop all data in `stream`; close the connection after ms (0 = hold forever). */
  | { readonly type: 'timeout'; readonly ms: number; readonly stream?: ToxicStream }
  /** Close the connection once `bytes` more bytes have passed in `stream` (the bytes up to it are delivered). */
  | { readonly type: 'limit_data'; readonly bytes: number; readonly stream?: ToxicStream }
  /** New connections are reset at once (the proxy is "down"); open ones are left alone. */
  | { readonly type: 'down' }
  /** Cut data into writes of avgSize ± variation bytes, each its own write, delayMs (default 0) apart. */
  | {
      readonly type: 'slicer';
      readonly avgSize: number;
      readonly variation?: number;
      readonly delayMs?: number;
      readonly stream?: ToxicStream;
    };

export interface FaultProxyStats {
  /** Connections accepted since start (including those reset by 'down'). */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Bytes forwarded client → server. */
  readonly bytesUp: number;
  /** Bytes forwarded server → client. */
  readonly bytesDown: number;
  /** Connections reset (RST) by reset_peer, down or resetAll. */
  readonly resets: number;
  /** stallAll() calls. */
  readonly stalls: number;
}

export interface FaultProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Replace the active toxics (null or [] = none). Applies to open and new connections. */
  setToxic(toxic: Toxic | readonly Toxic[] | null): void;
  /** RST every open connection now (both sides, via socket.resetAndDestroy()); returns how many. */
  resetAll(): number;
  /**
   * Stop forwarding both ways on every connection (new ones included) for ms — data waits in the kernel
   * buffers, nothing is lost — then resume, or with `after: 'close'` close the connections instead.
   * Resolves when the stall is over.
   */
  stallAll(ms: number, opts?: { readonly after?: 'resume' | 'close' }): Promise<void>;
  stats(): FaultProxyStats;
  /** Stop listening and destroy every connection. */
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Must be loopback: an IPv4 address in 127.0.0.0/8, '::1' or 'localhost' (→ 127.0.0.1). */
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  /** PRNG seed; default 1. */
  readonly seed?: number;
  /** Listen port; default 0 (any free port). */
  readonly port?: number;
}

function loopbackHost(host: string): string {
  if (host === 'localhost') return '127.0.0.1';
  if (host === '::1' || host === '[::1]') return '::1';
  if (net.isIPv4(host) && host.startsWith('127.')) return host;
  throw new Error(`fault proxy: upstream ${JSON.stringify(host)} is not a loopback address`);
}

type Dir = 'upstream' | 'downstream';

/** Pause between the last byte a reset_peer lets through and the RST. */
const RESET_GRACE_MS = 20;

const applies = (t: { readonly stream?: ToxicStream }, dir: Dir): boolean =>
  (t.stream ?? 'downstream') === 'both' || (t.stream ?? 'downstream') === dir;

interface QueueItem {
  readonly buf: Buffer;
  readonly at: number;
  /** Give the event loop a turn after writing this, so the next item becomes its own TCP write. */
  readonly gap: number | null;
}

interface Pipe {
  readonly dir: Dir;
  readonly src: net.Socket;
  readonly dst: net.Socket;
  queue: QueueItem[];
  lastAt: number;
  /** Cancels the pending flush (a latency timer or a slicer gap), if any. */
  timer: (() => void) | null;
  flushing: boolean;
  waitingDrain: boolean;
  srcEnded: boolean;
  /** Bytes seen per toxic since it was set (for reset_peer / limit_data). */
  counted: Map<Toxic, number>;
  /** A reset_peer / limit_data cut is pending: deliver the queue, then do it. */
  cut: 'reset' | 'close' | null;
  cutStarted: boolean;
}

interface Conn {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  readonly up: Pipe;
  readonly down: Pipe;
  /** reset_peer probability draw per toxic. */
  readonly hit: Map<Toxic, boolean>;
  /** A lose_reply toxic matched this connection's request: drop the next reply and reset. */
  loseReply: boolean;
  /** timeout toxics' close timers. */
  readonly timeouts: Map<Toxic, NodeJS.Timeout>;
  stalled: boolean;
  backpressure: Set<Dir>;
  done: boolean;
}

/** Start a fault proxy in front of a loopback server. */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstreamHost = loopbackHost(opts.upstreamHost);
  if (!Number.isInteger(opts.upstreamPort) || opts.upstreamPort <= 0 || opts.upstreamPort > 65535) {
    throw new Error(`fault proxy: bad upstream port ${opts.upstreamPort}`);
  }
  const random = prng(opts.seed ?? 1);
  let toxics: readonly Toxic[] = [];
  const loseReplyHits = new Map<Toxic, number>();
  const conns = new Set<Conn>();
  let stalledUntil = 0;
  /** Unstall c once stalledUntil has passed; timers may fire early, so check the deadline and re-arm. */
  const releaseWhenDue = (c: Conn): void => {
    setTimeout(
      () => {
        if (c.done) return;
        if (now() < stalledUntil - 0.5) releaseWhenDue(c);
        else {
          c.stalled = false;
          updatePause(c);
        }
      },
      Math.max(1, stalledUntil - now()),
    );
  };
  const stats = { connections: 0, bytesUp: 0, bytesDown: 0, resets: 0, stalls: 0 };

  const now = (): number => performance.now();

  function finish(c: Conn, how: 'reset' | 'close'): void {
    if (c.done) return;
    c.done = true;
    for (const t of c.timeouts.values()) clearTimeout(t);
    for (const p of [c.up, c.down]) p.timer?.();
    if (how === 'reset') {
      stats.resets++;
      for (const s of [c.client, c.upstream]) if (!s.destroyed) s.resetAndDestroy();
    } else {
      for (const s of [c.client, c.upstream]) s.destroy();
    }
    conns.delete(c);
  }

  function updatePause(c: Conn): void {
    // Reading from a side pauses for a stall (both sides), or when the pipe it feeds is backed up.
    const stall = c.stalled;
    const upPaused = stall || c.backpressure.has('upstream') || c.up.cut !== null;
    const downPaused = stall || c.backpressure.has('downstream') || c.down.cut !== null;
    if (upPaused) c.client.pause();
    else c.client.resume();
    if (downPaused) c.upstream.pause();
    else c.upstream.resume();
  }

  /** Flush p again after ms (0 = next event-loop turn, so the next write is a separate TCP write). */
  function schedule(c: Conn, p: Pipe, ms: number): void {
    const run = (): void => {
      p.timer = null;
      flush(c, p);
    };
    if (ms > 0) {
      const t = setTimeout(run, ms);
      p.timer = () => clearTimeout(t);
    } else {
      const t = setImmediate(run);
      p.timer = () => clearImmediate(t);
    }
  }

  function flush(c: Conn, p: Pipe): void {
    if (c.done || p.flushing) return;
    p.flushing = true;
    try {
      while (p.queue.length > 0 && !p.waitingDrain) {
        const item = p.queue[0]!;
        const wait = item.at - now();
        if (wait > 0.5) {
          if (!p.timer) schedule(c, p, wait);
          return;
        }
        p.queue.shift();
        if (p.dir === 'upstream') stats.bytesUp += item.buf.length;
        else stats.bytesDown += item.buf.length;
        if (!p.dst.write(item.buf)) {
          p.waitingDrain = true;
          c.backpressure.add(p.dir);
          updatePause(c);
          p.dst.once('drain', () => {
            p.waitingDrain = false;
            c.backpressure.delete(p.dir);
            updatePause(c);
            flush(c, p);
          });
        }
        if (item.gap !== null && p.queue.length > 0) {
          schedule(c, p, item.gap);
          return;
        }
      }
      if (p.queue.length === 0 && !p.waitingDrain) {
        if (p.cut !== null) doCut(c, p);
        else if (p.srcEnded) p.dst.end();
      }
    } finally {
      p.flushing = false;
    }
  }

  /** Apply the toxics to one chunk read from p.src, then queue what survives. */
  function onData(c: Conn, p: Pipe, chunk: Buffer): void {
    if (c.done || p.cut !== null) return;
    if (p.dir === 'downstream' && c.loseReply) {
      finish(c, 'reset');
      return;
    }
    for (const t of toxics) {
      if (t.type !== 'lose_reply' || p.dir !== 'upstream' || !chunk.includes(t.match)) continue;
      const used = loseReplyHits.get(t) ?? 0;
      if (used >= (t.count ?? 1)) continue;
      loseReplyHits.set(t, used + 1);
      c.loseReply = true;
    }
    let buf = chunk;
    let cut: 'reset' | 'close' | null = null;
    for (const t of toxics) {
      if (t.type === 'down' || t.type === 'lose_reply' || !applies(t, p.dir)) continue;
      if (t.type === 'timeout') return; // blackhole: dropped
      if (t.type !== 'reset_peer' && t.type !== 'limit_data') continue;
      if (t.type === 'reset_peer') {
        let hit = c.hit.get(t);
        if (hit === undefined) {
          hit = random() < (t.probability ?? 1);
          c.hit.set(t, hit);
        }
        if (!hit) continue;
      }
      const limit = t.type === 'reset_peer' ? (t.afterBytes ?? 0) : t.bytes;
      const seen = p.counted.get(t) ?? 0;
      const room = Math.max(0, limit - seen);
      if (buf.length >= room) {
        buf = buf.subarray(0, room);
        if (cut !== 'reset') cut = t.type === 'reset_peer' ? 'reset' : 'close';
      }
      p.counted.set(t, seen + buf.length);
    }
    let delay = 0;
    let slicer: Extract<Toxic, { type: 'slicer' }> | undefined;
    for (const t of toxics) {
      if (t.type === 'latency' && applies(t, p.dir)) {
        const j = t.jitterMs ?? 0;
        delay += Math.max(0, t.ms + (j === 0 ? 0 : (random() * 2 - 1) * j));
      } else if (t.type === 'slicer' && applies(t, p.dir)) slicer = t;
    }
    const at = Math.max(p.lastAt, now() + delay);
    p.lastAt = at;
    if (buf.length > 0) {
      if (slicer === undefined) p.queue.push({ buf, at, gap: null });
      else {
        const avg = Math.max(1, Math.floor(slicer.avgSize));
        const v = Math.max(0, Math.floor(slicer.variation ?? 0));
        for (let off = 0; off < buf.length; ) {
          const size = Math.max(1, avg + Math.round((random() * 2 - 1) * v));
          p.queue.push({ buf: buf.subarray(off, off + size), at, gap: slicer.delayMs ?? 0 });
          off += size;
        }
      }
    }
    if (cut !== null) {
      // Nothing past the cut may pass: stop reading this side; flush() cuts once the queue is delivered.
      p.cut = cut;
      updatePause(c);
    }
    flush(c, p);
  }

  /** The queue before a reset_peer / limit_data cut is delivered: now reset or close the connection. */
  function doCut(c: Conn, p: Pipe): void {
    if (c.done || p.cutStarted) return;
    p.cutStarted = true;
    if (p.cut === 'reset') {
      // The write callback runs once everything before it was handed to the kernel. Linux reports EOF, not
      // ECONNRESET, to a reader whose receive queue still held data when the RST came: give the peer a moment
      // to read what was delivered, so it sees the bytes and then the reset.
      p.dst.write(Buffer.alloc(0), () => setTimeout(() => finish(c, 'reset'), RESET_GRACE_MS));
      return;
    }
    // limit_data: FIN after the delivered bytes; the other side is dropped.
    c.done = true;
    conns.delete(c);
    for (const t of c.timeouts.values()) clearTimeout(t);
    p.dst.end();
    p.src.destroy();
  }

  function armTimeouts(c: Conn): void {
    for (const [t, timer] of c.timeouts) {
      if (!toxics.includes(t)) {
        clearTimeout(timer);
        c.timeouts.delete(t);
      }
    }
    for (const t of toxics) {
      if (t.type === 'timeout' && t.ms > 0 && !c.timeouts.has(t)) {
        c.timeouts.set(
          t,
          setTimeout(() => finish(c, 'close'), t.ms),
        );
      }
    }
  }

  function makePipe(dir: Dir, src: net.Socket, dst: net.Socket): Pipe {
    return {
      dir,
      src,
      dst,
      queue: [],
      lastAt: 0,
      timer: null,
      flushing: false,
      waitingDrain: false,
      srcEnded: false,
      counted: new Map(),
      cut: null,
      cutStarted: false,
    };
  }

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    stats.connections++;
    if (toxics.some((t) => t.type === 'down')) {
      stats.resets++;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: upstreamHost, port: opts.upstreamPort, allowHalfOpen: true });
    upstream.pause();
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const c: Conn = {
      client,
      upstream,
      up: makePipe('upstream', client, upstream),
      down: makePipe('downstream', upstream, client),
      hit: new Map(),
      loseReply: false,
      timeouts: new Map(),
      stalled: now() < stalledUntil,
      backpressure: new Set(),
      done: false,
    };
    conns.add(c);
    armTimeouts(c);
    if (c.stalled) releaseWhenDue(c);
    for (const p of [c.up, c.down]) {
      p.src.on('data', (chunk: Buffer) => onData(c, p, chunk));
      p.src.on('end', () => {
        p.srcEnded = true;
        flush(c, p);
      });
    }
    // An error (RST, refused upstream) on either side resets the other. FINs are forwarded by the pipes;
    // with allowHalfOpen each socket closes itself once both of its directions are done.
    for (const [s, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      s.on('error', () => {
        if (c.done) return;
        c.done = true;
        conns.delete(c);
        for (const t of c.timeouts.values()) clearTimeout(t);
        if (!other.destroyed) other.resetAndDestroy();
      });
      s.on('close', () => {
        if (client.destroyed && upstream.destroyed) {
          c.done = true;
          conns.delete(c);
          for (const t of c.timeouts.values()) clearTimeout(t);
        }
      });
    }
    upstream.once('connect', () => updatePause(c));
  });
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    setToxic(toxic) {
      toxics = toxic === null ? [] : Array.isArray(toxic) ? [...toxic] : [toxic as Toxic];
      for (const c of conns) {
        c.up.counted.clear();
        c.down.counted.clear();
        c.hit.clear();
        armTimeouts(c);
      }
    },
    resetAll() {
      const all = [...conns];
      for (const c of all) finish(c, 'reset');
      return all.length;
    },
    stallAll(ms, o = {}) {
      stats.stalls++;
      stalledUntil = Math.max(stalledUntil, now() + ms);
      const affected = [...conns];
      for (const c of affected) {
        c.stalled = true;
        updatePause(c);
      }
      return new Promise<void>((resolve) => {
        setTimeout(() => {
          for (const c of conns) {
            if (c.done) continue;
            // A later, longer stall is still on (or this timer fired a little early): release at its end.
            if (now() < stalledUntil - 0.5) {
              releaseWhenDue(c);
              continue;
            }
            if (o.after === 'close') finish(c, 'close');
            else {
              c.stalled = false;
              updatePause(c);
            }
          }
          resolve();
        }, ms);
      });
    },
    stats: () => ({ ...stats, open: conns.size }),
    close() {
      for (const c of [...conns]) finish(c, 'close');
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
