// Entry for running specloop from src/ via `node --import tsx` (see run-process.ts).
const { runMain } = await import('../../src/cli/main.ts');
await runMain();
