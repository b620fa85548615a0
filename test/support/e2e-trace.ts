import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BIN } from './cli.js';

/** The loader hook that logs every module a process resolves (see the file's header). */
export const TRACE_HOOK = fileURLToPath(new URL('./e2e-trace-imports.mjs', import.meta.url));

/**
 * Packages `specloop --help` must not load (STYLE habit 1: the thin entry stays light):
 * the AI SDK and its providers, the SQLite binding, the tokenizer, secretlint, Octokit
 * and the markdown parser.
 */
export const HEAVY =
  /\/node_modules\/(ai|@ai-sdk\/[^/]+|better-sqlite3|gpt-tokenizer|@secretlint\/[^/]+|@octokit\/[^/]+|mdast-util-[^/]+|micromark[^/]*|@modelcontextprotocol\/sdk)\//;

export interface Trace {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `[resolved url, parent url]` for every resolution, in order. */
  edges: [string, string][];
}

/** Run the binary under the import tracer and return what it resolved. */
export function traceBin(
  argv: string[],
  opts: { cwd: string; env: Record<string, string>; log: string },
): Trace {
  const r = spawnSync(process.execPath, ['--import', TRACE_HOOK, BIN, ...argv], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env, SPECLOOP_TRACE_IMPORTS: opts.log },
    encoding: 'utf8',
    timeout: 30_000,
  });
  let text = '';
  try {
    text = readFileSync(opts.log, 'utf8');
  } catch {}
  const edges = text
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t') as [string, string]);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, edges: withBundled(edges) };
}

/**
 * Packages bundled into our chunks (tsup.config.ts) are never resolved from node_modules,
 * so the loader hook cannot see them. The build's metafile says which package files each
 * chunk holds: a loaded chunk counts as loading them (an edge from the chunk to each one).
 */
function withBundled(edges: [string, string][]): [string, string][] {
  // The metafile's paths are relative to the package root (bin/..).
  const root = join(dirname(BIN), '..');
  const meta = join(root, 'dist', 'metafile-esm.json');
  if (!existsSync(meta)) return edges;
  const outputs: Record<string, { inputs: Record<string, unknown> }> = JSON.parse(
    readFileSync(meta, 'utf8'),
  ).outputs;
  const inputsOf = new Map<string, string[]>();
  for (const [out, o] of Object.entries(outputs))
    inputsOf.set(
      pathToFileURL(join(root, out)).href,
      Object.keys(o.inputs)
        .filter((i) => i.includes('node_modules/'))
        .map((i) => pathToFileURL(join(root, i)).href),
    );
  const extra: [string, string][] = [];
  for (const [url] of edges) for (const i of inputsOf.get(url) ?? []) extra.push([i, url]);
  return [...edges, ...extra];
}

/** The heavy package behind a module URL (`@ai-sdk/openai`, `ai`, …), or undefined. */
export function heavyPackage(url: string): string | undefined {
  return HEAVY.exec(url)?.[1];
}

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');

/**
 * For each heavy package that was loaded: the chain of importers that first led to it,
 * e.g. `dist/main.js → dist/chunk-X.js → ai/dist/index.mjs` (to name the culprit).
 */
export function heavyChains(edges: [string, string][], root: string): Record<string, string> {
  const parentOf = new Map<string, string>();
  for (const [url, parent] of edges) if (!parentOf.has(url)) parentOf.set(url, parent);
  const out: Record<string, string> = {};
  for (const [url] of edges) {
    const pkg = heavyPackage(url);
    if (!pkg || out[pkg]) continue;
    const chain = [url];
    let cur = parentOf.get(url);
    while (cur && cur !== 'require' && chain.length < 20 && !chain.includes(cur)) {
      chain.unshift(cur);
      cur = parentOf.get(cur);
    }
    out[pkg] = chain.map((u) => short(u).replace(`${join(root, '/')}`, '')).join(' → ');
  }
  return out;
}
