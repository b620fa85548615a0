/**
 * `npx tsx bench/tokenizer-floor.ts [DIR] [MB]`: how fast exact o200k token counting can go
 * in one thread, on the text of a corpus (default: the bench:pack npm corpus's first 20 MB of
 * UTF-8 files): specloop's count-only counter against gpt-tokenizer's `countTokens` and, when
 * it is installed (TIKTOKEN_DIR=<dir with node_modules/tiktoken>, not a dependency), the
 * `tiktoken` WASM build of OpenAI's Rust tokenizer. Prints MB/s per core and checks the three
 * totals are equal. The cold pack is bound by this counter (docs/pack.md#speed).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { counterFor } from '../src/core/pack/tokens/counter.js';

const dir = process.argv[2] ?? '/work/corpus/npm';
const limit = Number(process.argv[3] ?? 20) * 1e6;
const texts: string[] = [];
let bytes = 0;
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (bytes >= limit) return;
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && statSync(p).size < 1e6) {
      const b = readFileSync(p);
      if (b.includes(0)) continue;
      texts.push(b.toString('utf8'));
      bytes += b.length;
    }
  }
};
walk(dir);
const time = (label: string, count: (t: string) => number) => {
  count(texts[0] ?? ''); // load and warm
  const t0 = performance.now();
  let total = 0;
  for (const t of texts) total += count(t);
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${label.padEnd(34)} ${total.toLocaleString('en-US').padStart(12)} tokens  ${s.toFixed(2).padStart(6)} s  ${(bytes / 1e6 / s).toFixed(1).padStart(5)} MB/s`,
  );
  return total;
};
console.log(`${texts.length} files, ${(bytes / 1e6).toFixed(1)} MB, one thread\n`);
const ours = await counterFor('o200k_base');
const totals = [time('specloop count-only counter', (t) => ours.count(t))];
// Special-token text (`<|endoftext|>` in a file) is counted as plain text, as a pack does.
totals.push(time('gpt-tokenizer countTokens', (t) => countTokens(t, { disallowedSpecial: new Set() })));
if (process.env.TIKTOKEN_DIR) {
  const { get_encoding } = createRequire(join(process.env.TIKTOKEN_DIR, 'x.js'))('tiktoken');
  const enc = get_encoding('o200k_base');
  totals.push(time('tiktoken (Rust, WASM) encode', (t) => enc.encode(t, [], []).length));
}
console.log(`\ntotals ${new Set(totals).size === 1 ? 'equal' : `DIFFER: ${totals.join(' / ')}`}`);
