// ESLint: rules that protect what matters here — workflow code stays inside Temporal's
// deterministic sandbox, and no promise is left floating.
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.lanterne/**', 'output/**', 'test-results/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // The workflow sandbox: no Node builtins, no I/O libraries, and activities by type only.
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'workflow code runs in a deterministic sandbox: no Node builtins (move I/O to an activity)' })),
            ...['@temporalio/activity', '@temporalio/worker', '@temporalio/client', 'pg', 'openai', 'nodemailer', 'smol-toml'].map((name) => ({
              name,
              message: 'workflow code must not import this: do the work in an activity',
            })),
          ],
          patterns: [
            { group: ['**/activities', '**/activities/*', '!**/activities/activity-api', '!**/activities/day-result', '!**/activities/mission-summary'], allowTypeImports: true, message: 'import activities by type only (proxyActivities<typeof ...>)' },
            { group: ['**/activities/activity-api', '**/activities/day-result', '**/activities/mission-summary'], allowTypeImports: true, message: 'type imports only' },
            {
              group: ['infra', 'memory', 'observation', 'communication', 'coaching', 'mission', 'secrets', 'worker', 'cli', 'dashboard'].flatMap((m) => [`../${m}`, `../${m}/*`]),
              allowTypeImports: true,
              message: 'these modules do I/O: workflow code may import their types only',
            },
          ],
        },
      ],
    },
  },
);
