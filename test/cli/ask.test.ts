import { afterEach, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import type { FakeLlm } from '../support/fake-llm-server.js';
import { writeFiles } from '../support/repo.js';

let fake: FakeLlm | undefined;
const cleanups = useCleanups();
// Tests without a server of their own must not see the previous test's.
afterEach(() => {
  fake = undefined;
});
const tmp = (): string => cleanups.tmp();

/** Run `specloop ask …` against the fake server with a hermetic home. */
async function askCli(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string } = {},
) {
  const dir = opts.cwd ?? tmp();
  return runCli(['ask', ...argv], {
    cwd: dir,
    stdin: opts.stdin,
    env: { SPECLOOP_HOME: dir, ...fake?.env(), ...opts.env },
  });
}

describe('specloop ask', () => {
  it('streams the answer to stdout and nothing else', async () => {
    fake = await cleanups.fakeLlm(['Paris is the capital.']);
    const r = await askCli(['capital of France?']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Paris is the capital.\n');
    expect(fake.requests[0]!.stream).toBe(true);
    expect(fake.requests[0]!.messages).toEqual([{ role: 'user', content: 'capital of France?' }]);
  });

  it('joins stdin and the prompt', async () => {
    fake = await cleanups.fakeLlm(['ok']);
    await askCli(['why does this fail?'], { stdin: 'Error: boom\n' });
    expect(fake.requests[0]!.messages[0]!.content).toBe('Error: boom\n\nwhy does this fail?');
  });

  it('--no-stream makes one JSON request', async () => {
    fake = await cleanups.fakeLlm(['whole answer']);
    const r = await askCli(['--no-stream', 'q']);
    expect(r.stdout).toBe('whole answer\n');
    expect(fake.requests[0]!.stream).toBe(false);
  });

  it('--json prints text, model, usage and cost', async () => {
    fake = await cleanups.fakeLlm([{ text: '4', usage: { inputTokens: 10, outputTokens: 1 } }]);
    const r = await askCli(['--json', '2+2?']);
    expect(JSON.parse(r.stdout)).toEqual({
      text: '4',
      model: 'openai:gpt-4o-mini',
      usage: { inputTokens: 10, outputTokens: 1 },
      cost: expect.closeTo((10 * 0.15 + 0.6) / 1e6, 12),
    });
  });

  it('-s and -m set the system prompt and model', async () => {
    fake = await cleanups.fakeLlm(['ok']);
    await askCli(['-s', 'be terse', '-m', 'openai:gpt-4.1', 'hi']);
    expect(fake.requests[0]!.model).toBe('gpt-4.1');
    expect(fake.requests[0]!.messages[0]).toEqual({ role: 'system', content: 'be terse' });
  });

  it('fills a template from stdin and -p, with its system prompt and model', async () => {
    fake = await cleanups.fakeLlm(['Bonjour']);
    const dir = tmp();
    writeFiles(dir, {
      '.specloop/templates/translate.md':
        '---\nsystem: You translate into {{lang}}.\nmodel: openai:gpt-4.1-mini\n---\nTranslate:\n{{input}}\n',
    });
    const r = await askCli(['-t', 'translate', '-p', 'lang', 'French'], { cwd: dir, stdin: 'Good morning' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Bonjour\n');
    expect(fake.requests[0]!.model).toBe('gpt-4.1-mini');
    expect(fake.requests[0]!.messages).toEqual([
      { role: 'system', content: 'You translate into French.' },
      { role: 'user', content: 'Translate:\nGood morning' },
    ]);
  });

  it('a PROMPT after -p NAME VALUE is still the prompt', async () => {
    fake = await cleanups.fakeLlm(['ok']);
    const dir = tmp();
    writeFiles(dir, { '.specloop/templates/t.md': 'In {{lang}}: {{input}}' });
    await askCli(['-t', 't', '-p', 'lang', 'French', 'good night'], { cwd: dir });
    expect(fake.requests[0]!.messages[0]!.content).toBe('In French: good night');
  });

  it('a template needing input with empty stdin exits 2 without calling the model', async () => {
    fake = await cleanups.fakeLlm([]);
    const r = await askCli(['-t', 'summarize'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('input');
    expect(fake.requests).toHaveLength(0);
  });

  it('an unknown template exits 2', async () => {
    fake = await cleanups.fakeLlm([]);
    const r = await askCli(['-t', 'no-such-template', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-template');
  });

  it('nothing to ask exits 2', async () => {
    fake = await cleanups.fakeLlm([]);
    const r = await askCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to ask');
  });

  it('no key exits 2 naming OPENAI_API_KEY and `specloop keys set`', async () => {
    fake = await cleanups.fakeLlm([]);
    const r = await askCli(['hi'], { env: { OPENAI_API_KEY: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OPENAI_API_KEY');
    expect(r.stderr).toContain('specloop keys set openai');
    expect(r.stdout).toBe('');
  });

  it('an unknown provider exits 2 listing the known ones', async () => {
    const r = await askCli(['-m', 'mistral:large', 'hi']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('openai, anthropic, ollama, openai-compatible');
  });

  it('a model error after retries exits 1 with the cause on stderr', async () => {
    fake = await cleanups.fakeLlm([{ fault: '500' }, { fault: '500' }]);
    const dir = tmp();
    writeFiles(dir, { 'specloop.toml': '[llm]\nmaxRetries = 1\nretryBaseMs = 1\n' });
    const r = await askCli(['hi'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HTTP 500');
    expect(r.stdout).toBe('');
  });

  it('refuses a prompt above confirmCostOver without --yes (exit 2), sends it with --yes', async () => {
    fake = await cleanups.fakeLlm(['ok']);
    const dir = tmp();
    writeFiles(dir, { 'specloop.toml': 'confirmCostOver = 0.0000001\n' });
    const refused = await askCli(['a long enough question'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(fake.requests).toHaveLength(0);
    const sent = await askCli(['--yes', 'a long enough question'], { cwd: dir });
    expect(sent.code).toBe(0);
  });

  it('talks to Anthropic through ANTHROPIC_BASE_URL', async () => {
    fake = await cleanups.fakeLlm(['from claude']);
    const r = await askCli(['hi'], { env: fake.env('anthropic') });
    expect(r.stdout).toBe('from claude\n');
    expect(fake.requests[0]!.path).toBe('/v1/messages');
  });

  it('an unreachable endpoint exits 1 after retries, naming the URL', async () => {
    const dir = tmp();
    writeFiles(dir, { 'specloop.toml': '[llm]\nmaxRetries = 1\nretryBaseMs = 1\n' });
    const r = await askCli(['hi'], {
      cwd: dir,
      env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('http://127.0.0.1:9/v1');
    expect(r.stderr).toContain('after 2 attempts');
    expect(r.stdout).toBe('');
  });

  it('a stream cut mid-answer is retried and stdout holds the answer once', async () => {
    fake = await cleanups.fakeLlm([{ fault: 'cut' }, 'this stream is cut off mid-way']);
    const r = await askCli(['q'], { env: { SPECLOOP_DEBUG: undefined } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('this stream is cut off mid-way\n');
    expect(r.stderr).toContain('retry 1/3');
  });
});
