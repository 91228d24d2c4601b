// typescript-eslint's recommended rules on every source file; Prettier owns the layout.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'src/generated/', 'reports/', 'coverage/', '.local/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Input checks match control characters on purpose (NUL and friends in names, paths and URLs).
      'no-control-regex': 'off',
    },
  },
  { files: ['public/**/*.js'], languageOptions: { globals: globals.browser } },
  // Tests and benchmarks read JSON responses whose shape the assertions themselves check.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
