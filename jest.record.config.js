/** `npm run record-histories`: runs scripts/histories/record-histories.test.ts only. */
const base = require('./jest.config');

module.exports = { ...base, roots: ['<rootDir>/scripts/histories'], testTimeout: 300_000 };
