import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeLibrary } from '../support/brownfield-fixtures.js';
import { CHANGE_TODO, changePlan, isPlanRequest, isTodoRequest } from '../support/change-fixtures.js';
import { useCleanups } from '../support/cleanups.js';
import type { FakeReplyValue, FakeRequest } from '../support/fake-llm-server.js';
import { HAS_TMUX, TMUX_BIN, tmuxSpecloop } from '../support/plan-tmux.js';
import { git } from '../support/repo.js';

const Q1 = 'Should pascalCase accept an options object like camelCase might later?';
const BUILT = existsSync(join(TMUX_BIN, '..', '..', 'dist', 'main.js'));
const SKIP = !HAS_TMUX ? 'tmux is not installed' : !BUILT ? 'dist/ is not built (run npx tsup)' : '';

const NEW_SPEC = [
  '# tiny-case',
  ...[
    'Overview',
    'Requirements',
    'Architecture',
    'Data handling',
    'Interfaces',
    'Error handling',
    'Testing',
    'Open questions',
  ].map((h) => `## ${h}\n\nFrom the code.`),
  '',
].join('\n');

const isQuestion = (req: FakeRequest) =>
  (req.messages.find((m) => m.role === 'system')?.content ?? '').includes('knows this codebase well');

describe.skipIf(SKIP)(`specloop change in a terminal (tmux)${SKIP ? ` — skipped: ${SKIP}` : ''}`, () => {
  const cleanups = useCleanups();

  it('asks a clarifying question, takes the answer, then plans with it', async () => {
    const dir = makeLibrary(cleanups.tmp('specloop-tmux-'));
    const home = cleanups.tmp('specloop-home-');
    const fake = await cleanups.fakeLlm((req: FakeRequest): FakeReplyValue => {
      if (isQuestion(req)) return req.messages.some((m) => m.role === 'assistant') ? '<<SPEC_READY>>' : Q1;
      if (isPlanRequest(req)) return changePlan();
      return isTodoRequest(req) ? CHANGE_TODO : 'unexpected';
    });
    const term = tmuxSpecloop({
      cwd: dir,
      env: { ...fake.env(), SPECLOOP_HOME: home },
      args: ['change', 'add pascalCase next to camelCase', '--name', 'pascal'],
    });
    cleanups.push(() => term.close());
    await term.waitFor('specloop change · session');
    await term.waitFor(`Q1 ${Q1}`);
    term.line('No, a plain string argument only.');
    term.line('');
    const screen = await term.waitFor('EXIT=', 30_000);
    expect(screen).toContain('EXIT=0');
    expect(screen).toContain('wrote changes/pascal.md');
    const plan = fake.requests.find(isPlanRequest)!.messages.at(-1)!.content;
    expect(plan).toContain(`Q: ${Q1}\nA: No, a plain string argument only.`);
    expect(readFileSync(join(dir, 'changes/pascal.md'), 'utf8')).toContain(
      '## Step 1: pascalCase in index.js',
    );
    const sessions = (await import('node:fs')).readdirSync(join(dir, '.specloop/change'));
    expect(readFileSync(join(dir, '.specloop/change/.gitignore'), 'utf8')).toBe('*\n');
    const transcript = readFileSync(
      join(dir, '.specloop/change', sessions.find((n) => n.endsWith('.jsonl'))!),
      'utf8',
    );
    expect(transcript).toContain('"type":"spec","path":"changes/pascal.md"');
  });

  it('offers to refresh a stale spec.md after writing the plan, and refreshes it on "y"', async () => {
    const dir = makeLibrary(cleanups.tmp('specloop-tmux-'));
    const home = cleanups.tmp('specloop-home-');
    const tree = git(dir, 'rev-parse', 'HEAD^{tree}');
    writeFileSync(
      join(dir, 'spec.md'),
      `# old spec\n\n<!-- specloop: made from the code at tree ${tree} -->\n`,
    );
    git(dir, 'add', 'spec.md');
    git(dir, 'commit', '-qm', 'spec');
    for (const f of ['index.js', 'words.js']) {
      writeFileSync(join(dir, f), `${readFileSync(join(dir, f), 'utf8')}// edited\n`);
      git(dir, 'commit', '-qam', `edit ${f}`);
    }
    const fake = await cleanups.fakeLlm((req: FakeRequest): FakeReplyValue => {
      if (isQuestion(req)) return '<<SPEC_READY>>';
      if (isPlanRequest(req)) return changePlan();
      if (isTodoRequest(req)) return CHANGE_TODO;
      return NEW_SPEC;
    });
    const term = tmuxSpecloop({
      cwd: dir,
      env: { ...fake.env(), SPECLOOP_HOME: home },
      args: ['change', 'add pascalCase next to camelCase', '--name', 'pascal'],
    });
    cleanups.push(() => term.close());
    await term.waitFor('Refresh spec.md from the code now? [y/N]', 30_000);
    term.line('y');
    const screen = await term.waitFor('EXIT=', 30_000);
    expect(screen).toContain('EXIT=0');
    expect(readFileSync(join(dir, 'spec.md'), 'utf8')).toContain('## Open questions');
  });
});
