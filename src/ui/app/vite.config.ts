// Vite build of the web UI (issue 9): `vite build --config src/ui/app/vite.config.ts` → dist/ui/app/,
// served by src/ui/plugin.ts under /app/. No external URLs: everything is bundled.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/app/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../../dist/ui/app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    // `npx vite --config src/ui/app/vite.config.ts` for development, with a registry on :8080.
    proxy: Object.fromEntries(['/search', '/categories', '/package', '/epr', '/api'].map((p) => [p, 'http://127.0.0.1:8080'])),
  },
});
