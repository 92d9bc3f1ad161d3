/**
 * `npm run reliability` (scripts/reliability/run.js): the trials at their full counts. Each
 * *.trial.ts file runs one trial kind on its own servers, writes its figures to
 * test-results/reliability/<id>.json and fails when a target is missed.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/scripts/reliability'],
  testMatch: ['**/*.trial.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 3_600_000,
};
