import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE, greenfieldScript, walkthrough } from '../support/e2e-greenfield.js';
import { binIn, makeNodeProject } from '../support/e2e-project.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm-server.js';
import { git, tempDir } from '../support/repo.js';

/**
 * The sample outputs of docs/tutorial.md are what the commands print. Every `text` block
 * that starts with `$ command` is a sample: its lines must be the command's output (stdout,
 * then stderr), line for line, where a line `…` stands for any lines, a commit id for any
 * commit id of that length, and a version number (1.2.3) for any version. The commands run
 * against the greenfield walkthrough of Loop 1 (the built binary, the fake model), in the
 * state the tutorial is in when it shows them.
 */

const TUTORIAL = readFileSync(new URL('../../docs/tutorial.md', import.meta.url), 'utf8');

interface Sample {
  command: string;
  lines: string[];
}

function samples(): Sample[] {
  return [...TUTORIAL.matchAll(/```text\n(\$ [^\n]+)\n([\s\S]*?)```/g)].map((m) => ({
    command: m[1]!.slice(2),
    lines: m[2]!.replace(/\n$/, '').split('\n'),
  }));
}

/** One sample line as a regex: commit ids and versions are wildcards, the rest literal. */
function lineRe(line: string): string {
  return line
    .split(/((?=[0-9a-f]*\d)\b[0-9a-f]{7,40}\b|\b\d+\.\d+\.\d+\b)/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return /^\d+\.\d+\.\d+$/.test(part) ? '\\d+\\.\\d+\\.\\d+' : `[0-9a-f]{${part.length}}`;
    })
    .join('');
}

/** The sample's lines against the output's (trailing spaces ignored), `…` matching any lines. */
function expectSample(s: Sample, output: string): void {
  const text = `${output
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')}\n`;
  const re = s.lines.map((l) => (l === '…' ? '(?:[^\\n]*\\n)*?' : `${lineRe(l.trimEnd())}\\n`)).join('');
  expect(new RegExp(`^${re}$`).test(text), `docs/tutorial.md: \`${s.command}\` prints\n${text}`).toBe(true);
}

/** The sample whose `$` line is exactly `command`. */
function sample(command: string): Sample {
  const s = samples().find((x) => x.command === command);
  if (!s) throw new Error(`docs/tutorial.md has no sample for \`${command}\``);
  return s;
}

describe('the tutorial shows what the commands print (docs/tutorial.md samples)', () => {
  const t = tempDir('specloop-e2e-tutorial-');
  const repo = join(t.dir, 'adder');
  let fake: FakeLlm;
  let env: Record<string, string>;
  let statusOut = '';

  beforeAll(async () => {
    mkdirSync(repo);
    mkdirSync(join(t.dir, 'home'));
    makeNodeProject(repo);
    git(repo, 'commit', '-q', '--amend', '-m', 'empty project');
    const answers = join(t.dir, 'answers.txt');
    writeFileSync(answers, ANSWERS_FILE);
    const s = greenfieldScript({ runTests: false });
    fake = await startFakeLlm([...s.idea, ...s.plan, ...s.run]);
    env = { ...fake.env(), SPECLOOP_HOME: join(t.dir, 'specloop-home'), HOME: join(t.dir, 'home') };
    const walk = await walkthrough(repo, env, [], answers);
    statusOut = walk.steps.find((x) => x.argv.join(' ') === 'status')!.result.stdout;
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
    t.cleanup();
  });

  it('every sample is one this test runs', () => {
    expect(samples().map((s) => s.command)).toEqual([
      'specloop doctor',
      'specloop status',
      "git log --format='%s  %(trailers:key=Specloop-Step,valueonly,separator=)'",
      'specloop undo 2',
    ]);
  });

  it('`specloop status` after `specloop plan`', () => {
    expectSample(sample('specloop status'), statusOut);
  });

  it('`specloop doctor`', async () => {
    const r = await binIn(repo, env)(['doctor']);
    expect(r.code, r.stderr).toBe(0);
    expectSample(sample('specloop doctor'), r.stdout + r.stderr);
  });

  it('the history after `specloop run --all`, then `specloop undo 2`', async () => {
    const log = sample("git log --format='%s  %(trailers:key=Specloop-Step,valueonly,separator=)'");
    expectSample(log, execFileSync('sh', ['-c', log.command], { cwd: repo, encoding: 'utf8' }));
    const r = await binIn(repo, env)(['undo', '2']);
    expect(r.code, r.stderr).toBe(0);
    expectSample(sample('specloop undo 2'), r.stdout + r.stderr);
    // "`specloop status` now says `next: Step 2`"
    expect(TUTORIAL).toContain('`specloop status`\nnow says `next: Step 2`');
    expect((await binIn(repo, env)(['status'])).stdout).toContain('next:    Step 2: Command-line entry');
  });
});
