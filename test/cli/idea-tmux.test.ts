import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import type { FakeLlm, FakeReply } from '../support/fake-llm-server.js';
import { SPEC_READY, SPEC_TEXT, transcriptRecords } from '../support/plan-brainstorm.js';
import { HAS_TMUX, TMUX_BIN, type TmuxRun, tmuxSpecloop } from '../support/plan-tmux.js';
import { writeFiles } from '../support/repo.js';

const Q1 = 'Who will use it, and on which platforms?';
const Q2 = 'Which banks should the CSV import support first?';
const BUILT = existsSync(join(TMUX_BIN, '..', '..', 'dist', 'main.js'));

const SKIP = !HAS_TMUX ? 'tmux is not installed' : !BUILT ? 'dist/ is not built (run npx tsup)' : '';

// The interactive brainstorm in a real terminal: tmux runs the built binary, the test types.
// Each case has its own dir, home, fake model and tmux server, and mostly waits on the
// screen: they run side by side (cleanups after the block, not after each test).
describe.skipIf(SKIP)(
  `specloop idea in a terminal (tmux)${SKIP ? ` — skipped: ${SKIP}` : ''}`,
  { concurrent: true, timeout: 60_000 },
  () => {
    const cleanups = useCleanups('all');

    async function project(replies: FakeReply[], files: Record<string, string> = {}) {
      const dir = cleanups.tmp('specloop-tmux-');
      const home = cleanups.tmp('specloop-home-');
      const fake: FakeLlm = await cleanups.fakeLlm(replies);
      writeFiles(dir, files);
      const start = (args: string[], width?: number): TmuxRun => {
        const run = tmuxSpecloop({ cwd: dir, env: { ...fake.env(), SPECLOOP_HOME: home }, args, width });
        cleanups.push(() => run.close());
        return run;
      };
      return { dir, fake, start };
    }

    it('a bracketed paste of two paragraphs is one answer; the next Enter sends it', async () => {
      const p = await project([Q1, Q2, SPEC_TEXT]);
      const term = p.start(['idea', 'a budget CLI']);
      await term.waitFor(`Q1 ${Q1}`);
      term.paste('Just me, on Linux.\n\nLater maybe my partner, on a Mac.\n');
      term.line('');
      await term.waitFor(`Q2 ${Q2}`);
      term.line('/done');
      expect(await term.waitFor('EXIT=')).toContain('EXIT=0');
      expect(p.fake.requests[1]!.messages.at(-1)!.content).toBe(
        'Just me, on Linux.\n\nLater maybe my partner, on a Mac.',
      );
    });

    it('at 60 columns a long question wraps at word boundaries, never inside a word', async () => {
      const long =
        'Which bank export formats should the import understand first, and should it guess the columns or ask you to map them?';
      const p = await project([long, SPEC_TEXT]);
      const term = p.start(['idea', 'a budget CLI'], 60);
      await term.waitFor('(empty line sends');
      const lines = term.screen().split('\n');
      const at = lines.findIndex((l) => l.startsWith('Q1 '));
      const shown = lines.slice(
        at,
        lines.findIndex((l, i) => i > at && l.startsWith('(empty')),
      );
      expect(shown.length).toBeGreaterThan(1);
      for (const l of shown) expect(l.length).toBeLessThan(60);
      // Every word of the question is whole on some line.
      const words = shown.join(' ').replace(/^Q1 /, '').split(/\s+/).filter(Boolean);
      expect(words.join(' ')).toBe(long);
      term.line('/done');
      expect(await term.waitFor('EXIT=')).toContain('EXIT=0');
    });

    it('streams one question at a time, takes multi-line answers, /done writes spec.md', async () => {
      const p = await project([Q1, Q2, SPEC_TEXT]);
      const term = p.start(['idea', 'a budget CLI']);
      await term.waitFor(`Q1 ${Q1}`);
      await term.waitFor('(empty line sends · /help)');
      term.line('Just me,');
      term.line('on Linux.');
      term.line('');
      await term.waitFor(`Q2 ${Q2}`);
      term.line('/done');
      const screen = await term.waitFor('EXIT=');
      expect(screen).toContain('EXIT=0');
      expect(screen).toContain('wrote spec.md');
      expect(readFileSync(join(p.dir, 'spec.md'), 'utf8')).toBe(SPEC_TEXT);
      expect(p.fake.requests[1]!.messages.at(-1)!.content).toBe('Just me,\non Linux.');
    });

    it('when the model ends the interview, the counter shown while it thought is wiped', async () => {
      const p = await project([Q1, SPEC_READY, SPEC_TEXT]);
      const term = p.start(['idea', 'a budget CLI']);
      await term.waitFor(`Q1 ${Q1}`);
      term.line('Just me.');
      term.line('');
      const screen = await term.waitFor('EXIT=');
      expect(screen).toContain('EXIT=0');
      expect(screen).toContain('questions done after 1 answer: the model has what it needs');
      expect(screen).not.toMatch(/^\s*Q2/m);
    });

    it('Ctrl-C at the prompt saves and exits 130 with the resume hint; --resume continues at the same question', async () => {
      const p = await project([Q1, Q2, SPEC_READY, SPEC_TEXT]);
      const term = p.start(['idea', 'a budget CLI']);
      await term.waitFor(`Q1 ${Q1}`);
      term.line('Just me.');
      term.line('');
      await term.waitFor(`Q2 ${Q2}`);
      term.keys('half an answ');
      term.keys('C-c');
      const screen = await term.waitFor('EXIT=');
      expect(screen).toContain('EXIT=130');
      const { records } = transcriptRecords(p.dir);
      expect(screen).toContain(`resume with: specloop idea --resume ${records[0]!.id}`);

      const again = p.start(['idea', '--resume']);
      await again.waitFor('(resumed, 1 answered)');
      await again.waitFor(`Q2 ${Q2}`);
      expect(p.fake.requests).toHaveLength(2); // the saved question is re-asked, not regenerated
      again.line('ING.');
      again.line('');
      const done = await again.waitFor('EXIT=');
      expect(done).toContain('EXIT=0');
      expect(
        p.fake.requests[2]!.messages.filter((m) => m.role === 'user')
          .slice(1)
          .map((m) => m.content),
      ).toEqual(['Just me.', 'ING.']);
      expect(readFileSync(join(p.dir, 'spec.md'), 'utf8')).toBe(SPEC_TEXT);
    });

    it('Ctrl-C while the model is thinking stops at once with the resume hint', async () => {
      const p = await project([Q1, { fault: 'hang' }]);
      const term = p.start(['idea', 'a budget CLI']);
      await term.waitFor(`Q1 ${Q1}`);
      term.line('Just me.');
      term.line('');
      await term.waitFor(/Q2 thinking…$/m);
      term.keys('C-c');
      const screen = await term.waitFor('EXIT=');
      expect(screen).toContain('EXIT=130');
      expect(screen).toContain('specloop idea --resume');
      expect(transcriptRecords(p.dir).records.map((r) => r.type)).toEqual(['start', 'question', 'answer']);
    });

    it('after kill -9, --resume picks up exactly where it stopped', async () => {
      const p = await project([Q1, Q2, SPEC_READY, SPEC_TEXT]);
      const term = p.start(['idea', 'a budget CLI']);
      await term.waitFor(`Q1 ${Q1}`);
      term.line('Just me.');
      term.line('');
      await term.waitFor(`Q2 ${Q2}`);
      process.kill(term.pid(), 'SIGKILL');
      await term.waitFor('EXIT=137');
      const again = p.start(['idea', '--resume']);
      await again.waitFor(`Q2 ${Q2}`);
      again.line('ING.');
      again.line('');
      expect(await again.waitFor('EXIT=')).toContain('EXIT=0');
      expect(readFileSync(join(p.dir, 'spec.md'), 'utf8')).toBe(SPEC_TEXT);
    });

    it('without an idea argument, asks for the idea first', async () => {
      const p = await project([Q1, SPEC_TEXT]);
      const term = p.start(['idea']);
      await term.waitFor('What do you want to build?');
      term.line('A budget CLI');
      term.line('for bank CSV exports.');
      term.line('');
      await term.waitFor(`Q1 ${Q1}`);
      term.line('/done');
      expect(await term.waitFor('EXIT=')).toContain('EXIT=0');
      expect(p.fake.requests[0]!.messages.at(-1)!.content).toContain('A budget CLI\nfor bank CSV exports.');
    });

    it('asks before replacing an existing spec.md; "n" writes spec.2.md', async () => {
      const p = await project([Q1, SPEC_TEXT], { 'spec.md': 'mine\n' });
      const term = p.start(['idea', 'a budget CLI']);
      await term.waitFor(`Q1 ${Q1}`);
      term.line('/done');
      await term.waitFor('spec.md already exists. Replace it? [y/N]');
      term.line('n');
      expect(await term.waitFor('EXIT=')).toContain('spec.2.md');
      expect(readFileSync(join(p.dir, 'spec.md'), 'utf8')).toBe('mine\n');
      expect(readFileSync(join(p.dir, 'spec.2.md'), 'utf8')).toBe(SPEC_TEXT);
    });
  },
);
