import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../src-main/host/web-security.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { startTestBackend, type TestBackend } from '../helpers/engine-host.js';
import { media, tempDir } from '../helpers/paths.js';

describe('browser mode server', () => {
  const temp = tempDir('dvp-serve-');
  const uiDir = path.join(temp.dir, 'ui');
  let backend: TestBackend;
  let server: RunningServer;
  let base: string;
  let cookie: string;

  before(async () => {
    mkdirSync(path.join(uiDir, 'assets'), { recursive: true });
    writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>DVP Studio</title>');
    writeFileSync(path.join(uiDir, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(path.join(temp.dir, 'secret.txt'), 'not for the web');
    backend = await startTestBackend(path.join(temp.dir, 'config'));
    await backend.api.call('project.new', { file: path.join(temp.dir, 'serve.dvp') });
    await backend.api.call('clip.import', { file: media('target-obama-weekly-address-450.mp4'), role: 'target' });
    server = await startServer({ host: backend.host, uiDir, configDir: path.join(temp.dir, 'config'), version: 'test' });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.close();
    await backend.stop();
    temp.cleanup();
  });

  it('prints a loopback URL with a random token', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses everything without the token', async () => {
    for (const route of ['/', '/index.html', '/assets/app-1234.js', '/media/frame/1/0.rgb']) {
      assert.equal((await fetch(`${base}${route}`)).status, 401, route);
    }
    assert.equal((await fetch(`${base}/?token=wrong`, { redirect: 'manual' })).status, 401);
  });

  it('trades the token for an HttpOnly SameSite cookie and a clean URL', async () => {
    const response = await fetch(server.url, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/');
    const setCookie = response.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    cookie = setCookie.split(';')[0] as string;
    const page = await fetch(`${base}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(await page.text(), /DVP Studio/);
  });

  it('never serves files outside the UI folder', async () => {
    for (const route of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      const response = await fetch(`${base}${route}`, { headers: { cookie } });
      assert.notEqual(response.status, 200, route);
      assert.doesNotMatch(await response.text(), /not for the web/, route);
    }
  });

  it('answers only on its loopback name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `evil.example:${server.port}`, cookie } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 421);
  });

  it('serves raw frames and PNGs through the media route', async () => {
    const raw = await fetch(`${base}/media/frame/1/10.rgb`, { headers: { cookie } });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('x-frame-width'), '450');
    assert.equal((await raw.arrayBuffer()).byteLength, 450 * 450 * 3);
    const png = await fetch(`${base}/media/frame/1/10.png`, { headers: { cookie } });
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const missing = await fetch(`${base}/media/frame/99/0.rgb`, { headers: { cookie } });
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { message: string }).message, /no clip 99/);
  });

  it('speaks the API over a WebSocket from its own origin only', async () => {
    const url = `ws://127.0.0.1:${server.port}/api`;
    const refused = (headers: Record<string, string>): Promise<boolean> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('open', () => {
          ws.close();
          resolve(false);
        });
        ws.on('error', () => resolve(true));
      });
    assert.equal(await refused({ origin: `http://127.0.0.1:${server.port}` }), true, 'no cookie');
    assert.equal(await refused({ origin: 'http://evil.example', cookie }), true, 'foreign origin');

    const ws = new WebSocket(url, { headers: { origin: `http://127.0.0.1:${server.port}`, cookie } });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const ask = (message: unknown): Promise<{ id: number; result: { ok: boolean; value?: unknown; error?: { code: string } } }> =>
      new Promise((resolve) => {
        const onMessage = (data: WebSocket.RawData): void => {
          const parsed = JSON.parse(data.toString()) as { type: string; id: number; result: { ok: boolean } };
          if (parsed.type !== 'response') return;
          ws.off('message', onMessage);
          resolve(parsed as never);
        };
        ws.on('message', onMessage);
        ws.send(typeof message === 'string' ? message : JSON.stringify(message));
      });
    const clips = await ask({ type: 'request', id: 7, method: 'clip.list', params: {} });
    assert.equal(clips.id, 7);
    assert.equal(clips.result.ok, true);
    assert.equal((clips.result.value as unknown[]).length, 1);
    const garbage = await ask('{not json');
    assert.equal(garbage.result.error?.code, 'BAD_REQUEST');
    ws.close();
  });

  it('takes the URL token once: the cookie holds a session secret, a second visit is refused', async () => {
    assert.ok(!cookie.includes(server.token), 'the cookie is not the token');
    const again = await fetch(server.url, { redirect: 'manual' });
    assert.equal(again.status, 401);
    assert.match(await again.text(), /already used: it works once\. Use the tab that opened it, or stop `dvp serve` and start it again/);
    // The browser that holds the session (a reload of the first URL) just gets the clean URL.
    const same = await fetch(server.url, { redirect: 'manual', headers: { cookie } });
    assert.equal(same.status, 303);
    assert.equal(same.headers.get('set-cookie'), null);
    assert.equal((await fetch(`${base}/`, { headers: { cookie: `${cookie.split('=')[0] as string}=${server.token}` } })).status, 401, 'the token is no cookie');
  });

  it('ends a session after the idle limit (injected clock), on HTTP and on an open WebSocket', async () => {
    let now = 1_000_000;
    const idle = await startServer({ host: backend.host, uiDir, configDir: path.join(temp.dir, 'config'), version: 'test', sessionIdleMs: 60_000, now: () => now });
    try {
      const origin = `http://127.0.0.1:${idle.port}`;
      const session = ((await fetch(idle.url, { redirect: 'manual' })).headers.get('set-cookie') ?? '').split(';')[0] as string;
      const ws = new WebSocket(`ws://127.0.0.1:${idle.port}/api`, { headers: { origin, cookie: session } });
      await new Promise((resolve, reject) => {
        ws.on('open', resolve);
        ws.on('error', reject);
      });
      for (let step = 0; step < 3; step++) {
        now += 59_000; // each use keeps it alive
        assert.equal((await fetch(`${origin}/`, { headers: { cookie: session } })).status, 200);
      }
      now += 60_001;
      const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      ws.send(JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: {} }));
      const close = await closed;
      assert.equal(close.code, 1008);
      assert.match(close.reason, /session has ended/);
      const expired = await fetch(`${origin}/`, { headers: { cookie: session } });
      assert.equal(expired.status, 401);
      assert.match(await expired.text(), /session has ended/);
    } finally {
      await idle.close();
    }
  });

  it('refuses to listen beyond loopback without TLS', async () => {
    await assert.rejects(
      startServer({ host: backend.host, uiDir, configDir: path.join(temp.dir, 'config'), version: 'test', bindAddress: '0.0.0.0' }),
      /--host 0\.0\.0\.0: serving beyond this machine needs HTTPS; pass --tls-cert FILE and --tls-key FILE/,
    );
  });

  it('serves HTTPS beyond loopback with a Host allow-list', { skip: !hasOpenssl() && 'no openssl here' }, async () => {
    const certFile = path.join(temp.dir, 'cert.pem');
    const keyFile = path.join(temp.dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=studio.example'], { stdio: 'ignore' });
    const remote = await startServer({
      host: backend.host,
      uiDir,
      configDir: path.join(temp.dir, 'config'),
      version: 'test',
      bindAddress: '0.0.0.0',
      tls: { certFile, keyFile },
      allowHosts: ['studio.example'],
    });
    const get = (route: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: remote.port, path: route, headers, ca: readFileSync(certFile), servername: 'studio.example' }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on('error', reject);
        req.end();
      });
    try {
      assert.match(remote.url, new RegExp(`^https://studio\\.example:${remote.port}/\\?token=`));
      const host = `studio.example:${remote.port}`;
      const traded = await get(`/?token=${remote.token}`, { host });
      assert.equal(traded.status, 303);
      const setCookie = String(traded.headers['set-cookie'] ?? '');
      assert.match(setCookie, /; Secure/);
      const session = setCookie.split(';')[0] as string;
      assert.equal((await get('/', { host, cookie: session })).status, 200);
      assert.equal((await get('/', { host: `evil.example:${remote.port}`, cookie: session })).status, 421, 'a name not on the list');
      const ws = new WebSocket(`wss://127.0.0.1:${remote.port}/api`, { headers: { host, origin: `https://${host}`, cookie: session }, rejectUnauthorized: false });
      const reply = await new Promise<{ id: number; result: { ok: boolean } }>((resolve, reject) => {
        ws.on('open', () => ws.send(JSON.stringify({ type: 'request', id: 3, method: 'app.info', params: {} })));
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString()) as { type: string; id: number; result: { ok: boolean } };
          if (message.type === 'response') resolve(message);
        });
        ws.on('error', reject);
      });
      assert.equal(reply.id, 3);
      assert.equal(reply.result.ok, true);
      ws.close();
    } finally {
      await remote.close();
    }
  });

  it('does not follow a symlink out of the UI folder', async () => {
    writeFileSync(path.join(temp.dir, 'outside.js'), 'not for the web');
    symlinkSync(path.join(temp.dir, 'outside.js'), path.join(uiDir, 'assets', 'link-1234.js'));
    symlinkSync(temp.dir, path.join(uiDir, 'parent'));
    for (const route of ['/assets/link-1234.js', '/parent/outside.js', '/parent/secret.txt']) {
      const response = await fetch(`${base}${route}`, { headers: { cookie } });
      assert.equal(response.status, 404, route);
      assert.doesNotMatch(await response.text(), /not for the web/, route);
    }
    assert.equal((await fetch(`${base}/assets/app-1234.js`, { headers: { cookie } })).status, 200, 'real files still served');
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
