import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git } from '../support/repo.js';
import { agentHandler, history, makeProject, TITLES, ticked } from '../support/run-fixtures.js';
import { answer, waitForReview } from './review-support.js';

describe('editing prompt_plan.md while a step runs', () => {
  const cleanups = useCleanups();

  // Nobody can tell a person's edit made while an attempt runs from the agent's (or from the
  // test code it wrote): the integrity rule (issue 13) undoes it — and keeps it, never loses it.
  it('an edit made while a step runs is set aside, not committed and not lost; the run says where it is', async () => {
    const dir = makeProject(cleanups.tmp('specloop-midrun-'));
    const handler = agentHandler();
    let edited = false;
    const fake = await cleanups.fakeLlm((req) => {
      // While step 1 is being written, the plan changes: step 1's and step 3's prompts.
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
      `step 2: ${TITLES[1]}|2|prompt_plan`,
      `step 3: ${TITLES[2]}|3|prompt_plan`,
    ]);
    for (const rev of ['HEAD', 'HEAD~1', 'HEAD~2'])
      expect(git(dir, 'show', '--name-only', '--format=', rev)).not.toContain('prompt_plan.md');
    expect(readFileSync(join(dir, 'prompt_plan.md'), 'utf8')).not.toContain('EDITED');
    const where = /the discarded versions are in (\S+)/.exec(r.stderr)?.[1];
    expect(where, r.stderr).toBeDefined();
    expect(readFileSync(join(dir, where as string, 'prompt_plan.md'), 'utf8')).toContain('EDITED-STEP-3');
    const step3 = fake.requests.find((q) => q.messages.some((m) => m.content.includes('src/step3.js')));
    expect(step3!.messages.some((m) => m.content.includes('EDITED-STEP-3'))).toBe(false);
    expect(ticked(dir)).toEqual([1, 2, 3]);
  });

  // Between steps — here while step 1 waits at the review gate — the plan is the person's:
  // the edit lands as its own commit and the next steps run what it says.
  it('an edit made while the run waits between steps lands as "specloop: update plan"; later steps run it', async () => {
    const dir = makeProject(cleanups.tmp('specloop-between-'));
    const fake = await cleanups.fakeLlm(agentHandler());
    const run = runCli(['run', '--review'], {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, '.home'), ...fake.env() },
    });
    for (const step of [1, 2, 3]) {
      const p = await waitForReview(dir, step, { running: run });
      if (step === 1) {
        const plan = join(dir, 'prompt_plan.md');
        writeFileSync(
          plan,
          readFileSync(plan, 'utf8')
            .replace('test in test/step1.test.js.', 'test in test/step1.test.js. EDITED-STEP-1')
            .replace('test in test/step3.test.js.', 'test in test/step3.test.js. EDITED-STEP-3'),
        );
      }
      await answer(dir, p, { action: 'accept' });
    }
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(history(dir)).toEqual([
      'initial||',
      'specloop: add plan||',
      `step 1: ${TITLES[0]}|1|prompt_plan`,
      'specloop: update plan||',
      `step 2: ${TITLES[1]}|2|prompt_plan`,
      `step 3: ${TITLES[2]}|3|prompt_plan`,
    ]);
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD~2')).toBe('prompt_plan.md');
    // Step 1 had landed with its old prompt: it keeps its tick, and the run says how to redo it.
    expect(r.stderr).toContain(
      'step 1 already landed and its prompt changed: it keeps its tick; `specloop run --step 1 --redo` runs it again',
    );
    const step3 = fake.requests.find((q) => q.messages.some((m) => m.content.includes('src/step3.js')));
    expect(step3!.messages.some((m) => m.content.includes('EDITED-STEP-3'))).toBe(true);
    expect(ticked(dir)).toEqual([1, 2, 3]);
  });
});
