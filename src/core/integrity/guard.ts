import { copyFile, lstat, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { atomicWrite } from '../../util/atomic-write.js';
import { runGit } from '../../util/git.js';
import { checkoutGitDirs, readWorkTree, type TreeEntry, type WorkTreeState } from '../git/index.js';
import { hiddenByIgnore, isIgnoreFile } from './ignore-lines.js';
import { CONFIG_NAME, type IntegrityPolicy, protectedReason, STATE_DIR } from './policy.js';

/** One forbidden change a step made, and why (the text the next attempt reads). */
export interface Violation {
  path: string;
  reason: string;
}

/**
 * The protected files as they were when the attempt started: content, or null when absent.
 * Keys are repo-relative, except git internals, which are absolute (a worktree's git dir
 * lies outside it).
 */
export interface Snapshot {
  files: Map<string, Buffer | null>;
  /** ms since epoch: files modified after this were created or changed by the attempt. */
  takenAt: number;
  /**
   * With `head`: the protected-name files git listed when it was taken (tracked, or untracked
   * and not ignored), plus those the status showed then (a staged deletion). See listedSince.
   */
  listed?: string[];
  /** HEAD when it was taken; set only when the caller's tree read was current then. */
  head?: string;
}

interface GuardOptions {
  repoDir: string;
  policy: IntegrityPolicy;
  env: Record<string, string | undefined>;
}

const MAX_WALK = 2000;

async function read(abs: string): Promise<Buffer | null> {
  try {
    return (await lstat(abs)).isFile() ? await readFile(abs) : null;
  } catch {
    return null;
  }
}

async function walk(abs: string, rel: string, out: string[]): Promise<void> {
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (out.length >= MAX_WALK) return;
    const r = `${rel}/${e.name}`;
    if (e.isDirectory()) await walk(join(abs, e.name), r, out);
    else out.push(r);
  }
}

async function git(o: GuardOptions, args: string[]): Promise<string> {
  const r = await runGit(o.repoDir, args, { env: o.env, extraEnv: { GIT_OPTIONAL_LOCKS: '0' } });
  return r.code === 0 ? r.stdout : '';
}

const lines0 = (s: string) => s.split('\0').filter(Boolean);

/** Git's own files a hostile step could use to run code at our commit (hooks) or hide work. */
async function gitInternals(o: GuardOptions): Promise<string[]> {
  // Read from git's own layout files each time (no process): a step cannot move them, `.git`
  // itself being protected.
  const dirs = await checkoutGitDirs(o.repoDir, { env: o.env }).catch(() => undefined);
  if (!dirs) return [];
  const dir = dirs.commonDir;
  const hooks: string[] = [];
  await walk(join(dir, 'hooks'), join(dir, 'hooks'), hooks);
  return [join(dir, 'config'), join(dir, 'info', 'exclude'), join(dir, 'info', 'attributes'), ...hooks];
}

const PROTECTED_NAMES = [CONFIG_NAME, '.gitignore'];
const hasProtectedName = (p: string) => PROTECTED_NAMES.includes(p.slice(p.lastIndexOf('/') + 1));

/** The files named like protected ones that git lists: tracked, or untracked and not ignored. */
async function listProtectedNames(o: GuardOptions): Promise<string[]> {
  return lines0(
    await git(o, [
      'ls-files',
      '-z',
      '-co',
      '--exclude-standard',
      '--',
      ...PROTECTED_NAMES.map((n) => `:(glob)**/${n}`),
    ]),
  );
}

const entryPaths = (e: TreeEntry) => (e.orig === undefined ? [e.path] : [e.path, e.orig]);
const namedInTree = (tree: WorkTreeState) => tree.entries.flatMap(entryPaths).filter(hasProtectedName);

/**
 * What {@link listProtectedNames} would list now, without a process: the snapshot's list plus
 * the protected names in a status read just now (a superset: extra paths compare as absent).
 * Undefined when it cannot be sure. Why it covers the list: a file git lists now is
 * untracked (the status shows it) or in the index. An index entry that differs from HEAD is
 * in the status; one equal to HEAD's is in HEAD's tree, and HEAD is where it was at the
 * snapshot — then the file was in the index (listed) or its removal was in that status
 * (kept in `listed` too). Only a moved HEAD (a commit during the attempt) needs git again.
 */
function listedSince(snapshot: Snapshot, tree: WorkTreeState | undefined): string[] | undefined {
  if (!tree || !snapshot.listed || !snapshot.head || tree.head !== snapshot.head) return undefined;
  return [...new Set([...snapshot.listed, ...namedInTree(tree)])];
}

/** Every path whose content the snapshot keeps (existing now or named by the policy). */
async function guardedPaths(o: GuardOptions, listed: string[]): Promise<string[]> {
  const state: string[] = [];
  await walk(join(o.repoDir, STATE_DIR, 'templates'), `${STATE_DIR}/templates`, state);
  return [
    ...new Set([
      ...o.policy.files,
      CONFIG_NAME,
      '.gitignore',
      ...listed,
      ...state,
      ...(await gitInternals(o)),
    ]),
  ];
}

const absOf = (o: GuardOptions, p: string) => (isAbsolute(p) ? p : join(o.repoDir, p));

/** Record the protected files before an attempt runs. */
export async function takeSnapshot(
  o: GuardOptions & {
    now: number;
    /** The tree as read just before, when nothing but specloop ran since (see listedSince). */
    tree?: WorkTreeState;
  },
): Promise<Snapshot> {
  const files = new Map<string, Buffer | null>();
  const listed = await listProtectedNames(o);
  for (const p of await guardedPaths(o, listed)) files.set(p, await read(absOf(o, p)));
  if (!o.tree?.head) return { files, takenAt: o.now };
  return {
    files,
    takenAt: o.now,
    listed: [...new Set([...listed, ...namedInTree(o.tree)])],
    head: o.tree.head,
  };
}

const same = (a: Buffer | null, b: Buffer | null) => (a === null || b === null ? a === b : a.equals(b));

/** Files the attempt created or changed that git now ignores (the candidates a new ignore line hides). */
async function newIgnored(o: GuardOptions, since: number): Promise<string[]> {
  const out: string[] = [];
  for (const p of lines0(await git(o, ['ls-files', '-z', '-o', '-i', '--exclude-standard']))) {
    const st = await stat(join(o.repoDir, p)).catch(() => undefined);
    if (st && st.mtimeMs >= since - 1000) out.push(p);
  }
  return out;
}

/**
 * What the attempt changed that the policy forbids: protected files that differ from the
 * snapshot or appeared in the tree, and .gitignore changes whose new lines hide files the
 * attempt created.
 */
export async function findViolations(
  o: GuardOptions & {
    snapshot: Snapshot;
    /** The tree read just now, if the caller has it (spares two git processes). */
    tree?: WorkTreeState;
  },
): Promise<Violation[]> {
  const found = new Map<string, string>();
  const ignoreChanges: { path: string; before: string; after: string }[] = [];
  const listed = listedSince(o.snapshot, o.tree) ?? (await listProtectedNames(o));
  const paths = new Set([...o.snapshot.files.keys(), ...(await guardedPaths(o, listed))]);
  for (const p of paths) {
    const before = o.snapshot.files.get(p) ?? null;
    const after = await read(absOf(o, p));
    if (same(before, after)) continue;
    if (isIgnoreFile(p) && !isAbsolute(p)) {
      ignoreChanges.push({
        path: p,
        before: before?.toString('utf8') ?? '',
        after: after?.toString('utf8') ?? '',
      });
      continue;
    }
    found.set(
      p,
      isAbsolute(p)
        ? `${p} is git's internal data; a step changes the work tree only`
        : (protectedReason(o.policy, p) ?? `${p} is protected`),
    );
  }
  // Anything else the status shows under a protected name (a new nested specloop.toml …).
  const tree =
    o.tree ?? (await readWorkTree(o.repoDir, { env: o.env, extraEnv: { GIT_OPTIONAL_LOCKS: '0' } }));
  for (const e of tree.entries) {
    for (const p of entryPaths(e)) {
      // specloop's own machine state (journal, run records) is written during the attempt BY
      // specloop; its templates are compared through the snapshot above.
      if (p.split('/')[0] === STATE_DIR || o.snapshot.files.has(p)) continue;
      const why = protectedReason(o.policy, p);
      if (why && !found.has(p)) found.set(p, why);
    }
  }
  if (ignoreChanges.length > 0) {
    const created = await newIgnored(o, o.snapshot.takenAt);
    for (const c of ignoreChanges) {
      const hidden = hiddenByIgnore({ ignoreFile: c.path, before: c.before, after: c.after, created });
      if (hidden.length > 0)
        found.set(
          c.path,
          `${c.path}: the new lines hide files this step created (${hidden.slice(0, 5).join(', ')}); a step's files must reach its commit — do not ignore them`,
        );
    }
  }
  return [...found].map(([path, reason]) => ({ path, reason }));
}

/** Put every violated file back as the snapshot had it (or as HEAD has it, or remove it). */
export async function restoreViolations(
  o: GuardOptions & { snapshot: Snapshot; violations: Violation[] },
): Promise<string | undefined> {
  // Never lose work: nobody can tell a person's edit made while a step ran from the agent's,
  // so the discarded version of every file is kept under .specloop/discarded/ first.
  const keep = join(o.repoDir, STATE_DIR, 'discarded', String(o.snapshot.takenAt));
  let kept = false;
  for (const v of o.violations) {
    const abs = absOf(o, v.path);
    const st = await lstat(abs).catch(() => undefined);
    if (st?.isFile() && !isAbsolute(v.path)) {
      const to = join(keep, v.path);
      await mkdir(dirname(to), { recursive: true });
      // Machine state: never part of git status, a step's diff or a later violation check.
      await atomicWrite(join(keep, '..', '.gitignore'), '*\n');
      await copyFile(abs, to).then(
        () => {
          kept = true;
        },
        () => {},
      );
    }
    if (o.snapshot.files.has(v.path)) {
      const before = o.snapshot.files.get(v.path) ?? null;
      if (before === null) await rm(abs, { force: true, recursive: true });
      else await atomicWrite(abs, before);
      continue;
    }
    const inHead = await runGit(o.repoDir, ['cat-file', '-e', `HEAD:${v.path}`], { env: o.env });
    if (inHead.code === 0) await runGit(o.repoDir, ['checkout', 'HEAD', '--', v.path], { env: o.env });
    else await rm(abs, { force: true, recursive: true });
  }
  return kept ? keep : undefined;
}

/** The paragraph the next attempt's prompt carries when the last one broke the rule. */
export function violationNote(violations: Violation[]): string {
  if (violations.length === 0) return '';
  return [
    'specloop undid changes your last attempt made to files a step may not touch:',
    ...violations.map((v) => `- ${v.reason}`),
    'Those files are back as they were and will not be committed. Make the step pass by changing the code and its tests.',
  ].join('\n');
}

/**
 * The landing check in one call: find what the attempt changed against the rule, put it
 * back, and say why. Run after every executor attempt and before anything is committed.
 */
export async function enforceIntegrity(
  o: GuardOptions & { snapshot: Snapshot },
): Promise<{ violations: Violation[]; note: string }> {
  const violations = await findViolations(o);
  if (violations.length > 0) await restoreViolations({ ...o, violations });
  return { violations, note: violationNote(violations) };
}
