import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { MAX_EDIT_CHANGES, MAX_PROPOSED_KEYS } from '../../src-main/api/edit-schemas.js';
import { methods } from '../../src-main/api/methods.js';
import { MAX_MESSAGE_BYTES, startServer, type RunningServer } from '../../src-main/server/server.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { tempDir } from '../helpers/paths.js';

/**
 * Fuzzes the real `dvp serve` server (a real engine behind it) from outside: random bytes,
 * broken WebSocket frames, huge and deep messages, junk requests. Whatever a client does
 * costs at most its own connection; at the end the server still answers. DVP_FUZZ_SEED
 * replays a failing run.
 */
const SEED = Number(process.env.DVP_FUZZ_SEED ?? 0x5eed15);
const MIB = 1 << 20;

/** mulberry32: small, seeded, good enough to pick junk. */
function prng(seed: number): { next(): number; int(n: number): number; bytes(n: number): Buffer; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))),
    pick: (items) => items[int(items.length)] as never,
  };
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** A client frame: masked unless told otherwise; `claimedLength` lies about the payload's size. */
function frame(opcode: number, payload: Buffer | string, options: { fin?: boolean; rsv?: number; mask?: boolean; claimedLength?: bigint } = {}): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const masked = options.mask ?? true;
  const length = options.claimedLength ?? BigInt(body.length);
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (masked ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, body]);
  const key = randomBytes(4);
  const out = Buffer.from(body);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) ^ (key[i & 3] as number);
  return Buffer.concat([header, key, out]);
}

/** A WebSocket spoken by hand over TCP, to send what no well-behaved client library would. */
class RawWs {
  readonly frames: Frame[] = [];
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, cookie: string): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', reject);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', reject);
        const status = head.subarray(0, end).toString().split('\r\n')[0] ?? '';
        if (!status.includes(' 101 ')) return reject(new Error(`upgrade refused: ${status}`));
        const ws = new RawWs(socket);
        ws.buffer = head.subarray(end + 4);
        ws.parse();
        resolve(ws);
      };
      socket.on('data', onData);
      socket.write(
        [
          'GET /api HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          `Origin: http://127.0.0.1:${port}`,
          `Cookie: ${cookie}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
    });
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The server's close frame (code and reason), or null when it only dropped the connection. */
  async closeFrame(timeoutMs = 5000): Promise<{ code: number; reason: string } | null> {
    const close = await this.waitFor((f) => f.opcode === 0x8, timeoutMs);
    this.destroy();
    if (!close) return null;
    return { code: close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 1005, reason: close.payload.subarray(2).toString() };
  }

  /** The next text reply parsed as JSON. */
  async reply(timeoutMs = 10_000): Promise<{ type: string; id: number; result: { ok: boolean; error?: { code: string; message: string } } }> {
    const start = this.frames.length;
    const text = await this.waitFor((f, index) => index >= start && f.opcode === 0x1 && (JSON.parse(f.payload.toString()) as { type: string }).type === 'response', timeoutMs);
    assert.ok(text, 'the server answered');
    return JSON.parse(text.payload.toString()) as never;
  }

  async waitFor(predicate: (frame: Frame, index: number) => boolean, timeoutMs: number): Promise<Frame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (this.closed || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private parse(): void {
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) break;
      let length = (b[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) break;
      this.frames.push({ fin: ((b[0] as number) & 0x80) !== 0, opcode: (b[0] as number) & 0x0f, payload: b.subarray(offset, offset + length) });
      this.buffer = b.subarray(offset + length);
    }
    this.wake();
  }
}

/** Writes `bytes` on a fresh TCP connection and waits until the server hangs up or `timeoutMs`. */
function rawTcp(port: number, bytes: Buffer, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(bytes);
  });
}

/** The longest JSON an edit change can be: every string at its maximum of characters JSON escapes to 6 bytes, every number at its longest. */
const longest = '\u0001'.repeat(64);
const longInt = 9007199254740991;
const longFraction = -2.2250738585072014e-308;
const worstSetKey = {
  kind: 'setKey',
  param: longest,
  key: { id: longest, position: longInt, value: longFraction, type: 'bezier', handles: [longFraction, longFraction, longFraction, longFraction], connectedRight: false },
};
const worstKey = { id: longest, position: longInt, value: longFraction, type: 'bezier', handles: [longFraction, longFraction, longFraction, longFraction], connectedRight: false };

describe(`browser mode server under fuzzing (DVP_FUZZ_SEED=${SEED})`, () => {
  const temp = tempDir('dvp-fuzz-');
  const uiDir = path.join(temp.dir, 'ui');
  const serverLog: string[] = [];
  const random = prng(SEED);
  let backend: TestBackend;
  let server: RunningServer;
  let cookie: string;

  before(async () => {
    mkdirSync(uiDir, { recursive: true });
    writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>DVP Studio</title>');
    backend = await startTestBackend(path.join(temp.dir, 'config'));
    server = await startServer({ host: backend.host, uiDir, configDir: path.join(temp.dir, 'config'), version: 'fuzz', log: (line) => serverLog.push(line) });
    const response = await fetch(server.url, { redirect: 'manual' });
    cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
    assert.match(cookie, /^dvp_session_\d+=/);
  });
  after(async () => {
    await server.close();
    await backend.stop();
    temp.cleanup();
  });

  it('keeps serving after random bytes and malformed HTTP on raw TCP', async () => {
    const inputs: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const junk = random.bytes(1 + random.int(2048));
      inputs.push(i % 4 === 0 ? Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), junk]) : junk);
    }
    inputs.push(Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`));
    inputs.push(Buffer.from('GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
    const answers = await Promise.all(inputs.map((bytes) => rawTcp(server.port, bytes, 1500)));
    assert.ok(answers.some((answer) => answer.startsWith('HTTP/1.1 400')), 'junk is answered 400');
    assert.ok(answers.some((answer) => answer.startsWith('HTTP/1.1 431')), 'oversized headers are answered 431');
    assert.equal(answers.at(-1)?.startsWith('HTTP/1.1 403'), true, 'an upgrade without a session is refused');
  });

  it('closes a WebSocket that breaks the protocol with the matching code, and only that one', async () => {
    const cases: { name: string; bytes: Buffer; code: number }[] = [
      { name: 'invalid UTF-8 text', bytes: frame(0x1, Buffer.from([0xed, 0xa0, 0x80])), code: 1007 },
      { name: 'invalid UTF-8 in a close reason', bytes: frame(0x8, Buffer.from([0x03, 0xe8, 0xff])), code: 1007 },
      { name: 'reserved opcode 0x3', bytes: frame(0x3, 'x'), code: 1002 },
      { name: 'reserved control opcode 0xB', bytes: frame(0xb, 'x'), code: 1002 },
      { name: 'RSV1 without compression', bytes: frame(0x1, '{}', { rsv: 4 }), code: 1002 },
      { name: 'RSV2 and RSV3', bytes: frame(0x1, '{}', { rsv: 3 }), code: 1002 },
      { name: 'an unmasked client frame', bytes: frame(0x1, '{}', { mask: false }), code: 1002 },
      { name: 'a continuation with nothing to continue', bytes: frame(0x0, 'x'), code: 1002 },
      { name: 'a fragmented ping', bytes: frame(0x9, 'x', { fin: false }), code: 1002 },
      { name: 'a ping over 125 bytes', bytes: frame(0x9, Buffer.alloc(200)), code: 1002 },
      { name: 'a close code that may not be sent', bytes: frame(0x8, Buffer.from([0x03, 0xed])), code: 1002 },
      { name: 'a header claiming 2^62 bytes', bytes: frame(0x1, Buffer.alloc(0), { claimedLength: 1n << 62n }), code: 1009 },
      { name: 'a header claiming 1 TiB', bytes: frame(0x2, Buffer.alloc(0), { claimedLength: 1n << 40n }), code: 1009 },
    ];
    for (const { name, bytes, code } of cases) {
      const ws = await RawWs.open(server.port, cookie);
      ws.write(bytes);
      const close = await ws.closeFrame();
      assert.equal(close?.code, code, name);
    }
    // Nothing reached the router, and nothing died: each one is a logged line.
    assert.ok(serverLog.some((line) => /WebSocket: dropped a connection/.test(line)));
  });

  it('answers a message over the limit with close 1009 and the limit in MiB', async () => {
    const ws = await RawWs.open(server.port, cookie);
    const size = MAX_MESSAGE_BYTES + MIB;
    ws.write(frame(0x1, Buffer.alloc(size, 0x20)));
    const close = await ws.closeFrame(15_000);
    assert.equal(close?.code, 1009);
    assert.match(close?.reason ?? '', /at most 16 MiB; this one was 17\.0 MiB/);
  });

  it('answers a 2 MiB request, and fits the largest schema-valid edit.apply and edit.curves in one message', async () => {
    const ws = await RawWs.open(server.port, cookie);
    const padded = JSON.stringify({ type: 'request', id: 41, method: 'app.info', params: { pad: 'x'.repeat(2 * MIB) } });
    ws.write(frame(0x1, padded));
    const reply = await ws.reply();
    assert.equal(reply.id, 41);
    assert.equal(reply.result.error?.code, 'BAD_REQUEST');

    const edit = { targetClipId: longInt, label: '\u0001'.repeat(200), changes: Array.from({ length: MAX_EDIT_CHANGES }, () => worstSetKey) };
    assert.equal(methods['edit.apply'].params.safeParse({ edit }).success, true, 'the largest edit is schema-valid');
    const apply = JSON.stringify({ type: 'request', id: 42, method: 'edit.apply', params: { edit } });
    const lanes = Math.ceil(MAX_PROPOSED_KEYS / 10_000);
    const proposed = Array.from({ length: lanes }, () => ({ param: longest, mode: 'absolute', keys: Array.from({ length: MAX_PROPOSED_KEYS / lanes }, () => worstKey) }));
    const curvesParams = { clipId: longInt, params: Array.from({ length: 64 }, () => longest), proposed };
    assert.equal(methods['edit.curves'].params.safeParse(curvesParams).success, true, 'the largest curves request is schema-valid');
    const curves = JSON.stringify({ type: 'request', id: 43, method: 'edit.curves', params: curvesParams });
    for (const [name, text] of [['edit.apply', apply], ['edit.curves', curves]] as const) {
      assert.ok(Buffer.byteLength(text) <= MAX_MESSAGE_BYTES, `${name}: ${(Buffer.byteLength(text) / MIB).toFixed(2)} MiB fits in ${MAX_MESSAGE_BYTES / MIB} MiB`);
    }
    // Through the server to the engine, which answers (no project is open).
    ws.write(frame(0x1, apply));
    const applied = await ws.reply(30_000);
    assert.equal(applied.id, 42);
    assert.notEqual(applied.result.error?.code, 'BAD_REQUEST', applied.result.error?.message);
    ws.destroy();
  });

  it('answers deep JSON without a stack overflow', async () => {
    const ws = await RawWs.open(server.port, cookie);
    const depth = 100_000;
    const deepArray = '['.repeat(depth) + ']'.repeat(depth);
    const deepObject = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const messages = [
      deepArray,
      deepObject,
      `{"type":"request","id":51,"method":"app.info","params":${deepObject}}`,
      `{"type":"request","id":52,"method":"job.start","params":{"kind":"transcode","params":${deepArray}}}`,
      `{"type":"request","id":53,"method":"clip.list","params":${deepArray}}`,
      `{"type":"request","id":54,"method":"edit.curves","params":{"clipId":1,"proposed":${deepArray}}}`,
      `{"type":"request","id":55,"method":"job.start","params":{"kind":"train","params":{"clipId":${deepObject}}}}`,
    ];
    for (const message of messages) {
      ws.write(frame(0x1, message));
      const reply = await ws.reply();
      assert.equal(reply.result.ok, false);
      assert.match(reply.result.error?.code ?? '', /^(BAD_REQUEST|INVALID_ARGUMENT)$/, reply.result.error?.message);
    }
    ws.destroy();
  });

  it('answers every junk request once', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers: { origin: `http://127.0.0.1:${server.port}`, cookie } });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    let replies = 0;
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'response') replies++;
    });
    const junkValue = (depth: number): unknown => {
      switch (random.int(depth > 3 ? 6 : 8)) {
        case 0:
          return null;
        case 1:
          return random.next() < 0.5;
        case 2:
          return random.pick([0, -1, 1.5, 1e308, -0, 2 ** 53, Number.MAX_SAFE_INTEGER]);
        case 3:
          return random.bytes(random.int(40)).toString('latin1');
        case 4:
          return random.pick(['', '__proto__', 'constructor', '../../etc/passwd', '\u0000', 'é'.repeat(100)]);
        case 5:
          return random.int(1000);
        case 6:
          return Array.from({ length: random.int(5) }, () => junkValue(depth + 1));
        default:
          return Object.fromEntries(Array.from({ length: random.int(5) }, () => [random.pick(['kind', 'params', 'file', 'id', '__proto__', 'x']), junkValue(depth + 1)]));
      }
    };
    // Read-only methods and made-up names: junk must never create a file somewhere.
    const names = ['app.info', 'engine.status', 'clip.list', 'job.list', 'job.cancel', 'edit.curves', 'edit.apply', 'edit.undo', 'project.recent', 'no.such', '', 'x'.repeat(100)];
    const count = 400;
    for (let i = 0; i < count; i++) {
      let text: string;
      const shape = random.int(4);
      if (shape === 0) text = random.bytes(1 + random.int(64)).toString('utf8');
      else if (shape === 1) text = JSON.stringify(junkValue(0)) ?? 'null';
      else text = JSON.stringify({ type: random.next() < 0.9 ? 'request' : 'event', id: random.pick([i, -1, 1.5, 'x', null, i]), method: random.pick(names), params: junkValue(0) });
      ws.send(text);
    }
    const deadline = Date.now() + 15_000;
    while (replies < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(replies, count, 'one answer per message');
    ws.close();
  });

  it('keeps up after junk WebSocket bytes on many connections', async () => {
    const connections = await Promise.all(Array.from({ length: 20 }, () => RawWs.open(server.port, cookie)));
    for (const ws of connections) ws.write(random.bytes(1 + random.int(1024)));
    await Promise.all(connections.map((ws) => ws.closeFrame(1500)));
  });

  it('still answers app.info over a WebSocket and the UI over HTTP', async () => {
    const ws = await RawWs.open(server.port, cookie);
    ws.write(frame(0x1, JSON.stringify({ type: 'request', id: 99, method: 'app.info', params: {} })));
    const info = await ws.reply();
    assert.equal(info.id, 99);
    assert.equal(info.result.ok, true);
    ws.destroy();
    const page = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /DVP Studio/);
  });
});
