#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');

// Local secrets and settings from .env (the current folder first, then the project's); variables
// already in the environment win. Never commit .env: .env.example lists every variable.
for (const file of [path.resolve('.env'), path.join(__dirname, '..', '.env')]) {
  if (fs.existsSync(file)) {
    process.loadEnvFile(file);
    break;
  }
}
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
