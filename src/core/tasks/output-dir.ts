import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { type Context, rootOf } from '../context.js';
import { UsageError } from '../errors.js';
import { tryGit } from '../git/index.js';
import { GENERATED_FILES } from './builtin-tasks.js';
import { type TaskDefinition, taskOutput } from './resolve-tasks.js';

/**
 * Where specloop's generated outputs go by default (code reviews, issue lists, issue
 * prompts, README drafts): `[task] outputDir`, relative to the project root. They are
 * drafts for the user to read, never part of a change, so they must never reach a commit
 * on the work branch: the directory ignores itself (a `.gitignore` holding `*`, the way
 * `.specloop/discarded/` does), whatever the project's own .gitignore says.
 */
export function outputDir(ctx: Pick<Context, 'root' | 'projectRoot' | 'cwd' | 'config'>): string {
  const root = rootOf(ctx);
  const dir = resolve(root, ctx.config.task.outputDir);
  const inside = relative(root, dir);
  // A project's config may not make specloop write outside the project.
  if (inside.startsWith('..') || isAbsolute(inside))
    throw new UsageError(`[task] outputDir "${ctx.config.task.outputDir}" is outside the project (${root})`, {
      code: 'E_CONFIG',
      hint: 'use a directory inside the project, e.g. outputDir = ".specloop/out"',
    });
  return dir;
}

/**
 * Create the output directory, self-ignoring when specloop owns it: one it creates, or one
 * under `.specloop/`. A directory the user already had (`outputDir = "docs"`, or the
 * project root itself) is theirs: written into, never hidden from git.
 */
export async function ensureOutputDir(dir: string, root: string): Promise<void> {
  const inside = relative(root, dir);
  const ours =
    !existsSync(dir) || (inside.split(/[\\/]/)[0] === '.specloop' && inside !== '.specloop' && inside !== '');
  await mkdir(dir, { recursive: true });
  const ignore = join(dir, '.gitignore');
  if (ours && inside !== '' && !existsSync(ignore)) await atomicWrite(ignore, '*\n');
}

/**
 * A draft's file name in the project's own casing: `readme.md` for the README task when the
 * project has `readme.md`, so the draft says which file it is meant to replace.
 */
export function namedLike(name: string, root: string): string {
  if (name.includes('/') || name.includes('\\')) return name;
  const want = name.toLowerCase();
  try {
    return readdirSync(root).find((n) => n.toLowerCase() === want) ?? name;
  } catch {
    return name;
  }
}

/**
 * Is this repo-relative path one of specloop's own outputs, where older versions wrote them
 * (the project root: code-review.md, issues.md, issue-prompts.md, missing-tests.md, and
 * pack's output.txt)? A file of that name deeper down may be the user's own.
 */
export function isStrayOutput(path: string): boolean {
  return GENERATED_FILES.includes(path) || path === 'output.txt';
}

/**
 * Untracked specloop outputs found in a work tree (`code-review.md` … written by an older
 * version, or with `-o`) are kept out of every commit of a run: they go into the
 * repository's local exclude file (`info/exclude`, never committed, shared by worktrees),
 * so neither `--yes`'s "save work" commit nor any step commit can pick them up.
 * Returns the paths excluded now.
 */
export async function excludeStrayOutputs(
  repo: string,
  paths: readonly string[],
  env: Context['env'],
): Promise<string[]> {
  if (paths.length === 0) return [];
  const r = await tryGit(repo, ['rev-parse', '--git-path', 'info/exclude'], { env });
  if (!r.ok) return [];
  const file = resolve(repo, r.stdout.trim());
  const text = await readFile(file, 'utf8').catch(() => '');
  const have = new Set(text.split('\n'));
  const lines = paths.map((p) => `/${p}`).filter((l) => !have.has(l));
  if (lines.length) {
    await mkdir(dirname(file), { recursive: true });
    const head = have.has(EXCLUDE_HEADER) ? '' : `${EXCLUDE_HEADER}\n`;
    await appendFile(file, `${text && !text.endsWith('\n') ? '\n' : ''}${head}${lines.join('\n')}\n`);
  }
  return [...paths];
}

const EXCLUDE_HEADER = '# specloop output, never part of a change (specloop run)';

/**
 * Where a task's answer goes (undefined: stdout). `-o FILE` and an `output` set in a
 * config file are the user's own paths, relative to the working directory, written as
 * asked. Everything else (the built-in tasks' names, `<name>.md`) is a draft: it goes to
 * {@link outputDir} (the README draft named like the project's own readme).
 */
export function taskOutputPath(
  ctx: Pick<Context, 'root' | 'projectRoot' | 'cwd' | 'config'>,
  task: TaskDefinition,
  override?: string,
): { path: string; draft: boolean } | undefined {
  const name = taskOutput(task, override);
  if (name === undefined) return undefined;
  if (override !== undefined || task.explicitOutput) return { path: resolve(ctx.cwd, name), draft: false };
  const file = task.matchCase ? namedLike(name, rootOf(ctx)) : name;
  return { path: join(outputDir(ctx), file), draft: true };
}
