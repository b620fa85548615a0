#!/usr/bin/env node
// Thin entry: install last-resort handlers, then load the CLI. Nothing heavy is imported here.
process.on('unhandledRejection', (err) => {
  process.stderr.write(`specloop: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
const { runMain } = await import('../dist/main.js');
await runMain();
