import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { makeProject } from '../support/run-fixtures.js';
import { startMcp, textOf } from './mcp-client.js';

describe('specloop mcp: ask, task and the templates as prompts (wire-level fake model)', () => {
  const cleanups = useCleanups();
  const project = () => makeProject(cleanups.tmp('specloop-mcp-llm-'), { commitPlan: true });

  it('ask sends the text through a template to the configured model and returns the answer', async () => {
    const fake = await cleanups.fakeLlm(['Looks fine, one nit.']);
    const s = await startMcp(cleanups, project(), fake.env());
    const r = await s.call('ask', { template: 'code-review', input: 'diff --git a/x b/x\n+const x = 1;\n' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(textOf(r)).toBe('Looks fine, one nit.');
    expect(r.structuredContent).toMatchObject({
      model: 'openai:gpt-4o-mini',
      usage: { inputTokens: expect.any(Number) },
    });
    const [req] = fake.requests;
    expect(req?.messages[0]).toMatchObject({
      role: 'system',
      content: expect.stringContaining('senior engineer'),
    });
    expect(req?.messages.at(-1)?.content).toContain('+const x = 1;');
    expect(fake.unexpected).toEqual([]);
  });

  it('ask with nothing to ask is a usage error with the CLI hint, and no request is sent', async () => {
    const fake = await cleanups.fakeLlm([]);
    const s = await startMcp(cleanups, project(), fake.env());
    const r = await s.call('ask', {});
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^error: nothing to ask.*\nhint: /s);
    expect(fake.requests).toEqual([]);
  });

  it('task over given text returns the answer; with write it packs the repo and writes the task file', async () => {
    const fake = await cleanups.fakeLlm(['# Review\n\nAll good.\n', '# Demo\n\nA demo project.\n']);
    const dir = project();
    const s = await startMcp(cleanups, dir, fake.env());
    const review = await s.call('task', { name: 'code-review', input: 'function f() {}\n', yes: true });
    expect(review.isError, textOf(review)).toBeFalsy();
    expect(textOf(review)).toBe('# Review\n\nAll good.\n');
    expect(fake.requests[0]?.messages.at(-1)?.content).toContain('function f() {}');
    expect(existsSync(join(dir, 'code-review.md'))).toBe(false);

    const readme = await s.call('task', { name: 'readme', write: true, force: true, yes: true });
    expect(readme.isError, textOf(readme)).toBeFalsy();
    expect(textOf(readme)).toBe('readme: wrote .specloop/out/README.md');
    expect(readFileSync(join(dir, '.specloop/out/README.md'), 'utf8')).toBe('# Demo\n\nA demo project.\n');
    expect(fake.requests[1]?.messages.at(-1)?.content).toContain('src/index.js');
  });

  it('a built-in template as an MCP prompt: the given input, or a pack of the repository', async () => {
    const s = await startMcp(cleanups, project());
    const given = await s.client.getPrompt({ name: 'code-review', arguments: { input: 'const y = 2;' } });
    expect(given.messages).toHaveLength(2);
    expect(given.messages[0]?.content).toMatchObject({
      type: 'text',
      text: expect.stringContaining('senior engineer'),
    });
    expect(given.messages[1]?.content).toMatchObject({ text: expect.stringContaining('const y = 2;') });
    const packed = await s.client.getPrompt({ name: 'missing-tests' });
    expect(packed.messages.at(-1)?.content).toMatchObject({
      text: expect.stringMatching(/src\/index\.js[\s\S]*export const name = "demo";/),
    });
  });
});
