import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { runGit } from '../../util/git.js';
import type { Context } from '../context.js';
import { checkoutGitDirs, excludeSpecs } from '../git/index.js';
import type { Usage } from './events.js';
import type { ExecutorResult } from './executors/types.js';

/**
 * Run records: `.specloop/runs/<run-id>/step-<N>/attempt-<K>/` holds what each attempt was
 * given and what it did — the prompt, the builtin agent's transcript or an external CLI's raw
 * output, the test output, the diff — plus `attempt.json` (outcome, reason, usage, cost).
 * Files are 0600 and directories 0700: prompts and diffs can carry the user's code and data.
 * `specloop show <step>` reads the latest run's record of a step.
 */

export const RECORD_FILES = {
  prompt: 'prompt.md',
  transcript: 'transcript.txt',
  tests: 'test-output.txt',
  diff: 'diff.patch',
  meta: 'attempt.json',
} as const;

export type RecordPart = Exclude<keyof typeof RECORD_FILES, 'meta'>;

export interface AttemptMeta {
  runId: string;
  step: number;
  attempt: number;
  /** Did the attempt pass our checks? */
  ok: boolean;
  reason?: string;
  executor: string;
  usage: Usage;
  usageKnown: boolean;
  cost: number | null;
  sessionId?: string;
  summary?: string;
  /**
   * The error code (E_INFRA_AUTH, E_TEST_COMMAND …) when a failure of the infrastructure, not
   * of the work, ended this attempt and stopped the run. Such an attempt is not counted
   * against --max-attempts: the next run starts the step afresh.
   */
  stoppedRun?: string;
  /** Exit code of the test command, when it ran. */
  testCode?: number | null;
  /** How long the test command ran (the board's "tests passed in N s"). */
  testDurationMs?: number;
  startedAt: string;
  durationMs: number;
}

export interface AttemptRecord {
  meta: AttemptMeta;
  prompt?: string;
  transcript?: string;
  tests?: string;
  diff?: string;
}

/** Where a repository's run records live. */
export const runsRoot = (repo: string): string => join(repo, '.specloop', 'runs');

export const attemptDir = (repo: string, runId: string, step: number, attempt: number): string =>
  join(runsRoot(repo), runId, `step-${step}`, `attempt-${attempt}`);

/**
 * The diff of everything the attempt left in the tree against HEAD, new files included,
 * computed in a throwaway index so the user's index is never touched. The throwaway index
 * starts as a copy of the checkout's own (its stat data spares `add` re-hashing every
 * unchanged file; what `add -A` then stages is exactly what the step's commit would), else
 * as HEAD's tree.
 */
export async function treeDiff(ctx: Context, dir: string, exclude: readonly string[]): Promise<string> {
  const dirs = await checkoutGitDirs(dir, { env: ctx.env }).catch(() => undefined);
  if (!dirs) return '';
  const indexFile = join(dirs.gitDir, `specloop-record-index-${process.pid}`);
  const o = { env: ctx.env, indexFile };
  const specs = ['--', '.', ...excludeSpecs(exclude)];
  try {
    if (!(await copyIndex(join(dirs.gitDir, 'index'), indexFile))) {
      const base = await runGit(dir, ['read-tree', 'HEAD'], o);
      if (base.code !== 0) await runGit(dir, ['read-tree', '--empty'], o);
    }
    await runGit(dir, ['add', '-A', ...specs], o);
    // The same pathspec as the add: excluded paths keep the copied index's state, not HEAD's.
    const d = await runGit(dir, ['diff', '--cached', '--no-color', 'HEAD', ...specs], o);
    return d.code === 0 ? d.stdout : '';
  } finally {
    await rm(indexFile, { force: true }).catch(() => {});
  }
}

/**
 * Copy the index to `to`, dated back to the start of its second: git trusts an entry's
 * stat data only when the file is older than the index file ("racy git"), so the copy must
 * never look newer than the original. False when there is no index to copy.
 */
async function copyIndex(from: string, to: string): Promise<boolean> {
  try {
    const st = await stat(from);
    await copyFile(from, to);
    const sec = Math.floor(st.mtimeMs / 1000);
    await utimes(to, sec, sec);
    return true;
  } catch {
    await rm(to, { force: true }).catch(() => {});
    return false;
  }
}

/** Write one attempt's record (overwriting a crashed attempt's partial one). Returns its dir. */
export async function writeAttemptRecord(repo: string, rec: AttemptRecord): Promise<string> {
  const dir = attemptDir(repo, rec.meta.runId, rec.meta.step, rec.meta.attempt);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Self-ignoring: records never show in `git status` nor reach a commit, whatever the
  // project's own ignore rules say.
  const ignore = join(runsRoot(repo), '.gitignore');
  if (!existsSync(ignore)) await atomicWrite(ignore, '# specloop run records; safe to delete\n*\n');
  const put = (name: string, text: string | undefined) =>
    text === undefined ? undefined : atomicWrite(join(dir, name), text, { mode: 0o600 });
  await Promise.all([
    put(RECORD_FILES.prompt, rec.prompt),
    put(RECORD_FILES.transcript, rec.transcript),
    put(RECORD_FILES.tests, rec.tests),
    put(RECORD_FILES.diff, rec.diff),
  ]);
  await put(RECORD_FILES.meta, `${JSON.stringify(rec.meta, null, 2)}\n`);
  return dir;
}

export interface StepRecord {
  runId: string;
  step: number;
  /** Repo-relative directory of the step's record. */
  dir: string;
  attempts: (AttemptMeta & { dir: string; files: Partial<Record<RecordPart, string>> })[];
}

async function readMeta(dir: string): Promise<AttemptMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, RECORD_FILES.meta), 'utf8')) as AttemptMeta;
  } catch {
    return undefined;
  }
}

/** The latest run (or `runId`) that has a record of `step`, with its attempts in order. */
export async function readStepRecord(
  repo: string,
  step: number,
  runId?: string,
): Promise<StepRecord | undefined> {
  const root = runsRoot(repo);
  const runs = runId ? [runId] : (await readdir(root).catch(() => [] as string[])).sort().reverse();
  for (const id of runs) {
    const stepDir = join(root, id, `step-${step}`);
    const names = await readdir(stepDir).catch(() => [] as string[]);
    const attempts: StepRecord['attempts'] = [];
    for (const name of names.filter((n) => /^attempt-\d+$/.test(n))) {
      const dir = join(stepDir, name);
      const meta = await readMeta(dir);
      if (!meta) continue;
      const present = new Set(await readdir(dir));
      const files: Partial<Record<RecordPart, string>> = {};
      for (const part of Object.keys(RECORD_FILES) as (keyof typeof RECORD_FILES)[])
        if (part !== 'meta' && present.has(RECORD_FILES[part]))
          files[part] = relative(repo, join(dir, RECORD_FILES[part]));
      attempts.push({ ...meta, dir: relative(repo, dir), files });
    }
    if (attempts.length > 0)
      return {
        runId: id,
        step,
        dir: relative(repo, stepDir),
        attempts: attempts.sort((a, b) => a.attempt - b.attempt),
      };
  }
  return undefined;
}

export interface RecordAttemptOptions {
  /** Where `.specloop/runs` lives (the main checkout, also for a worktree's attempt). */
  root: string;
  runId: string;
  step: number;
  attempt: number;
  executor: string;
  prompt: string;
  /** The executor's result (undefined when it threw or a crash interrupted it). */
  result?: ExecutorResult;
  /** Our checks' verdict on the attempt. */
  ok: boolean;
  reason?: string;
  test?: { output: string; code: number | null; durationMs?: number };
  /** The tree the attempt worked in, and what never counts as its work. */
  workDir: string;
  exclude: readonly string[];
  startedAt: number;
  now: number;
  /** Keep the diff recorded earlier (the work is committed now: the tree no longer shows it). */
  keepDiff?: boolean;
  /**
   * The prompt, output and test output were recorded earlier and have not changed since:
   * write only `attempt.json` (with keepDiff, the diff stays too).
   */
  keepFiles?: boolean;
  /** See AttemptMeta.stoppedRun. */
  stoppedRun?: string;
}

/**
 * Record one finished attempt: its prompt, the executor's transcript / raw output, the test
 * output and the diff it left. Never fails the run: a record that cannot be written is
 * reported on the debug log and skipped.
 */
export async function recordAttempt(ctx: Context, o: RecordAttemptOptions): Promise<string | undefined> {
  try {
    const r = o.result;
    return await writeAttemptRecord(o.root, {
      meta: {
        runId: o.runId,
        step: o.step,
        attempt: o.attempt,
        ok: o.ok,
        reason: o.reason,
        executor: o.executor,
        usage: r?.usage ?? { inputTokens: 0, outputTokens: 0 },
        usageKnown: r ? r.usageKnown !== false : false,
        cost: r?.cost ?? null,
        sessionId: r?.sessionId,
        summary: r?.summary,
        stoppedRun: o.stoppedRun,
        testCode: o.test?.code,
        testDurationMs: o.test?.durationMs,
        startedAt: new Date(o.startedAt).toISOString(),
        durationMs: o.now - o.startedAt,
      },
      prompt: o.keepFiles ? undefined : o.prompt,
      transcript: o.keepFiles ? undefined : r?.transcript,
      tests: o.keepFiles ? undefined : o.test?.output,
      diff: o.keepDiff ? undefined : await treeDiff(ctx, o.workDir, o.exclude),
    });
  } catch (err) {
    ctx.log.debug(`could not write the run record of step ${o.step}: ${(err as Error).message}`);
    return undefined;
  }
}
