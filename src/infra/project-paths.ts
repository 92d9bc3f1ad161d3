import fs from 'node:fs';
import path from 'node:path';

/** The folder that holds Lanterne's package.json, whether running from src/ (ts) or dist/ (js). */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'lanterne') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find Lanterne's package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Provisioned servers live here (ignored by git, cached between runs). */
export function toolsDir(): string {
  return process.env.LANTERNE_TOOLS_DIR ?? path.join(projectRoot(), '.tools');
}

/** Runtime state of the main command (database files, server logs). */
export function stateDir(): string {
  return process.env.LANTERNE_STATE_DIR ?? path.join(projectRoot(), '.lanterne');
}

export function outputDir(): string {
  return process.env.LANTERNE_OUTPUT_DIR ?? path.join(projectRoot(), 'output');
}

/** The Temporal CLI built from its Go module by `npm run provision`, or TEMPORAL_CLI. */
export function temporalCliPath(): string {
  return process.env.TEMPORAL_CLI ?? path.join(toolsDir(), 'temporal', 'bin', 'temporal');
}

/** The wrapper script that runs the Java time-skipping test server. */
export function testServerPath(): string {
  return process.env.TEMPORAL_TEST_SERVER ?? path.join(toolsDir(), 'test-server', 'run.sh');
}

