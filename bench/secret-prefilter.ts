/**
 * `npx tsx bench/secret-prefilter.ts [DIR] [PASSES]`: the secret prefilter's pass over a
 * corpus's text (default: the bench:pack npm corpus, files < 1 MB without NUL, valid UTF-8,
 * trimmed as pack trims them), as a string (hasSecretHint on the decoded text) and as bytes
 * (contentFlags on the Buffer), alternating in one process; prints the min of PASSES
 * (default 10) per form and checks both find the same files. The byte pass (contentFlags)
 * also answers render/xml.ts needsCdataWork, which the string form does not.
 */
import { isUtf8 } from 'node:buffer';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tuneCompilerForPack } from '../src/core/pack/compiler-tuning.js';
import { trimmedRange } from '../src/core/pack/file-text.js';

tuneCompilerForPack(); // as pack runs it (before the pass is compiled)
const { contentFlags, hasSecretHint, SECRET_HINT } = await import('../src/core/pack/secret-prefilter.js');

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
  for (let k = 0; k < bufs.length; k++) if (contentFlags(bufs[k]!, starts[k]!, ends[k]!) & SECRET_HINT) n++;
  return n;
}

type Form = 'string' | 'bytes';
const forms: [Form, () => number][] = [
  ['string', strings],
  ['bytes', ofBytes],
];
/** Min wall and min CPU (user + sys) per form, ms. */
const wall = { string: Infinity, bytes: Infinity };
const cpu = { string: Infinity, bytes: Infinity };
const found = { string: 0, bytes: 0 };
for (let p = 0; p < passes; p++) {
  for (const [name, run] of p % 2 ? [...forms].reverse() : forms) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    found[name] = run();
    const c = process.cpuUsage(c0);
    wall[name] = Math.min(wall[name], performance.now() - t0);
    cpu[name] = Math.min(cpu[name], (c.user + c.system) / 1000);
  }
}
const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(
  `${texts.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${(chars / 1e6).toFixed(1)} M chars; hints: string ${found.string}, bytes ${found.bytes}`,
);
console.log(
  `min of ${passes}: string ${ms(wall.string)} wall, ${ms(cpu.string)} CPU; bytes ${ms(wall.bytes)} wall, ${ms(cpu.bytes)} CPU (${(cpu.string / cpu.bytes).toFixed(2)}x)`,
);
if (found.string !== found.bytes) process.exitCode = 1;
