import { setFlagsFromString } from 'node:v8';

/**
 * How many bytes of bytecode V8's optimizing compiler may inline into one function, in
 * total (V8's default is 920). A cold pack compiles the same hot functions in two isolates
 * while both cores are busy counting, so compile time is taken from the count: with the
 * default, the per-file function (`readText`) inlines the whole counter and is compiled
 * again each time any of it deoptimizes (~320 ms of compile a pack, 6 times). At 300 the
 * counter's small functions are compiled once each on their own, and their loops run as
 * fast. Measured on the 13.8k-file corpus: TurboFan's time 2.2 → 1.35 s, cold pack ~7%
 * less CPU (docs/pack.md, round seven).
 */
const INLINE_BUDGET = 300;

let tuned = false;

/**
 * Set the compiler's inlining budget for this process (flags are process-wide: the pack's
 * workers get it too). Idempotent; only lowers V8's default, never raises it.
 */
export function tuneCompilerForPack(): void {
  if (tuned) return;
  tuned = true;
  // A user's own NODE_OPTIONS / --v8-options choice wins.
  const own = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`;
  if (own.includes('max-inlined-bytecode-size-cumulative')) return;
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BUDGET}`);
}
