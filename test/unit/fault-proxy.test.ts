// Self-test of test/helpers/fault-proxy.ts against a tiny loopback echo server (no database needed).
// Waits are bounded event waits; nothing asserts on how long anything took.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { after, before, test } from 'node:test';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';

const GREETING = Buffer.from('HELLO-FROM-SERVER\n');
let echo: net.Server;
let echoPort = 0;
const serverSockets = new Set<net.Socket>();

before(async () => {
  // Speaks first (like MySQL), then echoes everything back.
  echo = net.createServer((s) => {
    serverSockets.add(s);
    s.on('close', () => serverSockets.delete(s));
    s.on('error', () => {});
    s.write(GREETING);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as net.AddressInfo).port;
});

after(async () => {
  for (const s of serverSockets) s.destroy();
  await new Promise<void>((r) => echo.close(() => r()));
});

interface Client {
  readonly socket: net.Socket;
  received(): Buffer;
  chunks(): number;
  /** Resolves when the socket closes: the error code (if any) and everything received. */
  readonly closed: Promise<{ code: string | undefined; data: Buffer }>;
  /** Resolves once at least n bytes have arrived. */
  waitFor(n: number): Promise<Buffer>;
}

async function connect(p: FaultProxy): Promise<Client> {
  const socket = net.connect({ host: p.host, port: p.port });
  const parts: Buffer[] = [];
  let total = 0;
  let count = 0;
  let waiters: { n: number; resolve: (b: Buffer) => void }[] = [];
  let code: string | undefined;
  socket.on('data', (d: Buffer) => {
    parts.push(d);
    total += d.length;
    count++;
    const ready = waiters.filter((w) => total >= w.n);
    waiters = waiters.filter((w) => total < w.n);
    for (const w of ready) w.resolve(Buffer.concat(parts));
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    code = e.code;
  });
  const closed = new Promise<{ code: string | undefined; data: Buffer }>((resolve) =>
    socket.on('close', () => resolve({ code, data: Buffer.concat(parts) })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    received: () => Buffer.concat(parts),
    chunks: () => count,
    closed,
    waitFor: (n) =>
      total >= n
        ? Promise.resolve(Buffer.concat(parts))
        : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function withProxy(fn: (p: FaultProxy) => Promise<void>, seed = 7): Promise<void> {
  const p = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: echoPort, seed });
  try {
    await fn(p);
  } finally {
    await p.close();
  }
}

test('bytes pass through unchanged in both directions', async () => {
  await withProxy(async (p) => {
    const c = await connect(p);
    const payload = randomBytes(2 * 1024 * 1024);
    c.socket.write(payload);
    const got = await c.waitFor(GREETING.length + payload.length);
    assert.ok(got.subarray(0, GREETING.length).equals(GREETING));
    assert.ok(got.subarray(GREETING.length).equals(payload));
    c.socket.end();
    const { code } = await c.closed;
    assert.equal(code, undefined);
    const st = p.stats();
    assert.equal(st.connections, 1);
    assert.equal(st.bytesUp, payload.length);
    assert.equal(st.bytesDown, GREETING.length + payload.length);
  });
});

test('resetAll: the client gets ECONNRESET', async () => {
  await withProxy(async (p) => {
    const c = await connect(p);
    await c.waitFor(GREETING.length);
    assert.equal(p.resetAll(), 1);
    const { code } = await c.closed;
    assert.equal(code, 'ECONNRESET');
    assert.equal(p.stats().resets, 1);
    assert.equal(p.stats().open, 0);
  });
});

test('reset_peer upstream: the first client write is answered with RST', async () => {
  await withProxy(async (p) => {
    const c = await connect(p);
    await c.waitFor(GREETING.length);
    p.setToxic({ type: 'reset_peer', stream: 'upstream' });
    c.socket.write('boom');
    const { code } = await c.closed;
    assert.equal(code, 'ECONNRESET');
  });
});

test('reset_peer downstream afterBytes: exactly that many bytes arrive, then RST', async () => {
  await withProxy(async (p) => {
    p.setToxic({ type: 'reset_peer', afterBytes: GREETING.length + 10 });
    const c = await connect(p);
    c.socket.write(Buffer.alloc(1000, 0x61));
    const { code, data } = await c.closed;
    assert.equal(code, 'ECONNRESET');
    assert.equal(data.length, GREETING.length + 10);
  });
});

test('reset_peer probability is drawn per connection from the seed', async () => {
  const outcomes = async (): Promise<boolean[]> => {
    const out: boolean[] = [];
    await withProxy(async (p) => {
      p.setToxic({ type: 'reset_peer', probability: 0.5 });
      for (let i = 0; i < 8; i++) {
        const c = await connect(p);
        c.socket.write('x');
        const first = await Promise.race([
          c.waitFor(GREETING.length + 1).then(() => 'ok'),
          c.closed.then(() => 'reset'),
        ]);
        out.push(first === 'reset');
        c.socket.destroy();
      }
    }, 1234);
    return out;
  };
  const a = await outcomes();
  const b = await outcomes();
  assert.deepEqual(a, b, 'same seed, same connections hit');
  assert.ok(a.includes(true) && a.includes(false), JSON.stringify(a));
});

test('limit_data: the connection closes after exactly N downstream bytes', async () => {
  await withProxy(async (p) => {
    p.setToxic({ type: 'limit_data', bytes: 100 });
    const c = await connect(p);
    c.socket.write(Buffer.alloc(5000, 0x62));
    const { code, data } = await c.closed;
    assert.equal(code, undefined, 'a close, not a reset');
    assert.equal(data.length, 100);
    assert.ok(data.subarray(0, GREETING.length).equals(GREETING));
  });
});

test('timeout 0 holds the connection (data dropped) until the toxic is removed', async () => {
  await withProxy(async (p) => {
    const c = await connect(p);
    await c.waitFor(GREETING.length);
    p.setToxic({ type: 'timeout', ms: 0, stream: 'both' });
    c.socket.write('lost');
    await tick(150);
    assert.equal(c.received().length, GREETING.length, 'nothing came back');
    assert.equal(c.socket.destroyed, false, 'still open');
    p.setToxic(null);
    c.socket.write('after');
    const got = await c.waitFor(GREETING.length + 5);
    assert.equal(got.subarray(GREETING.length).toString(), 'after');
    c.socket.destroy();
  });
});

test('timeout ms closes the connection after holding it', async () => {
  await withProxy(async (p) => {
    const c = await connect(p);
    await c.waitFor(GREETING.length);
    p.setToxic({ type: 'timeout', ms: 50 });
    c.socket.write('never echoed');
    const { data } = await c.closed;
    assert.equal(data.length, GREETING.length);
  });
});

test('stallAll pauses both ways, then resumes with nothing lost', async () => {
  await withProxy(async (p) => {
    const c = await connect(p);
    await c.waitFor(GREETING.length);
    const stall = p.stallAll(200);
    c.socket.write('during-stall');
    await tick(100);
    assert.equal(c.received().length, GREETING.length, 'nothing forwarded during the stall');
    await stall;
    const got = await c.waitFor(GREETING.length + 12);
    assert.equal(got.subarray(GREETING.length).toString(), 'during-stall');
    assert.equal(p.stats().stalls, 1);
    c.socket.destroy();
  });
});

test('stallAll with after=close closes the connections', async () => {
  await withProxy(async (p) => {
    const c = await connect(p);
    await c.waitFor(GREETING.length);
    await p.stallAll(30, { after: 'close' });
    await c.closed;
    assert.equal(p.stats().open, 0);
  });
});

test('down: new connections are reset, open ones are left alone', async () => {
  await withProxy(async (p) => {
    const open = await connect(p);
    await open.waitFor(GREETING.length);
    p.setToxic({ type: 'down' });
    const refused = await new Promise<string | undefined>((resolve) => {
      const s = net.connect({ host: p.host, port: p.port });
      let code: string | undefined;
      s.on('error', (e: NodeJS.ErrnoException) => {
        code = e.code;
      });
      s.on('data', () => resolve('DATA'));
      s.on('close', () => resolve(code));
    });
    assert.equal(refused, 'ECONNRESET');
    open.socket.write('still');
    const got = await open.waitFor(GREETING.length + 5);
    assert.equal(got.subarray(GREETING.length).toString(), 'still');
    p.setToxic(null);
    const again = await connect(p);
    await again.waitFor(GREETING.length);
    open.socket.destroy();
    again.socket.destroy();
  });
});

test('latency with jitter keeps every byte in order', async () => {
  await withProxy(async (p) => {
    p.setToxic({ type: 'latency', ms: 5, jitterMs: 5, stream: 'both' });
    const c = await connect(p);
    const sent: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const b = randomBytes(1000 + i);
      sent.push(b);
      c.socket.write(b);
      if (i % 10 === 0) await tick(1);
    }
    const all = Buffer.concat(sent);
    const got = await c.waitFor(GREETING.length + all.length);
    assert.ok(got.subarray(GREETING.length).equals(all));
    c.socket.destroy();
  });
});

test('slicer delivers the same bytes in many small writes', async () => {
  await withProxy(async (p) => {
    p.setToxic({ type: 'slicer', avgSize: 50, variation: 20 });
    const c = await connect(p);
    const payload = randomBytes(20_000);
    c.socket.write(payload);
    const got = await c.waitFor(GREETING.length + payload.length);
    assert.ok(got.subarray(GREETING.length).equals(payload));
    assert.ok(c.chunks() > 10, `${c.chunks()} chunks`);
    c.socket.destroy();
  });
});

test('a closed upstream port resets the client connection', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const p = await startFaultProxy({ upstreamHost: 'localhost', upstreamPort: port });
  try {
    const c = await connect(p);
    const { code } = await c.closed;
    assert.equal(code, 'ECONNRESET');
  } finally {
    await p.close();
  }
});

test('only loopback upstreams are accepted', async () => {
  for (const host of ['10.0.0.1', 'example.com', '0.0.0.0', '::', '192.168.1.1']) {
    await assert.rejects(
      startFaultProxy({ upstreamHost: host, upstreamPort: 3306 }),
      /not a loopback address/,
    );
  }
  await assert.rejects(startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: 0 }), /bad upstream port/);
});
