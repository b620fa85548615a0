import { afterEach, describe, expect, it } from 'vitest';
import { type planProject as PP, planProject } from '../support/plan-cli.js';
import { VALID_PLAN, VALID_TODO } from '../support/plan-fixtures.js';

/** VALID_PLAN with Step 2's prompt block removed: one validation problem. */
const NO_PROMPT_PLAN = VALID_PLAN.replace(
  '```text\nWrite failing tests for countWords(text), then implement it in src/count.ts.\n```\n',
  '',
);

describe('specloop plan', () => {
  let project: Awaited<ReturnType<typeof PP>> | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });
  const setup = async (opts: Parameters<typeof PP>[0]) => (project = await planProject(opts));

  it('writes prompt_plan.md and todo.md from spec.md (2 model calls)', async () => {
    const p = await setup({ replies: [VALID_PLAN, VALID_TODO] });
    const r = await p.run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.read('prompt_plan.md')).toBe(VALID_PLAN);
    expect(p.read('todo.md')).toBe(VALID_TODO);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('wrote prompt_plan.md and todo.md: 4 steps');
    expect(p.fake.requests).toHaveLength(2);
    expect(p.fake.unexpected).toEqual([]);
  });

  it('sends the spec with the test-first planning prompt, then the plan to the todo prompt', async () => {
    const p = await setup({ replies: [VALID_PLAN, VALID_TODO] });
    await p.run(['plan']);
    const [planReq, todoReq] = p.fake.requests;
    const user = planReq!.messages.find((m) => m.role === 'user')!.content;
    expect(user).toContain('counts words in the files');
    expect(user).toMatch(/Test first/);
    expect(user).toContain('Depends on:');
    expect(planReq!.messages[0]!.role).toBe('system');
    const todoUser = todoReq!.messages.find((m) => m.role === 'user')!.content;
    expect(todoUser).toContain('- [ ] Step 4: Wire the CLI');
    expect(todoUser).toContain('Add bin/wc.js');
  });

  it('--no-tdd uses the plain planning prompt', async () => {
    const p = await setup({ replies: [VALID_PLAN, VALID_TODO] });
    const r = await p.run(['plan', '--no-tdd']);
    expect(r.code, r.stderr).toBe(0);
    const user = p.fake.requests[0]!.messages.find((m) => m.role === 'user')!.content;
    expect(user).not.toMatch(/Test first/);
    expect(user).toMatch(/Verifiable/);
  });

  it('--model picks the model for both calls', async () => {
    const p = await setup({ replies: [VALID_PLAN, VALID_TODO] });
    const r = await p.run(['plan', '--model', 'openai:o3-mini']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.fake.requests.map((q) => q.model)).toEqual(['o3-mini', 'o3-mini']);
  });

  it('a malformed plan is sent back with the exact problems and the repair is written', async () => {
    const p = await setup({ replies: [NO_PROMPT_PLAN, VALID_PLAN, VALID_TODO] });
    const r = await p.run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('prompt_plan.md:13: Step 2 has no ```text prompt block');
    const repair = p.fake.requests[1]!.messages;
    expect(repair.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(repair[2]!.content).toBe(NO_PROMPT_PLAN);
    expect(repair[3]!.content).toContain('prompt_plan.md:13: Step 2 has no ```text prompt block');
    expect(p.read('prompt_plan.md')).toBe(VALID_PLAN);
  });

  it('a plan that never becomes valid: exit 1 naming the problem, no files written', async () => {
    const p = await setup({ replies: [NO_PROMPT_PLAN, NO_PROMPT_PLAN, NO_PROMPT_PLAN] });
    const r = await p.run(['plan']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did not produce a valid prompt_plan.md (3 attempts); nothing was written');
    expect(r.stderr).toContain('Step 2 has no ```text prompt block');
    expect(p.read('prompt_plan.md')).toBeUndefined();
    expect(p.read('todo.md')).toBeUndefined();
    expect(p.fake.requests).toHaveLength(3);
  });

  it('--repairs 0 gives up after the first malformed answer', async () => {
    const p = await setup({ replies: [NO_PROMPT_PLAN] });
    const r = await p.run(['plan', '--repairs', '0']);
    expect(r.code).toBe(1);
    expect(p.fake.requests).toHaveLength(1);
  });

  it('a todo.md that disagrees with the plan is repaired', async () => {
    const badTodo = VALID_TODO.replace('Step 3: Read files', 'Step 3: Read stdin');
    const p = await setup({ replies: [VALID_PLAN, badTodo, VALID_TODO] });
    const r = await p.run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.fake.requests[2]!.messages.at(-1)!.content).toContain(
      'Step 3 has different titles: prompt_plan.md line 21 says "Read files", todo.md line 8 says "Read stdin"',
    );
    expect(p.read('todo.md')).toBe(VALID_TODO);
  });

  it('a todo.md that never becomes valid falls back to one derived from the plan, with a warning', async () => {
    const p = await setup({ replies: [VALID_PLAN, 'just prose', 'still prose', 'nope'] });
    const r = await p.run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('never produced a valid todo.md');
    expect(p.read('todo.md')).toContain('- [ ] Step 4: Wire the CLI');
  });

  it('unwraps a plan the model put inside a ```markdown fence', async () => {
    const p = await setup({ replies: [`\`\`\`markdown\n${VALID_PLAN}\`\`\`\n`, VALID_TODO] });
    const r = await p.run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.read('prompt_plan.md')).toBe(VALID_PLAN);
  });

  it('--dry-run prints both files to stdout and writes nothing', async () => {
    const p = await setup({ replies: [VALID_PLAN, VALID_TODO] });
    const r = await p.run(['plan', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<!-- prompt_plan.md -->\n# Word counter CLI');
    expect(r.stdout).toContain('<!-- todo.md -->\n# Todo');
    expect(p.read('prompt_plan.md')).toBeUndefined();
  });

  it('--json prints the steps and the DAG', async () => {
    const p = await setup({ replies: [VALID_PLAN, VALID_TODO] });
    const r = await p.run(['plan', '--json', '-o', 'plan.md', '--todo', 'tasks.md']);
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data).toMatchObject({ written: true, plan: 'plan.md', todo: 'tasks.md', calls: 2 });
    expect(data.steps[3]).toEqual({ number: 4, title: 'Wire the CLI', dependsOn: [2, 3] });
    expect(p.read('plan.md')).toBe(VALID_PLAN);
  });

  it('missing spec.md: exit 2 with the `specloop idea` hint, no model call', async () => {
    const p = await setup({ replies: [], files: {} });
    const r = await p.run(['plan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spec.md not found');
    expect(r.stderr).toContain('specloop idea');
    expect(p.fake.requests).toHaveLength(0);
  });

  it('empty spec.md: exit 2', async () => {
    const p = await setup({ replies: [], files: { 'spec.md': ' \n\n' } });
    const r = await p.run(['plan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spec.md is empty');
  });

  it('an existing prompt_plan.md is kept: exit 2 with the --force hint, no model call', async () => {
    const p = await setup({ replies: [], files: { 'spec.md': 'spec', 'prompt_plan.md': 'mine\n' } });
    const r = await p.run(['plan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prompt_plan.md already exists');
    expect(r.stderr).toContain('--force');
    expect(p.read('prompt_plan.md')).toBe('mine\n');
    expect(p.fake.requests).toHaveLength(0);
  });

  it('--force replaces existing files', async () => {
    const p = await setup({
      replies: [VALID_PLAN, VALID_TODO],
      files: { 'spec.md': 'spec', 'prompt_plan.md': 'mine\n', 'todo.md': 'old\n' },
    });
    const r = await p.run(['plan', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.read('prompt_plan.md')).toBe(VALID_PLAN);
    expect(p.read('todo.md')).toBe(VALID_TODO);
  });
});
