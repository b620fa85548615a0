import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { git, initRepo, writeFiles } from '../support/repo.js';
import { startSpecloop } from '../support/run-process.js';

const BIN_DIST = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

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
    expect(r.stdout).toMatch(
      /! run +exit 3 in [\d.]+s on a clean checkout of HEAD \([0-9a-f]{7}; uncommitted changes left out\): a step cannot pass until the suite is green/,
    );
  });

  // The check records where it ran, fails on an uncommitted broken.txt and needs the ignored node_modules.
  const CHECK = `pwd > "$DOCTOR_PWD"
if [ -f broken.txt ]; then echo broken; exit 5; fi
[ -f node_modules/dep/index.js ] || exit 7
[ -n "$DOCTOR_HANG" ] && sleep 30
exit 0
`;
  const cleanProject = () => {
    const dir = project('[test]\ncommand = "sh check.sh"\n');
    writeFiles(dir, { 'check.sh': CHECK, '.gitignore': 'node_modules/\n.h/\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'check');
    writeFiles(dir, { 'node_modules/dep/index.js': '', 'broken.txt': 'uncommitted\n' });
    return dir;
  };

  it('--tests runs on a clean checkout of HEAD (a temporary worktree, removed after), not on the tree as it is', async () => {
    const dir = cleanProject();
    const pwdFile = join(cleanups.tmp('specloop-doctor-pwd-'), 'pwd');
    const r = await doctor(dir, ['--tests'], { OPENAI_API_KEY: SECRET, DOCTOR_PWD: pwdFile });
    expect(r.stdout).toMatch(
      /✔ run +exit 0 in [\d.]+s on a clean checkout of HEAD \([0-9a-f]{7}; uncommitted/,
    );
    expect(r.stdout).toContain(git(dir, 'rev-parse', '--short=7', 'HEAD'));
    const ranIn = readFileSync(pwdFile, 'utf8').trim();
    expect(ranIn).not.toBe(dir);
    expect(existsSync(ranIn)).toBe(false);
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(git(dir, 'status', '--porcelain')).toBe('?? broken.txt');
  });

  it('--tests removes the checkout a doctor killed earlier left behind (its pid is gone)', async () => {
    const dir = cleanProject();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const left = join(cleanups.tmp('specloop-doctor-left-'), `specloop-doctor-${gone}-abc123`, 'tree');
    git(dir, 'worktree', 'add', '--detach', '--quiet', left, 'HEAD');
    const pwdFile = join(cleanups.tmp('specloop-doctor-pwd-'), 'pwd');
    const r = await doctor(dir, ['--tests'], { OPENAI_API_KEY: SECRET, DOCTOR_PWD: pwdFile });
    expect(r.stdout).toMatch(/✔ run +exit 0/);
    expect(existsSync(left)).toBe(false);
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  });

  it('--tests outside a git repository runs on the tree as it is, and says so', async () => {
    const dir = cleanups.tmp('specloop-doctor-nogit-');
    writeFiles(dir, { 'specloop.toml': '[test]\ncommand = "node -e \\"process.exit(0)\\""\n' });
    const r = await doctor(dir, ['--tests'], { OPENAI_API_KEY: SECRET, GIT_CEILING_DIRECTORIES: dir });
    expect(r.stdout).toMatch(/✔ run +exit 0 in [\d.]+s on the tree as it is \(not a git repository\)/);
  });

  it.skipIf(!existsSync(BIN_DIST))('Ctrl-C during --tests still removes the temporary checkout', async () => {
    const dir = cleanProject();
    const tmp = cleanups.tmp('specloop-doctor-tmp-');
    const pwdFile = join(cleanups.tmp('specloop-doctor-pwd-'), 'pwd');
    const p = startSpecloop(['doctor', '--tests'], {
      cwd: dir,
      env: { SPECLOOP_HOME: join(dir, '.h'), TMPDIR: tmp, DOCTOR_PWD: pwdFile, DOCTOR_HANG: '1' },
    });
    const deadline = Date.now() + 20_000;
    while (!existsSync(pwdFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(pwdFile)).toBe(true);
    const t0 = Date.now();
    process.kill(p.pid, 'SIGINT');
    await p.done;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(readdirSync(tmp)).toEqual([]);
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
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
