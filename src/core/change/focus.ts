import { readFile } from 'node:fs/promises';
import { basename, extname, join, posix } from 'node:path';
import type { RequestTerms } from './request-terms.js';

/** The files a change is about, in the order they matter, and why each was chosen. */
export interface Focus {
  files: string[];
  reasons: Record<string, string>;
}

export interface FocusOptions {
  root: string;
  /** Every packable file of the repository (repo-relative, forward slashes). */
  files: readonly string[];
  terms: RequestTerms;
  isTestFile: (path: string) => boolean;
  /** Cap on files pulled in as neighbours (imports, importers). */
  maxNeighbours?: number;
}

const CODE = /\.(?:[cm]?[jt]sx?|py|go|rs|rb|java|kt|cs|swift|php|ex|exs|vue|svelte)$/;
const RESOLVE_EXTS = ['', '.js', '.ts', '.mjs', '.cjs', '.jsx', '.tsx', '.mts', '/index.js', '/index.ts'];

const defines = (symbol: string) =>
  new RegExp(
    `(?:\\b(?:function\\*?|class|const|let|var|def|func|fn|interface|type|enum|struct|trait)\\s+${symbol}\\b)|` +
      `(?:\\b${symbol}\\s*[:=]\\s*(?:async\\s+)?(?:function\\b|\\())|(?:export\\s*\\{[^}]*\\b${symbol}\\b[^}]*\\}(?!\\s*from\\b))`,
  );

/** Relative import specifiers of a JS/TS/Python file: `./words.js`, `../lib`, `.utils`. */
function importSpecs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(
    /(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g,
  ))
    out.push(m[1]!);
  return out;
}

/** Resolve `./words.js` from `src/index.ts` to a file in the set (`.js` may mean `.ts`). */
function resolveSpec(from: string, spec: string, set: ReadonlySet<string>): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  const stems = [base, base.replace(/\.[cm]?js$/, '')];
  for (const stem of stems) for (const ext of RESOLVE_EXTS) if (set.has(stem + ext)) return stem + ext;
  return undefined;
}

// Stems too common to tie a test to a file by name alone (`index` is in every import line).
const GENERIC = new Set(['index', 'main', 'mod', 'lib', 'util', 'utils', 'types', 'init', 'core', 'app']);
const distinctive = (path: string) => {
  const stem = basename(path, extname(path));
  return stem.length >= 4 && !GENERIC.has(stem);
};

/**
 * Rank the repository's files for a change request: the files it names, the files that
 * define the symbols it names, their tests, then what those import and what imports
 * them. Reads only code files; nothing here calls a model.
 */
export async function findFocus(o: FocusOptions): Promise<Focus> {
  const set = new Set(o.files);
  const reasons: Record<string, string> = {};
  const order: string[] = [];
  const add = (f: string, why: string) => {
    if (!set.has(f) || f in reasons) return;
    reasons[f] = why;
    order.push(f);
  };
  for (const p of o.terms.paths) {
    if (set.has(p)) add(p, 'named in the request');
    else
      for (const f of o.files) if (f.endsWith(`/${p}`) || basename(f) === p) add(f, 'named in the request');
  }
  const texts = new Map<string, string>();
  const code = o.files.filter((f) => CODE.test(f));
  await Promise.all(
    code.map(async (f) => texts.set(f, await readFile(join(o.root, f), 'utf8').catch(() => ''))),
  );
  for (const s of o.terms.symbols) {
    const re = defines(s.replace(/\$/g, '\\$'));
    for (const f of code) if (!o.isTestFile(f) && re.test(texts.get(f) ?? '')) add(f, `defines ${s}`);
  }
  const core = [...order];
  const imports = new Map<string, string[]>();
  for (const f of code)
    imports.set(
      f,
      importSpecs(texts.get(f) ?? '').flatMap((s) => resolveSpec(f, s, set) ?? []),
    );
  // Tests first: a change plan that names the right test file is the whole point of TDD here.
  for (const f of code) {
    if (!o.isTestFile(f)) continue;
    const text = texts.get(f) ?? '';
    const hit = core.find(
      (c) =>
        imports.get(f)?.includes(c) ||
        (distinctive(c) && text.includes(basename(c, extname(c)))) ||
        o.terms.symbols.some((s) => text.includes(s)),
    );
    if (hit) add(f, `tests ${hit}`);
  }
  const max = o.maxNeighbours ?? 30;
  let added = 0;
  for (const c of core) {
    for (const dep of imports.get(c) ?? [])
      if (added < max && !(dep in reasons) && ++added) add(dep, `imported by ${c}`);
    for (const [f, deps] of imports)
      if (added < max && deps.includes(c) && !(f in reasons) && ++added)
        add(f, o.isTestFile(f) ? `tests ${c}` : `imports ${c}`);
  }
  return { files: order, reasons };
}
