#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('lanterne: not built yet (dist/ is missing)\n  → run `npm run build` (npm install does it too)\n');
  process.exit(1);
}
require(entry)
  .main()
  .catch((err) => {
    process.stderr.write(`lanterne: unexpected error: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  });
