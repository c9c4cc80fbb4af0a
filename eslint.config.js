import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', '.tools/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
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
