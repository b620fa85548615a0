import type { FaultHooks } from '../core/context.js';

/**
 * SPECLOOP_CRASH_AT (tests only) → the one fault-hook object on the context:
 * `point[:n]` SIGKILLs this process the n-th time core code reaches `point`;
 * `enospc@point[:n]` throws ENOSPC there instead (e.g. `enospc@write:run.json`).
 */
export function faultsFromEnv(spec: string | undefined): FaultHooks | undefined {
  if (!spec) return undefined;
  const enospc = spec.startsWith('enospc@');
  const [name, nth = '1'] = (enospc ? spec.slice('enospc@'.length) : spec).split(/:(?=\d+$)/);
  let seen = 0;
  return {
    at(point, before) {
      if (point !== name || ++seen < Number(nth)) return;
      if (enospc)
        throw Object.assign(new Error(`ENOSPC: no space left on device, write (${point})`), {
          code: 'ENOSPC',
        });
      before?.();
      process.kill(process.pid, 'SIGKILL');
    },
  };
}
