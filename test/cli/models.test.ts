import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { writeFiles } from '../support/repo.js';

const cleanups = useCleanups();
const home = (): string => cleanups.tmp();

describe('specloop models', () => {
  it('shows roles resolved through the default, providers and prices', async () => {
    const dir = home();
    writeFiles(dir, {
      'specloop.toml': '[models]\ndefault = "openai:gpt-4.1"\nplan = "anthropic:claude-opus-4-1"\n',
    });
    const r = await runCli(['models'], {
      cwd: dir,
      env: { SPECLOOP_HOME: dir, OPENAI_API_KEY: 'sk-not-shown' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}plan\s+anthropic:claude-opus-4-1$/m);
    expect(r.stdout).toMatch(/^ {2}code\s+openai:gpt-4\.1 {2}\(default\)$/m);
    expect(r.stdout).toMatch(
      /openai\s+https:\/\/api\.openai\.com\/v1 \(chat API\) {2}key from OPENAI_API_KEY/,
    );
    expect(r.stdout).toMatch(/anthropic .*no key/);
    expect(r.stdout).toMatch(/openai:gpt-4o-mini\s+0\.15 \/ 0\.6/);
    expect(r.stdout).not.toContain('sk-not-shown');
  });

  it('--json includes config prices and compatible endpoints', async () => {
    const dir = home();
    // The global config (SPECLOOP_HOME): a project file setting an endpoint would need `specloop trust`.
    writeFiles(dir, {
      'config.toml':
        '[prices."openai-compatible:local:m"]\ninput = 1\noutput = 2\n[providers.compatible.local]\nbaseURL = "http://127.0.0.1:9/v1"\n',
    });
    const r = await runCli(['models', '--json'], {
      cwd: dir,
      env: { SPECLOOP_HOME: dir, SPECLOOP_MODEL: 'ollama:llama3', OLLAMA_HOST: 'gpu:1234' },
    });
    const info = JSON.parse(r.stdout);
    expect(info.roles[0]).toEqual({ role: 'default', model: 'ollama:llama3', from: 'models.default' });
    expect(info.providers).toContainEqual({ name: 'ollama', baseURL: 'http://gpu:1234/v1', key: 'none' });
    expect(info.providers).toContainEqual({
      name: 'openai-compatible:local',
      baseURL: 'http://127.0.0.1:9/v1',
      key: 'none',
    });
    expect(info.prices).toContainEqual({
      model: 'openai-compatible:local:m',
      source: 'config',
      input: 1,
      output: 2,
    });
  });
});
