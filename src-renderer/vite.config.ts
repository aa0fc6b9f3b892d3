import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The renderer bundle, loaded by Electron from `dvp://studio/` and served by `dvp serve`.
 * `DVP_UI_OUT` redirects the output (the e2e tests build into a temporary folder).
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: process.env.DVP_UI_OUT ?? fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // The viewer streams raw frames; nothing is inlined as data: URLs (the CSP allows it, but keep assets as files).
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
