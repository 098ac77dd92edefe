// Shared lint rules for every workspace (flat config).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { noCrossWorkspaceImports } from './scripts/eslint/no-cross-workspace-imports.js';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'coverage/**',
      '.tools/**',
      'calls/**',
      'bench/.data/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Workspaces meet through package names and exports, never relative paths (scripts/eslint/).
    plugins: { boundaries: { rules: { 'no-cross-workspace-imports': noCrossWorkspaceImports } } },
    rules: { 'boundaries/no-cross-workspace-imports': 'error' },
  },
  {
    // Services log through pino; only CLIs and benchmarks print to the console.
    files: [
      'mcp/src/**/*.ts',
      'agent/src/**/*.ts',
      'token-api/src/**/*.ts',
      'switchboard/src/**/*.ts',
      'contracts/src/**/*.ts',
      'stack/src/**/*.ts',
    ],
    rules: { 'no-console': 'error' },
  },
  {
    // Tests poke into structured tool output without restating every schema.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
