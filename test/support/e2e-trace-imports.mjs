// Trace every module a Node process loads, for the start-up test:
//   SPECLOOP_TRACE_IMPORTS=/tmp/log node --import ./e2e-trace-imports.mjs bin/specloop.js --help
// Each line of the log is `<resolved url>\t<parent url>`. ESM imports (static and dynamic,
// including `import` of CommonJS packages) are seen by the resolve hook below, which runs on
// the loader thread; CommonJS `require()` calls are not, so at exit the main thread also
// appends every file in the CommonJS module cache (parent "require").
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

let logFile;

/** Loader-thread hook: receives the log path from `register`'s `data`. */
export function initialize(data) {
  logFile = data?.logFile;
}

/** Loader-thread hook: log what each specifier resolved to, and who imported it. */
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (logFile) appendFileSync(logFile, `${result.url}\t${context.parentURL ?? ''}\n`);
  return result;
}

if (isMainThread && process.env.SPECLOOP_TRACE_IMPORTS) {
  const file = process.env.SPECLOOP_TRACE_IMPORTS;
  register(import.meta.url, { data: { logFile: file } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const lines = Object.keys(require.cache).map((p) => `${pathToFileURL(p).href}\trequire\n`);
    if (lines.length) appendFileSync(file, lines.join(''));
  });
}
