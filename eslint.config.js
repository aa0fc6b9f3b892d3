// ESLint flat config: recommended JS + TypeScript rules, and the process boundaries of
// DVP Studio (docs/architecture.md): main (*.main.ts), preload (*.preload.ts), renderer
// (src-renderer) and engine never import across them; the engine never imports electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto', 'stream', 'url'];
const MAIN_ONLY = ['**/app/*.main.js', '**/app/*.main.ts'];
const PRELOAD = ['**/*.preload.js', '**/*.preload.ts'];
const RENDERER = ['**/src-renderer/**'];

function restrict(patterns, message) {
  return { group: patterns, message };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'release/**', 'test-output/**', '**/*.svelte'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Config and build scripts run in Node.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The engine and everything that runs beside it in Node: no Electron, no main, no UI.
    files: ['src-main/engine/**/*.ts', 'src-main/engine-process/**/*.ts', 'src-main/host/**/*.ts', 'src-main/server/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/shared/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine and the Node shells never import electron; only src-main/app/*.main.ts may.' }],
          patterns: [
            restrict(MAIN_ONLY, 'Electron main-process modules are imported only by other *.main.ts files.'),
            restrict(PRELOAD, 'The preload is a separate bundle.'),
            restrict(RENDERER, 'The renderer is a separate process; share types through src-main/api.'),
          ],
        },
      ],
    },
  },
  {
    // The API is imported by the renderer too: pure TypeScript, zod, and the engine's pure timecode arithmetic.
    files: ['src-main/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The API module is shared by every process.' }],
          patterns: [
            restrict(NODE_BUILTINS, 'The API module runs in the renderer too: no Node built-ins.'),
            { regex: '/engine/(?!media/(timecode|rational)\\.js$|edit/lane-curve\\.js$)', message: 'The API may use only the engine\'s pure timecode and lane-curve modules.' },
            restrict(['**/host/**', '**/engine-process/**', '**/server/**', '**/cli/**', ...MAIN_ONLY, ...PRELOAD, ...RENDERER], 'The API module depends on no process.'),
          ],
        },
      ],
    },
  },
  {
    // Electron main: may use the host, the API and the shared modules, never the renderer or the preload.
    files: ['src-main/app/*.main.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [restrict([...PRELOAD, ...RENDERER], 'Main does not import the preload or the renderer.')] }],
    },
  },
  {
    // The sandboxed preload: electron's contextBridge/ipcRenderer and nothing else.
    files: ['src-main/app/*.preload.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [restrict(['./*', '../*', ...NODE_BUILTINS], 'The sandboxed preload imports only electron.')] }],
    },
  },
  {
    // The renderer: browser code; reaches the backend only through the API client.
    files: ['src-renderer/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through window.dvp (the preload bridge).' }],
          patterns: [
            restrict(NODE_BUILTINS, 'The renderer has no Node.'),
            restrict(['**/src-main/engine/**', '**/src-main/engine-process/**', '**/src-main/host/**', '**/src-main/server/**', '**/src-main/cli/**', '**/src-main/app/**'], 'The renderer may import only src-main/api and src-main/shared.'),
          ],
        },
      ],
    },
  },
);
