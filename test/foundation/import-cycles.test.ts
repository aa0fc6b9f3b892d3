import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Issue 14: no import cycles, type-only imports included (they still tie two modules' designs
 * together). Relative imports only; a `.js` specifier names the `.ts` file beside it.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = ['src-main', 'src-renderer/src'];
const EXTENSIONS = ['.ts', '.svelte'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts') ? [file] : [];
  });
}

function resolve(from: string, specifier: string, known: Set<string>): string | undefined {
  const target = path.resolve(path.dirname(from), specifier);
  const candidates = [target, target.replace(/\.js$/, '.ts'), `${target}.ts`, path.join(target, 'index.ts')];
  return candidates.find((candidate) => known.has(candidate));
}

/** Tarjan's strongly connected components of more than one file, or a file importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('module structure (issue 14)', () => {
  it('has no import cycles in src-main or the renderer', () => {
    const files = SOURCES.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    const known = new Set(files);
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const targets: string[] = [];
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = resolve(file, (match[1] ?? match[2])!, known);
        if (target) targets.push(target);
      }
      graph.set(file, targets);
    }
    assert.ok(graph.size > 200, `found the sources (${graph.size} files)`);
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
    assert.ok(edges > graph.size, `resolved their imports (${edges} edges)`);
    const found = cycles(graph).map((component) => component.map((file) => path.relative(ROOT, file)).sort());
    assert.deepEqual(found, [], `import cycles:\n${found.map((c) => `  ${c.join(' ↔ ')}`).join('\n')}`);
  });
});
