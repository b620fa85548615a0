import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { tempDir, writeFiles } from '../support/repo.js';

/** Config layering as a user sees it: `specloop init --show-config` prints the merged result. */
describe('config layering', () => {
  const cleanups = useCleanups();
  const setup = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const home = join(t.dir, 'home');
    const proj = join(t.dir, 'proj');
    const deep = join(proj, 'a', 'b');
    writeFiles(t.dir, { 'home/.keep': '', 'proj/a/b/.keep': '' });
    const show = async (cwd: string, env: Record<string, string> = {}) => {
      const r = await runCli(['init', '--show-config'], { cwd, env: { SPECLOOP_HOME: home, ...env } });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    return { home, proj, deep, show };
  };

  it('uses the defaults when there is no config file', async () => {
    const { deep, show } = setup();
    const r = await show(deep);
    expect(r.sources).toEqual([]);
    expect(r.config.models.default).toBe('openai:gpt-4o-mini');
    expect(r.config.pack.style).toBe('xml');
  });

  it('global config.toml in SPECLOOP_HOME overrides the defaults', async () => {
    const { home, deep, show } = setup();
    writeFiles(home, { 'config.toml': '[models]\ndefault = "anthropic:claude-sonnet-4-5"\n' });
    const r = await show(deep);
    expect(r.sources).toEqual([join(home, 'config.toml')]);
    expect(r.config.models.default).toBe('anthropic:claude-sonnet-4-5');
  });

  it('the nearest specloop.toml walking up overrides the global file, key by key', async () => {
    const { home, proj, deep, show } = setup();
    writeFiles(home, {
      'config.toml':
        '[models]\ndefault = "anthropic:claude-sonnet-4-5"\n[pack]\nstyle = "markdown"\ntop = 9\n',
    });
    writeFiles(proj, { 'specloop.toml': '[pack]\nstyle = "plain"\n' });
    const r = await show(deep);
    expect(r.sources).toEqual([join(home, 'config.toml'), join(proj, 'specloop.toml')]);
    expect(r.projectRoot).toBe(proj);
    expect(r.config.pack.style).toBe('plain'); // project wins
    expect(r.config.pack.top).toBe(9); // global key the project did not set survives
    expect(r.config.models.default).toBe('anthropic:claude-sonnet-4-5');
  });

  it('a nearer specloop.toml hides one further up', async () => {
    const { proj, deep, show } = setup();
    writeFiles(proj, {
      'specloop.toml': '[test]\ncommand = "outer"\n',
      'a/specloop.toml': '[test]\ncommand = "inner"\n',
    });
    const r = await show(deep);
    expect(r.projectRoot).toBe(join(proj, 'a'));
    expect(r.config.test.command).toBe('inner');
  });

  it('SPECLOOP_MODEL overrides both files', async () => {
    const { home, proj, deep, show } = setup();
    writeFiles(home, { 'config.toml': '[models]\ndefault = "anthropic:claude-sonnet-4-5"\n' });
    writeFiles(proj, { 'specloop.toml': '[models]\ndefault = "ollama:qwen2.5-coder"\n' });
    const r = await show(deep, { SPECLOOP_MODEL: 'openai:gpt-5' });
    expect(r.config.models.default).toBe('openai:gpt-5');
    expect(r.env).toEqual(['SPECLOOP_MODEL']);
  });

  it('-C runs as if started in another directory', async () => {
    const { proj, home } = setup();
    writeFiles(proj, { 'specloop.toml': '[test]\ncommand = "make check"\n' });
    const r = await runCli(['-C', proj, 'init', '--show-config'], {
      cwd: home,
      env: { SPECLOOP_HOME: home },
    });
    expect(JSON.parse(r.stdout).config.test.command).toBe('make check');
  });

  it('an invalid global config exits 2 naming that file and key', async () => {
    const { home, deep } = setup();
    writeFiles(home, { 'config.toml': '[run]\nexecutor = "robot"\n' });
    const r = await runCli(['init', '--show-config'], { cwd: deep, env: { SPECLOOP_HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(home, 'config.toml'));
    expect(r.stderr).toContain('run.executor');
  });
});
