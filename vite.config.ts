// Builds the renderer (web console, and the customer portal page when it exists) into
// dist/renderer, which the broker serves and the desktop app loads. No inline scripts: the
// broker's CSP is `script-src 'self'`.
import react from '@vitejs/plugin-react';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, 'renderer');

const input: Record<string, string> = { index: resolve(root, 'index.html') };
// The sessions work adds the customer portal as its own page; build it when it is there.
if (existsSync(resolve(root, 'portal.html'))) input.portal = resolve(root, 'portal.html');

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(here, 'dist/renderer'),
    emptyOutDir: true,
    // Vite would inline small modules' preload helper as a script; keep everything in files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    rolldownOptions: { input },
    // zod (the shared protocol schemas) is most of the bundle; one chunk is fine for a console.
    chunkSizeWarningLimit: 800,
  },
});
