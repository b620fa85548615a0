import { afterEach, describe, expect, it } from 'vitest';
import { SPEC_READY, SPEC_TEXT } from '../support/plan-brainstorm.js';
import { type planProject as PP, planProject } from '../support/plan-cli.js';

/** A model's question that carries terminal escapes is shown without them. */
describe('specloop idea: model questions on the terminal', () => {
  let project: Awaited<ReturnType<typeof PP>> | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });

  it('OSC 52 clipboard writes, titles and cursor moves in a question never reach stderr', async () => {
    const hostile = 'Which bank first?\u001b]52;c;cm0gLXJmIH4K\u0007\u001b]0;owned\u0007\u001b[2J\u001b[1A';
    project = await planProject({
      replies: [hostile, SPEC_READY, SPEC_TEXT],
      files: { 'answers.txt': 'ING.\n', 'specloop.toml': '[llm]\nmaxRetries = 0\n' },
    });
    const r = await project.run(['idea', 'a budget CLI', '--answers', 'answers.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Q1 Which bank first?');
    expect(r.stderr).not.toMatch(/[\u0007\u001b]/);
  });
});
