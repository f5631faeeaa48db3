/**
 * One build per Electron process (electron-vite): main, preload, renderer. The worker has no
 * config of its own: main imports it with `?modulePath`, which makes electron-vite bundle it as a
 * separate entry beside the main bundle and hand main its path for `utilityProcess.fork`.
 *
 * Output: out/main (main + worker, ES modules), out/preload (one CommonJS file), out/renderer.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: { index: fromRoot('electron/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can `require('electron')` and nothing else: no other files, no
      // node_modules, no ES modules. So it is one self-contained CommonJS file (.cjs, because
      // package.json says "type": "module"), with dependencies bundled rather than externalized.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('electron/preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          codeSplitting: false,
        },
      },
    },
  },
  renderer: {
    root: fromRoot('renderer'),
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      rolldownOptions: {
        input: { index: fromRoot('renderer/index.html') },
      },
    },
  },
});
