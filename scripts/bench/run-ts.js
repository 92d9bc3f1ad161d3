#!/usr/bin/env node
/*
 * Runs a TypeScript file with Node, compiling each required .ts file with @swc/core exactly as jest
 * does (jest.config.js): `node scripts/bench/run-ts.js scripts/bench/burst.ts --missions 100`.
 * Used by `npm run bench:burst` and by the processes it starts (its workers).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

process.setSourceMapsEnabled(true);
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node scripts/bench/run-ts.js <file.ts> [args…]\n');
  process.exit(2);
}
// As `node file.ts args…` would: the file is the main module (require.main === module), as ts-node does.
process.argv = [process.argv[0], path.resolve(script), ...args];
require('node:module').runMain();
