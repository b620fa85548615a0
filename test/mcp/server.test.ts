import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { git, writeFiles } from '../support/repo.js';
import { makeProject, TITLES } from '../support/run-fixtures.js';
import { startMcp, textOf } from './mcp-client.js';

describe('specloop mcp: what the server offers (SDK client over stdio, built binary)', () => {
  const cleanups = useCleanups();
  const project = () => makeProject(cleanups.tmp('specloop-mcp-'), { commitPlan: true });

  it('lists the tools, the public templates as prompts, and the plan files and last pack as resources', async () => {
    const s = await startMcp(cleanups, project());
    const tools = (await s.client.listTools()).tools;
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'ask',
        'claim_step',
        'land_step',
        'next_step',
        'pack',
        'plan_status',
        'release_step',
        'task',
        'undo_step',
      ].sort(),
    );
    // Descriptions come from src/templates/mcp-tools.md, schemas from zod.
    const land = tools.find((t) => t.name === 'land_step');
    expect(land?.description).toContain('test command');
    expect(land?.inputSchema.required).toEqual(['step']);
    expect(Object.keys(land?.inputSchema.properties ?? {})).not.toContain('testCommand');
    // pack takes the [pack] config keys, but never switches off the secret scan.
    const packArgs = Object.keys(tools.find((t) => t.name === 'pack')?.inputSchema.properties ?? {});
    expect(packArgs).toEqual(
      expect.arrayContaining(['dirs', 'output', 'include', 'ignore', 'style', 'tokenBudget']),
    );
    expect(packArgs).not.toContain('securityCheck');
    const prompts = (await s.client.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toEqual(
      expect.arrayContaining(['code-review', 'github-issues', 'issue-prompts', 'missing-tests', 'readme']),
    );
    expect(prompts).not.toContain('agent-step'); // internal templates stay internal
    const uris = (await s.client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual([
      'specloop://project/spec.md',
      'specloop://project/prompt_plan.md',
      'specloop://project/todo.md',
      'specloop://pack/last',
    ]);
    expect(s.stderr()).toContain('specloop mcp: serving');
  });

  it('plan_status reports done, ready, blocked and next from the plan files', async () => {
    const dir = project();
    writeFiles(dir, {
      'todo.md': `# Todo\n\n- [x] Step 1: ${TITLES[0]}\n- [ ] Step 2: ${TITLES[1]}\n- [ ] Step 3: ${TITLES[2]}\n`,
    });
    git(dir, 'commit', '-qam', 'step 1 by hand');
    const r = await (await startMcp(cleanups, dir)).call('plan_status');
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      total: 3,
      done: [1],
      ready: [2],
      blocked: [{ step: 3, waitingOn: [2] }],
      next: { number: 2, title: TITLES[1] },
      complete: false,
    });
    expect(JSON.parse(textOf(r))).toEqual(r.structuredContent);
  });

  it('bad arguments are MCP errors, not crashes: the server keeps answering', async () => {
    const s = await startMcp(cleanups, project());
    const wrongType = await s.call('next_step', { step: 'two' });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/Invalid arguments for tool next_step.*step/s);
    const missing = await s.call('land_step', {});
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/Invalid arguments for tool land_step/);
    const unknown = await s.call('no_such_tool');
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('no_such_tool');
    // A specloop error carries the CLI's message and hint, and its code as structured content.
    const noStep = await s.call('next_step', { step: 9 });
    expect(noStep.isError).toBe(true);
    expect(textOf(noStep)).toBe('error: the plan has no step 9\nhint: steps are 1, 2, 3: see plan_status');
    expect(noStep.structuredContent).toMatchObject({ error: { code: 'E_NO_STEP', exitCode: 2 } });
    await expect(s.client.getPrompt({ name: 'issue-prompts', arguments: {} })).rejects.toThrow(/issues/);
    await expect(s.client.getPrompt({ name: 'nope' })).rejects.toThrow(/nope/);
    expect((await s.call('plan_status')).isError).toBeFalsy();
  });

  it('errors of the project show the hint the CLI would print (no plan here)', async () => {
    const dir = cleanups.tmp('specloop-mcp-empty-');
    git(dir, 'init', '-q');
    const s = await startMcp(cleanups, dir);
    const r = await s.call('plan_status');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('error: no prompt_plan.md found');
    expect(textOf(r)).toContain('hint: run `specloop plan`');
    const read = s.client.readResource({ uri: 'specloop://project/spec.md' });
    await expect(read).rejects.toMatchObject({ code: -32002 });
    await expect(read).rejects.toThrow(/no spec\.md .*hint: write one with `specloop idea/);
  });

  it('a broken specloop.toml does not stop the server: each call reports it with the hint', async () => {
    const dir = project();
    writeFiles(dir, { 'specloop.toml': '[test]\ncommand = \n' });
    const s = await startMcp(cleanups, dir);
    const r = await s.call('plan_status');
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^error: .*specloop\.toml/);
    expect(r.structuredContent).toMatchObject({ error: { exitCode: 2 } });
    writeFiles(dir, { 'specloop.toml': '[test]\ncommand = "node --test"\n' }); // fixed: no restart needed
    expect((await s.call('plan_status')).isError).toBeFalsy();
  });

  it('resources: the plan files as run finds them, and the pack the pack tool made', async () => {
    const dir = project();
    writeFiles(dir, { 'spec.md': '# Spec\n\nNumbers.\n' });
    const s = await startMcp(cleanups, dir);
    const todo = await s.client.readResource({ uri: 'specloop://project/todo.md' });
    expect(todo.contents[0]).toMatchObject({
      mimeType: 'text/markdown',
      text: expect.stringContaining('- [ ] Step 1'),
    });
    const spec = await s.client.readResource({ uri: 'specloop://project/spec.md' });
    expect(spec.contents[0]).toMatchObject({ text: '# Spec\n\nNumbers.\n' });
    await expect(s.client.readResource({ uri: 'specloop://pack/last' })).rejects.toThrow(/no pack yet/);
    const packed = await s.call('pack', { include: ['src/**'], style: 'markdown' });
    expect(packed.isError).toBeFalsy();
    expect(textOf(packed)).toContain('src/index.js');
    expect(textOf(packed)).not.toContain('test/index.test.js');
    expect(packed.structuredContent).toMatchObject({ totals: { files: 1 } });
    const last = await s.client.readResource({ uri: 'specloop://pack/last' });
    expect(last.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: textOf(packed) });
  });
});
