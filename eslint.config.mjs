import tseslint from 'typescript-eslint';

const typeScriptFiles = ['**/*.ts'];
const commandsLayer = {
  group: ['**/commands', '**/commands/**'],
  message: 'src/ui, src/docker, src/core and src/files must not import src/commands: pass what they need as a parameter.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-artifacts/**', 'test/fixtures/**'] },
  ...tseslint.configs.strictTypeChecked.map((config) => ({ ...config, files: typeScriptFiles })),
  {
    files: typeScriptFiles,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    // Commands sit on top: the layers below never reach up into them.
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [commandsLayer] }],
    },
  },
  {
    // The core, the Docker layer and the project file system decide everything that can be decided
    // without VS Code, so they stay testable with plain unit tests.
    files: ['src/core/**/*.ts', 'src/docker/**/*.ts', 'src/files/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core, src/docker and src/files must not depend on VS Code.' }],
        patterns: [commandsLayer],
      }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-console': 'off',
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    // Build, bench and test-bench scripts: plain Node.
    files: ['**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      sourceType: 'module',
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', Buffer: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly',
        AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', window: 'readonly', document: 'readonly',
      },
    },
    rules: { 'no-undef': 'error', eqeqeq: ['error', 'always'] },
  },
  {
    // The observer panel's script: a plain browser script inside a VS Code webview.
    files: ['media/**/*.js'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly', document: 'readonly', CSS: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        acquireVsCodeApi: 'readonly',
      },
    },
    rules: { 'no-undef': 'error', eqeqeq: ['error', 'always'] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
