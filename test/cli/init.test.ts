import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/index.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { tempDir, writeFiles } from '../support/repo.js';

describe('specloop init', () => {
  const cleanups = useCleanups();
  const setup = (files: Record<string, string> = {}) => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const cwd = join(t.dir, 'proj');
    const home = join(t.dir, 'home');
    writeFiles(t.dir, { 'proj/.keep': '', 'home/.keep': '' });
    writeFiles(cwd, files);
    const env = { SPECLOOP_HOME: home };
    const run = (argv: string[], extraEnv: Record<string, string> = {}) =>
      runCli(['init', ...argv], { cwd, env: { ...env, ...extraEnv } });
    return { cwd, home, env, run };
  };

  it('writes a specloop.toml that loads, with the detected test command', async () => {
    const { cwd, home, env, run } = setup({ 'go.mod': 'module x\n' });
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(cwd, 'specloop.toml'));
    expect(r.stderr).toContain('test command: go test ./... (from go.mod)');
    const loaded = loadConfig({ cwd, env, home });
    expect(loaded.sources).toEqual([join(cwd, 'specloop.toml')]);
    expect(loaded.config.test.command).toBe('go test ./...');
  });

  it('uses --test-cmd over detection', async () => {
    const { cwd, run } = setup({ 'go.mod': 'module x\n' });
    await run(['--test-cmd', 'pytest -q -k "not slow"']);
    const text = readFileSync(join(cwd, 'specloop.toml'), 'utf8');
    expect(text).toContain('command = "pytest -q -k \\"not slow\\""  # from --test-cmd');
  });

  it('records the effective default model', async () => {
    const { cwd, run } = setup();
    await run([], { SPECLOOP_MODEL: 'anthropic:claude-sonnet-4-5' });
    expect(readFileSync(join(cwd, 'specloop.toml'), 'utf8')).toMatch(
      /^default = "anthropic:claude-sonnet-4-5"/m,
    );
  });

  it('says when no test command was detected and leaves it commented out', async () => {
    const { cwd, run } = setup();
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no test command detected');
    expect(readFileSync(join(cwd, 'specloop.toml'), 'utf8')).toMatch(/^# command = /m);
  });

  it('refuses to overwrite an existing specloop.toml without --force (exit 2, file untouched)', async () => {
    const { cwd, run } = setup({ 'specloop.toml': '[test]\ncommand = "mine"\n' });
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(join(cwd, 'specloop.toml'), 'utf8')).toBe('[test]\ncommand = "mine"\n');
    expect(existsSync(join(cwd, '.gitignore'))).toBe(false);
  });

  it('replaces it with --force', async () => {
    const { cwd, run } = setup({ 'specloop.toml': '[test]\ncommand = "mine"\n', 'Cargo.toml': '' });
    const r = await run(['--force', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ overwritten: true, testCommand: 'cargo test' });
    expect(readFileSync(join(cwd, 'specloop.toml'), 'utf8')).toContain('command = "cargo test"');
  });

  it('--force repairs a specloop.toml that no longer parses', async () => {
    const { cwd, run } = setup({ 'specloop.toml': '[models\ndefault = \n' });
    const r = await run(['--force']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ignoring invalid configuration');
    expect(() => loadConfig({ cwd, env: {}, home: join(cwd, '..', 'home') })).not.toThrow();
  });

  it('adds the runtime lines to .gitignore once, across repeated runs', async () => {
    const { cwd, run } = setup({ '.gitignore': 'node_modules/\n' });
    await run([]);
    const first = readFileSync(join(cwd, '.gitignore'), 'utf8');
    expect(first).toContain('node_modules/\n');
    expect(first).toContain('.specloop/*\n!.specloop/templates/\n');
    const again = await run(['--force', '--json']);
    expect(JSON.parse(again.stdout).gitignore.added).toEqual([]);
    expect(readFileSync(join(cwd, '.gitignore'), 'utf8')).toBe(first);
  });

  it('--json reports what was written', async () => {
    const { cwd, run } = setup({ Makefile: 'test:\n\t./t.sh\n' });
    const r = await run(['--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      configPath: join(cwd, 'specloop.toml'),
      overwritten: false,
      model: 'openai:gpt-4o-mini',
      testCommand: 'make test',
      testSource: 'Makefile',
      gitignore: { path: join(cwd, '.gitignore'), added: ['.specloop/*', '!.specloop/templates/'] },
    });
    expect(r.stderr).toBe('');
  });

  it('warns when the new file will shadow a specloop.toml further up', async () => {
    const { cwd, env } = setup({ 'specloop.toml': '', 'sub/.keep': '' });
    const r = await runCli(['init'], { cwd: join(cwd, 'sub'), env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`takes precedence over ${cwd}/specloop.toml`);
  });

  it('leaves no temp files behind', async () => {
    const { cwd, run } = setup();
    await run([]);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(cwd).sort()).toEqual(['.gitignore', '.keep', 'specloop.toml']);
  });
});
