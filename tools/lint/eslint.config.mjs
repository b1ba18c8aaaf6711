// ESLint flat config for the whole repository (run from the repository root: `npm run lint`).
// Type-aware: the TypeScript programs are the project's own tsconfigs, so the rules see the same types as `tsc`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** LINT_TYPED=0: syntax-only rules (about a third of the CPU time; for a quick local run, not for CI). */
const typed = process.env.LINT_TYPED !== '0';

const typeAware = {
  files: ['**/*.ts', '**/*.tsx'],
  languageOptions: {
    parserOptions: {
      project: ['tsconfig.check.json', 'src/ui/app/tsconfig.json'],
      tsconfigRootDir: root,
    },
  },
  rules: {
    // Async mistakes are the bugs that cost us most: an unawaited write, a promise passed where a callback
    // result is ignored. node:test's describe/it return promises the runner itself awaits.
    '@typescript-eslint/no-floating-promises': [
      'error',
      { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
    ],
    '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    '@typescript-eslint/await-thenable': 'error',
  },
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'tools/lint/node_modules/**', 'data/**', 'data-keys/**', 'coverage/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...(typed ? [typeAware] : []),
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // `_`-prefixed names are deliberately unused (positional parameters, destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `import type` for type-only imports (no runtime import, no accidental cycle at load time);
      // inline `import('x').T` annotations stay allowed.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  ...(typed
    ? [
        {
          // Build configuration outside both TypeScript programs: syntax rules only.
          files: ['src/ui/app/vite.config.ts'],
          ...tseslint.configs.disableTypeChecked,
        },
      ]
    : []),
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' },
    },
  },
);
