import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANGE_TODO, changePlan, isPlanRequest, libraryProject } from '../support/change-fixtures.js';
import { runCli } from '../support/cli.js';
import type { FakeReplyValue, FakeRequest } from '../support/fake-llm-server.js';
import { git } from '../support/repo.js';

const SPEC = [
  '# tiny-case',
  '## Overview',
  'A library that turns words into camelCase (index.js).',
  '## Requirements',
  '1. camelCase("foo-bar") returns "fooBar" (test.js).',
  '## Architecture',
  'index.js uses splitWords from words.js.',
  '## Data handling',
  'None: pure functions on strings.',
  '## Interfaces',
  '`camelCase(input: string): string`',
  '## Error handling',
  'A non-string input throws from String.prototype.split.',
  '## Testing',
  '`node test.js` runs assertions in test.js.',
  '## Open questions',
  '1. Should digits start a new word?',
  '',
].join('\n');

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const lastUser = (req: FakeRequest) => req.messages.filter((m) => m.role === 'user').at(-1)!.content;

describe('specloop spec --from-code', () => {
  it('writes spec.md with every section from a real pack, recording the commit', async () => {
    const p = await libraryProject(() => SPEC);
    cleanup = p.cleanup;
    const r = await p.run(['spec', '--from-code']);
    expect(r.stderr).toContain('wrote spec.md');
    expect(r.code).toBe(0);
    const prompt = lastUser(p.fake.requests[0]!);
    expect(prompt).toContain('export function camelCase');
    expect(prompt).toContain('words.js');
    const spec = p.read('spec.md');
    for (const h of [
      '## Overview',
      '## Requirements',
      '## Architecture',
      '## Interfaces',
      '## Testing',
      '## Open questions',
    ])
      expect(spec).toContain(h);
    expect(spec.trimEnd().split('\n').at(-1)).toBe(
      `<!-- specloop: made from the code at tree ${git(p.dir, 'rev-parse', 'HEAD^{tree}')} -->`,
    );
  });

  it('keeps an existing spec.md and writes spec.2.md, as idea does', async () => {
    const p = await libraryProject(() => SPEC);
    cleanup = p.cleanup;
    writeFileSync(join(p.dir, 'spec.md'), '# mine\n');
    const r = await p.run(['spec', '--from-code', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ spec: 'spec.2.md', numbered: true, written: true });
    expect(p.read('spec.md')).toBe('# mine\n');
    expect(p.read('spec.2.md')).toContain('## Architecture');
  });

  it('sends an answer missing sections back for repair', async () => {
    const replies: FakeReplyValue[] = ['# tiny-case\n## Overview\nA library.\n', SPEC];
    const p = await libraryProject((_req, i) => replies[i] ?? SPEC);
    cleanup = p.cleanup;
    const r = await p.run(['spec', '--from-code']);
    expect(r.code).toBe(0);
    expect(lastUser(p.fake.requests[1]!)).toContain('the section "## Testing" is missing');
  });

  it('without --from-code it explains itself and exits 2', async () => {
    const p = await libraryProject(() => SPEC);
    cleanup = p.cleanup;
    const r = await p.run(['spec']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs --from-code');
    expect(p.fake.requests).toEqual([]);
  });
});

describe('drift', () => {
  it('status warns once the code moved on since the spec was made', async () => {
    const p = await libraryProject(() => SPEC);
    cleanup = p.cleanup;
    expect((await p.run(['spec', '--from-code'])).code).toBe(0);
    git(p.dir, 'add', 'spec.md');
    git(p.dir, 'commit', '-qm', 'spec');
    const fresh = await p.run(['status']);
    expect(fresh.stdout).not.toContain('warning:');
    for (const f of ['index.js', 'words.js']) {
      writeFileSync(join(p.dir, f), `${p.read(f)}\n// edited\n`);
      git(p.dir, 'commit', '-qam', `edit ${f}`);
    }
    const s = await p.run(['status']);
    expect(s.stdout).toMatch(
      /warning: spec\.md was made from commit [0-9a-f]{7}; 2 file\(s\) changed since in 2 commit\(s\)/,
    );
    expect(s.stdout).toContain('specloop spec --from-code --force');
  });

  it('status, from any directory of the project, lists a change plan and warns once the code moved on', async () => {
    const p = await libraryProject((req) => (isPlanRequest(req) ? changePlan() : CHANGE_TODO));
    cleanup = p.cleanup;
    expect((await p.run(['change', 'add pascalCase', '--name', 'pascal', '--no-questions'])).code).toBe(0);
    git(p.dir, 'add', 'changes');
    git(p.dir, 'commit', '-qm', 'plan');
    mkdirSync(join(p.dir, 'sub'));
    const status = () =>
      runCli(['status'], { cwd: join(p.dir, 'sub'), env: { SPECLOOP_HOME: join(p.dir, '.home') } });
    const fresh = await status();
    expect(fresh.stdout).toContain(
      '../changes/pascal.md 0/2 done (specloop run --from ../changes/pascal.md)',
    );
    expect(fresh.stdout).not.toContain('warning:');
    for (const f of ['index.js', 'words.js']) {
      writeFileSync(join(p.dir, f), `${p.read(f)}\n// edited\n`);
      git(p.dir, 'commit', '-qam', `edit ${f}`);
    }
    const s = await status();
    expect(s.stdout).toMatch(
      /warning: \.\.\/changes\/pascal\.md was made from commit [0-9a-f]{7}; 2 file\(s\) changed since in 2 commit\(s\)/,
    );
    expect(s.stdout).toContain('plan the change again with `specloop change`');
  });

  it('status lists a plan drafted in the task drafts dir (issues pull → run --from)', async () => {
    const p = await libraryProject(() => 'unused');
    cleanup = p.cleanup;
    mkdirSync(join(p.dir, '.specloop/out'), { recursive: true });
    writeFileSync(join(p.dir, '.specloop/out/issue-prompts.md'), changePlan());
    writeFileSync(join(p.dir, '.specloop/out/issue-prompts.todo.md'), CHANGE_TODO.replace('[ ]', '[x]'));
    const s = await p.run(['status']);
    expect(s.stdout).toContain('.specloop/out/issue-prompts.md 1/2 done');
    expect(s.stdout).toContain('continue with: specloop run --from .specloop/out/issue-prompts.md');
  });
});
