/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Everything the browser talks to lives on the same origin in production
// (the backend serves dist/ and index.html for unknown paths). In development
// the Vite server forwards these prefixes to the backend on :8000
// (override with PHANTOM_BACKEND_URL=http://host:port).
const BACKEND = process.env.PHANTOM_BACKEND_URL ?? 'http://127.0.0.1:8000';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  base: '/',
  plugins: [react()],
  define: {
    __APP_VERSION__: JSON.stringify(version),
  },
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/graphql': { target: BACKEND, ws: true, changeOrigin: false },
      '/auth': { target: BACKEND, changeOrigin: false },
      '/api': { target: BACKEND, changeOrigin: false },
      '/healthz': { target: BACKEND, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // a deadline, not an expectation: a whole-page test takes ~1 s, but over 5 s on a
    // loaded 2-core machine (the default then fails a correct page)
    testTimeout: 20_000,
    unstubGlobals: true,
    // Styles are not applied in tests; only `?raw` reads (the architecture test checks where styles live) get their text.
    css: { include: [/\.css\?raw$/] },
  },
});
