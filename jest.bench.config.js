/** `npm run bench`: the benchmark in scripts/bench (prints figures, asserts no timings). */
const base = require('./jest.config');

module.exports = { ...base, roots: ['<rootDir>/scripts/bench'], testTimeout: 900_000 };
