// Flat config. The layer rules (docs/architecture.md) are enforced here as well as by the
// split tsconfigs: shared/ is pure (no Node, Electron, DOM or UI imports, nothing outside
// shared/), the renderer never imports electron/, the worker never imports host code.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'fs/promises', 'http', 'https', 'net',
  'os', 'path', 'process', 'readline', 'stream', 'timers', 'url', 'util', 'worker_threads', 'zlib',
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
      'no-restricted-imports': ['error', {
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
      }],
      'no-restricted-globals': ['error', 'process', 'window', 'document', 'Buffer', 'setTimeout', 'console'],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks to the host only through window.arenascope.' }],
        patterns: [
          { group: ['**/electron/**'], message: 'The renderer never imports electron/.' },
          { group: ['node:*'], message: 'The renderer runs in a browser: no Node built-ins.' },
        ],
      }],
    },
  },
  {
    files: ['electron/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/host/**', '**/main/**', '**/serve/**', '**/cli/**'], message: 'The worker imports only shared/.' }],
      }],
    },
  },
  {
    files: ['electron/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
);
