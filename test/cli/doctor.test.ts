import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { initRepo } from '../support/repo.js';

const SECRET = 'sk-doctor-test-1234567890abcdef';

describe('specloop doctor', () => {
  const cleanups = useCleanups();
  const project = (toml = '') => {
    const dir = cleanups.tmp('specloop-doctor-');
    initRepo(dir, { 'specloop.toml': `[llm]\nmaxRetries = 0\nlog = false\n${toml}` });
    return dir;
  };
  const doctor = (dir: string, args: string[], env: Record<string, string> = {}) =>
    runCli(['doctor', ...args], { cwd: dir, env: { SPECLOOP_HOME: join(dir, '.h'), ...env } });

  it('reports a key as present, never its value, and the config file in effect', async () => {
    const dir = project();
    const r = await doctor(dir, [], { OPENAI_API_KEY: SECRET });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/✔ openai +present \(OPENAI_API_KEY\); used by default/);
    expect(r.stdout).toContain(join(dir, 'specloop.toml'));
    expect(r.stdout).toMatch(/✔ git +git version \d/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a missing key for a configured role fails with how to set it (exit 1); --json has the same checks', async () => {
    const dir = project();
    const r = await doctor(dir, ['--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual({
      group: 'keys',
      name: 'openai',
      status: 'fail',
      detail: expect.stringContaining('export OPENAI_API_KEY or `specloop keys set openai`'),
    });
  });

  it('a configured executor that is not on PATH fails', async () => {
    const dir = project('[run]\nexecutor = "codex"\n');
    const r = await doctor(dir, ['--json'], { OPENAI_API_KEY: SECRET, PATH: '/usr/bin:/bin' });
    const codex = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'codex');
    expect(codex).toMatchObject({ status: 'fail', detail: 'not on PATH' });
  });

  it('--online makes one call per provider the roles use', async () => {
    const dir = project();
    const fake = await cleanups.fakeLlm(['ok']);
    const r = await doctor(dir, ['--online'], fake.env());
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/online\n {2}✔ openai +openai:gpt-4o-mini answered in \d+ ms/);
    expect(fake.requests).toHaveLength(1);
  });

  it('--tests runs the test command once and says what it did', async () => {
    const dir = project('[test]\ncommand = "node -e \\"process.exit(3)\\""\n');
    const r = await doctor(dir, ['--tests'], { OPENAI_API_KEY: SECRET });
    expect(r.stdout).toMatch(/! run +exit 3 in [\d.]+s: a step cannot pass until the suite is green/);
  });
});

describe('specloop completion', () => {
  const cleanups = useCleanups();
  const script = async (shell: string) => {
    const r = await runCli(['completion', shell], { cwd: cleanups.tmp('specloop-compl-') });
    return r;
  };

  it('bash: completes command names and the options of a command', async () => {
    const { stdout, code } = await script('bash');
    expect(code).toBe(0);
    const complete = (words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `${stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _specloop; echo "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).trim();
    expect(complete(['specloop', 'do']).split(' ').sort()).toEqual(['doctor', 'done']);
    expect(complete(['specloop', 'run', '--dry'])).toBe('--dry-run');
    expect(complete(['specloop', 'plan', '--sy'])).toBe('--sync');
  });

  it('zsh and fish scripts list every command', async () => {
    const zsh = (await script('zsh')).stdout;
    const fish = (await script('fish')).stdout;
    expect(zsh.startsWith('#compdef specloop')).toBe(true);
    for (const cmd of ['run', 'doctor', 'completion']) {
      expect(zsh).toContain(`'${cmd}:`);
      expect(fish).toContain(`-a ${cmd} -d`);
    }
    expect(fish).toContain("-n '__fish_seen_subcommand_from plan' -l sync");
  });

  it('an unknown shell is a usage error', async () => {
    const r = await script('tcsh');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('choose one of: bash, zsh, fish');
  });
});
