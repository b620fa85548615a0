import { existsSync, type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';

/**
 * Watches the local sources of the board — `.specloop/` (journal, run records, run
 * control), the plan's folder (todo.md, prompt_plan.md) and the git directory (HEAD and
 * refs move when a step lands) — and calls `onChange` once per burst of events
 * (debounced), so a change shows on the board well within a second.
 */
export function watchSources(o: {
  repoRoot: string;
  planDir: string;
  gitDir: string;
  debounceMs?: number;
  onChange: () => void;
}): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(o.onChange, o.debounceMs ?? 120);
  };
  const add = (dir: string, recursive: boolean, filter?: (name: string) => boolean) => {
    if (watchers.has(dir) || !existsSync(dir)) return;
    try {
      const w = watch(dir, { recursive }, (_event, name) => {
        if (!filter || filter(String(name ?? ''))) fire();
        arm();
      });
      w.on('error', () => {
        w.close();
        watchers.delete(dir);
      });
      watchers.set(dir, w);
    } catch {
      // A folder that vanished between the check and the watch: the next event re-arms it.
    }
  };
  const specloopDir = join(o.repoRoot, '.specloop');
  // Why re-arm: `.specloop/` may not exist when the board starts (the first run creates it).
  const arm = () => {
    // Inside a step's worktree the agent writes all the time: only the worktree itself
    // appearing or going (a --parallel / --team step starting or ending) counts.
    add(specloopDir, true, (n) => !n.startsWith('worktrees') || /^worktrees[\\/][^\\/]+[\\/]\d+$/.test(n));
    add(join(o.gitDir, 'refs'), true);
    add(join(o.gitDir, 'logs'), true);
  };
  // The git dir itself: HEAD, packed-refs; not the index (it changes on every `git status`).
  add(o.gitDir, false, (n) => n === 'HEAD' || n === 'packed-refs' || n === 'ORIG_HEAD');
  add(o.repoRoot, false, (n) => n === '.specloop' || n.endsWith('.md'));
  if (o.planDir !== o.repoRoot) add(o.planDir, false, (n) => n.endsWith('.md'));
  arm();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
