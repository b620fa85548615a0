import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The configuration's layers without the schema: which files there are, the environment's
 * layer and how layers merge. Zod-free, so `lazy-load.ts` can tell whether there is
 * anything to validate before the schema is loaded.
 */

export const PROJECT_CONFIG = 'specloop.toml';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge: objects merge key by key, everything else (arrays too) is replaced. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  }
  return out;
}

/** Find the nearest specloop.toml walking up from `cwd`. */
export function findProjectConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const f = join(dir, PROJECT_CONFIG);
    if (existsSync(f)) return f;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The config files that apply from `cwd`: the global one (in `home`) and the nearest project one. */
export function configFiles(opts: { cwd: string; home: string }): { global?: string; project?: string } {
  const global = join(opts.home, 'config.toml');
  return { global: existsSync(global) ? global : undefined, project: findProjectConfig(opts.cwd) };
}

/** Environment variables that map onto config keys. */
export function envLayer(env: Record<string, string | undefined>): Obj {
  const out: Obj = {};
  if (env.SPECLOOP_MODEL) out.models = { default: env.SPECLOOP_MODEL };
  return out;
}
