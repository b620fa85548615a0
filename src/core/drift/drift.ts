import { runGit } from '../../util/git.js';
import { planIdFor } from '../run/plan-id.js';
import { readProvenance } from './provenance.js';

export interface Drift {
  /** The commit the file was made from. */
  since: string;
  /** Code files changed since (specloop's own files not counted). */
  files: string[];
  commits: number;
  /** True when that is enough change to re-check the file against the code. */
  stale: boolean;
}

// specloop's own files change with every plan and run: they are not drift of the code.
const OWN =
  /^(?:\.specloop\/|changes\/|spec(?:\.\d+)?\.md$|prompt_plan\.md$|todo\.md$|specloop\.toml$|[^/]*\.todo\.md$)/;

/**
 * How much the code moved since the code recorded in `text`: files touched by commits
 * since then (for a plan, its own step commits excluded by their `Specloop-Plan` trailer). Stale from a fifth of the tracked files (at least one, at most ten) on.
 * Undefined when nothing is recorded or no commit on this branch has that tree (a shallow
 * clone, another branch).
 */
export async function driftSince(
  cwd: string,
  text: string,
  o: { env: Record<string, string | undefined>; planFile?: string },
): Promise<Drift | undefined> {
  const tree = readProvenance(text);
  if (!tree) return undefined;
  const top = await runGit(cwd, ['rev-parse', '--show-toplevel'], { env: o.env });
  if (top.code !== 0) return undefined;
  const repo = top.stdout.trim();
  // The newest commit on this branch with exactly that tree is the one the file describes.
  const trees = await runGit(repo, ['log', '--format=%H %T', 'HEAD'], { env: o.env });
  const since = trees.stdout
    .split('\n')
    .map((l) => l.split(' '))
    .find(([, t]) => t === tree)?.[0];
  if (!since) return undefined;
  const excludePlan = o.planFile ? planIdFor(repo, o.planFile) : undefined;
  const log = await runGit(
    repo,
    [
      'log',
      '--format=%x00%H%x09%(trailers:key=Specloop-Plan,valueonly,separator=%x2C)',
      '--name-only',
      `${since}..HEAD`,
    ],
    { env: o.env },
  );
  if (log.code !== 0) return undefined;
  const files = new Set<string>();
  let commits = 0;
  for (const entry of log.stdout.split('\0').slice(1)) {
    const [head, ...names] = entry.split('\n');
    const plan = (head ?? '').split('\t')[1]?.trim();
    if (excludePlan && plan === excludePlan) continue;
    const code = names.map((n) => n.trim()).filter((n) => n && !OWN.test(n));
    if (code.length) commits++;
    for (const n of code) files.add(n);
  }
  const tracked = await runGit(repo, ['ls-files'], { env: o.env });
  const total = tracked.stdout.split('\n').filter(Boolean).length;
  const threshold = Math.max(1, Math.min(10, Math.ceil(total / 5)));
  return { since, files: [...files].sort(), commits, stale: files.size >= threshold };
}

/** HEAD's tree id (what provenance records), or undefined outside a repository / before the first commit. */
export async function currentTree(
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const r = await runGit(cwd, ['rev-parse', '--verify', '-q', 'HEAD^{tree}'], { env });
  return r.code === 0 ? r.stdout.trim() || undefined : undefined;
}
