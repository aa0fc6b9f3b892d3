import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { WebContents, WebFrameMain } from 'electron';
import { isTrustedSender } from '../../src-main/app/sender-check.main.js';
import { APP_ORIGIN, APP_SCHEME_PRIVILEGES, mainWindowOptions } from '../../src-main/app/window-options.main.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../src-main/host/web-security.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The Electron binary cannot run on CI machines, so this reads the window options and the
// main-process source and fails when any security setting is missing or weakened.

const APP_DIR = path.join(REPO_ROOT, 'src-main', 'app');
const source = (file: string): string => readFileSync(path.join(APP_DIR, file), 'utf8');
const allAppSource = readdirSync(APP_DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => source(f))
  .join('\n');

describe('Electron security settings', () => {
  it('creates the window with isolation, sandbox and no Node', () => {
    const prefs = mainWindowOptions('/x/preload.cjs').webPreferences;
    assert.ok(prefs);
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.enableBlinkFeatures, '');
    assert.equal(prefs.preload, '/x/preload.cjs');
  });

  it('never weakens a setting anywhere in the main-process code', () => {
    for (const weak of [/nodeIntegration\w*:\s*true/, /contextIsolation:\s*false/, /sandbox:\s*false/, /webSecurity:\s*false/, /allowRunningInsecureContent:\s*true/, /webviewTag:\s*true/, /bypassCSP:\s*true/]) {
      assert.doesNotMatch(allAppSource, weak);
    }
    assert.doesNotMatch(allAppSource, /loadFile\(|['"`]file:\/\//, 'no file:// loading: the UI and media come through dvp://');
    assert.doesNotMatch(allAppSource, /registerFileProtocol|interceptFileProtocol/);
  });

  it('serves the UI from a secure standard scheme that does not bypass the CSP', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.privileges?.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges?.secure, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP, false);
    assert.match(source('main.main.ts'), /registerSchemesAsPrivileged\(\[APP_SCHEME_PRIVILEGES\]\)/);
    assert.match(source('main.main.ts'), /loadURL\(APP_URL\)/);
    assert.match(source('protocol.main.ts'), /\.\.\.SECURITY_HEADERS/, 'every protocol response carries the CSP');
  });

  it('has a strict Content-Security-Policy: exactly this one, eval allowed for regl and nothing else loosened', () => {
    assert.equal(SECURITY_HEADERS['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
    assert.equal(
      CONTENT_SECURITY_POLICY,
      [
        "default-src 'none'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ].join('; '),
    );
    assert.equal(CONTENT_SECURITY_POLICY.match(/unsafe-eval/g)?.length, 1, "'unsafe-eval' appears once, in script-src");
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-hashes|strict-dynamic|\*|https?:|wss?:/);
  });

  it('denies navigation, new windows, webviews and permission requests', () => {
    const main = source('main.main.ts');
    assert.match(main, /app\.on\('web-contents-created', \(_event, contents\) => hardenWebContents\(contents\)\)/);
    assert.match(main, /'will-navigate', \(event, url\) => \{\s*if \(!url\.startsWith\(`\$\{APP_ORIGIN\}\/`\)\) event\.preventDefault\(\);/);
    assert.match(main, /'will-attach-webview', \(event\) => event\.preventDefault\(\)/);
    const openHandler = /setWindowOpenHandler\(([\s\S]*?)\n {2}\}\);/.exec(main)?.[1] ?? '';
    assert.match(openHandler, /return \{ action: 'deny' \};/);
    assert.doesNotMatch(openHandler, /'allow'/);
    assert.match(main, /setPermissionRequestHandler\(\(_contents, _permission, callback\) => callback\(false\)\)/);
    assert.match(main, /setPermissionCheckHandler\(\(\) => false\)/);
    assert.match(main, /setDevicePermissionHandler\(\(\) => false\)/);
  });

  it('runs a single instance', () => {
    assert.match(source('main.main.ts'), /if \(!app\.requestSingleInstanceLock\(\)\) \{\s*app\.quit\(\);/);
  });

  it('checks the sender of every IPC message before the router validates it', () => {
    const ipc = source('ipc.main.ts');
    assert.match(ipc, /ipcMain\.handle\(API_CHANNEL, async \(event, message: unknown\) => \{\s*if \(!isTrustedSender\(event\.sender, event\.senderFrame, window\(\)\)\)/);
    assert.match(ipc, /return router\.handle\(message\);/);
    assert.doesNotMatch(allAppSource, /ipcMain\.on\(/, 'no unvalidated fire-and-forget channels');

    const mainFrame = { url: `${APP_ORIGIN}/index.html` } as WebFrameMain;
    const window = { mainFrame } as WebContents;
    assert.equal(isTrustedSender(window, mainFrame, window), true);
    assert.equal(isTrustedSender({ mainFrame } as WebContents, mainFrame, window), false, 'another web contents');
    const child = { url: `${APP_ORIGIN}/index.html` } as WebFrameMain;
    assert.equal(isTrustedSender(window, child, window), false, 'a sub-frame');
    const foreign = { url: 'https://evil.example/' } as WebFrameMain;
    const navigated = { mainFrame: foreign } as WebContents;
    assert.equal(isTrustedSender(navigated, foreign, navigated), false, 'a foreign origin');
    assert.equal(isTrustedSender(window, null, window), false);
  });

  it('keeps the preload minimal: only the API transport, only electron imported', () => {
    const preload = source('preload.preload.ts');
    const imports = [...preload.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    assert.deepEqual(imports, ['electron']);
    assert.equal([...preload.matchAll(/exposeInMainWorld\(/g)].length, 1);
    assert.match(preload, /exposeInMainWorld\('dvp', \{\s*send:[\s\S]*onEvent:[\s\S]*\}\);\s*$/);
    assert.doesNotMatch(preload, /ipcRenderer[,)]|\bipcRenderer\s*:|process\.|require\(/, 'no raw ipcRenderer or Node objects exposed');
    assert.match(source('preload.vite.config.mjs'), /formats: \['cjs'\]/, 'bundled as CommonJS for the sandbox');
  });
});
