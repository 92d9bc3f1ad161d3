import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '../../..');
const WORKFLOWS = path.join(ROOT, 'src/workflows');
/** Runs the project's ESLint in a child process (ESLint loads its config with dynamic import, which jest's VM refuses). */
function eslint(args: string[], stdin?: string): { filePath: string; messages: { message: string; ruleId: string | null; severity: number; line: number }[] }[] {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '-f', 'json', ...args], { cwd: ROOT, input: stdin, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!r.stdout) throw new Error(`eslint produced no output: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const FORBIDDEN_PACKAGES = ['@temporalio/activity', '@temporalio/worker', '@temporalio/client', 'pg', 'openai', 'nodemailer', 'smol-toml', 'twilio', 'zod'];

/** Value (non-type) imports of a TypeScript file. */
function valueImports(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) {
    if (!m[2]) out.push(m[3]);
  }
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of src.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

function resolveTs(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  return null;
}

/** Every module the workflow bundle pulls in, following relative value imports from src/workflows. */
function workflowClosure(): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.ts')).map((f) => path.join(WORKFLOWS, f));
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of valueImports(file)) {
      if (spec.startsWith('.')) {
        const target = resolveTs(file, spec);
        if (target) queue.push(target);
      } else {
        packages.set(spec, path.relative(ROOT, file));
      }
    }
  }
  return { files, packages };
}

describe('workflow sandbox', () => {
  it('workflow code reaches no Node builtin and no I/O package through value imports', () => {
    const { files, packages } = workflowClosure();
    expect(files.size).toBeGreaterThan(3);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const bad = [...packages].filter(([spec]) => builtins.has(spec) || FORBIDDEN_PACKAGES.includes(spec));
    expect(bad).toEqual([]);
    const outside = [...files].map((f) => path.relative(ROOT, f)).filter((f) => !/^src\/(workflows|shared|domain)\//.test(f));
    expect(outside).toEqual([]);
  });

  it('lint rejects a Node builtin or an activity value in workflow code (the rule can fail)', () => {
    const [result] = eslint(
      ['--stdin', '--stdin-filename', path.join(WORKFLOWS, 'mission.ts')],
      "import fs from 'node:fs';\nimport { createActivities } from '../activities';\nexport const x = [fs, createActivities];\n",
    );
    const messages = result.messages.map((m) => m.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('no Node builtins'),
        expect.stringContaining('import activities by type only'),
      ]),
    );
  }, 60_000);

  it('the whole project passes lint (sandbox rules, no floating promises)', () => {
    const results = eslint(['src', 'tests', 'scripts']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(errors).toEqual([]);
  }, 120_000);
});
