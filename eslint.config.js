import js from '@eslint/js'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', '.tools/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // One workspace package reaches another through its package name and exports, never by a
      // relative path: such a path worked here and broke the web image, whose prune leaves out what
      // the web app does not depend on.
      'import-x/no-relative-packages': 'error',
    },
  },
  {
    // The root's launchers start the workspace; they are no package an image builds. A dependency of
    // the root on @lab/docker would put it in every image's prune (turbo prune keeps the root's).
    files: ['scripts/**'],
    rules: { 'import-x/no-relative-packages': 'off' },
  },
  {
    // The bootstrap is plain JavaScript (it starts on the machine's Node): Node's globals, which
    // TypeScript files get from @types/node instead.
    files: ['scripts/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The web lab's simulated XSS payload: plain JavaScript served to the browser as it is.
    files: ['apps/web/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'atob', 'setTimeout', 'URL', 'Headers', 'Request', 'CustomEvent'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Workshop starters: the parameters and imports are there for the participant to use.
    files: ['workshop/exercises/*/*.ts'],
    ignores: ['workshop/exercises/*/check.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
)
