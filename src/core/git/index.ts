/**
 * The one git layer: every git process of run, team, pack and github goes through
 * `tryGit` / `git` here (the environment policy of `src/util/git.ts`, the context's env,
 * one error type `GitError`). Functions take the repository or worktree directory
 * explicitly and never assume a cwd or a branch.
 */

export { type CheckoutGitDirs, checkoutGitDirs, headFromFiles, refFromFiles } from './git-files.js';
export {
  branchExists,
  createBranch,
  currentBranch,
  emptyTree,
  gitDir,
  headCommit,
  isAncestor,
  repoRoot,
  requireRepo,
  resolveCommit,
  showFile,
  switchBranch,
  validBranchName,
} from './refs.js';
export { type GitEnv, GitError, type GitOptions, type GitResult, git, gitLine, tryGit } from './run-git.js';
export {
  readWorkTree,
  type TreeEntry,
  underPaths,
  type WorkTreeState,
  type WorkTreeView,
  withoutPaths,
  workTreeView,
} from './tree-state.js';
export {
  autoMaintenance,
  commit,
  excludeSpecs,
  headAfterCommit,
  type StatusEntry,
  stageAll,
  status,
  statusLine,
} from './work-tree.js';
