/**
 * `npx tsx bench/secret-prefilter.ts [DIR] [PASSES]`: the secret prefilter's pass over a
 * corpus's text (default: the bench:pack npm corpus, files < 1 MB without NUL, valid UTF-8,
 * trimmed as pack trims them), as a string (hasSecretHint on the decoded text) and as bytes
 * (hasSecretHintBytes on the Buffer), alternating in one process; prints the min of PASSES
 * (default 10) per form and checks both find the same files.
 */
import { isUtf8 } from 'node:buffer';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { trimmedRange } from '../src/core/pack/file-text.js';
import { hasSecretHint, hasSecretHintBytes } from '../src/core/pack/secret-prefilter.js';

const dir = process.argv[2] ?? '/work/corpus/npm';
const passes = Number(process.argv[3] ?? 10);
const bufs: Buffer[] = [];
const starts: number[] = [];
const ends: number[] = [];
const texts: string[] = [];
let bytes = 0;
let chars = 0;
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && statSync(p).size < 1e6) {
      const b = readFileSync(p);
      if (b.includes(0) || !isUtf8(b)) continue;
      const [s, t] = trimmedRange(b);
      bufs.push(b);
      starts.push(s);
      ends.push(t);
      texts.push(b.toString('utf8', s, t));
      bytes += t - s;
      chars += texts[texts.length - 1]!.length;
    }
  }
};
walk(dir);

function strings(): number {
  let n = 0;
  for (const t of texts) if (hasSecretHint(t)) n++;
  return n;
}
function ofBytes(): number {
  let n = 0;
  for (let k = 0; k < bufs.length; k++) if (hasSecretHintBytes(bufs[k]!, starts[k]!, ends[k]!)) n++;
  return n;
}

const best = { string: Infinity, bytes: Infinity };
let found: { string?: number; bytes?: number } = {};
for (let p = 0; p < passes; p++) {
  for (const [name, run] of p % 2
    ? ([
        ['bytes', ofBytes],
        ['string', strings],
      ] as const)
    : ([
        ['string', strings],
        ['bytes', ofBytes],
      ] as const)) {
    const t0 = performance.now();
    const n = run();
    const ms = performance.now() - t0;
    best[name] = Math.min(best[name], ms);
    found = { ...found, [name]: n };
  }
}
console.log(
  `${texts.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${(chars / 1e6).toFixed(1)} M chars; hints: string ${found.string}, bytes ${found.bytes}`,
);
console.log(
  `min of ${passes}: string ${best.string.toFixed(1)} ms, bytes ${best.bytes.toFixed(1)} ms (${(best.string / best.bytes).toFixed(2)}x)`,
);
if (found.string !== found.bytes) process.exitCode = 1;
