import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { BIN, runBin, runCli } from '../support/cli.js';
import { type planProject as PP, planProject, SPEC } from '../support/plan-cli.js';
import { VALID_PLAN, VALID_TODO } from '../support/plan-fixtures.js';
import { writeFiles } from '../support/repo.js';

/**
 * `specloop plan` on a full disk: prompt_plan.md and todo.md are written both or neither,
 * and the model's answers are kept in .specloop/plan-drafts/ so the re-run after freeing
 * space makes no model call.
 */
const BUILT = existsSync(join(BIN, '..', '..', 'dist', 'main.js'));
const drafts = (dir: string) =>
  existsSync(join(dir, '.specloop', 'plan-drafts'))
    ? readdirSync(join(dir, '.specloop', 'plan-drafts')).filter((f) => f.endsWith('.json'))
    : [];
/** Files a failed write must not leave behind: the targets' temp and backup copies. */
const leftovers = (dir: string) => readdirSync(dir).filter((f) => /\.(tmp|old)$/.test(f));

describe('specloop plan on a full disk (injected)', () => {
  let project: Awaited<ReturnType<typeof PP>> | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });
  const setup = async (files?: Record<string, string>) =>
    (project = await planProject({ replies: [VALID_PLAN, VALID_TODO], files }));

  it('a failed todo.md write leaves neither file; the re-run reuses the answers (no model call)', async () => {
    const p = await setup();
    let r = await p.run(['plan'], { env: { SPECLOOP_CRASH_AT: 'enospc@write:todo.md' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no space left on the device while writing todo.md; neither file was written');
    expect(r.stderr).toContain('makes no model calls');
    expect(p.read('prompt_plan.md')).toBeUndefined();
    expect(p.read('todo.md')).toBeUndefined();
    expect(leftovers(p.dir)).toEqual([]);
    expect(drafts(p.dir)).toHaveLength(1);
    expect(p.fake.requests).toHaveLength(2);

    r = await p.run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.fake.requests).toHaveLength(2); // paid once
    expect(p.fake.unexpected).toEqual([]);
    expect(p.read('prompt_plan.md')).toBe(VALID_PLAN);
    expect(p.read('todo.md')).toBe(VALID_TODO);
    expect(r.stderr).toContain(
      'reused the answers an earlier `specloop plan` kept in .specloop/plan-drafts/',
    );
    expect(r.stderr).toContain('(0 model calls');
    expect(drafts(p.dir)).toEqual([]); // served: a later --force plans afresh
    expect(existsSync(join(p.dir, '.specloop'))).toBe(false); // and no trace is left
  });

  it('a rename that fails after the first file was replaced puts the old plan back (--force)', async () => {
    const p = await setup({ 'spec.md': SPEC, 'prompt_plan.md': 'old plan\n', 'todo.md': 'old todo\n' });
    let r = await p.run(['plan', '--force'], { env: { SPECLOOP_CRASH_AT: 'enospc@rename:todo.md' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('while writing todo.md; neither file was written');
    expect(p.read('prompt_plan.md')).toBe('old plan\n');
    expect(p.read('todo.md')).toBe('old todo\n');
    expect(leftovers(p.dir)).toEqual([]);

    r = await p.run(['plan', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.fake.requests).toHaveLength(2);
    expect(p.read('prompt_plan.md')).toBe(VALID_PLAN);
    expect(p.read('todo.md')).toBe(VALID_TODO);
  });

  it.skipIf(!BUILT)(
    'killed between the two renames: the same `plan` finishes the pair from the draft',
    async () => {
      const p = await setup();
      const env = { ...p.fake.env(), SPECLOOP_HOME: p.home, SPECLOOP_CRASH_AT: 'rename:todo.md' };
      const killed = await runBin(['plan'], { cwd: p.dir, env });
      expect(killed.signal).toBe('SIGKILL');
      expect(p.read('prompt_plan.md')).toBe(VALID_PLAN); // the state a crash can leave: one without the other
      expect(p.read('todo.md')).toBeUndefined();
      const r = await p.run(['plan']);
      expect(r.code, r.stderr).toBe(0);
      expect(p.fake.requests).toHaveLength(2);
      expect(p.read('todo.md')).toBe(VALID_TODO);
      expect(leftovers(p.dir)).toEqual([]); // the killed writer's staged copy is cleared
    },
  );

  it('a draft for another spec is not reused', async () => {
    const p = await setup();
    await p.run(['plan'], { env: { SPECLOOP_CRASH_AT: 'enospc@write:prompt_plan.md' } });
    expect(p.read('prompt_plan.md')).toBeUndefined();
    writeFiles(p.dir, { 'spec.md': `${SPEC}\nAlso counts lines.\n` });
    p.fake.push(VALID_PLAN, VALID_TODO);
    const r = await p.run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(p.fake.requests).toHaveLength(4);
    expect(r.stderr).not.toContain('reused');
  });
});

/** Mount a tmpfs of `size` at `dir` (root only); false when the system says no. */
function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  return (
    spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0
  );
}

/** Fill the file system of `file` until it refuses another byte. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const chunk of [Buffer.alloc(64 * 1024), Buffer.alloc(4096), Buffer.alloc(1)])
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch {
          break;
        }
      }
  } finally {
    closeSync(fd);
  }
}

const CAN_MOUNT = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = join(process.env.TMPDIR ?? '/tmp', `specloop-mount-probe-${process.pid}`);
  const ok = mountTmpfs(probe, '64k');
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

describe.skipIf(!CAN_MOUNT)(
  `specloop plan on a real full tmpfs${CAN_MOUNT ? '' : ' — skipped: cannot mount'}`,
  () => {
    const cleanups = useCleanups();

    it('ENOSPC: neither file is written, the error names the file; after freeing space plan works', async () => {
      const root = cleanups.tmp('specloop-plan-tmpfs-');
      const dir = join(root, 'mnt');
      expect(mountTmpfs(dir, '256k')).toBe(true);
      cleanups.push(() => spawnSync('umount', [dir]));
      writeFiles(dir, { 'spec.md': SPEC });
      const fake = await cleanups.fakeLlm([VALID_PLAN, VALID_TODO, VALID_PLAN, VALID_TODO]);
      const env = { ...fake.env(), SPECLOOP_HOME: join(root, 'home') };
      fill(join(dir, 'filler'));
      let r = await runCli(['plan'], { cwd: dir, env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /no space left on the device while writing (prompt_plan|todo)\.md; neither file/,
      );
      expect(r.stderr).not.toContain('internal error');
      expect(existsSync(join(dir, 'prompt_plan.md'))).toBe(false);
      expect(existsSync(join(dir, 'todo.md'))).toBe(false);
      expect(leftovers(dir)).toEqual([]);

      rmSync(join(dir, 'filler'));
      r = await runCli(['plan'], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(dir, 'prompt_plan.md'))).toBe(true);
      expect(existsSync(join(dir, 'todo.md'))).toBe(true);
      expect(drafts(dir)).toEqual([]);
    });
  },
);
