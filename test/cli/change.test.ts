import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANGE_TODO,
  changePlan,
  isPlanRequest,
  isTodoRequest,
  libraryAgent,
  libraryProject,
} from '../support/change-fixtures.js';
import type { FakeReplyValue, FakeRequest } from '../support/fake-llm-server.js';
import { git } from '../support/repo.js';
import { answer, waitForReview } from './review-support.js';

const REQUEST = "Add pascalCase(input) next to camelCase: pascalCase('foo-bar') returns 'FooBar'";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Plan answers in order (the repairs), then the todo. */
function planner(plans: string[]) {
  let i = 0;
  return (req: FakeRequest): FakeReplyValue => {
    if (isPlanRequest(req)) return plans[Math.min(i++, plans.length - 1)]!;
    if (isTodoRequest(req)) return CHANGE_TODO;
    return libraryAgent(req);
  };
}

describe('specloop change', () => {
  it('packs the code with the function’s file and its test first, and writes the plan with its commit', async () => {
    const p = await libraryProject(planner([changePlan()]));
    cleanup = p.cleanup;
    const r = await p.run(['change', REQUEST, '--no-questions']);
    expect(r.stderr).toContain('wrote changes/add-pascalcase-input-next-camelcase-pascalcase.md');
    expect(r.code).toBe(0);
    const ask = p.fake.requests.find(isPlanRequest)!;
    const prompt = ask.messages.at(-1)!.content;
    expect(prompt).toContain('- index.js (defines camelCase)');
    expect(prompt).toContain('- test.js (tests index.js)');
    expect(prompt).toContain('- words.js (imported by index.js)');
    expect(prompt).toContain('export function splitWords'); // the real code is in the context
    expect(prompt).not.toContain('[llm]'); // specloop.toml stays out of packs
    const slug = 'add-pascalcase-input-next-camelcase-pascalcase';
    const plan = p.read(`changes/${slug}.md`);
    expect(plan.split('\n')[0]).toBe(
      `<!-- specloop: made from the code at tree ${git(p.dir, 'rev-parse', 'HEAD^{tree}')} -->`,
    );
    expect(plan).toContain('## Step 1: pascalCase in index.js');
    expect(p.read(`changes/${slug}.todo.md`)).toBe(CHANGE_TODO);
    expect(p.fake.unexpected).toEqual([]);
    const status = await p.run(['status']);
    expect(status.stdout).toContain(`changes/${slug}.md 0/2 done`);
    expect(status.stdout).toContain(`continue with: specloop run --from changes/${slug}.md`);
  });

  it('sends an answer naming a file that does not exist back for repair', async () => {
    const p = await libraryProject(planner([changePlan({ file: 'src/case.js' }), changePlan()]));
    cleanup = p.cleanup;
    const r = await p.run(['change', REQUEST, '--no-questions', '--name', 'pascal']);
    expect(r.code).toBe(0);
    const repair = p.fake.requests.filter(isPlanRequest)[1]!.messages.at(-1)!.content;
    expect(repair).toContain(
      'Step 1 refers to src/case.js, which is not in the repository and no step up to this one creates it',
    );
    expect(p.read('changes/pascal.md')).toContain('Then add pascalCase to index.js');
  });

  it('refuses, writing nothing, when the model keeps naming a missing file', async () => {
    const p = await libraryProject(planner([changePlan({ file: 'lib/index.js' })]));
    cleanup = p.cleanup;
    const r = await p.run(['change', REQUEST, '--no-questions', '--name', 'pascal']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did not produce a valid changes/pascal.md');
    expect(r.stderr).toContain('refers to lib/index.js, which is not in the repository');
    expect(r.stderr).toContain('did you mean index.js?');
    expect(existsSync(join(p.dir, 'changes'))).toBe(false);
  });

  it('--run lands every step on specloop/<slug>, test-first where asked', async () => {
    const p = await libraryProject(planner([changePlan()]));
    cleanup = p.cleanup;
    const r = await p.run(['change', REQUEST, '--no-questions', '--name', 'pascal', '--run']);
    expect(r.stderr).toContain('step 2');
    expect(r.code).toBe(0);
    expect(git(p.dir, 'branch', '--show-current')).toBe('specloop/pascal');
    const log = git(p.dir, 'log', '--format=%s%n%b%x00', 'main..HEAD');
    expect(log).toContain('Specloop-Step: 1');
    expect(log).toContain('Specloop-Step: 2');
    expect(git(p.dir, 'show', '--stat', '--format=', 'HEAD~1')).toContain('test.js');
    expect(p.read('changes/pascal.todo.md')).toMatch(/- \[x\] Step 1[\s\S]*- \[x\] Step 2/);
    expect(git(p.dir, 'status', '--porcelain')).toBe('');
  });

  it('--run --review stops each green step at the review gate, as `run --review` does', async () => {
    const p = await libraryProject(planner([changePlan()]));
    cleanup = p.cleanup;
    const lone = await p.run(['change', REQUEST, '--no-questions', '--review']);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain('--review goes with --run');
    const running = p.run(['change', REQUEST, '--no-questions', '--name', 'pascal', '--run', '--review']);
    const first = await waitForReview(p.dir, 1, { running });
    expect(first.diff).toContain('+export function pascalCase(input) {');
    expect(git(p.dir, 'log', '--format=%s', 'main..HEAD')).toBe('specloop: add plan');
    await answer(p.dir, first, { action: 'accept' });
    await answer(p.dir, await waitForReview(p.dir, 2, { running }), { action: 'accept' });
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expect(git(p.dir, 'log', '--format=%(trailers:key=Specloop-Step,valueonly)', 'main..HEAD')).toMatch(
      /2\n+1/,
    );
  });

  it('--dry-run prints both files and writes nothing; --json describes the plan', async () => {
    const p = await libraryProject(planner([changePlan()]));
    cleanup = p.cleanup;
    const dry = await p.run(['change', REQUEST, '--no-questions', '--name', 'pascal', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('<!-- changes/pascal.md -->');
    expect(dry.stdout).toContain('## Step 2: Document pascalCase');
    expect(existsSync(join(p.dir, 'changes'))).toBe(false);
    const json = await p.run([
      'change',
      REQUEST,
      '--no-questions',
      '--name',
      'pascal',
      '--json',
      '--include',
      'readme.md',
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      written: true,
      plan: 'changes/pascal.md',
      steps: [
        { number: 1, dependsOn: [] },
        { number: 2, dependsOn: [1] },
      ],
      focus: expect.arrayContaining(['index.js', 'test.js', 'readme.md']),
    });
  });

  it('a bad request is exit 2 with nothing written', async () => {
    const p = await libraryProject(planner([changePlan()]));
    cleanup = p.cleanup;
    const none = await p.run(['change', '--no-questions']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no change request given');
    const both = await p.run(['change', 'x', '--file', 'readme.md']);
    expect(both.code).toBe(2);
    expect(p.fake.requests).toEqual([]);
    expect(existsSync(join(p.dir, 'changes'))).toBe(false);
  });
});

describe('specloop change: clarifying questions without a terminal', () => {
  const Q1 = 'May pascalCase change what camelCase returns?';
  const isQuestion = (req: FakeRequest) =>
    (req.messages.find((m) => m.role === 'system')?.content ?? '').includes('knows this codebase well');

  it('answers from --answers, and --resume plans from the saved answers after a failure', async () => {
    let planOk = false;
    const p = await libraryProject((req) => {
      if (isQuestion(req)) return req.messages.some((m) => m.role === 'assistant') ? '<<SPEC_READY>>' : Q1;
      if (isPlanRequest(req))
        return planOk ? changePlan() : { fault: 'http', status: 400, message: 'bad request' };
      return isTodoRequest(req) ? CHANGE_TODO : libraryAgent(req);
    });
    cleanup = p.cleanup;
    writeFileSync(join(p.dir, 'answers.txt'), 'No, camelCase stays as it is.\n');
    const first = await p.run(['change', REQUEST, '--answers', 'answers.txt', '--name', 'pascal']);
    expect(first.code).toBe(1);
    const id = /specloop change --resume (\S+)/.exec(first.stderr)?.[1];
    expect(id, first.stderr).toBeTruthy();
    expect(existsSync(join(p.dir, 'changes/pascal.md'))).toBe(false);
    planOk = true;
    const again = await p.run(['change', '--resume', id!]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('wrote changes/pascal.md');
    const prompt = p.fake.requests.filter(isPlanRequest).at(-1)!.messages.at(-1)!.content;
    expect(prompt).toContain(`Q: ${Q1}\nA: No, camelCase stays as it is.`);
    expect(p.fake.requests.filter(isQuestion)).toHaveLength(2);
  });
});
