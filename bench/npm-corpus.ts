/**
 * The benchmark corpus: up to 13.8k small source files of well-known npm packages, copied
 * from this project's node_modules and the system's global one (npm, corepack), picked
 * deterministically: packages in name order, files in path order, text sources only, at
 * most 200 kB each. Nested `node_modules` become `node_deps` so both tools pack them.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const TEXT = /\.(js|mjs|cjs|ts|mts|cts|tsx|jsx|json|md|css|html|yml|yaml|txt)$/;
const MAX_BYTES = 200_000;

function* walk(abs: string, rel: string): Generator<[string, string]> {
  let entries: string[];
  try {
    entries = readdirSync(abs).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const a = join(abs, name);
    const st = statSync(a, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) yield* walk(a, `${rel}${name === 'node_modules' ? 'node_deps' : name}/`);
    else if (st.isFile() && TEXT.test(name) && st.size > 0 && st.size <= MAX_BYTES)
      yield [a, `${rel}${name}`];
  }
}

/** Copy up to `limit` files from the `roots` (node_modules dirs) into `dest`. */
export function buildNpmCorpus(
  roots: string[],
  dest: string,
  limit = 13_800,
): { files: number; bytes: number; sample: string } {
  let files = 0;
  let sample = '';
  let bytes = 0;
  const made = new Set<string>();
  const all = roots.flatMap((r, i) => [...walk(r, i === 0 ? '' : `global-${i}/`)]);
  for (const [from, rel] of all) {
    if (files >= limit) break;
    const to = join(dest, rel);
    const d = dirname(to);
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    copyFileSync(from, to);
    bytes += statSync(to).size;
    if (!sample && rel.endsWith('/package.json')) sample = rel;
    files++;
  }
  return { files, bytes, sample };
}
