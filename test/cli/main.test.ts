import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { COMMANDS, runCli } from '../support/cli.js';
import { writeFiles } from '../support/repo.js';

describe('cli skeleton', () => {
  const cleanups = useCleanups();
  const tmp = () => cleanups.tmp();

  it('prints help listing every command, exit 0', async () => {
    const r = await runCli(['--help'], { cwd: tmp() });
    expect(r.code).toBe(0);
    for (const c of COMMANDS) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
  });

  it('prints the package version', async () => {
    const r = await runCli(['--version'], { cwd: tmp() });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const r = await runCli(['--bogus'], { cwd: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('an invalid specloop.toml exits 2 naming the file and the line', async () => {
    const dir = tmp();
    writeFiles(dir, { 'specloop.toml': '[models]\ndefault = \n' });
    const r = await runCli(['status'], { cwd: dir, env: { SPECLOOP_HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/specloop\.toml:2:\d+/);
  });

  it('an unknown config key exits 2 naming the file and key', async () => {
    const dir = tmp();
    writeFiles(dir, { 'specloop.toml': '[pack]\nstyle = "html"\n' });
    const r = await runCli(['status'], { cwd: dir, env: { SPECLOOP_HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pack.style');
    expect(r.stderr).toContain('specloop.toml');
  });
});
