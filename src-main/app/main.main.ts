import { app, BrowserWindow, protocol, session, shell, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost } from '../host/engine-host.js';
import { RecentProjects } from '../host/recent-projects.js';
import { ApiRouter } from '../host/router.js';
import { pickFile } from './dialogs.main.js';
import { serveApiOverIpc } from './ipc.main.js';
import { installMenu } from './menu.main.js';
import { registerAppProtocol } from './protocol.main.js';
import { utilityEngineSpawner } from './utility-engine.main.js';
import { APP_ORIGIN, APP_SCHEME_PRIVILEGES, APP_URL, mainWindowOptions } from './window-options.main.js';

/**
 * Electron main: one hardened window, the `dvp://` protocol, the API over IPC, and the
 * engine in a utility process. It does no heavy work itself.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/src-main/app → dist/renderer (the Vite build) and dist/preload/preload.cjs (the bundled preload). */
const UI_DIR = path.resolve(here, '..', '..', 'renderer');
const PRELOAD = path.resolve(here, '..', '..', 'preload', 'preload.cjs');

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  const host = new EngineHost({ spawn: utilityEngineSpawner(), log: (line) => console.log(line) });

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // Every web contents, present or future: no navigation away, no new windows, no webviews.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.whenReady().then(async () => {
    denyAllPermissions();
    await host.start();
    registerAppProtocol(host, UI_DIR);
    const router = new ApiRouter(host, new RecentProjects(app.getPath('userData')), {
      kind: 'electron',
      version: app.getVersion(),
      handlers: {
        // A file chosen in a native dialog allows its folder (allowed-roots.ts).
        'dialog.pick': async (params) => {
          const picked = await pickFile(window, params);
          if (picked.file !== null) host.roots.addFolderOf(picked.file);
          return picked;
        },
        'file.reveal': ({ file }) => (shell.showItemInFolder(path.resolve(file)), null),
      },
    });
    window = new BrowserWindow(mainWindowOptions(PRELOAD));
    serveApiOverIpc(router, host, () => window?.webContents);
    installMenu((key, ctrl) => {
      const contents = window?.webContents;
      if (!contents) return;
      const modifiers: ('control' | 'meta')[] = ctrl ? [process.platform === 'darwin' ? 'meta' : 'control'] : [];
      contents.sendInputEvent({ type: 'keyDown', keyCode: key, modifiers });
      contents.sendInputEvent({ type: 'keyUp', keyCode: key, modifiers });
    });
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => {
      window = undefined;
    });
    await window.loadURL(APP_URL);
  });

  app.on('window-all-closed', () => app.quit());

  // Quit waits for the engine: running jobs reach their next safe point (a checkpoint write
  // finishes), the project is closed, then the app exits.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void host.shutdown().finally(() => app.quit());
  });
}

function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function denyAllPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}
