import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../../util/git.js';
import type { Context } from '../context.js';
import { UsageError, WorkError } from '../errors.js';

/** A remote to pack: where to fetch from, which ref, and the name the pack shows. */
export interface RemoteSpec {
  url: string;
  ref?: string;
  name: string;
}

const URL_LIKE = /^(https?|git|ssh|file):\/\/|^[\w.-]+@[\w.-]+:/;
const SHORTHAND = /^([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:@([^\s@]+))?$/;
const SHA = /^[0-9a-f]{40}$/;

/**
 * `--remote`: a git URL (`#ref` picks a branch, tag or commit), a GitHub URL
 * (`…/tree/<ref>` too), or `owner/repo[@ref]` for GitHub.
 */
export function parseRemote(spec: string): RemoteSpec {
  const s = spec.trim();
  if (URL_LIKE.test(s)) {
    const hash = s.indexOf('#');
    let url = hash >= 0 ? s.slice(0, hash) : s;
    let ref = hash >= 0 ? s.slice(hash + 1) || undefined : undefined;
    const tree = /^(https:\/\/github\.com\/[^/]+\/[^/]+)\/tree\/(.+)$/.exec(url);
    if (tree) {
      url = `${tree[1]}.git`;
      ref ??= tree[2];
    }
    const name = url
      .replace(/\/+$/, '')
      .replace(/\.git$/, '')
      .split(/[/:]/)
      .slice(-2)
      .join('/');
    return { url, ref, name };
  }
  const m = SHORTHAND.exec(s);
  if (!m) {
    throw new UsageError(`--remote: not a repository: "${spec}"`, {
      code: 'E_REMOTE',
      hint: 'pass a git URL (https://…, git://…, file://…, git@host:path) or owner/repo[@ref] for GitHub',
    });
  }
  return { url: `https://github.com/${m[1]}/${m[2]}.git`, ref: m[3], name: `${m[1]}/${m[2]}` };
}

async function git(cwd: string, ctx: Context, args: string[], what: string): Promise<string> {
  const r = await runGit(cwd, args, { env: ctx.env, signal: ctx.signal, timeoutMs: 10 * 60_000 }).catch(
    (err: Error) => {
      throw new WorkError(`cannot run git: ${err.message}`, {
        code: 'E_GIT',
        hint: 'install git to use --remote',
      });
    },
  );
  if (r.code !== 0) {
    throw new WorkError(`${what}: ${r.stderr.trim().split('\n').at(-1) ?? `git exited ${r.code}`}`, {
      code: 'E_REMOTE',
      hint: 'check the URL, the ref and your network / credentials (git must reach it without prompting)',
    });
  }
  return r.stdout;
}

/** The commit `ref` (default: HEAD) names on the remote. */
async function resolveCommit(ctx: Context, r: RemoteSpec): Promise<string> {
  if (r.ref && SHA.test(r.ref)) return r.ref;
  const want = r.ref ?? 'HEAD';
  const out = await git(ctx.cwd, ctx, ['ls-remote', '--', r.url, want], `cannot reach ${r.url}`);
  const rows = out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t') as [string, string]);
  // a tag's peeled commit (`^{}`) wins over the tag object; exact names over suffix matches
  const pick =
    rows.find(([, n]) => n === `refs/tags/${want}^{}`) ??
    rows.find(([, n]) => n === want || n === `refs/heads/${want}` || n === `refs/tags/${want}`) ??
    rows[0];
  if (!pick) {
    throw new UsageError(`--remote: ${r.url} has no ref "${want}"`, {
      code: 'E_REMOTE',
      hint: 'name a branch, a tag or a full commit id after @ (or #)',
    });
  }
  return pick[0];
}

/**
 * A shallow checkout of the remote's commit, cached under the cache dir by URL and commit
 * (the same commit is fetched once). Built in a temp directory and renamed into place, so
 * an interrupted fetch leaves nothing that looks complete.
 */
export async function checkoutRemote(
  ctx: Context,
  spec: string,
): Promise<{ dir: string; name: string; commit: string }> {
  const r = parseRemote(spec);
  const commit = await resolveCommit(ctx, r);
  const urlKey = createHash('sha1').update(r.url).digest('hex').slice(0, 16);
  const base = join(ctx.cacheDir, 'pack', 'remote', urlKey);
  const dir = join(base, commit);
  if (existsSync(join(dir, '.git'))) return { dir, name: r.name, commit };
  mkdirSync(base, { recursive: true });
  const tmp = join(base, `.${commit}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(tmp);
    await git(tmp, ctx, ['init', '-q'], 'git init failed');
    await git(
      tmp,
      ctx,
      ['fetch', '-q', '--depth', '1', '--', r.url, commit],
      `cannot fetch ${commit} from ${r.url}`,
    );
    await git(
      tmp,
      ctx,
      ['-c', 'advice.detachedHead=false', 'checkout', '-q', 'FETCH_HEAD'],
      'checkout failed',
    );
    writeFileSync(join(tmp, '.git', 'specloop-remote'), `${r.url}\n${commit}\n`);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!existsSync(join(dir, '.git'))) throw err; // another run won the race: use theirs
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, name: r.name, commit };
}
