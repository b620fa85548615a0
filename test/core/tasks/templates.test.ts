import { describe, expect, it } from 'vitest';
import { parseIssuesFile } from '../../../src/core/github/index.js';
import { parsePlan } from '../../../src/core/plan/index.js';
import { BUILT_IN_TASKS } from '../../../src/core/tasks/index.js';
import { loadTemplate, renderTemplate } from '../../../src/core/templates/index.js';
import { makeTestContext } from '../../support/context.js';

const ctx = makeTestContext({ cwd: '/nonexistent-project', home: '/nonexistent-home' });

/** The example a template shows the model, between <format> and </format>. */
async function example(name: string): Promise<string> {
  const t = await loadTemplate(ctx, name);
  const m = /<format>\n([\s\S]*?)\n<\/format>/.exec(t.body);
  if (!m) throw new Error(`template ${name} has no <format> example`);
  return m[1]!;
}

describe('built-in task templates', () => {
  it.each(Object.entries(BUILT_IN_TASKS))(
    '%s: a public built-in template that takes the pack as input',
    async (_, spec) => {
      const t = await loadTemplate(ctx, spec.template);
      expect(t.source).toBe('built-in');
      expect(t.internal).toBe(false);
      expect(t.description).toBeTruthy();
      expect(t.variables).toContain('input');
      const vars = { input: 'PACKED-CODE-MARKER', issues: '', review: '', posted: '' };
      const { system, prompt } = renderTemplate(t, vars);
      expect(system).toMatch(/never invent|never from imagination/i);
      expect(prompt).toMatch(/<code>\nPACKED-CODE-MARKER\n<\/code>/);
    },
  );

  it('github-issues shows the model the exact format `issues post` parses', async () => {
    const issues = parseIssuesFile(await example('github-issues'));
    expect(issues.map((i) => [i.title, i.labels])).toEqual([
      ['Config loader ignores a syntax error in the project file', ['bug', 'config']],
      ['Split request parsing out of the router', ['design', 'cleanup']],
    ]);
    expect(issues[0]!.body).toContain('**Done when**');
  });

  it('missing-tests shows the model the same issue format', async () => {
    const [issue] = parseIssuesFile(await example('missing-tests'));
    expect(issue!.labels).toEqual(['tests']);
    expect(issue!.title).toMatch(/^Test /);
  });

  it('issue-prompts shows the model the prompt_plan format `run --from` executes', async () => {
    const plan = parsePlan(await example('issue-prompts'));
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ number: 1, dependsOn: [], explicitDeps: true });
    expect(plan.steps[0]!.prompt).toMatch(/^In src\/config\/load\.ts/);
  });

  it('issue-prompts says where the issues go, and copes with none', async () => {
    const t = await loadTemplate(ctx, 'issue-prompts');
    const { prompt } = renderTemplate(t, {
      input: 'code',
      issues: '## Issue: X\nbody',
      review: '',
      posted: '',
    });
    expect(prompt).toContain('<issues>\n## Issue: X\nbody\n</issues>');
    expect(t.body).toMatch(/If the\s+<issues> block is empty/);
  });
});
