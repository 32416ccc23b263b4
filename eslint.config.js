// ESLint for the whole tree (`npm run lint`, part of `npm test`). Formatting is Prettier's job
// (`.prettierrc.json`); these rules catch mistakes and hold the house layout rules that a compiler
// cannot: the engine stays plain Node, files stay small.
import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'release/',
      'coverage/',
      'training/',
      'models/',
      'bench/results/',
      'e2e/test-results/',
      'e2e/.artifacts/'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter kept for its position in a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      'prefer-const': 'error'
    }
  },
  {
    files: ['src-renderer/**/*.{ts,svelte}', 'e2e/support/page-bridge.ts'],
    languageOptions: { globals: { ...globals.browser } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    // Svelte 5 props are destructured with `let` from `$props()`; svelte/prefer-const knows the runes.
    rules: { 'prefer-const': 'off', 'svelte/prefer-const': 'error' }
  },
  {
    // The engine runs under plain Node in the CLI, tests and the utility process (house style 1).
    files: ['src-main/engine/**/*.{ts,mjs}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine is plain Node.' }] }]
    }
  },
  {
    // Files by concern, most under ~300 lines (house style 7); tests may run longer.
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'src-renderer/**/*.{ts,svelte}'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }] }
  }
)
