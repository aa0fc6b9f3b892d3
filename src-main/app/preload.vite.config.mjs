// Bundles the sandboxed preload to one CommonJS file, dist/preload/preload.cjs (a sandboxed
// preload cannot load ES modules). Run: npx vite build --config src-main/app/preload.vite.config.mjs
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: {
      entry: fileURLToPath(new URL('./preload.preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    outDir: fileURLToPath(new URL('../../dist/preload', import.meta.url)),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { external: ['electron'] },
  },
});
