import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';
import { ENCODINGS, vocabularyFile } from './src/core/pack/tokens/encodings.js';
import { parseTiktoken } from './src/core/pack/tokens/rank-table.js';

const outDir = process.env.SPECLOOP_BUILD_DIR ?? 'dist';

/**
 * The token counter's rank tables, built once here from gpt-tokenizer's vocabulary files
 * (dist/ranks/<encoding>.bin, read by `readRanks` in encodings.ts): a pack then loads its
 * table instead of parsing ~3.6 MB of base64 before its first count.
 */
function writeRankTables(): void {
  mkdirSync(join(outDir, 'ranks'), { recursive: true });
  for (const name of ENCODINGS) {
    const source = readFileSync(vocabularyFile(name));
    writeFileSync(join(outDir, 'ranks', `${name}.bin`), parseTiktoken(source).toBytes(source.length));
  }
}

/**
 * Pure-JS packages nearly every command loads (config schema, TOML/YAML, the CLI parser,
 * the markdown parser behind plans and todos): bundled into our chunks, because Node
 * resolving and reading ~380 small files at start-up cost `specloop status` half of its
 * CPU. Everything else stays in node_modules: native code (better-sqlite3), wasm and
 * files read by path (tree-sitter, the tokenizer's tables, the board's browser assets),
 * and big packages only some commands load (AI SDK, Octokit, MCP, secretlint).
 */
const BUNDLED = [
  /^(zod|yaml|commander|smol-toml|picocolors|ignore)(\/|$)/,
  /^(micromark|mdast-util|unist-util)[^/]*(\/|$)/,
  /^(zwitch|markdown-table|longest-streak|escape-string-regexp|devlop|ccount)(\/|$)/,
  /^(decode-named-character-reference|character-entities)(\/|$)/,
];

// Commands are imported lazily from src/cli/main.ts, so code splitting keeps
// `specloop --help` from loading the AI SDK, git or tokenizer code.
export default defineConfig({
  entry: { main: 'src/cli/main.ts', 'pack-worker': 'src/core/pack/worker.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  // Maps only on request (SPECLOOP_SOURCEMAP=1 for debugging): the published package ships none.
  sourcemap: process.env.SPECLOOP_SOURCEMAP === '1',
  clean: false,
  outDir,
  external: ['better-sqlite3'],
  noExternal: BUNDLED,
  // Bundled CommonJS (commander) calls require() for Node built-ins: give ESM chunks one.
  banner: {
    js: "import { createRequire as __specloopRequire } from 'node:module'; const require = __specloopRequire(import.meta.url);",
  },
  // Which package each chunk holds: the start-up test reads it to see bundled packages.
  metafile: true,
  onSuccess: async () => writeRankTables(),
});
