/**
 * What `specloop change` spends before its first model answer: packing the repository for
 * the request (focus detection, the context the questions and the plan see). Runs the real
 * `planChange` on a clone of a repository (default: this one) with a scripted model whose
 * plan names real files, `--no-questions`, `--dry-run`, at a token budget (default 110k,
 * tight for this repository). Prints wall time and how many packs ran, per round; never
 * asserted.
 *
 *   npx tsx bench/change-context.ts [-- --repo DIR] [--budget 110000] [--rounds 3] [--compress]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { planChange } from '../src/core/change/index.js';
import { makeTestContext } from '../test/support/context.js';
import { createScriptedLlm } from '../test/support/scripted-llm.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const source = arg('repo', fileURLToPath(new URL('..', import.meta.url)));
const budget = Number(arg('budget', '110000'));
const rounds = Number(arg('rounds', '3'));
const compress = process.argv.includes('--compress');

const tmp = mkdtempSync(join(tmpdir(), 'specloop-bench-change-'));
const repo = join(tmp, 'repo');
execFileSync('git', ['clone', '-q', source, repo]);
const plan = [
  '# Slugs keep digits',
  '',
  'slugFor lives in src/core/change/slug.ts.',
  '',
  '## Step 1: digits in slugFor',
  '',
  'Test-driven: no',
  '',
  '```text',
  'Change slugFor in src/core/change/slug.ts so digits stay. Run the tests.',
  '```',
  '',
].join('\n');
const todo = '# Todo\n\n- [ ] Step 1: digits in slugFor\n';

try {
  for (let r = 1; r <= rounds; r++) {
    let packs = 0;
    const ctx = makeTestContext({
      cwd: repo,
      home: join(tmp, 'home'),
      llm: createScriptedLlm([plan, todo]),
      config: compress ? { pack: { compress: true } } : {},
    });
    ctx.log.debug = (m: string) => {
      if (/^pack: processed at /.test(m)) packs++;
    };
    const t0 = performance.now();
    const res = await planChange(ctx, {
      request: 'make `slugFor` keep digits: "v2 api" → "v2-api"',
      tdd: false,
      questions: false,
      dryRun: true,
      tokenBudget: budget,
    });
    const ms = performance.now() - t0;
    console.log(
      `round ${r}: ${(ms / 1000).toFixed(2)} s, ${packs} pack(s), ${res.context.tokens.toLocaleString('en-US')} tokens of ` +
        `${budget.toLocaleString('en-US')}, ${res.context.packed.length} files in, ${res.context.left.length} left out` +
        (r === 1 ? ' (cold token cache)' : ''),
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
