import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/repo.js';
import { agentHandler, history, makeProject, TITLES, ticked } from '../support/run-fixtures.js';

describe('editing prompt_plan.md during a run', () => {
  const cleanups = useCleanups();

  it('the edit lands as its own "specloop: update plan" commit; later steps run the new prompt; a landed step whose prompt changed is reported', async () => {
    const dir = makeProject(cleanups.tmp('specloop-midrun-'));
    const handler = agentHandler();
    let edited = false;
    const fake = await cleanups.fakeLlm((req) => {
      // While step 1 is being written, the person edits the plan: step 1's and step 3's prompts.
      if (!edited) {
        edited = true;
        const plan = join(dir, 'prompt_plan.md');
        writeFileSync(
          plan,
          readFileSync(plan, 'utf8')
            .replace('test in test/step3.test.js.', 'test in test/step3.test.js. EDITED-STEP-3')
            .replace('test in test/step1.test.js.', 'test in test/step1.test.js. EDITED-STEP-1'),
        );
      }
      return handler(req as never) as never;
    });
    const r = await runCli(['run'], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() } });
    expect(r.code, r.stderr).toBe(0);
    expect(history(dir)).toEqual([
      'initial||',
      'specloop: add plan||',
      `step 1: ${TITLES[0]}|1|prompt_plan`,
      'specloop: update plan||',
      `step 2: ${TITLES[1]}|2|prompt_plan`,
      `step 3: ${TITLES[2]}|3|prompt_plan`,
    ]);
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~3')).not.toContain('prompt_plan.md');
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~2')).toBe('prompt_plan.md');
    expect(r.stderr).toContain('step 1 already landed and its prompt changed');
    expect(r.stderr).toContain('specloop run --step 1 --redo');
    const step3 = fake.requests.find((q) => q.messages.some((m) => m.content.includes('src/step3.js')));
    expect(step3!.messages.some((m) => m.content.includes('EDITED-STEP-3'))).toBe(true);
    expect(ticked(dir)).toEqual([1, 2, 3]);
  });
});
