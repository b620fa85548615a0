import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Env = Record<string, string | undefined>;

/** Config + logs + keys dir: `$SPECLOOP_HOME`, else `$XDG_CONFIG_HOME/specloop`, else `~/.config/specloop`. */
export function specloopHome(env: Env): string {
  if (env.SPECLOOP_HOME) return env.SPECLOOP_HOME;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'specloop');
}

/** Cache dir (token-count cache): `$SPECLOOP_HOME/cache` when set (hermetic tests), else XDG cache. */
export function specloopCacheDir(env: Env): string {
  if (env.SPECLOOP_CACHE_DIR) return env.SPECLOOP_CACHE_DIR;
  if (env.SPECLOOP_HOME) return join(env.SPECLOOP_HOME, 'cache');
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'specloop');
}

let cachedRoot: string | undefined;
/** The installed package's root (where package.json and src/templates live), from src or dist alike. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'specloop') return (cachedRoot = dir);
      } catch {}
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('specloop package root not found');
    dir = up;
  }
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version;
}
