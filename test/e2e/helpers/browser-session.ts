import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { startServer, type RunningServer } from '../../../src-main/server/server.js';
import { startTestBackend, type TestBackend } from '../../helpers/engine-host.js';
import { REPO_ROOT } from '../../helpers/paths.js';

export const SHOTS_DIR = path.join(REPO_ROOT, 'test-output', 'e2e');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserSession {
  backend: TestBackend;
  server: RunningServer;
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far (a test asserts there were none). */
  problems: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The UI built into `workDir`, served in browser mode by a real engine host, and Debian's
 * Chromium driven by playwright-core (DESIGN.md: UI tests).
 */
export async function openBrowserSession(workDir: string, options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const uiDir = path.join(workDir, 'ui');
  process.env.DVP_UI_OUT = uiDir;
  try {
    await build({ configFile: path.join(REPO_ROOT, 'src-renderer', 'vite.config.ts'), logLevel: 'error' });
  } finally {
    delete process.env.DVP_UI_OUT;
  }
  const configDir = path.join(workDir, 'config');
  const backend = await startTestBackend(configDir);
  const server = await startServer({ host: backend.host, uiDir, configDir, version: 'e2e' });
  const context = await chromium.launchPersistentContext(path.join(workDir, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    headless: true,
    viewport: options.viewport ?? { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return {
    backend,
    server,
    context,
    page,
    problems,
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(SHOTS_DIR, name) });
    },
    close: async () => {
      await context.close();
      await server.close();
      await backend.stop();
    },
  };
}

/** A browser session with `projectFile` open in the engine and the page loaded. */
export async function openProjectInBrowser(workDir: string, projectFile: string): Promise<BrowserSession> {
  const session = await openBrowserSession(workDir);
  await session.backend.api.call('project.open', { file: projectFile });
  await session.page.goto(session.server.url);
  return session;
}
