import { defineConfig } from 'tsup';

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
  outDir: process.env.SPECLOOP_BUILD_DIR ?? 'dist',
  external: ['better-sqlite3'],
});
