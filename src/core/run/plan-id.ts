import { relative } from 'node:path';

/**
 * A plan's id: its path inside the repository without the extension, made ref-safe
 * (`prompt_plan.md` → `prompt_plan`, `plans/v2.md` → `plans-v2`). Every clone computes the
 * same id, so claim refs and `Specloop-Plan` trailers agree across machines.
 */
export function planIdFor(repoRoot: string, planFile: string): string {
  const rel = relative(repoRoot, planFile)
    .replace(/\\/g, '/')
    .replace(/\.[^./]+$/, '');
  return rel.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'plan';
}
