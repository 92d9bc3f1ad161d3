/**
 * The workflow sandbox must stay deterministic: nothing reachable from src/workflows/index.ts may
 * import a Node builtin, a package other than @temporalio/workflow, or an activity *value*.
 * Walks the real import graph (value imports only; `import type` is erased at build time).
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');
const ALLOWED_PACKAGES = ['@temporalio/workflow', '@temporalio/common'];

function valueImports(file: string): string[] {
  return valueImportsOf(fs.readFileSync(file, 'utf8'), file);
}

function valueImportsOf(text: string, name: string): string[] {
  const src = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  for (const st of src.statements) {
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const allTypes = clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) out.push((st.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && !st.isTypeOnly) {
      out.push((st.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

function resolveLocal(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(f)) return f;
  throw new Error(`cannot resolve ${spec} from ${from}`);
}

/** Every (file, import) pair reachable from the workflows entry point through value imports. */
function walk(entry: string): { file: string; spec: string }[] {
  const seen = new Set<string>();
  const edges: { file: string; spec: string }[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of valueImports(file)) {
      edges.push({ file: path.relative(ROOT, file), spec });
      if (spec.startsWith('.')) queue.push(resolveLocal(file, spec));
    }
  }
  return edges;
}

const edges = walk(path.join(ROOT, 'src/workflows/index.ts'));

describe('workflow sandbox imports', () => {
  it('reaches the mission and daily-cycle workflows (the walk itself works)', () => {
    const files = new Set(edges.map((e) => e.file));
    expect(files).toContain('src/workflows/mission.ts');
    expect(files).toContain('src/workflows/daily-cycle.ts');
    expect(edges.some((e) => e.spec === '@temporalio/workflow')).toBe(true);
  });

  it('imports no Node builtin and no package but the workflow SDK', () => {
    const bad = edges.filter(
      (e) => !e.spec.startsWith('.') && (e.spec.startsWith('node:') || builtinModules.includes(e.spec) || !ALLOWED_PACKAGES.includes(e.spec)),
    );
    expect(bad).toEqual([]);
  });

  it('imports no activity, worker or infrastructure module as a value', () => {
    const bad = edges.filter((e) => e.spec.startsWith('.') && /\/(activities|worker|infra|memory|observation|communication)(\/|$)/.test(e.spec));
    expect(bad).toEqual([]);
  });

  it('tells value imports from type-only ones (so the tests above can fail)', () => {
    const text = [
      "import fs from 'node:fs';",
      "import type { A } from '../activities';",
      "import { type B } from '../activities/b';",
      "import { c, type C } from '../activities/c';",
      "export { d } from './d';",
      "export type { E } from './e';",
    ].join('\n');
    expect(valueImportsOf(text, 'probe.ts')).toEqual(['node:fs', '../activities/c', './d']);
  });
});
