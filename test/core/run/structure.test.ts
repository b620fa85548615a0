import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The run core's structure rules, checked on the real sources: run and team import each
 * other only through their `index.ts`, and no module cycle exists in src/ (type imports
 * included: a cycle of types still ties two files into one concept).
 */
const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

function graph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(SRC);
  const known = new Set(files);
  const g = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const deps = [...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)]
      .map((m) => resolve(dirname(f), (m[1] as string).replace(/\.js$/, '.ts')))
      .filter((d) => known.has(d));
    g.set(f, deps);
  }
  return g;
}

describe('run core structure', () => {
  const g = graph();
  const rel = (p: string) => relative(SRC, p).split('\\').join('/');

  it('run and team import each other only through index.ts', () => {
    const bad: string[] = [];
    for (const [f, deps] of g)
      for (const d of deps) {
        const [a, b] = [rel(f), rel(d)];
        const crosses =
          (a.startsWith('core/run/') && b.startsWith('core/team/')) ||
          (a.startsWith('core/team/') && b.startsWith('core/run/'));
        if (crosses && !b.endsWith('/index.ts')) bad.push(`${a} → ${b}`);
      }
    expect(bad).toEqual([]);
  });

  it('no import cycle in src/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (n: string) => {
      state.set(n, 1);
      stack.push(n);
      for (const d of g.get(n) ?? []) {
        if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' → '));
        else if (!state.get(d)) visit(d);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const f of g.keys()) if (!state.get(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
