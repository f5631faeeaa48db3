// Flat config. The layer rules (docs/architecture.md) are enforced here as well as by the
// split tsconfigs: shared/ is pure (no Node, Electron, DOM or UI imports, nothing outside
// shared/), the renderer never imports electron/, the worker imports shared/ and electron/node/
// only, and only electron/main (through host/workers/electron-launcher.ts) touches Electron.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import prettier from 'eslint-config-prettier/flat';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'timers',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'shared/ is pure: no Electron.' },
            { name: 'vue', message: 'shared/ is pure: no Vue.' },
            { name: 'pinia', message: 'shared/ is pure: no Pinia.' },
            ...NODE_BUILTINS.map((name) => ({ name, message: 'shared/ is pure: no Node built-ins.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'shared/ is pure: no Node built-ins.' },
            { group: ['**/electron/**', '**/renderer/**', '**/test/**', '**/bench/**'], message: 'shared/ imports nothing outside shared/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'window', 'document', 'Buffer', 'setTimeout', 'console'],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the host only through window.arenascope.' }],
          patterns: [
            { group: ['**/electron/**'], message: 'The renderer never imports electron/.' },
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    // The worker runs the same code under Electron and plain Node: shared/ and the Node-only
    // electron/node/ layer, never Electron itself or the host's orchestration.
    files: ['electron/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The worker runs under plain Node too: no Electron imports.' }],
          patterns: [
            {
              group: ['**/host/**', '**/main/**', '**/serve/**', '**/cli/**', '**/preload/**', '**/renderer/**'],
              message: 'The worker imports only shared/ and electron/node/.',
            },
          ],
        },
      ],
    },
  },
  {
    // electron/node/: Node-only helpers (trace files) for the worker and the host alike.
    files: ['electron/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/node/ is plain Node: no Electron imports.' }],
          patterns: [
            {
              group: ['**/host/**', '**/main/**', '**/serve/**', '**/cli/**', '**/worker/**', '**/preload/**', '**/renderer/**'],
              message: 'electron/node/ imports only shared/ and Node.',
            },
          ],
        },
      ],
    },
  },
  {
    // The host is shared by main, cli and serve, so it is plain Node: only the Electron launcher,
    // which electron/main alone uses, may import Electron.
    files: ['electron/host/**/*.ts'],
    ignores: ['electron/host/workers/electron-launcher.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'electron/host/ is plain Node (used by cli and serve): Electron belongs in electron-launcher.ts or electron/main.' },
          ],
          patterns: [
            {
              group: ['**/main/**', '**/serve/**', '**/cli/**', '**/worker/**', '**/preload/**', '**/renderer/**'],
              message: 'electron/host/ imports only shared/, electron/node/ and Node.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/cli/**/*.ts', 'electron/serve/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The command line and the browser server run under plain Node.' }],
          patterns: [
            { group: ['**/electron-launcher', '**/main/**'], message: 'The command line and the browser server launch workers with the Node launcher.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  // Layout is Prettier's (`npm run lint` checks it): the style rules that would fight it are off.
  prettier,
);
